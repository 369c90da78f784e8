import {
  DEFAULT_MAX_RATE_RPS,
  fallbackRates,
  generatorSaturation,
  judgeStep,
  KNEE_TRIALS,
  latencyBreaches,
  MAX_REFINE_STEPS,
  plannedRates,
  REFINE_GAP,
  summarizeCapacity,
  trialsByRate,
} from '../../analyzers/baseline/capacity.js';
import { percentileMs } from '../../analyzers/histogram.js';
import { minSamplesFor, supportsPercentile } from '../../analyzers/sample-size.js';
import type { Capacity, CapacityStep } from '../../core/artifacts/schemas.js';
import { PERCENTILE_VALUES, type Journey, type Slo } from '../../core/config/types.js';
import { generatorLoad } from '../load/generator-load.js';
import { runLoad } from '../load/run-load.js';

export interface CapacitySearchOptions {
  baseUrl: string;
  journeys: readonly Journey[];
  headers: Record<string, string>;
  /** Closed-model throughput of a short probe; the step rates are multiples of it. */
  probeRps: number;
  /** Latency SLOs, each checked at its own percentile on its own journey; none → overall p95 vs thresholdMs. */
  slos: readonly Slo[];
  thresholdMs: number;
  stepMs: number;
  /** Warm-up before each step (the service is warm by then: short). */
  stepWarmupMs?: number;
  /** --max-rate: no step offers more (default DEFAULT_MAX_RATE_RPS). */
  maxRateRps?: number;
  signal?: AbortSignal;
  onStep?: (step: CapacityStep, index: number, planned: number) => void;
}

/** A step runs at most this many times stepMs to collect enough samples for its percentile. */
const MAX_STEP_STRETCH = 4;

/**
 * Raises the open-model arrival rate step by step until a latency SLO (from the intended send
 * time) breaks, errors exceed 1 %, throughput stops rising, or perf itself saturates; then
 * bisects between the last ok and the first failing rate and repeats the knee (majority of
 * KNEE_TRIALS) and the rate above it, so one noisy step neither makes nor breaks the knee.
 * Every step is a short fresh run, capped at --max-rate. Bounded: at most ~20 steps.
 */
