import type { Capacity, CapacityStep } from '../../core/artifacts/schemas.js';
import { PERCENTILE_VALUES, type Slo } from '../../core/config/types.js';

/** Errors above this share end the capacity search. */
export const CAPACITY_MAX_ERROR_RATE = 0.01;
/** A step "stopped rising" when it achieved less than this share of its arrival rate. */
export const PLATEAU_ACHIEVED_SHARE = 0.9;
/** Used when no latency SLO exists: the search then stops on errors and plateau mostly. */
export const DEFAULT_LATENCY_THRESHOLD_MS = 1000;

/** The tightest latency threshold among the latency SLOs (recorded in the artifact), or the default. */
export function capacityThresholdMs(slos: readonly Slo[]): { thresholdMs: number; fromSlo: string | null } {
  let best: Slo | undefined;
  for (const s of slos) {
    if (s.sli !== 'latency' || s.thresholdMs === undefined) continue;
    if (!best || s.thresholdMs < (best.thresholdMs as number)) best = s;
  }
  return best ? { thresholdMs: best.thresholdMs as number, fromSlo: best.name } : { thresholdMs: DEFAULT_LATENCY_THRESHOLD_MS, fromSlo: null };
}

/** Arrival rates to try, as multiples of a closed-model probe's throughput. */
export const CAPACITY_FACTORS = [0.25, 0.5, 0.7, 0.85, 1.0, 1.15, 1.3, 1.5] as const;

/** Lower rates to try when even the first planned step fails (halving, at least 1/s). */
export function fallbackRates(firstRate: number, count = 3): number[] {
  const out: number[] = [];
  for (let r = Math.floor(firstRate / 2); r >= 1 && out.length < count; r = Math.floor(r / 2)) out.push(r);
  return out;
}

export function plannedRates(probeRps: number, factors: readonly number[] = CAPACITY_FACTORS): number[] {
  const rates = factors.map((f) => Math.max(1, Math.round(probeRps * f)));
  return [...new Set(rates)];
}

/**
 * Latency SLOs a step breaks: each SLO at its own percentile, on its own journey (or all traffic).
 * `percentileOf(journey, percentile)` gives the step's corrected latency in ms (NaN = no data).
 */
export function latencyBreaches(
  slos: readonly Slo[],
  journeysInRun: readonly string[],
  percentileOf: (journey: string | undefined, percentile: number) => number,
): string[] {
  const out: string[] = [];
  for (const s of slos) {
    if (s.sli !== 'latency' || s.thresholdMs === undefined) continue;
    if (s.journey !== undefined && !journeysInRun.includes(s.journey)) continue;
    const v = percentileOf(s.journey, PERCENTILE_VALUES[s.percentile ?? 'p95']);
    if (Number.isFinite(v) && v > s.thresholdMs) out.push(s.name);
  }
  return out;
}

/** The verdict of one step: the first criterion it breaks, else "ok". */
export function judgeStep(
  step: Omit<CapacityStep, 'verdict'>,
  previous: CapacityStep | undefined,
  latencyBreached: boolean,
): CapacityStep['verdict'] {
  if (step.errorRate > CAPACITY_MAX_ERROR_RATE) return 'errors';
  if (latencyBreached) return 'latency';
  if (step.achievedRps < step.rateRps * PLATEAU_ACHIEVED_SHARE) return 'plateau';
  if (previous && step.achievedRps <= previous.achievedRps) return 'plateau';
  return 'ok';
}

/**
 * The knee: the highest arrival rate whose step was ok (0 when no step was), and what stopped the
 * search: the first failing step above the knee.
 */
export function summarizeCapacity(steps: CapacityStep[], thresholdMs: number): Capacity {
  const ok = steps.filter((s) => s.verdict === 'ok');
  const best = ok.reduce<CapacityStep | undefined>((a, s) => (!a || s.rateRps > a.rateRps ? s : a), undefined);
  const failed = steps.find((s) => s.verdict !== 'ok' && (!best || s.rateRps > best.rateRps)) ?? steps.find((s) => s.verdict !== 'ok');
  return {
    maxRps: best ? best.rateRps : 0,
    limitedBy: failed ? (failed.verdict as Exclude<CapacityStep['verdict'], 'ok'>) : 'max-rate',
    latencyThresholdMs: thresholdMs,
    steps,
  };
}
