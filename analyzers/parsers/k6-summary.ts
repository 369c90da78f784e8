import { UserError } from '../../core/errors.js';
import { checkFigure, DURATION_TREND, EVENT_COUNTER, outOfRange } from './figures.js';

/**
 * The three k6 end-of-test summary JSON shapes, normalised:
 * - `--summary-export` (legacy): `{root_group, metrics: {name: {avg, "p(95)", thresholds: {expr: true=FAILED}}}}`
 * - `handleSummary(data)`: `{metrics: {name: {type, values: {...}, thresholds: {expr: {ok}}}}, state, options}`
 * - `--new-machine-readable-summary`: `{version, metadata, config, results: {metrics: [{name, type, values}]}}`
 * A metric name may carry a submetric selector, `http_req_duration{journey:checkout}`.
 */
export type K6SummaryFormat = 'k6-summary-export' | 'k6-handle-summary' | 'k6-new-summary';

export interface SummaryMetric {
  name: string;
  /** Tags of the submetric selector; {} for the metric itself. */
  tags: Record<string, string>;
  type: 'trend' | 'counter' | 'rate' | 'gauge';
  /** Trend: percentiles (0-100) → value, and avg/min/max. */
  percentiles: Map<number, number>;
  avg?: number;
  min?: number;
  max?: number;
  /** Counter: count. */
  count?: number;
  /** Counter: per second. */
  rate?: number;
  /** Rate: samples with a non-zero value (e.g. failed requests), and all samples. */
  trues?: number;
  total?: number;
}