export async function searchCapacity(opts: CapacitySearchOptions): Promise<Capacity> {
  const maxRate = opts.maxRateRps ?? DEFAULT_MAX_RATE_RPS;
  const rates = plannedRates(opts.probeRps, undefined, maxRate);
  const steps: CapacityStep[] = [];
  const names = opts.journeys.map((j) => j.name);
  const latencySlos = opts.slos.filter((s) => s.sli === 'latency' && s.thresholdMs !== undefined && (!s.journey || names.includes(s.journey)));
  // Enough samples for the tightest percentile judged, on the lightest journey an SLO filters on.
  const totalWeight = opts.journeys.reduce((a, j) => a + j.weight, 0);
  const needed = Math.max(
    minSamplesFor(95),
    ...latencySlos.map((s) => {
      const share = s.journey ? (opts.journeys.find((j) => j.name === s.journey)?.weight ?? totalWeight) / totalWeight : 1;
      return Math.ceil(minSamplesFor(PERCENTILE_VALUES[s.percentile ?? 'p95']) / share);
    }),
  );
  let planned = rates.length;
  const step = async (rateRps: number, previous: CapacityStep | undefined, phase: CapacityStep['phase']): Promise<CapacityStep> => {
    const durationMs = Math.min(opts.stepMs * MAX_STEP_STRETCH, Math.max(opts.stepMs, Math.ceil(((needed * 1.2) / rateRps) * 1000)));
    const r = await runLoad({
      baseUrl: opts.baseUrl,
      journeys: opts.journeys,
      headers: opts.headers,
      model: { kind: 'open', rateRps, connections: openConnections(rateRps) },
      durationMs,
      warmupMs: opts.stepWarmupMs ?? Math.min(500, opts.stepMs / 4),
      timeoutMs: Math.max(2000, opts.thresholdMs * 4),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const figures = r.overall.figures(r.durationMs, true);
    const generator = generatorLoad(r.generator);
    const measured = {
      rateRps,
      achievedRps: r.durationMs > 0 ? Math.round((r.completedInWindow / (r.durationMs / 1000)) * 10) / 10 : 0,
      p95Ms: figures.requests > 0 ? figures.latencyMs.p95 : 0,
      // Requests left unanswered at the end of a step count as errors here: they never came back.
      errorRate: figures.requests + r.unfinished === 0 ? 0 : (figures.errors + r.unfinished) / (figures.requests + r.unfinished),
      requests: figures.requests,
    };
    const breached = latencySlos.length
      ? latencyBreaches(latencySlos, names, (journey, pct) => {
          const rec = journey === undefined ? r.overall : r.journeys[names.indexOf(journey)];
          // A percentile the step's sample cannot support judges nothing.
          return rec && supportsPercentile(rec.requests, pct) ? percentileMs(rec.corrected, pct) : Number.NaN;
        }).length > 0
      : supportsPercentile(measured.requests, 95) && measured.p95Ms > opts.thresholdMs;
    const saturated = generatorSaturation(generator, opts.thresholdMs) !== null;
    const s: CapacityStep = { ...measured, verdict: judgeStep(measured, previous, breached, saturated), phase, generator };
    steps.push(s);
    opts.onStep?.(s, steps.length - 1, Math.max(planned, steps.length));
    return s;
  };
  // A saturated generator is often a passing burst of other load on the host: try the rate once
  // more before the search gives up on it (the summary keeps both trials).
  const measure = async (rateRps: number, previous: CapacityStep | undefined, phase: CapacityStep['phase']): Promise<CapacityStep> => {
    const first = await step(rateRps, previous, phase);
    return first.verdict === 'generator' && !stop() ? step(rateRps, previous, 'confirm') : first;
  };
  const stop = (): boolean => opts.signal?.aborted === true;

  for (const rateRps of rates) {
    if (stop()) break;
    const s = await measure(rateRps, steps[steps.length - 1], 'search');
    if (s.verdict !== 'ok') break;
  }
  // Even the lowest planned rate failed: look below it, so slow services still get a knee.
  if (steps.every((s) => s.rateRps === rates[0]) && steps.at(-1)?.verdict !== 'ok') {
    for (const rateRps of fallbackRates(rates[0] as number)) {
      if (stop()) break;
      if ((await measure(rateRps, undefined, 'search')).verdict === 'ok') break;
    }
  }
  if (steps.at(-1)?.verdict === 'generator') return summarizeCapacity(steps, opts.thresholdMs, maxRate);

  // Bisect between the last ok rate and the first failing one above it.
  const okBelow = (below: number): number | undefined => steps.filter((s) => s.verdict === 'ok' && s.rateRps < below).reduce<number | undefined>((a, s) => (a === undefined || s.rateRps > a ? s.rateRps : a), undefined);
  let hi = steps.find((s) => s.verdict !== 'ok')?.rateRps;
  let lo = okBelow(hi ?? Number.POSITIVE_INFINITY);
  planned = steps.length + MAX_REFINE_STEPS + KNEE_TRIALS;
  for (let i = 0; i < MAX_REFINE_STEPS && lo !== undefined && hi !== undefined && (hi - lo) / lo > REFINE_GAP && !stop(); i++) {
    const mid = Math.round((lo + hi) / 2);
    if (mid <= lo || mid >= hi) break;
    const s = await measure(mid, undefined, 'refine');
    if (s.verdict === 'generator') return summarizeCapacity(steps, opts.thresholdMs, maxRate);
    if (s.verdict === 'ok') lo = mid;
    else hi = mid;
  }
  // Confirm: the knee must pass a majority of KNEE_TRIALS; if it does not, step down (twice at most).
  for (let down = 0; lo !== undefined && down < 3 && !stop(); down++) {
    const knee: number = lo;
    const trialsOf = (rate: number): { trials: number; passes: number } => trialsByRate(steps).get(rate) ?? { trials: 0, passes: 0 };
    while (trialsOf(knee).trials < KNEE_TRIALS && !stop()) {
      const t = trialsOf(knee);
      // Stop early once a majority either way is certain.
      if (t.passes * 2 > KNEE_TRIALS || (t.trials - t.passes) * 2 >= KNEE_TRIALS) break;
      if ((await measure(knee, undefined, 'confirm')).verdict === 'generator') return summarizeCapacity(steps, opts.thresholdMs, maxRate);
    }
    const t = trialsOf(knee);
    if (t.passes * 2 > t.trials) break;
    hi = knee;
    lo = okBelow(knee);
  }
  // The rate above the knee once more: a failure that does not repeat is noise, and the summary says so.
  if (hi !== undefined && !stop() && (trialsByRate(steps).get(hi)?.trials ?? 0) < 2) await step(hi, undefined, 'confirm');
  return summarizeCapacity(steps, opts.thresholdMs, maxRate);
}

/** Connections for an open-model rate: enough to keep up at ~20 requests/s each, 10..256. */
export function openConnections(rateRps: number): number {
  return Math.min(256, Math.max(10, Math.ceil(rateRps / 20)));
}
