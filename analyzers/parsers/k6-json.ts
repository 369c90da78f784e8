import type { K6Run, SeriesTags } from '../../core/artifacts/k6-windows.js';
import { UserError } from '../../core/errors.js';
import type { MetricType } from './k6-accumulator.js';
import { K6JsonLines, type K6JsonSink } from './k6-json-lines.js';
import { TagRegions } from './k6-json-tags.js';
import { OVERFLOW_NAME, SeriesRegistry } from './k6-series.js';
import { StreamWindows } from './k6-windowing.js';
import { EVENT_COUNTER, outOfRange } from './figures.js';
import { parseK6Windows, K6_WINDOWS_SCHEMA } from './k6-windows.js';
import { CorruptLineTracker, excerpt, forEachLineBytesOf, type LineSource } from './lines.js';

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

/**
 * Trend values beyond this (in the metric's unit; ms for time trends: ~11.6 days) are clamped in the
 * histogram, so that its auto-resized range (up to 2× the largest value, in µs) stays inside what
 * the histogram decoder accepts back (MAX_TRACKABLE, 1e13): a clamp, never a "corrupt histogram" later.
 */
export const MAX_TREND_VALUE = 1e9;

/**
 * Streams stock `k6 run --out json=<file>` NDJSON (Metric and Point lines), never the whole file,
 * and buckets points into windows of `windowMs`, giving the same `K6Run` shape as our extension's
 * NDJSON. Lines are decoded by K6JsonLines (k6-json-lines.ts); the points are checked here and
 * windowed by StreamWindows (k6-windowing.ts). Trend histograms record round(value × 1000) (µs for
 * time trends).
 */
export async function parseK6Json(src: LineSource, opts: ReadK6JsonOptions = {}): Promise<K6Run> {
  const file = src.name;
  const windows = new StreamWindows(file, opts.windowMs ?? DEFAULT_WINDOW_MS);
  const tracker = new CorruptLineTracker(file, opts.lenient ?? false, 'k6 --out json NDJSON');
  // Series ids: (metric, tags) → a small integer key, so the hot path builds no key strings; bounded per metric.
  const registry = new SeriesRegistry(opts.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES_PER_METRIC);
  const points = new PointCheck(file, tracker, registry, windows);
  const lines = new K6JsonLines(file, opts.metrics, tracker, new TagRegions(registry), points);
  const read = await forEachLineBytesOf(src, (buf, start, end, lineNo) => lines.bytes(buf, start, end, lineNo), opts.signal ? { signal: opts.signal } : {});
  if (read.lines === 0 || !lines.started) {
    throw new UserError(`${file} is empty`, { where: file, fix: 'pass the file written by "k6 run --out json=<file>"' });
  }
  const warnings = tracker.finish();
  if (points.unknownMetrics.size > 0) {
    warnings.push(`${file}: skipped points of metric(s) never declared by a Metric line: ${[...points.unknownMetrics].slice(0, 5).join(', ')}`);
  }
  const run = windows.finish();
  const late = windows.lateWarning();
  if (late) warnings.push(late);
  if (points.clamped > 0) {
    warnings.push(`${file}: ${points.clamped} trend value(s) above ${MAX_TREND_VALUE} (ms for durations, ~11.6 days) were clamped to it in the histograms (the first: ${points.firstClamped})`);
  }
  warnings.push(...registry.warnings(file));
  if (points.warmupPoints > 0) warnings.push(`${file}: ${points.warmupPoints} point(s) of the script's warm-up (tag phase=warmup) are excluded, as perf's own results exclude the warm-up`);
  if (points.points === 0) warnings.push(`${file}: no data points${opts.metrics ? ` for ${[...opts.metrics].join(', ')}` : ''}`);
  return {
    format: 'k6-json',
    startMs: run.startMs,
    endMs: run.endMs,
    windowMs: windows.windowMs,
    windows: run.windows,
    totals: run.totals,
    aborted: null,
    // k6 --out json has no end marker: a killed run is indistinguishable except for a torn last line.
    complete: !warnings.some((w) => w.includes('last line is truncated')),
    warnings,
  };
}

