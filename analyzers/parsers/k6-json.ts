import type { K6Run, K6WindowLine, SeriesTags } from '../../core/artifacts/k6-windows.js';
import { UserError } from '../../core/errors.js';
import { emptyTotals, mergeSeriesSets, pickTags, seriesKey, statusClass, WindowAccumulator } from './k6-aggregate.js';
import { readK6Windows, K6_WINDOWS_SCHEMA } from './k6-windows.js';
import { CorruptLineTracker, excerpt, forEachLine } from './lines.js';
import { openHead } from './sniff.js';

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
}

type MetricType = 'trend' | 'counter' | 'rate' | 'gauge';
const METRIC_TYPES = new Set<string>(['trend', 'counter', 'rate', 'gauge']);

/** Windows still accepting points behind the newest one (k6 flushes points slightly out of order). */
const OPEN_WINDOWS_GRACE = 2;

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
  const unknownMetrics = new Set<string>();
  const open = new Map<number, WindowAccumulator>();
  const closed = new Map<number, K6WindowLine>();
  const late = new Map<number, WindowAccumulator>();
  let startMs = Number.NaN;
  let minMs = Number.POSITIVE_INFINITY;
  let maxMs = Number.NEGATIVE_INFINITY;
  let maxIndex = -1;
  let firstLine = true;
  let points = 0;

  // Timestamp cache: k6 writes RFC 3339 with nanoseconds; Date.parse is slow, so parse the
  // "YYYY-MM-DDTHH:MM:SS" + zone part once per second and add the fraction.
  let cacheKey = '';
  let cacheMs = 0;
  const timeMs = (t: string): number => {
    if (t.length < 20 || t.charCodeAt(10) !== 84 /* T */) return Date.parse(t);
    let i = 19;
    let frac = 0;
    if (t.charCodeAt(19) === 46 /* . */) {
      i = 20;
      let scale = 100;
      while (i < t.length) {
        const c = t.charCodeAt(i);
        if (c < 48 || c > 57) break;
        if (scale >= 1) frac += (c - 48) * scale;
        scale /= 10;
        i++;
      }
    }
    const key = t.slice(0, 19) + t.slice(i);
    if (key !== cacheKey) {
      cacheKey = key;
      cacheMs = Date.parse(key);
    }
    return cacheMs + Math.floor(frac);
  };

  const windowStart = (index: number): number => startMs + index * windowMs;

  const closeBefore = (limit: number): void => {
    for (const [idx, acc] of open) {
      if (idx < limit) {
        closed.set(idx, acc.toWindow(idx, windowStart(idx), windowStart(idx + 1)));
        open.delete(idx);
      }
    }
  };

  const accFor = (t: number): WindowAccumulator => {
    if (Number.isNaN(startMs)) startMs = t;
    let index = Math.floor((t - startMs) / windowMs);
    if (index < 0) index = 0; // earlier than the first point seen: belongs to the first window
    if (t < minMs) minMs = t;
    if (t > maxMs) maxMs = t;
    if (index > maxIndex) {
      maxIndex = index;
      if (open.size > OPEN_WINDOWS_GRACE) closeBefore(index - OPEN_WINDOWS_GRACE);
    }
    let acc = open.get(index);
    if (acc) return acc;
    if (closed.has(index)) {
      acc = late.get(index);
      if (!acc) late.set(index, (acc = new WindowAccumulator()));
      return acc;
    }
    acc = new WindowAccumulator();
    open.set(index, acc);
    return acc;
  };

  const addPoint = (metric: string, t: number, value: number, tags: SeriesTags, lineNo: number): void => {
    const type = types.get(metric);
    if (type === undefined) {
      unknownMetrics.add(metric);
      return;
    }
    if (!Number.isFinite(t)) {
      tracker.corrupt(lineNo, `Point has an unreadable time`);
      return;
    }
    tracker.ok();
    points++;
    const acc = accFor(t);
    const key = seriesKey(metric, tags);
    switch (type) {
      case 'trend':
        acc.addTrend(key, metric, tags, value);
        break;
      case 'counter':
        acc.addCounter(key, metric, tags, value);
        break;
      case 'rate':
        acc.addRate(key, metric, tags, value);
        break;
      case 'gauge':
        acc.addGauge(key, metric, tags, value);
        break;
    }
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
      addPoint(metric, timeMs(time), value, pickTags(metric, rawTags), lineNo);
      return;
    }
    // Other line types (newer k6 versions) carry nothing we aggregate.
    tracker.ok();
  };

  const tagValue = (region: string, key: string): string | undefined => {
    const at = region.indexOf(key);
    if (at === -1) return undefined;
    const from = at + key.length;
    const end = region.indexOf('"', from);
    if (end <= from) return undefined;
    return region.slice(from, end);
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
    if (region.charCodeAt(0) !== 123 /* { */ || region.includes('\\') || region.includes('"metadata":')) {
      slowPath(line, lineNo);
      return;
    }
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
    addPoint(metric, timeMs(line.slice(timeStart, timeEnd)), value, tags, lineNo);
  };

  const { lines } = await forEachLine(file, onLine, opts.signal ? { signal: opts.signal } : {});
  if (lines === 0 || firstLine) {
    throw new UserError(`${file} is empty`, { where: file, fix: 'pass the file written by "k6 run --out json=<file>"' });
  }
  const warnings = tracker.finish();
  if (unknownMetrics.size > 0) {
    warnings.push(`${file}: skipped points of metric(s) never declared by a Metric line: ${[...unknownMetrics].slice(0, 5).join(', ')}`);
  }
  closeBefore(Number.POSITIVE_INFINITY);
  const windows: K6WindowLine[] = [];
  for (let i = 0; i <= maxIndex; i++) {
    const base = closed.get(i);
    const extra = late.get(i);
    const start = windowStart(i);
    const end = windowStart(i + 1);
    if (!base) {
      windows.push({ type: 'window', index: i, startMs: start, endMs: end, trends: [], counters: [], rates: [], gauges: [] });
    } else if (extra) {
      windows.push({ type: 'window', index: i, startMs: start, endMs: end, ...mergeSeriesSets([base, extra.toWindow(i, start, end)]) });
    } else {
      windows.push(base);
    }
  }
  if (points === 0) warnings.push(`${file}: no data points${wanted ? ` for ${[...wanted].join(', ')}` : ''}`);
  const runStart = points > 0 ? Math.min(minMs, startMs) : 0;
  const runEnd = points > 0 ? maxMs : 0;
  // The last window ends at the last point (a run rarely fills its final window).
  const last = windows[windows.length - 1];
  if (last && runEnd < last.endMs) last.endMs = Math.max(runEnd, last.startMs + 1);
  return {
    format: 'k6-json',
    startMs: runStart,
    endMs: runEnd,
    windowMs,
    windows,
    totals: windows.length > 0 ? mergeSeriesSets(windows) : emptyTotals(),
    aborted: null,
    // k6 --out json has no end marker: a killed run is indistinguishable except for a torn last line.
    complete: !warnings.some((w) => w.includes('last line is truncated')),
    warnings,
  };
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
