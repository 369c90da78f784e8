import type {
  CounterSeries,
  GaugeSeries,
  K6Run,
  K6WindowLine,
  RateSeries,
  SeriesTags,
  TrendSeries,
} from '../../core/artifacts/k6-windows.js';
import { addEncodedHistogram, encodeHistogram, newHistogram, recordMs, type Histogram } from '../histogram.js';

/** The tag keys a series is keyed by, in key order. */
const TAG_KEYS = ['journey', 'name', 'scenario', 'status', 'check'] as const;

/**
 * k6's `status` tag → its class: three digits "NNN" → "Nxx"; anything else that is present ("0" for a
 * network error, or an odd value) → "0xx", a request without a usable HTTP status. The Go output
 * follows the same rule (xk6/aggregate.go StatusClass; test/fixtures/k6/merge-vectors.json).
 */
export function statusClass(status: string): string {
  if (status === '') return '';
  return /^\d{3}$/.test(status) ? `${status[0]}xx` : '0xx';
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

/** The `name` tag of a metric's overflow series, where points beyond the series bound go. */
export const OVERFLOW_NAME = '(other: series limit reached)';

/**
 * Gives each (metric, tags) a small integer id, at most `maxPerMetric` distinct tag sets per metric.
 * Past the bound, a new tag set is kept under the metric's overflow series (same journey, scenario and
 * status, name = OVERFLOW_NAME; if even those overflow, status only), so memory stays bounded whatever
 * the cardinality of the input, and the counts stay whole.
 */
export class SeriesRegistry {
  private readonly ids = new Map<string, number>();
  private readonly perMetric = new Map<string, { series: number; overflowed: number; values: Map<keyof SeriesTags, Set<string>> }>();

  constructor(private readonly maxPerMetric: number) {}

  resolve(metric: string, tags: SeriesTags): { id: number; tags: SeriesTags } {
    const k = seriesKey(metric, tags);
    const known = this.ids.get(k);
    if (known !== undefined) return { id: known, tags };
    let m = this.perMetric.get(metric);
    if (!m) this.perMetric.set(metric, (m = { series: 0, overflowed: 0, values: new Map() }));
    if (m.series < this.maxPerMetric) {
      m.series++;
      for (const key of TAG_KEYS) {
        const v = tags[key];
        if (v === undefined) continue;
        let set = m.values.get(key);
        if (!set) m.values.set(key, (set = new Set()));
        set.add(v);
      }
      const id = this.ids.size;
      this.ids.set(k, id);
      return { id, tags };
    }
    m.overflowed++;
    let over: SeriesTags = { ...tags, name: OVERFLOW_NAME };
    delete over.check;
    if (!this.ids.has(seriesKey(metric, over)) && m.series >= this.maxPerMetric + 16) over = { name: OVERFLOW_NAME, ...(tags.status ? { status: tags.status } : {}) };
    const ok = seriesKey(metric, over);
    let id = this.ids.get(ok);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(ok, id);
      m.series++;
    }
    return { id, tags: over };
  }

  /** One warning per metric that hit the bound, naming the tag to group by. */
  warnings(file: string): string[] {
    const out: string[] = [];
    for (const [metric, m] of this.perMetric) {
      if (m.overflowed === 0) continue;
      let worst: [string, number] = ['name', 0];
      for (const [key, set] of m.values) if (set.size > worst[1]) worst = [key, set.size];
      out.push(
        `${file}: ${metric} has more than ${this.maxPerMetric} distinct tag sets (the tag "${worst[0]}" alone has ${worst[1]}+ values); ` +
          `${m.overflowed} tag set(s) beyond the limit were merged into one series named "${OVERFLOW_NAME}" (totals stay exact; ` +
          `journey SLOs matched by the name tag do not see them). Group by a bounded tag: k6 uses the URL as "name" by default, so give ` +
          `dynamic URLs a name (http.get(url, { tags: { name: 'GET /posts/:id' } })) or tag requests with "journey"; --max-series raises the limit`,
      );
    }
    return out;
  }
}

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
}

