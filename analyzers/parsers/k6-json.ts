import type { K6Run, K6WindowLine, SeriesTags } from '../../core/artifacts/k6-windows.js';
import { UserError } from '../../core/errors.js';
import { emptyTotals, OVERFLOW_NAME, pickTags, SeriesRegistry, statusClass, WindowedRun, type MetricType, type WindowAccumulator } from './k6-aggregate.js';
import { EVENT_COUNTER, outOfRange } from './figures.js';
import { readK6Windows, K6_WINDOWS_SCHEMA } from './k6-windows.js';
import { CorruptLineTracker, excerpt, forEachLineBytes, mixedFormats } from './lines.js';
import { openHead } from './sniff.js';
import { latin1, Rfc3339Clock } from './rfc3339-clock.js';

export const DEFAULT_WINDOW_MS = 10_000;

export interface ReadK6JsonOptions {
  /** Width of the windows points are bucketed into (default 10 s). */
  windowMs?: number;
  /** Count and skip corrupt lines in the middle instead of failing on the first. */
  lenient?: boolean;
  /**
   * Only aggregate these metrics (others are skipped cheaply, without parsing). Default: all.
   * slo-check passes `http_reqs`, `http_req_duration`, `http_req_failed`.
   */
  metrics?: ReadonlySet<string>;
  signal?: AbortSignal;
  /**
   * Distinct tag sets kept per metric (default 1,000). Beyond it, points go to one overflow series per
   * metric (name tag "${OVERFLOW_NAME}") and a warning names the tag with the most values: k6 uses the URL as
   * `name` by default, so dynamic URLs would otherwise make one series (and one histogram) per URL.
   */
  maxSeriesPerMetric?: number;
}

export const DEFAULT_MAX_SERIES_PER_METRIC = 1000;

const METRIC_TYPES = new Set<string>(['trend', 'counter', 'rate', 'gauge']);

/**
 * Windows still accepting points behind the newest one (k6 flushes points slightly out of order); a point
 * older than that is late: it counts in the oldest open window (the contract's rule, as in the Go output).
 */
const OPEN_WINDOWS_GRACE = 2;
/** Guard against absurd spans (broken timestamps): more windows than a 100-day run at 1 min. */
const MAX_WINDOWS = 150_000;
/**
 * Trend values beyond this (in the metric's unit; ms for time trends: ~11.6 days) are clamped in the
 * histogram, so that its auto-resized range (up to 2× the largest value, in µs) stays inside what
 * the histogram decoder accepts back (MAX_TRACKABLE, 1e13): a clamp, never a "corrupt histogram" later.
 */
export const MAX_TREND_VALUE = 1e9;


const POINT_PREFIX = '{"metric":"';
const POINT_MID = '","type":"Point","data":{"time":"';
const VALUE_MID = '","value":';
const TAGS_MID = ',"tags":';

/**
 * Streams stock `k6 run --out json=<file>` NDJSON (Metric and Point lines), never the whole file,
 * and buckets points into windows of `windowMs`, giving the same `K6Run` shape as our extension's
 * NDJSON. Point lines in k6's own layout take a fast path (no JSON.parse); anything unusual falls
 * back to JSON.parse. Trend histograms record round(value × 1000) (µs for time trends).
 */
