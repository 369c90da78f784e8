import type {
  CounterSeries,
  GaugeSeries,
  K6Run,
  K6WindowLine,
  RateSeries,
  SeriesTags,
  TrendSeries,
} from '../../core/artifacts/k6-windows.js';
import { decodeHistogramSafe, encodeHistogramFast } from './hdr-safe.js';
import { newHistogram, recordMs, type Histogram } from '../histogram.js';

/** The tag keys a series is keyed by, in key order. */
const TAG_KEYS = ['journey', 'name', 'scenario', 'status', 'check'] as const;

/** "200" → "2xx", "0" (network error) → "0xx"; anything unusual is kept as is. */
export function statusClass(status: string): string {
  if (/^\d{1,3}$/.test(status)) {
    const n = Number(status);
    return n === 0 ? '0xx' : `${Math.floor(n / 100)}xx`;
  }
  return status;
}

export function seriesKey(metric: string, tags: SeriesTags): string {
  return `${metric}\u0000${tags.journey ?? ''}\u0000${tags.name ?? ''}\u0000${tags.scenario ?? ''}\u0000${tags.status ?? ''}\u0000${tags.check ?? ''}`;
}

/** Picks the series tags out of a k6 point's tag object (status → status class, check only for `checks`). */
export function pickTags(metric: string, raw: Record<string, unknown> | null | undefined): SeriesTags {
  const tags: SeriesTags = {};
  if (!raw) return tags;
  for (const k of TAG_KEYS) {
    const v = raw[k];
    if (typeof v !== 'string' || v === '') continue;
    if (k === 'check' && metric !== 'checks') continue;
    tags[k] = k === 'status' ? statusClass(v) : v;
  }
  return tags;
}

/** A TrendSeries being accumulated: the live histogram instead of its encoding. */
type TrendAcc = Omit<TrendSeries, 'histogram'> & { h: Histogram };

/** Accumulates one window (or a whole run) of k6 samples into series. */
export class WindowAccumulator {
  // Keys are series keys (strings) or the k6-json reader's numeric ids of (metric, tags).
  readonly trends = new Map<string | number, TrendAcc>();
  readonly counters = new Map<string | number, CounterSeries>();
  readonly rates = new Map<string | number, RateSeries>();
  readonly gauges = new Map<string | number, GaugeSeries>();

  addTrend(key: string | number, metric: string, tags: SeriesTags, value: number): void {
    let t = this.trends.get(key);
    if (!t) {
      t = { metric, tags, count: 0, min: value, max: value, sum: 0, h: newHistogram() };
      this.trends.set(key, t);
    }
    t.count++;
    t.sum += value;
    if (value < t.min) t.min = value;
    if (value > t.max) t.max = value;
    recordMs(t.h, value);
  }

  addCounter(key: string | number, metric: string, tags: SeriesTags, value: number): void {
    const c = this.counters.get(key);
    if (c) c.value += value;
    else this.counters.set(key, { metric, tags, value });
  }

  addRate(key: string | number, metric: string, tags: SeriesTags, value: number): void {
    let r = this.rates.get(key);
    if (!r) {
      r = { metric, tags, trues: 0, total: 0 };
      this.rates.set(key, r);
    }
    r.total++;
    if (value !== 0) r.trues++;
  }

  addGauge(key: string | number, metric: string, tags: SeriesTags, value: number): void {
    const g = this.gauges.get(key);
    if (g) {
      g.value = value;
      if (value > g.max) g.max = value;
    } else this.gauges.set(key, { metric, tags, value, max: value });
  }

  /** Adds another accumulator's series into this one (histograms added in memory, no encode/decode). */
  absorb(other: WindowAccumulator): void {
    for (const [k, t] of other.trends) {
      const cur = this.trends.get(k);
      if (!cur) {
        const h = newHistogram();
        h.add(t.h);
        this.trends.set(k, { ...t, h });
      } else {
        cur.count += t.count;
        cur.sum += t.sum;
        if (t.min < cur.min) cur.min = t.min;
        if (t.max > cur.max) cur.max = t.max;
        cur.h.add(t.h);
      }
    }
    for (const [k, c] of other.counters) {
      const cur = this.counters.get(k);
      if (cur) cur.value += c.value;
      else this.counters.set(k, { ...c });
    }
    for (const [k, r] of other.rates) {
      const cur = this.rates.get(k);
      if (cur) {
        cur.trues += r.trues;
        cur.total += r.total;
      } else this.rates.set(k, { ...r });
    }
    for (const [k, g] of other.gauges) {
      const cur = this.gauges.get(k);
      if (cur) {
        cur.value = g.value;
        if (g.max > cur.max) cur.max = g.max;
      } else this.gauges.set(k, { ...g });
    }
  }

  toWindow(index: number, startMs: number, endMs: number): K6WindowLine {
    return {
      type: 'window',
      index,
      startMs,
      endMs,
      trends: [...this.trends.values()].map((t) => ({
        metric: t.metric,
        tags: t.tags,
        count: t.count,
        min: t.min,
        max: t.max,
        sum: t.sum,
        histogram: encodeHistogramFast(t.h),
      })),
      counters: [...this.counters.values()].map((c) => ({ ...c })),
      rates: [...this.rates.values()].map((r) => ({ ...r })),
      gauges: [...this.gauges.values()].map((g) => ({ ...g })),
    };
  }
}

type SeriesSet = Pick<K6WindowLine, 'trends' | 'counters' | 'rates' | 'gauges'>;

/**
 * Merges series sets (windows, or a late-points window into its finished twin) losslessly:
 * trend histograms are added, counters summed, rates summed, gauges take the later value and the max.
 */
export function mergeSeriesSets(sets: Iterable<SeriesSet>): SeriesSet {
  const trends = new Map<string, { s: TrendSeries; h: Histogram }>();
  const counters = new Map<string, CounterSeries>();
  const rates = new Map<string, RateSeries>();
  const gauges = new Map<string, GaugeSeries>();
  for (const set of sets) {
    for (const t of set.trends) {
      const k = seriesKey(t.metric, t.tags);
      const cur = trends.get(k);
      if (!cur) {
        trends.set(k, { s: { ...t, tags: { ...t.tags } }, h: decodeHistogramSafe(t.histogram, `series ${t.metric}`) });
      } else {
        cur.s.count += t.count;
        cur.s.sum += t.sum;
        cur.s.min = Math.min(cur.s.min, t.min);
        cur.s.max = Math.max(cur.s.max, t.max);
        cur.h.add(decodeHistogramSafe(t.histogram, `series ${t.metric}`));
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
    trends: [...trends.values()].map(({ s, h }) => ({ ...s, histogram: encodeHistogramFast(h) })),
    counters: [...counters.values()],
    rates: [...rates.values()],
    gauges: [...gauges.values()],
  };
}

export function emptyTotals(): K6Run['totals'] {
  return { trends: [], counters: [], rates: [], gauges: [] };
}
