/**
 * Builds the perf.loadtest/v1 payload from a K6Run (either k6 reader) and the load profile that
 * ran. PURE: no files, no clocks. Finds the breaking point (stress/breakpoint), the recovery time
 * (spike) and the drift over time (soak).
 */
import type { K6Run, K6WindowLine, SeriesTags } from '../../core/artifacts/k6-windows.js';
import type { LoadFigures, LoadStage, LoadTestPayload, LoadWindow } from '../../core/artifacts/schemas.js';
import { decodeHistogram, encodeHistogram, latencyStats, mergeHistograms, newHistogram, percentileMs, type Histogram } from '../../analyzers/histogram.js';
import { minSamplesFor } from '../../analyzers/sample-size.js';
import { targetAt, type LoadProfile } from '../../profiles/index.js';
import { fitTrend } from '../../analyzers/trend.js';

export interface ResultContext {
  profile: LoadProfile;
  partial: boolean;
  k6: LoadTestPayload['k6'];
  rawArtifact: string;
  /** Requests per journey iteration (to read arrival-rate targets as req/s). */
  requestsPerIteration: number;
  /**
   * Latency limits a window must meet to count as "keeping up": the latency SLOs (journey-filtered
   * ones on that journey's requests), else the baseline's p95 threshold, else p95 < 1000 ms.
   */
  latencyLimits: LatencyLimit[];
  /** Error rate (0..1) above which a window counts as broken. */
  errorLimit: number;
  /** Consecutive violating windows that make a breaking point (default 3). */
  sustainWindows?: number;
}

export interface LatencyLimit {
  /** Only this journey's requests; undefined = all. */
  journey?: string;
  /** Percentile 0-100, e.g. 95. */
  percentile: number;
  thresholdMs: number;
}

type Series = Pick<K6WindowLine, 'trends' | 'counters' | 'rates' | 'gauges'>;

const DURATION = 'http_req_duration';
/** A breaking point is a violation that lasts this many consecutive windows (each with enough samples). */
export const DEFAULT_SUSTAIN_WINDOWS = 3;
/** The sample-size rule's minimum for p95: fewer requests in a window judge neither breaking nor recovery. */
const MIN_WINDOW_REQUESTS = minSamplesFor(95);
/** Spike: recovered when p95 is back within this factor of the pre-spike p95 (and errors too). */
const RECOVERY_FACTOR = 1.5;
/** Open model: achieved throughput below this share of the target rate means the service fell behind. */
const SATURATION_SHARE = 0.85;

export function buildLoadTestPayload(run: K6Run, ctx: ResultContext): LoadTestPayload {
  const { profile } = ctx;
  const t0 = run.startMs;
  const windows = run.windows.map((w) => toLoadWindow(w, t0));
  const journeyNames = [...new Set(run.totals.trends.filter((t) => t.metric === DURATION && t.tags.journey).map((t) => t.tags.journey as string))].sort();
  const durationMs = Math.max(0, run.endMs - run.startMs);
  // The figures exclude the warm-up stage: they come from the windows that start after it. A run
  // without windows (or that ended inside the warm-up) falls back to the totals and says so.
  const warmupEnd = t0 + profile.warmupMs;
  const measuredWindows = run.windows.filter((w) => w.startMs >= warmupEnd - 1);
  const excluded = profile.warmupMs > 0 && measuredWindows.length > 0 && measuredWindows.length < run.windows.length;
  const measured: Series = excluded ? concatSeries(measuredWindows) : run.totals;
  const measuredMs = excluded ? Math.max(0, run.endMs - (measuredWindows[0] as K6WindowLine).startMs) : durationMs;
  const overall = figures('overall', measured, measuredMs, () => true);
  const journeys = journeyNames.map((j) => figures(j, measured, measuredMs, (tags) => tags.journey === j));
  const endpointNames = [...new Set(measured.trends.filter((t) => t.metric === DURATION && t.tags.name).map((t) => t.tags.name as string))].sort();
  const endpoints = endpointNames.map((n) => figures(n, measured, measuredMs, (tags) => tags.name === n));

  const checksByName: Record<string, { passes: number; fails: number }> = {};
  let passes = 0;
  let fails = 0;
  for (const r of measured.rates) {
    if (r.metric !== 'checks') continue;
    const name = r.tags.check ?? '(unnamed)';
    const e = (checksByName[name] ??= { passes: 0, fails: 0 });
    e.passes += r.trues;
    e.fails += r.total - r.trues;
    passes += r.trues;
    fails += r.total - r.trues;
  }

  const stages: LoadStage[] = [];
  let at = 0;
  for (const s of profile.stages) {
    stages.push({ startMs: at, endMs: at + s.durationMs, target: s.target, label: s.label, ...(s.warmup ? { warmup: true } : {}) });
    at += s.durationMs;
  }

  const aborted = run.aborted ? { reason: run.aborted.reason, atMs: Math.max(0, run.aborted.atMs - t0) } : null;
  return {
    scenario: profile.scenario,
    partial: ctx.partial || !run.complete,
    quick: profile.quick,
    startedAt: new Date(run.startMs).toISOString(),
    endedAt: new Date(run.endMs).toISOString(),
    durationMs,
    warmup: { ms: profile.warmupMs, excluded, note: warmupNote(profile.warmupMs, excluded, measuredWindows.length) },
    k6: run.versions ? { ...ctx.k6, extensionVersion: run.versions.extension } : ctx.k6,
    rawArtifact: ctx.rawArtifact,
    journeys,
    overall,
    windowMs: run.windowMs,
    windows,
    stages,
    droppedIterations: sumCounters(measured, 'dropped_iterations', () => true),
    sustainWindows: Math.max(1, ctx.sustainWindows ?? DEFAULT_SUSTAIN_WINDOWS),
    iterations: sumCounters(measured, 'iterations', () => true),
    checks: { passes, fails, byName: checksByName },
    ...(endpoints.length ? { endpoints } : {}),
    breakingPoint: profile.scenario === 'stress' || profile.scenario === 'breakpoint' ? findBreakingPoint(windows, run, ctx, aborted) : null,
    recovery: profile.scenario === 'spike' ? findRecovery(windows, profile) : null,
    drift: profile.scenario === 'soak' ? findDrift(windows.filter((w) => w.startMs >= profile.warmupMs - 1), durationMs, profile.warmupMs) : null,
    aborted,
  };
}