/**
 * Buckets samples into fixed windows from `startMs` with the contract's rule (core/artifacts/k6-windows.ts),
 * the same as the Go output's Aggregator (xk6/aggregate.go; test/fixtures/k6/merge-vectors.json): a
 * sample counts in the window its timestamp falls in while that window is open; once a window is
 * closed, a sample for it counts in the oldest open window and in `late`. Closed windows are final.
 */
export class WindowedRun {
  readonly closed: K6WindowLine[] = [];
  readonly totals = new WindowAccumulator();
  /** Samples whose window had already closed. */
  late = 0;
  /** Index of the oldest window not closed yet. */
  private next = 0;
  private readonly open = new Map<number, WindowAccumulator>();

  constructor(
    readonly startMs: number,
    readonly windowMs: number,
  ) {}

  indexOf(atMs: number): number {
    return atMs > this.startMs ? Math.floor((atMs - this.startMs) / this.windowMs) : 0;
  }

  add(type: MetricType, key: string | number, metric: string, tags: SeriesTags, value: number, atMs: number): void {
    let index = this.indexOf(atMs);
    if (index < this.next) {
      index = this.next;
      this.late++;
    }
    let acc = this.open.get(index);
    if (!acc) this.open.set(index, (acc = new WindowAccumulator()));
    acc.add(type, key, metric, tags, value, atMs);
  }

  /** Closes, in order, every window that ended at or before `atMs` (empty ones too: windows are contiguous). */
  closeUntil(atMs: number): void {
    while (this.windowStart(this.next + 1) <= atMs) this.closeNext(this.windowStart(this.next + 1));
  }

  /** Closes every remaining window at the end of the run; the last one ends at `stopMs` unless it is complete. */
  closeAll(stopMs: number): void {
    this.closeUntil(stopMs);
    let last = -1;
    for (const index of this.open.keys()) if (index > last) last = index;
    if (stopMs > this.windowStart(this.next) && this.next > last) last = this.next;
    while (this.next <= last) {
      let end = this.windowStart(this.next + 1);
      if (stopMs < end && this.next === last) end = stopMs;
      this.closeNext(end);
    }
  }

  private windowStart(index: number): number {
    return this.startMs + index * this.windowMs;
  }

  private closeNext(endMs: number): void {
    const index = this.next;
    const acc = this.open.get(index) ?? new WindowAccumulator();
    this.open.delete(index);
    this.totals.absorb(acc);
    this.closed.push(acc.toWindow(index, this.windowStart(index), endMs));
    this.next++;
  }
}

type SeriesSet = Pick<K6WindowLine, 'trends' | 'counters' | 'rates' | 'gauges'>;

/**
 * Merges series sets (windows, in time order) losslessly:
 * trend histograms are added, counters summed, rates summed, gauges take the value of the later set
 * (sets come in time order: a window's gauge value is its latest-timestamped sample's) and the max.
 */
export function mergeSeriesSets(sets: Iterable<SeriesSet>, file = ''): SeriesSet {
  const what = (metric: string): string => `${file ? `${file}: ` : ''}series ${metric}`;
  const trends = new Map<string, { s: TrendSeries; h: Histogram }>();
  const counters = new Map<string, CounterSeries>();
  const rates = new Map<string, RateSeries>();
  const gauges = new Map<string, GaugeSeries>();
  for (const set of sets) {
    for (const t of set.trends) {
      const k = seriesKey(t.metric, t.tags);
      const cur = trends.get(k);
      if (!cur) {
        const h = newHistogram();
        addEncodedHistogram(h, t.histogram, what(t.metric));
        trends.set(k, { s: { ...t, tags: { ...t.tags } }, h });
      } else {
        cur.s.count += t.count;
        cur.s.sum += t.sum;
        cur.s.min = Math.min(cur.s.min, t.min);
        cur.s.max = Math.max(cur.s.max, t.max);
        // One accumulator per series: each runner's histogram is decoded straight into it, encoded once.
        addEncodedHistogram(cur.h, t.histogram, what(t.metric));
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
    trends: [...trends.values()].map(({ s, h }) => ({ ...s, histogram: encodeHistogram(h) })),
    counters: [...counters.values()],
    rates: [...rates.values()],
    gauges: [...gauges.values()],
  };
}

export function emptyTotals(): K6Run['totals'] {
  return { trends: [], counters: [], rates: [], gauges: [] };
}
