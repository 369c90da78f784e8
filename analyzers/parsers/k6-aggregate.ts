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

/** A merged series set whose trend histograms are still open sums (`s.histogram` is stale until encoded). */
export interface OpenSeriesSet {
  trends: { s: TrendSeries; h: HistogramSum }[];
  counters: CounterSeries[];
  rates: RateSeries[];
  gauges: GaugeSeries[];
}

/**
 * The lossless merge of series sets (windows, in time order), added one at a time:
 * trend histograms are added, counters summed, rates summed, gauges take the value of the later set
 * (sets come in time order: a window's gauge value is its latest-timestamped sample's) and the max.
 * Series keep the order they first appear in. `file` names the input in messages.
 */
export class SeriesSetSum {
  private readonly trends = new Map<string, { s: TrendSeries; h: HistogramSum; what: string }>();
  private readonly counters = new Map<string, CounterSeries>();
  private readonly rates = new Map<string, RateSeries>();
  private readonly gauges = new Map<string, GaugeSeries>();

  constructor(private readonly file = '') {}

  add(set: SeriesSet): void {
    for (const t of set.trends) {
      const cur = this.trend(t);
      cur.h.add(t.histogram, cur.what);
    }
    this.addScalars(set);
  }

  /** Adds a merged set still open (its histograms not encoded yet), as adding its encoded set would. */
  addOpen(set: OpenSeriesSet): void {
    for (const { s, h } of set.trends) this.trend(s).h.addSum(h);
    this.addScalars(set);
  }

  /** The merged set with its histograms still open: encode it with encodeSeriesSet. */
  open(): OpenSeriesSet {
    return { trends: [...this.trends.values()], counters: [...this.counters.values()], rates: [...this.rates.values()], gauges: [...this.gauges.values()] };
  }

  /** The series of `t`, its figures added (a new series starts from a copy of `t`); `what` names it in messages. */
  private trend(t: TrendSeries): { h: HistogramSum; what: string } {
    const k = seriesKey(t.metric, t.tags);
    const cur = this.trends.get(k);
    if (!cur) {
      const fresh = { s: { ...t, tags: { ...t.tags } }, h: new HistogramSum(), what: `${this.file ? `${this.file}: ` : ''}series ${t.metric}` };
      this.trends.set(k, fresh);
      return fresh;
    }
    cur.s.count += t.count;
    cur.s.sum += t.sum;
    cur.s.min = Math.min(cur.s.min, t.min);
    cur.s.max = Math.max(cur.s.max, t.max);
    return cur;
  }

  private addScalars(set: Pick<SeriesSet, 'counters' | 'rates' | 'gauges'>): void {
    for (const c of set.counters) {
      const k = seriesKey(c.metric, c.tags);
      const cur = this.counters.get(k);
      if (cur) cur.value += c.value;
      else this.counters.set(k, { ...c, tags: { ...c.tags } });
    }
    for (const r of set.rates) {
      const k = seriesKey(r.metric, r.tags);
      const cur = this.rates.get(k);
      if (cur) {
        cur.trues += r.trues;
        cur.total += r.total;
      } else this.rates.set(k, { ...r, tags: { ...r.tags } });
    }
    for (const g of set.gauges) {
      const k = seriesKey(g.metric, g.tags);
      const cur = this.gauges.get(k);
      if (cur) {
        cur.value = g.value;
        cur.max = Math.max(cur.max, g.max);
      } else this.gauges.set(k, { ...g, tags: { ...g.tags } });
    }
  }
}

/** An open set with its histograms encoded (each sum ends). */
export function encodeSeriesSet(set: OpenSeriesSet): SeriesSet {
  return { trends: set.trends.map(({ s, h }) => ({ ...s, histogram: h.encode() })), counters: set.counters, rates: set.rates, gauges: set.gauges };
}

/** Merges series sets (windows, in time order) losslessly: SeriesSetSum over all of them. */
export function mergeSeriesSets(sets: Iterable<SeriesSet>, file = ''): SeriesSet {
  const sum = new SeriesSetSum(file);
  for (const set of sets) sum.add(set);
  return encodeSeriesSet(sum.open());
}
