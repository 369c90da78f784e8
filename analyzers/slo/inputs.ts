import type { LoadFigures } from '../../core/artifacts/schemas.js';
import { UserError } from '../../core/errors.js';
import { countAboveEncodedMs, decodeHistogram, percentileMs, type Histogram } from '../histogram.js';
import { checkFigure, outOfRange } from '../parsers/figures.js';
import { documentFormat, describeDocument, type InputFormat } from '../parsers/detect.js';
import { parseK6Summary, type K6Summary, type SummaryMetric } from '../parsers/k6-summary.js';
import { dec } from './decimal.js';
import { allowedBadFraction } from './error-budget.js';
import type { Aggregate, InputWindow, SloInput, SlowProof } from './model.js';
import type { RunFacts } from './run-validity.js';

/** The k6 metrics SLO evaluation needs: everything else in a k6 --out json file is skipped unparsed. */
export const SLO_K6_METRICS: ReadonlySet<string> = new Set(['http_reqs', 'http_req_duration', 'http_req_failed', 'iterations', 'dropped_iterations']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** SloInput of a whole document given as `format` (--format): a document of another format is an input error naming both. */
export function sloInputFromDeclaredDocument(doc: unknown, format: InputFormat, file: string): SloInput {
  const actual = documentFormat(doc);
  if (actual !== format) {
    throw new UserError(`${file} is not ${format}: it looks like ${actual ?? describeDocument(doc)}`, {
      where: file,
      fix: 'drop --format to let perf detect the format, or pass the right file',
    });
  }
  return sloInputFromDocument(doc, format, file);
}

/** SloInput of a whole-document format (already parsed). Pure. */
export function sloInputFromDocument(doc: unknown, format: InputFormat, file: string): SloInput {
  switch (format) {
    case 'perf.baseline/v1':
    case 'perf.loadtest/v1':
      return fromArtifact(doc, format, file);
    case 'k6-summary-export':
    case 'k6-handle-summary':
    case 'k6-new-summary':
      return fromK6Summary(parseK6Summary(doc, format, file), file);
    case 'autocannon':
      return fromAutocannon(doc, file);
    default:
      throw new UserError(`${format} is a streamed format, not a JSON document`, { where: file });
  }
}

/**
 * An artifact's histogram (checked present when first used): slow requests are counted straight from its
 * encoding, and it is decoded once, when a percentile is asked. A window's is never held decoded: a long
 * run's windows would hold a counts array each.
 */
interface ArtifactHistogram {
  countAboveMs(thresholdMs: number): number;
  decoded(): Histogram;
}

function artifactHistogram(b64: unknown, file: string, what: string): ArtifactHistogram {
  const encoded = (): string => {
    if (typeof b64 !== 'string' || b64 === '') throw new UserError(`${what} has no histogram`, { where: file, fix: 'pass the artifact perf wrote, unchanged' });
    return b64;
  };
  const decoded = lazy(() => decodeHistogram(encoded(), `${file}: ${what}`, { resizable: false }));
  return { countAboveMs: (ms) => countAboveEncodedMs(encoded(), ms, `${file}: ${what}`), decoded };
}

/** An aggregate over requests/errors/histogram figures (perf artifacts). Errors are the failures. */
function figuresAggregate(requests: number, errors: number, histogram: ArtifactHistogram): Aggregate {
  return {
    total: requests,
    failed: errors,
    failedSource: 'errors',
    slowerThan(thresholdMs) {
      // The artifact's histogram covers every request, failed ones too: count slow ones, then the caller
      // caps failed + slow at the total (a slow failure may count twice when both are present).
      return histogram.countAboveMs(thresholdMs);
    },
    percentile(p) {
      const h = histogram.decoded();
      return h.totalCount === 0 ? null : percentileMs(h, p);
    },
  };
}

function lazy<T>(f: () => T): () => T {
  let v: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v as T;
  };
}