function warmupNote(ms: number, excluded: boolean, measuredWindows: number): string {
  if (ms <= 0) return 'no warm-up (warmup: 0s): every window counts';
  if (excluded) return `the first ${Math.round(ms / 100) / 10} s (warm-up stage) are excluded from the figures, the breaking point and the recovery`;
  return measuredWindows === 0
    ? 'the run ended during the warm-up: the figures include it (there is nothing else)'
    : 'no window data to separate the warm-up: the figures include it';
}

/** Several windows as one series set (their trends merge losslessly, counters and rates add). */
function concatSeries(ws: readonly K6WindowLine[]): Series {
  return { trends: ws.flatMap((w) => w.trends), counters: ws.flatMap((w) => w.counters), rates: ws.flatMap((w) => w.rates), gauges: ws.flatMap((w) => w.gauges) };
}

function toLoadWindow(w: K6WindowLine, t0: number): LoadWindow {
  const h = mergedHistogram(w, () => true);
  const requests = sumCounters(w, 'http_reqs', () => true);
  const errors = failed(w, () => true);
  const spanS = Math.max(1e-3, (w.endMs - w.startMs) / 1000);
  const journeys: LoadWindow['journeys'] = {};
  for (const j of new Set(w.trends.filter((t) => t.metric === DURATION && t.tags.journey).map((t) => t.tags.journey as string))) {
    const match = (tags: SeriesTags): boolean => tags.journey === j;
    journeys[j] = { requests: sumCounters(w, 'http_reqs', match), errors: failed(w, match), histogram: encodeHistogram(mergedHistogram(w, match)) };
  }
  return {
    startMs: w.startMs - t0,
    endMs: w.endMs - t0,
    requests,
    errors,
    rps: round2(requests / spanS),
    errorRate: requests > 0 ? errors / requests : 0,
    latencyMs: h.totalCount > 0 ? { p50: percentileMs(h, 50), p95: percentileMs(h, 95), p99: percentileMs(h, 99) } : { p50: 0, p95: 0, p99: 0 },
    vus: gaugeMax(w, 'vus'),
    ...(w.gauges.some((g) => g.metric === 'vus_max') ? { vusMax: gaugeMax(w, 'vus_max') } : {}),
    histogram: encodeHistogram(h),
    journeys,
    droppedIterations: sumCounters(w, 'dropped_iterations', () => true),
    checks: checkCounts(w),
  };
}

/** The window's maximum of a k6 gauge (0 when k6 sent no sample of it). */
function gaugeMax(w: K6WindowLine, metric: string): number {
  return Math.max(0, ...w.gauges.filter((g) => g.metric === metric).map((g) => g.max));
}