export async function readK6Json(file: string, opts: ReadK6JsonOptions = {}): Promise<K6Run> {
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new UserError(`window width must be a positive duration, got ${windowMs} ms`, { fix: 'pass a window such as 10s' });
  }
  const wanted = opts.metrics;
  const tracker = new CorruptLineTracker(file, opts.lenient ?? false, 'k6 --out json NDJSON');
  const types = new Map<string, MetricType>();
  /** Trends that hold durations (`contains: "time"`): a negative value is impossible there. */
  const timeTrends = new Set<string>();
  const unknownMetrics = new Set<string>();
  let run: WindowedRun | null = null;
  let startMs = Number.NaN;
  let minMs = Number.POSITIVE_INFINITY;
  let maxMs = Number.NEGATIVE_INFINITY;
  let maxIndex = -1;
  let firstLine = true;
  let points = 0;
  let warmupPoints = 0;
  let clamped = 0;
  let firstClamped = '';

  const clock = new Rfc3339Clock();

  const windowsFor = (t: number): WindowedRun => {
    if (!run) {
      startMs = t;
      run = new WindowedRun(t, windowMs);
    }
    const index = run.indexOf(t);
    if (index > MAX_WINDOWS) {
      throw new UserError(
        `points span more than ${MAX_WINDOWS} windows of ${windowMs} ms (from ${new Date(startMs).toISOString()} to ${new Date(t).toISOString()}): the timestamps look broken, or the window is too small`,
        { where: file, fix: 'check the file, or pass a larger window (--window 1m)' },
      );
    }
    if (t < minMs) minMs = t;
    if (t > maxMs) maxMs = t;
    if (index > maxIndex) {
      maxIndex = index;
      run.closeUntil(startMs + (index - OPEN_WINDOWS_GRACE) * windowMs);
    }
    return run;
  };

  // Series ids: (metric, tags) → a small integer key, so the hot path builds no key strings; bounded per metric.
  const registry = new SeriesRegistry(opts.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES_PER_METRIC);
  /** Tag regions seen before (k6 repeats the same tag set for every point of a request type). */
  interface TagInfo {
    tags: SeriesTags;
    /** `phase: warmup` (a generated script's warm-up): excluded, like perf's own results exclude it. */
    warmup: boolean;
    /** metric → series id and the tags it is kept under (the overflow series' tags past the bound) */
    ids: Map<string, { id: number; tags: SeriesTags }>;
  }
  const tagCache = new Map<string, TagInfo>();
  const checkTagCache = new Map<string, TagInfo>();
  const TAG_CACHE_MAX = 50_000;

  const addPoint = (metric: string, t: number, value: number, rawTags: SeriesTags, lineNo: number, series?: { id: number; tags: SeriesTags }): void => {
    const type = types.get(metric);
    if (type === undefined) {
      unknownMetrics.add(metric);
      return;
    }
    if (!Number.isFinite(t)) {
      tracker.corrupt(lineNo, `Point has an unreadable time`);
      return;
    }
    if (value < 0 && (type === 'counter' || timeTrends.has(metric))) {
      throw outOfRange(`${file}:${lineNo}`, `${metric}.value`, `is negative (${value}), not ${type === 'counter' ? 'a count increment (≥ 0)' : 'a duration (≥ 0 ms)'}`);
    }
    if (type === 'counter' && !Number.isInteger(value) && EVENT_COUNTER.test(metric)) {
      throw outOfRange(`${file}:${lineNo}`, `${metric}.value`, `is not a whole number (${value}), not a count of events`);
    }
    tracker.ok();
    points++;
    const windows = windowsFor(t);
    const { id: key, tags } = series ?? registry.resolve(metric, rawTags);
    if (type === 'trend' && !(value <= MAX_TREND_VALUE)) {
      if (clamped++ === 0) firstClamped = `${metric} ${value} at line ${lineNo}`;
      windows.add(type, key, metric, tags, MAX_TREND_VALUE, t);
    } else windows.add(type, key, metric, tags, value, t);
  };

  /** Full JSON.parse path: Metric lines, and Point lines in any other layout. */
  const slowPath = (line: string, lineNo: number): void => {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      tracker.corrupt(lineNo, `not valid JSON: ${excerpt(line)}`);
      return;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      tracker.corrupt(lineNo, `not a JSON object: ${excerpt(line)}`);
      return;
    }
    const rec = o as { type?: unknown; metric?: unknown; data?: unknown };
    const data = (typeof rec.data === 'object' && rec.data !== null ? rec.data : {}) as Record<string, unknown>;
    if (rec.type === 'Metric') {
      const name = typeof rec.metric === 'string' ? rec.metric : typeof data.name === 'string' ? data.name : null;
      const type = typeof data.type === 'string' ? data.type : null;
      if (!name || !type || !METRIC_TYPES.has(type)) {
        tracker.corrupt(lineNo, `Metric line without a name and a known type: ${excerpt(line)}`);
        return;
      }
      tracker.ok();
      types.set(name, type as MetricType);
      if (type === 'trend' && data.contains === 'time') timeTrends.add(name);
      return;
    }
    if (rec.type === 'Point') {
      const metric = rec.metric;
      const value = data.value;
      const time = data.time;
      if (typeof metric !== 'string' || typeof value !== 'number' || !Number.isFinite(value) || typeof time !== 'string') {
        tracker.corrupt(lineNo, `Point line without metric/time/value: ${excerpt(line)}`);
        return;
      }
      if (wanted && !wanted.has(metric)) {
        tracker.ok();
        return;
      }
      const rawTags = typeof data.tags === 'object' && data.tags !== null ? (data.tags as Record<string, unknown>) : null;
      if (rawTags?.phase === 'warmup') {
        warmupPoints++;
        tracker.ok();
        return;
      }
      addPoint(metric, clock.parse(time), value, pickTags(metric, rawTags), lineNo);
      return;
    }
    const foreign = foreignLine(rec);
    if (foreign) throw mixedFormats(file, lineNo, foreign, 'k6 --out json');
    // Other line types (newer k6 versions) carry nothing we aggregate.
    tracker.ok();
  };

  const onLine = (line: string, lineNo: number): void => {
    if (firstLine) {
      firstLine = false;
      if (!line.startsWith('{"type":"Metric"') && !line.startsWith(POINT_PREFIX)) {
        let o: unknown = null;
        try {
          o = JSON.parse(line);
        } catch {
          /* described below */
        }
        const t = (o as { type?: unknown } | null)?.type;
        if (t !== 'Metric' && t !== 'Point') throw notK6Json(file, line, o);
      }
    }
    if (!line.startsWith(POINT_PREFIX)) {
      slowPath(line, lineNo);
      return;
    }
    const nameEnd = line.indexOf('"', POINT_PREFIX.length);
    if (nameEnd === -1 || !line.startsWith(POINT_MID, nameEnd)) {
      slowPath(line, lineNo);
      return;
    }
    const metric = line.slice(POINT_PREFIX.length, nameEnd);
    if (wanted && !wanted.has(metric)) {
      // Skipped cheaply; still catch a line cut short in the middle of the file.
      if (line.charCodeAt(line.length - 1) !== 125 /* } */) tracker.corrupt(lineNo, `line is cut short: ${excerpt(line)}`);
      else tracker.ok();
      return;
    }
    const timeStart = nameEnd + POINT_MID.length;
    const timeEnd = line.indexOf('"', timeStart);
    if (timeEnd === -1 || !line.startsWith(VALUE_MID, timeEnd)) {
      slowPath(line, lineNo);
      return;
    }
    const valueStart = timeEnd + VALUE_MID.length;
    const valueEnd = line.indexOf(TAGS_MID, valueStart);
    if (valueEnd === -1 || !line.endsWith('}}}')) {
      slowPath(line, lineNo);
      return;
    }
    const c0 = line.charCodeAt(valueStart);
    const value = Number(line.slice(valueStart, valueEnd));
    if (!(c0 === 45 || (c0 >= 48 && c0 <= 57)) || !Number.isFinite(value)) {
      slowPath(line, lineNo);
      return;
    }
    const region = line.slice(valueEnd + TAGS_MID.length, line.length - 2);
    const cache = metric === 'checks' ? checkTagCache : tagCache;
    let info = cache.get(region);
    if (!info) {
      if (region.charCodeAt(0) !== 123 /* { */ || region.includes('\\') || region.includes('"metadata":')) {
        slowPath(line, lineNo);
        return;
      }
      if (cache.size >= TAG_CACHE_MAX) cache.clear();
      info = { tags: tagsOfRegion(region, metric), warmup: region.includes('"phase":"warmup"'), ids: new Map() };
      cache.set(region, info);
    }
    if (info.warmup) {
      warmupPoints++;
      tracker.ok();
      return;
    }
    let series = info.ids.get(metric);
    if (series === undefined) info.ids.set(metric, (series = registry.resolve(metric, info.tags)));
    addPoint(metric, clock.at(line, timeStart, timeEnd), value, info.tags, lineNo, series);
  };

  // Byte-level pre-filter: a Point line of a metric we do not aggregate is skipped without decoding it
  // (most lines of a k6 file are http_req_blocked/_sending/... that SLOs do not need).
  const bytesOf = (x: string): Uint8Array => Uint8Array.from(Buffer.from(x, 'latin1'));
  const prefix = bytesOf(POINT_PREFIX);
  const plen = prefix.length;
  const midB = bytesOf(POINT_MID);
  const valueMidB = bytesOf(VALUE_MID);
  const tagsMidB = bytesOf(TAGS_MID);
  const wantedList = wanted ? [...wanted] : null;
  const wantedBytes = wantedList ? wantedList.map(bytesOf) : null;
  const matchAt = (buf: Buffer, at: number, end: number, pat: Uint8Array): boolean => {
    const n = pat.length;
    if (at + n > end) return false;
    for (let i = 0; i < n; i++) if (buf[at + i] !== pat[i]) return false;
    return true;
  };

  /**
   * The hot path: a Point line in k6's own layout parsed straight from bytes (no line string, no
   * JSON.parse). Returns false when the line is unusual in any way; the caller then takes the string path.
   */
  const fastPoint = (buf: Buffer, start: number, end: number, lineNo: number, nameStart: number, nameEnd: number, metric: string): boolean => {
    if (!matchAt(buf, nameEnd, end, midB)) return false;
    if (buf[end - 1] !== 125 || buf[end - 2] !== 125 || buf[end - 3] !== 125) return false;
    const ts = nameEnd + midB.length;
    let te = ts;
    while (te < end && buf[te] !== 34) te++;
    if (!matchAt(buf, te, end, valueMidB)) return false;
    const t = clock.atBytes(buf, ts, te);
    if (Number.isNaN(t)) return false;
    // value: [-]digits[.digits]; anything else (exponents) via Number()
    const vs = te + valueMidB.length;
    let p = vs;
    let neg = false;
    if (buf[p] === 45) {
      neg = true;
      p++;
    }
    let mant = 0;
    let digits = 0;
    let fracDigits = 0;
    let seenDot = false;
    for (; p < end; p++) {
      const c = buf[p]!;
      if (c >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        digits++;
        if (seenDot) fracDigits++;
      } else if (c === 46 && !seenDot) seenDot = true;
      else break;
    }
    let value: number;
    if (buf[p] === 44 /* , */ && digits > 0 && digits <= 15 && fracDigits <= 22) {
      value = fracDigits > 0 ? mant / 10 ** fracDigits : mant;
      if (neg) value = -value;
    } else {
      let q = p;
      while (q < end && buf[q] !== 44) q++;
      value = Number(latin1(buf, vs, q));
      if (!Number.isFinite(value) || q === vs) return false;
      p = q;
    }
    if (!matchAt(buf, p, end, tagsMidB)) return false;
    const rs = p + tagsMidB.length;
    const re = end - 2;
    if (buf[rs] !== 123) return false;
    const key = latin1(buf, rs, re);
    const cache = metric === 'checks' ? checkTagCache : tagCache;
    let info = cache.get(key);
    if (!info) {
      const region = buf.toString('utf8', rs, re);
      if (region.includes('\\') || region.includes('"metadata":')) return false;
      if (cache.size >= TAG_CACHE_MAX) cache.clear();
      info = { tags: tagsOfRegion(region, metric), warmup: region.includes('"phase":"warmup"'), ids: new Map() };
      cache.set(key, info);
    }
    if (info.warmup) {
      warmupPoints++;
      tracker.ok();
      return true;
    }
    let series = info.ids.get(metric);
    if (series === undefined) info.ids.set(metric, (series = registry.resolve(metric, info.tags)));
    addPoint(metric, t, value, info.tags, lineNo, series);
    return true;
  };

  const onBytes = (buf: Buffer, start: number, end: number, lineNo: number): void => {
    if (!firstLine && end - start > plen && matchAt(buf, start, end, prefix)) {
      const nameStart = start + plen;
      let q = nameStart;
      while (q < end && buf[q] !== 34 /* " */) q++;
      let metric: string | null = null;
      if (wantedBytes && wantedList) {
        const len = q - nameStart;
        for (let w = 0; w < wantedBytes.length; w++) {
          const wb = wantedBytes[w]!;
          if (wb.length === len && matchAt(buf, nameStart, q, wb)) {
            metric = wantedList[w]!;
            break;
          }
        }
        if (metric === null) {
          // Skipped without decoding; still catch a line cut short in the middle of the file.
          if (buf[end - 1] !== 125 /* } */) tracker.corrupt(lineNo, `line is cut short: ${excerpt(buf.toString('utf8', start, Math.min(end, start + 200)))}`);
          else tracker.ok();
          return;
        }
      } else if (q < end) metric = latin1(buf, nameStart, q);
      if (metric !== null && fastPoint(buf, start, end, lineNo, nameStart, q, metric)) return;
    }
    onLine(buf.toString('utf8', start, end), lineNo);
  };
  const { lines } = await forEachLineBytes(file, onBytes, opts.signal ? { signal: opts.signal } : {});
  if (lines === 0 || firstLine) {
    throw new UserError(`${file} is empty`, { where: file, fix: 'pass the file written by "k6 run --out json=<file>"' });
  }
  const warnings = tracker.finish();
  if (unknownMetrics.size > 0) {
    warnings.push(`${file}: skipped points of metric(s) never declared by a Metric line: ${[...unknownMetrics].slice(0, 5).join(', ')}`);
  }
  const runEnd = points > 0 ? maxMs : 0;
  const r = run as WindowedRun | null;
  r?.closeAll(runEnd);
  const windows: K6WindowLine[] = r?.closed ?? [];
  // The last window ends at the last point (a run rarely fills its final window).
  const last = windows[windows.length - 1];
  if (last && last.endMs <= last.startMs) last.endMs = last.startMs + 1;
  if (r && r.late > 0) {
    warnings.push(`${file}: ${r.late} point(s) arrived after their window had closed (more than ${OPEN_WINDOWS_GRACE} windows out of order); counted in the oldest open window`);
  }
  if (clamped > 0) {
    warnings.push(`${file}: ${clamped} trend value(s) above ${MAX_TREND_VALUE} (ms for durations, ~11.6 days) were clamped to it in the histograms (the first: ${firstClamped})`);
  }
  warnings.push(...registry.warnings(file));
  if (warmupPoints > 0) warnings.push(`${file}: ${warmupPoints} point(s) of the script's warm-up (tag phase=warmup) are excluded, as perf's own results exclude the warm-up`);
  if (points === 0) warnings.push(`${file}: no data points${wanted ? ` for ${[...wanted].join(', ')}` : ''}`);
  const runStart = points > 0 ? Math.min(minMs, startMs) : 0;
  return {
    format: 'k6-json',
    startMs: runStart,
    endMs: runEnd,
    windowMs,
    windows,
    totals: r && windows.length > 0 ? totalsOf(r.totals) : emptyTotals(),
    aborted: null,
    // k6 --out json has no end marker: a killed run is indistinguishable except for a torn last line.
    complete: !warnings.some((w) => w.includes('last line is truncated')),
    warnings,
  };
}

