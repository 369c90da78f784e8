import type { CounterSeries, GaugeSeries, K6Run, K6WindowLine, RateSeries, SeriesTags, TrendSeries } from '../../core/artifacts/k6-windows.js';
import { encodeHistogram, newHistogram, recordMs, type Histogram } from '../histogram.js';

/** A TrendSeries being accumulated: the live histogram instead of its encoding. */
type TrendAcc = Omit<TrendSeries, 'histogram'> & { h: Histogram };
/** A GaugeSeries being accumulated, with the time of the sample its value comes from. */
type GaugeAcc = GaugeSeries & { atMs: number };

export type MetricType = 'trend' | 'counter' | 'rate' | 'gauge';

/** Accumulates one window (or a whole run) of k6 samples into series. */
export class WindowAccumulator {
  // Keys are series keys (strings) or the k6-json reader's numeric ids of (metric, tags).
  readonly trends = new Map<string | number, TrendAcc>();
  readonly counters = new Map<string | number, CounterSeries>();
  readonly rates = new Map<string | number, RateSeries>();
  readonly gauges = new Map<string | number, GaugeAcc>();

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

  /** The value is that of the latest-timestamped sample (not of the last to arrive), the max of all. */
  addGauge(key: string | number, metric: string, tags: SeriesTags, value: number, atMs: number): void {
    const g = this.gauges.get(key);
    if (g) {
      if (atMs >= g.atMs) {
        g.value = value;
        g.atMs = atMs;
      }
      if (value > g.max) g.max = value;
    } else this.gauges.set(key, { metric, tags, value, max: value, atMs });
  }

  add(type: MetricType, key: string | number, metric: string, tags: SeriesTags, value: number, atMs: number): void {
    switch (type) {
      case 'trend':
        return this.addTrend(key, metric, tags, value);
      case 'counter':
        return this.addCounter(key, metric, tags, value);
      case 'rate':
        return this.addRate(key, metric, tags, value);
      case 'gauge':
        return this.addGauge(key, metric, tags, value, atMs);
    }
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
        if (g.atMs >= cur.atMs) {
          cur.value = g.value;
          cur.atMs = g.atMs;
        }
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
        histogram: encodeHistogram(t.h),
      })),
      counters: [...this.counters.values()].map((c) => ({ ...c })),
      rates: [...this.rates.values()].map((r) => ({ ...r })),
      gauges: [...this.gauges.values()].map(({ metric, tags, value, max }) => ({ metric, tags, value, max })),
    };
  }

  /** The series as a run's totals. */
  toTotals(): K6Run['totals'] {
    const { trends, counters, rates, gauges } = this.toWindow(0, 0, 0);
    return { trends, counters, rates, gauges };
  }
}

/** A run without a sample. */
export function emptyTotals(): K6Run['totals'] {
  return { trends: [], counters: [], rates: [], gauges: [] };
}