export interface K6Summary {
  format: K6SummaryFormat;
  metrics: SummaryMetric[];
  /** Test run duration, when the format says it (handleSummary, new summary); else derived or 0. */
  durationMs: number;
  durationSource: 'reported' | 'derived from http_reqs count/rate' | 'unknown';
  /** Trend percentiles the summary carries (from summaryTrendStats). */
  trendStats: number[];
  thresholds: Array<{ metric: string; expression: string; ok: boolean }>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** "http_req_duration{journey:checkout,status:200}" → name + tags. */
export function splitSubmetric(key: string): { name: string; tags: Record<string, string> } {
  const b = key.indexOf('{');
  if (b === -1 || !key.endsWith('}')) return { name: key, tags: {} };
  const tags: Record<string, string> = {};
  for (const part of key.slice(b + 1, -1).split(',')) {
    const c = part.indexOf(':');
    if (c > 0) tags[part.slice(0, c).trim()] = part.slice(c + 1).trim();
  }
  return { name: key.slice(0, b), tags };
}

/** "p(95)", "p95", "p(99.9)", "med" → percentile number; else null. */
export function percentileKey(key: string): number | null {
  if (key === 'med') return 50;
  const m = /^p\(?(\d{1,2}(?:\.\d+)?|100)\)?$/.exec(key);
  if (!m) return null;
  const p = Number(m[1]);
  return p >= 0 && p <= 100 ? p : null;
}


/** Range checks of one summary metric (the file and the metric key name what is wrong). */
function checkMetricRanges(m: SummaryMetric, values: Record<string, unknown>, file: string, key: string): void {
  const f = (field: string): string => `metrics["${key}"].${field}`;
  if (m.type === 'trend' && DURATION_TREND.test(m.name)) {
    for (const [k, v] of Object.entries(values)) {
      if (k === 'avg' || k === 'min' || k === 'max' || k === 'med' || percentileKey(k) !== null) {
        if (typeof v === 'number') checkFigure(v, 'duration', file, f(k));
      }
    }
  }
  if (m.type === 'counter') {
    if (values.count !== undefined) checkFigure(values.count, EVENT_COUNTER.test(m.name) ? 'count' : 'amount', file, f('count'));
    if (values.rate !== undefined) checkFigure(values.rate, 'amount', file, f('rate'));
  }
  if (m.type === 'rate') {
    for (const k of ['passes', 'fails', 'matches', 'total']) if (values[k] !== undefined) checkFigure(values[k], 'count', file, f(k));
    if (values.rate !== undefined) checkFigure(values.rate, 'fraction', file, f('rate'));
    if (values.value !== undefined) checkFigure(values.value, 'fraction', file, f('value'));
    if (m.trues !== undefined && m.total !== undefined && m.trues > m.total) throw outOfRange(file, f('passes'), `(${m.trues}) is above the total (${m.total})`);
  }
}

function metricFromValues(key: string, declaredType: unknown, values: Record<string, unknown>, file = ''): SummaryMetric | null {
  const { name, tags } = splitSubmetric(key);
  const percentiles = new Map<number, number>();
  for (const [k, v] of Object.entries(values)) {
    const p = percentileKey(k);
    const n = num(v);
    if (p !== null && n !== undefined) percentiles.set(p, n);
  }
  let type: SummaryMetric['type'] | null =
    declaredType === 'trend' || declaredType === 'counter' || declaredType === 'rate' || declaredType === 'gauge' ? declaredType : null;
  if (!type) {
    if (percentiles.size > 0 || num(values.avg) !== undefined) type = 'trend';
    else if (num(values.passes) !== undefined || num(values.fails) !== undefined) type = 'rate';
    else if (num(values.count) !== undefined) type = 'counter';
    else if (num(values.value) !== undefined) type = 'gauge';
    else return null;
  }
  const m: SummaryMetric = { name, tags, type, percentiles };
  const avg = num(values.avg);
  const min = num(values.min);
  const max = num(values.max);
  if (avg !== undefined) m.avg = avg;
  if (min !== undefined) m.min = min;
  if (max !== undefined) m.max = max;
  const count = num(values.count);
  const rate = num(values.rate);
  if (type === 'counter') {
    if (count !== undefined) m.count = count;
    if (rate !== undefined) m.rate = rate;
  }
  if (type === 'rate') {
    // legacy/handleSummary: passes = non-zero samples, fails = zero samples; new summary: matches/total
    const passes = num(values.passes) ?? num(values.matches);
    const fails = num(values.fails);
    const total = num(values.total) ?? (passes !== undefined && fails !== undefined ? passes + fails : undefined);
    if (passes !== undefined) m.trues = passes;
    if (total !== undefined) m.total = total;
  }
  checkMetricRanges(m, values, file, key);
  return m;
}

/** Normalises a parsed k6 summary document of the given (detected) format. */
export function parseK6Summary(doc: unknown, format: K6SummaryFormat, file: string): K6Summary {
  if (!isObj(doc)) throw new UserError(`${file} is not a JSON object`, { where: file, fix: 'pass a k6 summary JSON file' });
  const metrics: SummaryMetric[] = [];
  const thresholds: K6Summary['thresholds'] = [];
  let durationMs = 0;
  let durationSource: K6Summary['durationSource'] = 'unknown';
  const bad = (what: string): UserError =>
    new UserError(`${file} looks like a k6 summary (${format}) but ${what}`, { where: file, fix: 'pass the file k6 wrote unchanged' });

  if (format === 'k6-new-summary') {
    const results = doc.results;
    if (!isObj(results) || !Array.isArray(results.metrics)) throw bad('has no results.metrics array');
    for (const m of results.metrics) {
      if (!isObj(m) || typeof m.name !== 'string' || !isObj(m.values)) continue;
      const sm = metricFromValues(m.name, m.type, m.values, file);
      if (sm) metrics.push(sm);
    }
    const d = isObj(doc.config) && doc.config.duration !== undefined ? checkFigure(doc.config.duration, 'duration', file, 'config.duration') : undefined;
    if (d !== undefined) {
      durationMs = d * 1000;
      durationSource = 'reported';
    }
    // The new summary lists thresholds per metric where present: {thresholds: [{source, ok}]} or a map.
    for (const m of results.metrics) {
      if (!isObj(m) || typeof m.name !== 'string') continue;
      collectThresholds(m.name, m.thresholds, thresholds, true);
    }
    if (isObj(results.thresholds)) {
      for (const [metric, t] of Object.entries(results.thresholds)) collectThresholds(metric, t, thresholds, true);
    }
  } else {
    if (!isObj(doc.metrics)) throw bad('has no "metrics" object');
    for (const [key, v] of Object.entries(doc.metrics)) {
      if (!isObj(v)) continue;
      const values = format === 'k6-handle-summary' ? (isObj(v.values) ? v.values : {}) : v;
      const sm = metricFromValues(key, v.type, values, file);
      if (sm) metrics.push(sm);
      // summary-export: {expr: true} means the threshold FAILED; handleSummary: {expr: {ok}}.
      collectThresholds(key, v.thresholds, thresholds, format === 'k6-handle-summary');
    }
    if (format === 'k6-handle-summary' && isObj(doc.state)) {
      const d = doc.state.testRunDurationMs === undefined ? undefined : checkFigure(doc.state.testRunDurationMs, 'duration', file, 'state.testRunDurationMs');
      if (d !== undefined) {
        durationMs = d;
        durationSource = 'reported';
      }
    }
  }
  if (durationSource === 'unknown') {
    const reqs = metrics.find((m) => m.name === 'http_reqs' && Object.keys(m.tags).length === 0);
    if (reqs && reqs.count !== undefined && reqs.rate !== undefined && reqs.rate > 0) {
      durationMs = (reqs.count / reqs.rate) * 1000;
      durationSource = 'derived from http_reqs count/rate';
    }
  }
  const trendStats = [...new Set(metrics.filter((m) => m.type === 'trend').flatMap((m) => [...m.percentiles.keys()]))].sort((a, b) => a - b);
  return { format, metrics, durationMs, durationSource, trendStats, thresholds };
}

function collectThresholds(metric: string, t: unknown, out: K6Summary['thresholds'], okShape: boolean): void {
  if (Array.isArray(t)) {
    for (const x of t) {
      if (isObj(x) && typeof x.ok === 'boolean') out.push({ metric, expression: typeof x.source === 'string' ? x.source : String(x.expression ?? ''), ok: x.ok });
    }
    return;
  }
  if (!isObj(t)) return;
  for (const [expr, v] of Object.entries(t)) {
    if (okShape && isObj(v) && typeof v.ok === 'boolean') out.push({ metric, expression: expr, ok: v.ok });
    // --summary-export: the value is true when the threshold FAILED (k6's historical inversion).
    else if (!okShape && typeof v === 'boolean') out.push({ metric, expression: expr, ok: !v });
  }
}