function checkCounts(s: Series): { passes: number; fails: number } {
  const checks = s.rates.filter((r) => r.metric === 'checks');
  const passes = checks.reduce((a, r) => a + r.trues, 0);
  return { passes, fails: checks.reduce((a, r) => a + r.total, 0) - passes };
}

function figures(name: string, s: Series, durationMs: number, match: (t: SeriesTags) => boolean): LoadFigures {
  const h = mergedHistogram(s, match);
  const requests = sumCounters(s, 'http_reqs', match);
  const errors = failed(s, match);
  const statusCodes: Record<string, number> = {};
  for (const c of s.counters) {
    if (c.metric !== 'http_reqs' || !match(c.tags)) continue;
    const k = c.tags.status ?? 'unknown';
    statusCodes[k] = (statusCodes[k] ?? 0) + c.value;
  }
  return {
    name,
    requests,
    errors,
    errorRate: requests > 0 ? errors / requests : 0,
    statusCodes,
    throughputRps: durationMs > 0 ? round2(requests / (durationMs / 1000)) : 0,
    durationMs,
    latencyMs: latencyStats(h),
    histogram: encodeHistogram(h),
  };
}

function mergedHistogram(s: Series, match: (t: SeriesTags) => boolean): Histogram {
  const hs = s.trends.filter((t) => t.metric === DURATION && match(t.tags) && t.count > 0).map((t) => decodeHistogram(t.histogram));
  return hs.length ? mergeHistograms(hs) : newHistogram();
}

function sumCounters(s: Series, metric: string, match: (t: SeriesTags) => boolean): number {
  return s.counters.filter((c) => c.metric === metric && match(c.tags)).reduce((a, c) => a + c.value, 0);
}

function failed(s: Series, match: (t: SeriesTags) => boolean): number {
  return s.rates.filter((r) => r.metric === 'http_req_failed' && match(r.tags)).reduce((a, r) => a + r.trues, 0);
}

/**
 * The breaking point: the first SUSTAINED violation after the warm-up — at least `sustainWindows`
 * consecutive windows (default 3), each with enough samples for what it is judged on (the
 * sample-size rule for the limit's percentile, 1 / errorLimit requests for the error rate), each
 * breaking a latency limit, the error limit, or (open model) falling behind its target while k6
 * dropped iterations. The rate is what the service ACHIEVED in the first of those windows (the
 * target goes beside it). A threshold abort with no sustained violation before it counts too.
 */
export function findBreakingPoint(
  windows: LoadWindow[],
  run: Pick<K6Run, 'windows'>,
  ctx: ResultContext,
  aborted: { reason: string; atMs: number } | null,
): LoadTestPayload['breakingPoint'] {
  const rateAt = (ms: number): number => targetAt(ctx.profile, ms);
  const unit = ctx.profile.model === 'arrival-rate' ? 'req/s' : 'VUs';
  const need = Math.max(1, ctx.sustainWindows ?? DEFAULT_SUSTAIN_WINDOWS);
  const minForErrors = Math.min(100, Math.ceil(1 / Math.max(ctx.errorLimit, 1e-6)));
  let streak: Array<{ w: LoadWindow; target: number; reason: string }> = [];
  for (const [i, w] of windows.entries()) {
    if (w.startMs < ctx.profile.warmupMs - 1) continue;
    const target = rateAt((w.startMs + w.endMs) / 2);
    const dropped = sumCounters(run.windows[i] as K6WindowLine, 'dropped_iterations', () => true);
    let reason = latencyBreach(w, ctx.latencyLimits);
    if (!reason && w.requests >= minForErrors && w.errorRate > ctx.errorLimit) reason = `error rate ${pct(w.errorRate)} > ${pct(ctx.errorLimit)} (n = ${w.requests})`;
    if (!reason && ctx.profile.model === 'arrival-rate' && dropped > 0 && w.rps < SATURATION_SHARE * target) {
      reason = `throughput ${w.rps} req/s < ${Math.round(SATURATION_SHARE * 100)}% of the target ${round2(target)} req/s (${dropped} dropped iterations)`;
    }
    if (!reason) {
      streak = [];
      continue;
    }
    streak.push({ w, target, reason });
    if (streak.length >= need) {
      const first = streak[0] as (typeof streak)[number];
      const last = streak[streak.length - 1] as (typeof streak)[number];
      const rate = ctx.profile.model === 'arrival-rate' ? first.w.rps : round2(first.target);
      return {
        rps: rate,
        targetRps: round2(first.target),
        atMs: first.w.startMs,
        span: { startMs: first.w.startMs, endMs: last.w.endMs, windows: streak.length },
        evidence: streak.map((s) => `${Math.round(s.w.startMs / 100) / 10}–${Math.round(s.w.endMs / 100) / 10} s: ${s.reason}, achieved ${s.w.rps} req/s`),
        reason: `${first.reason} for ${streak.length} consecutive windows from ${Math.round(first.w.startMs / 100) / 10} s, at ${rate} ${unit === 'req/s' ? 'req/s achieved' : 'VUs'} (target ${round2(first.target)} ${unit})`,
      };
    }
  }
  if (aborted && aborted.atMs >= ctx.profile.warmupMs) {
    const target = rateAt(aborted.atMs);
    // What the service achieved just before the abort (the last full window that started before it).
    const before = windows.filter((w) => w.endMs <= aborted.atMs + 1 && w.requests > 0).at(-1);
    const rate = ctx.profile.model === 'arrival-rate' && before ? before.rps : round2(target);
    const delay = ctx.profile.abort ? ` (aborts allowed only after ${Math.round(ctx.profile.abort.delayAbortEvalMs / 1000)} s and ≥ ${ctx.profile.abort.minSamples} requests)` : '';
    return {
      rps: rate,
      targetRps: round2(target),
      atMs: aborted.atMs,
      span: before ? { startMs: before.startMs, endMs: before.endMs, windows: 1 } : null,
      evidence: before ? [`last window before the abort: ${before.requests} requests, p95 ${before.latencyMs.p95} ms, errors ${pct(before.errorRate)}`] : [],
      reason: `test aborted at ${rate} ${unit === 'req/s' ? 'req/s achieved' : 'VUs'} (target ${round2(target)} ${unit}): ${aborted.reason}${delay}`,
    };
  }
  return null;
}