function checkFigures(f: unknown, file: string, where: string): LoadFigures {
  if (!isObj(f) || typeof f.name !== 'string' || !isNum(f.requests) || !isNum(f.errors) || typeof f.histogram !== 'string') {
    throw new UserError(`${where} lacks name/requests/errors/histogram`, { where: file, fix: 'pass the artifact perf wrote, unchanged' });
  }
  checkCounts(f, file, where);
  return f as unknown as LoadFigures;
}

/** requests and errors are counts, and errors cannot outnumber requests. */
function checkCounts(f: Record<string, unknown>, file: string, where: string): void {
  const requests = checkFigure(f.requests, 'count', file, `${where}.requests`);
  const errors = checkFigure(f.errors, 'count', file, `${where}.errors`);
  if (errors > requests) throw outOfRange(file, `${where}.errors`, `(${errors}) is above requests (${requests})`);
  if (f.durationMs !== undefined) checkFigure(f.durationMs, 'duration', file, `${where}.durationMs`);
}

function fromArtifact(doc: unknown, format: 'perf.baseline/v1' | 'perf.loadtest/v1', file: string): SloInput {
  if (!isObj(doc)) throw new UserError(`${file} is not a JSON object`, { where: file });
  const overall = checkFigures(doc.overall, file, '"overall"');
  if (!Array.isArray(doc.journeys)) throw new UserError('"journeys" is not an array', { where: file, fix: 'pass the artifact perf wrote, unchanged' });
  const journeys = doc.journeys.map((j, i) => checkFigures(j, file, `journeys[${i}]`));
  const hists = new Map<string, ArtifactHistogram>();
  const histOf = (f: LoadFigures, what: string): ArtifactHistogram => {
    let h = hists.get(what);
    if (!h) hists.set(what, (h = artifactHistogram(f.histogram, file, what)));
    return h;
  };
  const aggregate = (journey?: string): Aggregate | null => {
    if (journey === undefined) return figuresAggregate(overall.requests, overall.errors, histOf(overall, 'overall'));
    const f = journeys.find((j) => j.name === journey);
    return f ? figuresAggregate(f.requests, f.errors, histOf(f, `journey "${journey}"`)) : null;
  };
  let windows: InputWindow[] | null = null;
  const limits: string[] = [];
  if (format === 'perf.loadtest/v1') {
    if (Array.isArray(doc.windows)) {
      windows = doc.windows.map((w, i): InputWindow => {
        if (!isObj(w) || !isNum(w.startMs) || !isNum(w.endMs) || !isNum(w.requests) || !isNum(w.errors)) {
          throw new UserError(`windows[${i}] lacks startMs/endMs/requests/errors`, { where: file, fix: 'pass the artifact perf wrote, unchanged' });
        }
        checkCounts(w, file, `windows[${i}]`);
        if (w.endMs < w.startMs) throw outOfRange(file, `windows[${i}].endMs`, `(${w.endMs}) is before startMs (${w.startMs})`);
        const js = isObj(w.journeys) ? w.journeys : {};
        return {
          startMs: w.startMs,
          endMs: w.endMs,
          aggregate(journey?: string) {
            if (journey === undefined) return figuresAggregate(w.requests as number, w.errors as number, artifactHistogram(w.histogram, file, `windows[${i}]`));
            const j = js[journey];
            if (!isObj(j) || !isNum(j.requests) || !isNum(j.errors)) return null;
            checkCounts(j, file, `windows[${i}].journeys.${journey}`);
            return figuresAggregate(j.requests, j.errors, artifactHistogram(j.histogram, file, `windows[${i}].journeys.${journey}`));
          },
        };
      });
    }
  } else {
    limits.push('a baseline has no per-window data: multi-window burn rates use the whole-run rate');
  }
  const what = format === 'perf.loadtest/v1' ? 'load test' : 'baseline';
  const partial = doc.partial === true ? `the ${what} was partial (interrupted or aborted): results cover only what ran` : null;
  if (partial) limits.push(partial);
  const count = (v: unknown, field: string): number | null => (v === undefined || v === null ? null : checkFigure(v, 'count', file, field));
  const aborted = isObj(doc.aborted) && typeof doc.aborted.reason === 'string' ? doc.aborted.reason : null;
  const facts: RunFacts = {
    requests: overall.requests,
    failed: overall.errors,
    iterations: count(doc.iterations, 'iterations'),
    droppedIterations: count(doc.droppedIterations, 'droppedIterations'),
    // A breakpoint test is meant to stop at the break: its abort is the result, not a run that did not happen.
    aborted: aborted && doc.scenario !== 'breakpoint' ? aborted : null,
    targetExited: typeof doc.targetExited === 'string' ? doc.targetExited : null,
  };
  return {
    format,
    file,
    durationMs: doc.durationMs !== undefined ? checkFigure(doc.durationMs, 'duration', file, 'durationMs') : isNum(overall.durationMs) ? overall.durationMs : 0,
    percentiles: 'exact',
    aggregate,
    windows,
    journeys: journeys.map((j) => j.name),
    warnings: [],
    limits,
    facts,
    partial,
  };
}