/**
 * The points of the decoded lines, checked against their metric's declaration (a negative duration or
 * count, a fractional event count: a broken file) and windowed; trend values are clamped to MAX_TREND_VALUE.
 */
class PointCheck implements K6JsonSink {
  readonly unknownMetrics = new Set<string>();
  points = 0;
  warmupPoints = 0;
  clamped = 0;
  firstClamped = '';
  private readonly types = new Map<string, MetricType>();
  /** Trends that hold durations (`contains: "time"`): a negative value is impossible there. */
  private readonly timeTrends = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly tracker: CorruptLineTracker,
    private readonly registry: SeriesRegistry,
    private readonly windows: StreamWindows,
  ) {}

  declare(metric: string, type: MetricType, time: boolean): void {
    this.types.set(metric, type);
    if (time) this.timeTrends.add(metric);
  }

  warmup(): void {
    this.warmupPoints++;
  }

  point(metric: string, t: number, value: number, rawTags: SeriesTags, lineNo: number, series?: { id: number; tags: SeriesTags }): void {
    const type = this.types.get(metric);
    if (type === undefined) {
      this.unknownMetrics.add(metric);
      return;
    }
    if (!Number.isFinite(t)) {
      this.tracker.corrupt(lineNo, `Point has an unreadable time`);
      return;
    }
    if (value < 0 && (type === 'counter' || this.timeTrends.has(metric))) {
      throw outOfRange(`${this.file}:${lineNo}`, `${metric}.value`, `is negative (${value}), not ${type === 'counter' ? 'a count increment (≥ 0)' : 'a duration (≥ 0 ms)'}`);
    }
    if (type === 'counter' && !Number.isInteger(value) && EVENT_COUNTER.test(metric)) {
      throw outOfRange(`${this.file}:${lineNo}`, `${metric}.value`, `is not a whole number (${value}), not a count of events`);
    }
    this.tracker.ok();
    this.points++;
    const { id: key, tags } = series ?? this.registry.resolve(metric, rawTags);
    if (type === 'trend' && !(value <= MAX_TREND_VALUE)) {
      if (this.clamped++ === 0) this.firstClamped = `${metric} ${value} at line ${lineNo}`;
      this.windows.add(type, key, metric, tags, MAX_TREND_VALUE, t);
    } else this.windows.add(type, key, metric, tags, value, t);
  }
}

export interface ReadK6RunOptions extends ReadK6JsonOptions {}

/**
 * Reads either of the two k6 NDJSON formats into a `K6Run`, detected from the first line:
 * our extension's `perf.k6-windows/v1`, or stock `k6 --out json`.
 */
export async function parseK6Run(src: LineSource, opts: ReadK6RunOptions = {}): Promise<K6Run> {
  const file = src.name;
  const head = await src.head(64 * 1024);
  const firstLine = head.split('\n', 1)[0] ?? '';
  if (firstLine.includes(`"${K6_WINDOWS_SCHEMA}"`)) {
    return parseK6Windows(src, { ...(opts.lenient !== undefined ? { lenient: opts.lenient } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  }
  if (/^\s*\{"(type|metric)":"(Metric|Point|[A-Za-z_][\w.]*)"/.test(firstLine) && /"type":"(Metric|Point)"/.test(firstLine)) {
    return parseK6Json(src, opts);
  }
  if (head.trim() === '') throw new UserError(`${file} is empty`, { where: file, fix: 'pass a k6 result file (perf.k6-windows/v1 NDJSON or k6 --out json)' });
  throw new UserError(`${file} is neither perf.k6-windows/v1 NDJSON nor k6 --out json: its first line is ${excerpt(firstLine)}`, {
    where: `${file}:1`,
    fix: 'pass the file written by "k6 run --out perf=<file>" or "k6 run --out json=<file>"',
  });
}