/** The first latency limit a window breaks, as a reason, or null. */
function latencyBreach(w: LoadWindow, limits: LatencyLimit[]): string | null {
  for (const l of limits) {
    const hist = l.journey === undefined ? w.histogram : w.journeys[l.journey]?.histogram;
    if (!hist) continue;
    const h = decodeHistogram(hist);
    // Not enough samples for this percentile: the window cannot show a violation of it.
    if (h.totalCount < Math.max(MIN_WINDOW_REQUESTS, minSamplesFor(l.percentile))) continue;
    const v = percentileMs(h, l.percentile);
    if (v > l.thresholdMs) return `${l.journey ? `${l.journey} ` : ''}p${l.percentile} ${v} ms > ${l.thresholdMs} ms (n = ${h.totalCount})`;
  }
  return null;
}

/** Spike: time from the end of the spike until p95 and errors are back near the pre-spike level. */
export function findRecovery(windows: LoadWindow[], profile: LoadProfile): LoadTestPayload['recovery'] {
  const spike = profile.spike;
  if (!spike) return null;
  // The reference is the warmed steady state: every window after the warm-up and before the spike,
  // pooled, so the sample-size rule applies to the reference p95 as a whole, not to each window.
  const before = windows.filter((w) => w.startMs >= profile.warmupMs - 1 && w.endMs <= spike.startMs && w.requests > 0);
  const note = (s: string): LoadTestPayload['recovery'] => ({ recoveryTimeMs: null, spikeEndMs: spike.endMs, note: s });
  const pooled = before.reduce((a, w) => a + w.requests, 0);
  if (pooled < MIN_WINDOW_REQUESTS) return note(`${pooled} requests between the warm-up and the spike (p95 needs ≥ ${MIN_WINDOW_REQUESTS}): nothing to compare the recovery against`);
  const ref = mergeHistograms(before.map((w) => decodeHistogram(w.histogram)));
  const refP95 = percentileMs(ref, 95);
  const refErr = before.reduce((a, w) => a + w.errors, 0) / Math.max(1, before.reduce((a, w) => a + w.requests, 0));
  const limit = refP95 * RECOVERY_FACTOR;
  const healthy = (w: LoadWindow): boolean => w.latencyMs.p95 <= limit && w.errorRate <= refErr + 0.01;
  const during = windows.filter((w) => w.startMs >= spike.startMs && w.endMs <= spike.endMs && w.requests >= MIN_WINDOW_REQUESTS);
  if (during.length > 0 && during.every(healthy)) {
    return { recoveryTimeMs: 0, spikeEndMs: spike.endMs, note: `never degraded: p95 stayed within ${RECOVERY_FACTOR}× the pre-spike ${refP95} ms during the spike` };
  }
  const after = windows.filter((w) => w.endMs > spike.endMs && w.requests >= MIN_WINDOW_REQUESTS);
  const firstOk = after.findIndex(healthy);
  if (firstOk < 0) return note(`not recovered by the end of the test: p95 never returned within ${RECOVERY_FACTOR}× the pre-spike ${refP95} ms`);
  const w = after[firstOk] as LoadWindow;
  return {
    recoveryTimeMs: Math.max(0, w.endMs - spike.endMs),
    spikeEndMs: spike.endMs,
    note: `p95 back to ${w.latencyMs.p95} ms (≤ ${RECOVERY_FACTOR}× the warmed pre-spike ${refP95} ms from ${ref.totalCount} requests) in the window ending ${Math.round(w.endMs / 1000)} s into the test`,
  };
}

