import type { CounterSeries, K6Run, RateSeries, SeriesTags, TrendSeries } from '../../core/artifacts/k6-windows.js';
import { countAboveEncodedMs, decodeHistogram, mergeHistograms, percentileMs, type Histogram } from '../histogram.js';
import { UserError } from '../../core/errors.js';
import type { Aggregate, InputWindow, SloInput } from './model.js';

/** A journey filter matches k6 data by the `journey` tag where a series has one, else by the `name` tag. */
export function matchesJourney(tags: SeriesTags, journey: string | undefined): boolean {
  if (journey === undefined) return true;
  return tags.journey !== undefined ? tags.journey === journey : tags.name === journey;
}

/** Status classes whose requests count as failed when only statuses are known (status >= 500, network errors). */
const FAILED_CLASSES = new Set(['5xx', '0xx']);
/** Status classes whose slow requests are not already failures. */
const NOT_SLOW_CANDIDATES = new Set(['4xx', '5xx', '0xx']);

const seriesName = (t: TrendSeries, file: string): string => `${file ? `${file}: ` : ''}series ${t.metric} ${JSON.stringify(t.tags)}`;

interface SeriesSet {
  trends: TrendSeries[];
  counters: CounterSeries[];
  rates: RateSeries[];
}

/** The SLO view of one set of k6 series (a window, or the whole run) filtered by journey. */
export function k6Aggregate(set: SeriesSet, journey: string | undefined, durationTrend = 'http_req_duration', file = ''): Aggregate | null {
  const trends = set.trends.filter((t) => t.metric === durationTrend && matchesJourney(t.tags, journey));
  const reqs = set.counters.filter((c) => c.metric === 'http_reqs' && matchesJourney(c.tags, journey));
  const failedRates = set.rates.filter((r) => r.metric === 'http_req_failed' && matchesJourney(r.tags, journey));
  if (trends.length === 0 && reqs.length === 0 && failedRates.length === 0) return null;
  const counted = reqs.length > 0 ? reqs.reduce((a, c) => a + c.value, 0) : trends.length > 0 ? trends.reduce((a, t) => a + t.count, 0) : 0;
  // Every http_req_failed sample is a request: a file with more of them than counted requests (edited,
  // or two runs mixed) must not yield more bad requests than requests.
  const total = Math.max(counted, failedRates.reduce((a, r) => a + r.total, 0));
  let failed: number;
  let failedSource: string;
  if (failedRates.length > 0) {
    failed = failedRates.reduce((a, r) => a + r.trues, 0);
    failedSource = 'http_req_failed';
  } else {
    const byStatus = reqs.length > 0 ? reqs.map((c) => ({ status: c.tags.status, n: c.value })) : trends.map((t) => ({ status: t.tags.status, n: t.count }));
    failed = byStatus.filter((x) => x.status !== undefined && FAILED_CLASSES.has(x.status)).reduce((a, x) => a + x.n, 0);
    failedSource = 'status >= 500';
  }
  let merged: Histogram | null = null;
  const all = (): Histogram => (merged ??= mergeHistograms(trends.map((t) => decodeHistogram(t.histogram, seriesName(t, file), { resizable: false }))));
  return {
    total,
    failed,
    failedSource,
    slowerThan(thresholdMs) {
      let n = 0;
      for (const t of trends) {
        if (t.tags.status !== undefined && NOT_SLOW_CANDIDATES.has(t.tags.status)) continue;
        if (t.max <= thresholdMs) continue;
        n += countAboveEncodedMs(t.histogram, thresholdMs, seriesName(t, file));
      }
      return n;
    },
    percentile(p) {
      if (trends.length === 0) return null;
      const h = all();
      return h.totalCount === 0 ? null : percentileMs(h, p);
    },
  };
}

/** SloInput over a K6Run (either k6 NDJSON format): exact percentiles and per-window data. */
export function sloInputFromK6Run(run: K6Run, file: string): SloInput {
  const journeys = new Set<string>();
  for (const t of run.totals.trends) {
    if (t.metric !== 'http_req_duration') continue;
    const j = t.tags.journey ?? t.tags.name;
    if (j) journeys.add(j);
  }
  const windows: InputWindow[] = run.windows.map((w) => ({
    startMs: w.startMs,
    endMs: w.endMs,
    aggregate: (journey?: string) => k6Aggregate(w, journey, undefined, file),
  }));
  const limits: string[] = [];
  const partial = !run.complete ? 'the run did not finish cleanly (k6 stopped early or was killed): results cover the data that was written' : null;
  if (partial) limits.push(partial);
  if (run.aborted) limits.push(`k6 was aborted: ${run.aborted.reason}`);
  const whole = k6Aggregate(run.totals, undefined, undefined, file);
  const counter = (metric: string): number | null => {
    const cs = run.totals.counters.filter((c) => c.metric === metric);
    return cs.length > 0 ? cs.reduce((a, c) => a + c.value, 0) : null;
  };
  return {
    format: run.format,
    file,
    durationMs: Math.max(0, run.endMs - run.startMs),
    percentiles: 'exact',
    aggregate: (journey?: string) => k6Aggregate(run.totals, journey, undefined, file),
    windows,
    journeys: [...journeys].sort(),
    warnings: [...run.warnings],
    limits,
    facts: {
      requests: whole?.total ?? 0,
      failed: whole?.failed ?? null,
      iterations: counter('iterations'),
      droppedIterations: counter('dropped_iterations'),
      aborted: run.aborted?.reason ?? null,
    },
    partial,
  };
}
