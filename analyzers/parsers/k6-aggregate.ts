import type { CounterSeries, GaugeSeries, K6WindowLine, RateSeries, TrendSeries } from '../../core/artifacts/k6-windows.js';
import { HistogramSum } from '../histogram.js';
import { seriesKey } from './k6-series.js';

/**
 * Aggregation of k6 samples into windowed series, in four files with one job each:
 * series identity (k6-series.ts), one window's series (k6-accumulator.ts), bucketing into windows
 * (k6-windowing.ts) and, here, the lossless merge of series sets. The names the merge, the readers
 * and the shared test vectors use are re-exported, so they reach the rule through one import.
 */
export { emptyTotals, type MetricType } from './k6-accumulator.js';
export { OVERFLOW_NAME, pickTags, seriesKey, statusClass } from './k6-series.js';
export { WindowedRun } from './k6-windowing.js';

type SeriesSet = Pick<K6WindowLine, 'trends' | 'counters' | 'rates' | 'gauges'>;

/**
 * Merges series sets (windows, in time order) losslessly:
 * trend histograms are added, counters summed, rates summed, gauges take the value of the later set
 * (sets come in time order: a window's gauge value is its latest-timestamped sample's) and the max.
 */
export function mergeSeriesSets(sets: Iterable<SeriesSet>, file = ''): SeriesSet {
  const what = (metric: string): string => `${file ? `${file}: ` : ''}series ${metric}`;
  const trends = new Map<string, { s: TrendSeries; h: HistogramSum }>();
  const counters = new Map<string, CounterSeries>();
  const rates = new Map<string, RateSeries>();
  const gauges = new Map<string, GaugeSeries>();
  for (const set of sets) {
    for (const t of set.trends) {
      const k = seriesKey(t.metric, t.tags);
      const cur = trends.get(k);
      if (!cur) {
        const h = new HistogramSum();
        h.add(t.histogram, what(t.metric));
        trends.set(k, { s: { ...t, tags: { ...t.tags } }, h });
      } else {
        cur.s.count += t.count;
        cur.s.sum += t.sum;
        cur.s.min = Math.min(cur.s.min, t.min);
        cur.s.max = Math.max(cur.s.max, t.max);
        // One accumulator per series: each runner's histogram is decoded straight into it, encoded once.
        cur.h.add(t.histogram, what(t.metric));
      }
    }
    for (const c of set.counters) {
      const k = seriesKey(c.metric, c.tags);
      const cur = counters.get(k);
      if (cur) cur.value += c.value;
      else counters.set(k, { ...c, tags: { ...c.tags } });
    }
    for (const r of set.rates) {
      const k = seriesKey(r.metric, r.tags);
      const cur = rates.get(k);
      if (cur) {
        cur.trues += r.trues;
        cur.total += r.total;
      } else rates.set(k, { ...r, tags: { ...r.tags } });
    }
    for (const g of set.gauges) {
      const k = seriesKey(g.metric, g.tags);
      const cur = gauges.get(k);
      if (cur) {
        cur.value = g.value;
        cur.max = Math.max(cur.max, g.max);
      } else gauges.set(k, { ...g, tags: { ...g.tags } });
    }
  }
  return {
    trends: [...trends.values()].map(({ s, h }) => ({ ...s, histogram: h.encode() })),
    counters: [...counters.values()],
    rates: [...rates.values()],
    gauges: [...gauges.values()],
  };
}