function totalsOf(acc: WindowAccumulator): K6Run['totals'] {
  const { trends, counters, rates, gauges } = acc.toWindow(0, 0, 0);
  return { trends, counters, rates, gauges };
}

/** What a line of another perf/k6 format looks like, or null: a file of two formats concatenated. */
export function foreignLine(rec: { type?: unknown; schema?: unknown }): string | null {
  if (typeof rec.schema === 'string') return `a "${rec.schema}" header`;
  if (rec.type === 'header' || rec.type === 'window' || rec.type === 'summary' || rec.type === 'abort') return `a perf.k6-windows/v1 "${rec.type}" line`;
  return null;
}

function notK6Json(file: string, line: string, parsed: unknown): UserError {
  return new UserError(`${file} is not k6 --out json output: its first line is ${excerpt(line)}`, {
    where: `${file}:1`,
    fix: parsed === null ? 'pass the NDJSON file written by "k6 run --out json=<file>"' : 'pass the file written by "k6 run --out json=<file>", or let perf detect the format (drop --format)',
  });
}

export interface ReadK6RunOptions extends ReadK6JsonOptions {}

/**
 * Reads either of the two k6 NDJSON formats into a `K6Run`, detected from the first line:
 * our extension's `perf.k6-windows/v1`, or stock `k6 --out json`.
 */
