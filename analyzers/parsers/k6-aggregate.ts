import type { CounterSeries, GaugeSeries, K6WindowLine, RateSeries, SeriesTags, TrendSeries } from '../../core/artifacts/k6-windows.js';
import { HistogramSum, type HistogramSumState } from '../histogram.js';
import { SeriesTable } from './k6-series.js';

/**
 * Aggregation of k6 samples into windowed series, in four files with one job each:
 * series identity (k6-series.ts), one window's series (k6-accumulator.ts), bucketing into windows
 * (k6-windowing.ts) and, here, the lossless merge of series sets. The names the merge, the readers
 * and the shared test vectors use are re-exported, so they reach the rule through one import.
 */
export { emptyTotals, type MetricType } from './k6-accumulator.js';
export { OVERFLOW_NAME, pickTags, seriesKey, SeriesTable, statusClass } from './k6-series.js';
export { WindowedRun } from './k6-windowing.js';

type SeriesSet = Pick<K6WindowLine, 'trends' | 'counters' | 'rates' | 'gauges'>;

/** A trend's summed histogram as plain data, for another thread. */
export interface TrendHistogramState {
  metric: string;
  tags: SeriesTags;
  state: HistogramSumState;
}

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
  private readonly trends = new SeriesTable<{ metric: string; tags: SeriesTags; s: TrendSeries; h: HistogramSum; what: string }>();
  private readonly counters = new SeriesTable<CounterSeries>();
  private readonly rates = new SeriesTable<RateSeries>();
  private readonly gauges = new SeriesTable<GaugeSeries>();

  constructor(private readonly file = '') {}

  add(set: SeriesSet): void {
    this.trends.restart();
    for (const t of set.trends) {
      const cur = this.trend(t);
      cur.h.add(t.histogram, cur.what);
    }
    this.addScalars(set);
  }

  /**
   * Adds a set's figures, its trends' histograms aside: with joinHistograms, the sum of sets whose
   * histograms were summed elsewhere (the parts of a split merge), figures added in the sets' order.
   */
  addFigures(set: SeriesSet): void {
    this.trends.restart();
    for (const t of set.trends) this.trend(t);
    this.addScalars(set);
  }

  /** The trends' open histograms as plain data (HistogramSum.state), by series; null when one is on the library path. */
  histogramStates(): TrendHistogramState[] | null {
    const out: TrendHistogramState[] = [];
    for (const t of this.trends.entries) {
      const state = t.h.state();
      if (!state) return null;
      out.push({ metric: t.metric, tags: t.tags, state });
    }
    return out;
  }

  /** Joins, into each trend's histogram, its states from `parts` (in order: HistogramSum.join). */
  joinHistograms(parts: readonly (readonly TrendHistogramState[])[]): void {
    for (const part of parts) {
      const states = new SeriesTable<TrendHistogramState>();
      for (const st of part) states.add(st);
      states.restart();
      for (const t of this.trends.entries) {
        const st = states.find(t.metric, t.tags);
        if (st) t.h.join(st.state);
      }
    }
  }

  /** Adds a merged set still open (its histograms not encoded yet), as adding its encoded set would. */
  addOpen(set: OpenSeriesSet): void {
    this.trends.restart();
    for (const { s, h } of set.trends) this.trend(s).h.addSum(h);
    this.addScalars(set);
  }

  /** The merged set with its histograms still open: encode it with encodeSeriesSet. */
  open(): OpenSeriesSet {
    return { trends: [...this.trends.entries], counters: [...this.counters.entries], rates: [...this.rates.entries], gauges: [...this.gauges.entries] };
  }

  /** The series of `t`, its figures added (a new series starts from a copy of `t`); `what` names it in messages. */
  private trend(t: TrendSeries): { h: HistogramSum; what: string } {
    const cur = this.trends.find(t.metric, t.tags);
    if (!cur) {
      const s = { ...t, tags: { ...t.tags } };
      return this.trends.add({ metric: s.metric, tags: s.tags, s, h: new HistogramSum(), what: `${this.file ? `${this.file}: ` : ''}series ${t.metric}` });
    }
    cur.s.count += t.count;
    cur.s.sum += t.sum;
    cur.s.min = Math.min(cur.s.min, t.min);
    cur.s.max = Math.max(cur.s.max, t.max);
    return cur;
  }

  private addScalars(set: Pick<SeriesSet, 'counters' | 'rates' | 'gauges'>): void {
    const { counters, rates, gauges } = this;
    counters.restart();
    for (const c of set.counters) {
      const cur = counters.find(c.metric, c.tags);
      if (cur) cur.value += c.value;
      else counters.add({ ...c, tags: { ...c.tags } });
    }
    rates.restart();
    for (const r of set.rates) {
      const cur = rates.find(r.metric, r.tags);
      if (cur) {
        cur.trues += r.trues;
        cur.total += r.total;
      } else rates.add({ ...r, tags: { ...r.tags } });
    }
    gauges.restart();
    for (const g of set.gauges) {
      const cur = gauges.find(g.metric, g.tags);
      if (cur) {
        cur.value = g.value;
        cur.max = Math.max(cur.max, g.max);
      } else gauges.add({ ...g, tags: { ...g.tags } });
    }
  }
}

/** An open set with its histograms encoded: each sum ends, its series (the sum's own object) given its histogram. */
export function encodeSeriesSet(set: OpenSeriesSet): SeriesSet {
  const trends = set.trends.map(({ s, h }) => {
    s.histogram = h.encode();
    return s;
  });
  return { trends, counters: set.counters, rates: set.rates, gauges: set.gauges };
}

/** Merges series sets (windows, in time order) losslessly: SeriesSetSum over all of them. */
export function mergeSeriesSets(sets: Iterable<SeriesSet>, file = ''): SeriesSet {
  const sum = new SeriesSetSum(file);
  for (const set of sets) sum.add(set);
  return encodeSeriesSet(sum.open());
}
