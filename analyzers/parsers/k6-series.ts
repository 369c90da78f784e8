import type { SeriesTags } from '../../core/artifacts/k6-windows.js';

/**
 * Series identity of k6 samples: which tags a series is keyed by (journey, name, scenario, status
 * class, check), the key of a (metric, tags) pair, and a bounded registry of series ids per metric.
 */

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

/** True when (metric, tags) is the series `s` (seriesKey's identity, without building the key). */
function sameSeries(s: { metric: string; tags: SeriesTags }, metric: string, tags: SeriesTags): boolean {
  const a = s.tags;
  return (
    s.metric === metric &&
    (a.journey ?? '') === (tags.journey ?? '') &&
    (a.name ?? '') === (tags.name ?? '') &&
    (a.status ?? '') === (tags.status ?? '') &&
    (a.scenario ?? '') === (tags.scenario ?? '') &&
    (a.check ?? '') === (tags.check ?? '')
  );
}

/**
 * Entries by series (metric + seriesKey's tags), in the order they were added. Sets of series (runner
 * windows, merged windows) list their series in much the same order, so `find` first tries the entry after
 * the one found last (call `restart()` before each set), and builds a key only when that guess misses.
 */
export class SeriesTable<E extends { metric: string; tags: SeriesTags }> {
  readonly entries: E[] = [];
  /** Entry index by seriesKey, once the table is past a few entries (a scan of a few is cheaper than a key). */
  private byKey: Map<string, number> | null = null;
  private cursor = 0;

  restart(): void {
    this.cursor = 0;
  }

  find(metric: string, tags: SeriesTags): E | undefined {
    const entries = this.entries;
    const guess = entries[this.cursor];
    if (guess && sameSeries(guess, metric, tags)) {
      this.cursor++;
      return guess;
    }
    let at: number | undefined;
    if (this.byKey) at = this.byKey.get(seriesKey(metric, tags));
    else {
      for (let i = 0; i < entries.length; i++) {
        if (sameSeries(entries[i]!, metric, tags)) {
          at = i;
          break;
        }
      }
      // Keys of parts with a NUL in them can be equal for different parts: then the keys decide, as the map's do.
      if (at === undefined && hasNul(metric, tags)) {
        const k = seriesKey(metric, tags);
        const i = entries.findIndex((x) => seriesKey(x.metric, x.tags) === k);
        if (i >= 0) at = i;
      }
    }
    if (at === undefined) return undefined;
    this.cursor = at + 1;
    return entries[at];
  }

  /** Adds the entry of a series `find` did not find. */
  add(e: E): E {
    const entries = this.entries;
    if (this.byKey) this.byKey.set(seriesKey(e.metric, e.tags), entries.length);
    else if (entries.length === SCAN_LIMIT) {
      this.byKey = new Map();
      entries.forEach((x, i) => this.byKey!.set(seriesKey(x.metric, x.tags), i));
      this.byKey.set(seriesKey(e.metric, e.tags), entries.length);
    }
    entries.push(e);
    this.cursor = entries.length;
    return e;
  }
}

const hasNul = (metric: string, tags: SeriesTags): boolean =>
  [metric, tags.journey, tags.name, tags.scenario, tags.status, tags.check].some((v) => v !== undefined && v.includes('\u0000'));

/** Up to this many entries, a SeriesTable finds a series by scanning them. */
const SCAN_LIMIT = 16;

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