const tagsMatch = (m: SummaryMetric, journey: string | undefined): boolean => {
  const keys = Object.keys(m.tags);
  if (journey === undefined) return keys.length === 0;
  if (keys.length !== 1) return false;
  return m.tags.journey === journey || (m.tags.name === journey && !('journey' in m.tags));
};

function fromK6Summary(s: K6Summary, file: string): SloInput {
  const find = (name: string, journey: string | undefined): SummaryMetric | undefined => {
    const cands = s.metrics.filter((m) => m.name === name && tagsMatch(m, journey));
    // prefer a journey submetric over a name submetric
    return cands.find((m) => journey === undefined || m.tags.journey === journey) ?? cands[0];
  };
  const aggregate = (journey?: string): Aggregate | null => {
    const reqs = find('http_reqs', journey);
    const failed = find('http_req_failed', journey);
    const dur = find('http_req_duration', journey);
    if (!reqs && !failed && !dur) return null;
    const total = reqs?.count ?? failed?.total ?? 0;
    return {
      total,
      ...(total === 0 && dur ? { countUnknown: true } : {}),
      failed: total === 0 ? null : (failed?.trues ?? null),
      failedSource: 'http_req_failed',
      slowerThan: () => null,
      slowerAtLeast: (thresholdMs) => (dur ? slowProof(dur.percentiles, dur.max, thresholdMs, total) : null),
      percentile(p) {
        if (!dur) return null;
        if (p === 100 && dur.max !== undefined) return dur.max;
        if (p === 0 && dur.min !== undefined) return dur.min;
        return dur.percentiles.get(p) ?? null;
      },
    };
  };
  const journeys = [...new Set(s.metrics.flatMap((m) => (m.tags.journey ? [m.tags.journey] : m.tags.name ? [m.tags.name] : [])))].sort();
  const limits = [
    `a k6 summary carries only ${s.trendStats.length > 0 ? s.trendStats.map((p) => `p${p}`).join(', ') : 'no percentiles'} (plus min/max/avg): other percentiles cannot be judged, and requests slower than a threshold cannot be counted`,
    'journey-filtered SLOs need a submetric in the summary (a threshold on http_req_duration{journey:<name>} makes k6 export it)',
    'no per-window data: multi-window burn rates use the whole-run rate',
  ];
  if (s.durationSource !== 'reported') limits.push(`run length ${s.durationSource === 'unknown' ? 'unknown' : s.durationSource}`);
  const whole = aggregate(undefined);
  const counter = (name: string): number | null => s.metrics.find((m) => m.name === name && Object.keys(m.tags).length === 0)?.count ?? null;
  return {
    format: s.format,
    file,
    durationMs: s.durationMs,
    percentiles: [...s.trendStats, 0, 100].sort((a, b) => a - b),
    aggregate,
    windows: null,
    journeys,
    warnings: [],
    thresholds: s.thresholds,
    limits,
    facts: {
      requests: whole && !whole.countUnknown ? whole.total : null,
      failed: whole?.failed ?? null,
      iterations: counter('iterations'),
      droppedIterations: counter('dropped_iterations'),
    },
    partial: null,
  };
}