export async function readK6Run(file: string, opts: ReadK6RunOptions = {}): Promise<K6Run> {
  const head = await openHead(file, 64 * 1024);
  const firstLine = head.split('\n', 1)[0] ?? '';
  if (firstLine.includes(`"${K6_WINDOWS_SCHEMA}"`)) {
    return readK6Windows(file, { ...(opts.lenient !== undefined ? { lenient: opts.lenient } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  }
  if (/^\s*\{"(type|metric)":"(Metric|Point|[A-Za-z_][\w.]*)"/.test(firstLine) && /"type":"(Metric|Point)"/.test(firstLine)) {
    return readK6Json(file, opts);
  }
  if (head.trim() === '') throw new UserError(`${file} is empty`, { where: file, fix: 'pass a k6 result file (perf.k6-windows/v1 NDJSON or k6 --out json)' });
  throw new UserError(`${file} is neither perf.k6-windows/v1 NDJSON nor k6 --out json: its first line is ${excerpt(firstLine)}`, {
    where: `${file}:1`,
    fix: 'pass the file written by "k6 run --out perf=<file>" or "k6 run --out json=<file>"',
  });
}

/** The series tags (journey, name, scenario, status class, check) from a Point line's raw `"tags":{…}` text. */
function tagsOfRegion(region: string, metric: string): SeriesTags {
  const tags: SeriesTags = {};
  const journey = tagValue(region, '"journey":"');
  if (journey) tags.journey = journey;
  const name = tagValue(region, '"name":"');
  if (name) tags.name = name;
  const scenario = tagValue(region, '"scenario":"');
  if (scenario) tags.scenario = scenario;
  const status = tagValue(region, '"status":"');
  if (status) tags.status = statusClass(status);
  if (metric === 'checks') {
    const check = tagValue(region, '"check":"');
    if (check) tags.check = check;
  }
  return tags;
}

/** The string value after `key` (e.g. `"name":"`) in raw tag text, or undefined when absent or empty. */
function tagValue(region: string, key: string): string | undefined {
  const at = region.indexOf(key);
  if (at === -1) return undefined;
  const from = at + key.length;
  const end = region.indexOf('"', from);
  if (end <= from) return undefined;
  return region.slice(from, end);
}