/** Soak: the p95-per-window trend needs this many windows that support a p95. */
export const MIN_DRIFT_WINDOWS = 5;
/** Soak: degraded when the fitted p95 rises by at least this share of the mean p95 over the soak AND the slope's CI95 lies above 0. */
export const DEGRADED_CHANGE_PCT = 20;

/**
 * Soak: p95 of the first vs the last hour (or third, for runs shorter than three hours), and the
 * trend of p95 per window against time (analyzers/trend.ts, simple-statistics) — the degradation verdict.
 */
export function findDrift(windows: LoadWindow[], durationMs: number, fromMs = 0): LoadTestPayload['drift'] {
  const seg = Math.min(3_600_000, (durationMs - fromMs) / 3);
  const first = windows.filter((w) => w.startMs >= fromMs - 1 && w.endMs <= fromMs + seg && w.requests > 0);
  const last = windows.filter((w) => w.startMs >= durationMs - seg && w.requests > 0);
  if (first.length === 0 || last.length === 0) return null;
  const p95 = (ws: LoadWindow[]): number => percentileMs(mergeHistograms(ws.map((w) => decodeHistogram(w.histogram))), 95);
  const a = p95(first);
  const b = p95(last);
  const label = seg >= 3_600_000 ? 'hour' : 'third';
  const supported = windows.filter((w) => w.startMs >= fromMs - 1 && w.requests >= MIN_WINDOW_REQUESTS);
  const trend = supported.length >= MIN_DRIFT_WINDOWS ? fitTrend(supported.map((w) => [(w.startMs + w.endMs) / 2 / 3_600_000, w.latencyMs.p95] as const)) : null;
  const base = {
    firstP95Ms: a,
    lastP95Ms: b,
    changePct: a > 0 ? round2(((b - a) / a) * 100) : 0,
    windows: supported.length,
  };
  if (!trend) {
    return { ...base, slopeMsPerHour: null, ci95: null, fittedChangePct: null, degraded: null, note: `p95 of the first ${label} vs the last ${label} of the run; no trend: ${supported.length} window(s) with ≥ ${MIN_WINDOW_REQUESTS} requests (needs ≥ ${MIN_DRIFT_WINDOWS})` };
  }
  const x0 = ((supported[0] as LoadWindow).startMs + (supported[0] as LoadWindow).endMs) / 2 / 3_600_000;
  const x1 = ((supported.at(-1) as LoadWindow).startMs + (supported.at(-1) as LoadWindow).endMs) / 2 / 3_600_000;
  // The fitted rise over the soak as a share of the mean p95 (a fitted start level can be <= 0 for a steep rise).
  const level = supported.reduce((acc, w) => acc + w.latencyMs.p95, 0) / supported.length;
  const fittedChangePct = level > 0 ? round2(((trend.slope * (x1 - x0)) / level) * 100) : null;
  const degraded = trend.ci95[0] > 0 && fittedChangePct !== null && fittedChangePct >= DEGRADED_CHANGE_PCT;
  return {
    ...base,
    slopeMsPerHour: round2(trend.slope),
    ci95: [round2(trend.ci95[0]), round2(trend.ci95[1])],
    fittedChangePct,
    degraded,
    note: `p95 of the first ${label} vs the last ${label} of the run; trend of p95 per window over ${trend.n} windows (least squares, simple-statistics): degraded when the CI95 of the slope lies above 0 and the fitted rise is ≥ ${DEGRADED_CHANGE_PCT}% of the mean p95`,
  };
}

const round2 = (n: number): number => Math.round(n * 100) / 100 || 0; // never -0
const pct = (f: number): string => `${(f * 100).toFixed(2)}%`;