/**
 * The strongest lower bound on slow requests that summary percentiles prove: the lowest percentile q
 * whose value is above the threshold means at least (1 − q) of the requests were slower; a max above
 * it proves one request. Null when no carried figure is above the threshold.
 */
export function slowProof(percentiles: ReadonlyMap<number, number>, maxMs: number | undefined, thresholdMs: number, total: number): SlowProof | null {
  let best: SlowProof | null = null;
  for (const [p, v] of percentiles) {
    if (p <= 0 || p >= 100 || !(v > thresholdMs)) continue;
    if (best && best.percentile <= p) continue;
    const fraction = allowedBadFraction(p);
    best = { percentile: p, valueMs: v, fraction, count: Math.min(total, Math.ceil(dec(total * fraction))) };
  }
  if (!best && maxMs !== undefined && maxMs > thresholdMs && total > 0) best = { percentile: 100, valueMs: maxMs, fraction: dec(1 / total), count: 1 };
  return best;
}

const AUTOCANNON_PCT: Array<[string, number]> = [
  ['p0_001', 0.001],
  ['p0_01', 0.01],
  ['p0_1', 0.1],
  ['p1', 1],
  ['p2_5', 2.5],
  ['p10', 10],
  ['p25', 25],
  ['p50', 50],
  ['p75', 75],
  ['p90', 90],
  ['p97_5', 97.5],
  ['p99', 99],
  ['p99_9', 99.9],
  ['p99_99', 99.99],
  ['p99_999', 99.999],
];

function fromAutocannon(doc: unknown, file: string): SloInput {
  if (!isObj(doc) || !isObj(doc.latency) || !isObj(doc.requests)) throw new UserError(`${file} is not autocannon --json output`, { where: file });
  const lat = doc.latency;
  const pct = new Map<number, number>();
  const latency = (k: string): number | undefined => (lat[k] === undefined ? undefined : checkFigure(lat[k], 'duration', file, `latency.${k}`));
  const count = (v: unknown, field: string): number => (v === undefined ? 0 : checkFigure(v, 'count', file, field));
  for (const [k, p] of AUTOCANNON_PCT) {
    const v = latency(k);
    if (v !== undefined) pct.set(p, v);
  }
  const min = latency('min');
  const max = latency('max');
  if (min !== undefined) pct.set(0, min);
  if (max !== undefined) pct.set(100, max);
  const responses = count(doc.requests.total, 'requests.total');
  const errors = count(doc.errors, 'errors');
  const s5xx = count(doc['5xx'], '5xx');
  if (s5xx > responses) throw outOfRange(file, '5xx', `(${s5xx}) is above requests.total (${responses})`);
  const total = responses + errors;
  const agg: Aggregate = {
    total,
    failed: errors + s5xx,
    failedSource: 'status >= 500',
    slowerThan: () => null,
    slowerAtLeast: (thresholdMs) => slowProof(pct, max, thresholdMs, total),
    percentile: (p) => pct.get(p) ?? null,
  };
  return {
    format: 'autocannon',
    file,
    durationMs: doc.duration === undefined ? 0 : checkFigure(doc.duration, 'duration', file, 'duration') * 1000,
    percentiles: [...pct.keys()].sort((a, b) => a - b),
    aggregate: (journey?: string) => (journey === undefined ? agg : null),
    windows: null,
    journeys: [],
    warnings: [],
    facts: { requests: total, failed: errors + s5xx },
    partial: null,
    limits: [
      'autocannon --json carries fixed percentiles (p50, p75, p90, p97.5, p99, p99.9 …, no p95) at 1 ms resolution; requests slower than a threshold cannot be counted',
      'autocannon results have no journeys: journey-filtered SLOs cannot be judged',
      'no per-window data: multi-window burn rates use the whole-run rate',
    ],
  };
}
