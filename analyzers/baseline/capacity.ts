import { fmtDecimal } from '../../core/format.js';
import type { Capacity, CapacityStep, GeneratorLoad } from '../../core/artifacts/schemas.js';
import { PERCENTILE_VALUES, type Slo } from '../../core/config/types.js';

/** Errors above this share end the capacity search. */
export const CAPACITY_MAX_ERROR_RATE = 0.01;
/** A step "stopped rising" when it achieved less than this share of its arrival rate. */
export const PLATEAU_ACHIEVED_SHARE = 0.9;
/** Used when no latency SLO exists: the search then stops on errors and plateau mostly. */
export const DEFAULT_LATENCY_THRESHOLD_MS = 1000;
/** --max-rate default: the probe and the search never offer more than this (requests/s). */
export const DEFAULT_MAX_RATE_RPS = 2000;
/** The generator is saturated above this CPU share of one core (Node runs the load on one thread). */
export const GENERATOR_CPU_LIMIT = 0.9;
/** Trials of the knee's rate (the search's own + repeats); it must pass a majority. */
export const KNEE_TRIALS = 3;
/** Bisection between the last ok and the first failing rate stops below this relative gap. */
export const REFINE_GAP = 0.06;
export const MAX_REFINE_STEPS = 3;

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

/**
 * Planned rates, capped at --max-rate: the first planned rate above the cap becomes the cap itself,
 * and a planned rate within REFINE_GAP below the cap gives way to it (59 then 60 req/s would judge
 * the cap on a 1.7 % step, inside the noise of a short step's achieved rate).
 */
export function plannedRates(probeRps: number, factors: readonly number[] = CAPACITY_FACTORS, maxRateRps = Number.POSITIVE_INFINITY): number[] {
  const cap = Math.floor(maxRateRps);
  const rates = [...new Set(factors.map((f) => Math.min(cap, Math.max(1, Math.round(probeRps * f)))))];
  if (rates.at(-1) === cap) {
    while (rates.length >= 2 && (cap - (rates.at(-2) as number)) / cap < REFINE_GAP) rates.splice(rates.length - 2, 1);
  }
  return rates;
}

/** Throughput "stopped rising" only judged when the offered rate rose by more than this share (a short step's achieved rate varies by ~1–2 %). */
export const FLAT_CHECK_MIN_RISE = REFINE_GAP;

/**
 * Why the generator (perf itself) could be the limit of a step: its CPU near a full core, or its
 * sends leaving late compared with the latency threshold they would distort.
 * Null when it kept up.
 */
export function generatorSaturation(g: GeneratorLoad | undefined, thresholdMs: number): string | null {
  if (!g) return null;
  if (g.cpuShare >= GENERATOR_CPU_LIMIT) return `the load generator used ${Math.round(g.cpuShare * 100)} % of a CPU core`;
  // The send lag is the generator's effect on the figures (its event-loop delay is only a cause,
  // and on a busy host also the service's): it matters when it is a fifth of the threshold.
  const lagLimit = Math.max(5, thresholdMs * 0.2);
  if (g.sendLagMs && g.sendLagMs.n >= 20 && g.sendLagMs.p95 > lagLimit) return `the load generator sent requests ${g.sendLagMs.p95} ms late at p95 (> ${lagLimit} ms)`;
  return null;
}

/**
 * A warning when the generator's own send lag is large enough to matter beside the corrected view:
 * its p95 above 1 ms and above 10 % of the corrected p95 (the corrected latency counts from the
 * intended send time, so the generator's lateness is inside it).
 */
export function generatorLagWarning(g: GeneratorLoad | undefined, correctedP95Ms: number): string | null {
  if (!g?.sendLagMs || g.sendLagMs.n < 20) return null;
  const lag = g.sendLagMs.p95;
  if (lag <= 1 || !(lag > 0.1 * correctedP95Ms)) return null;
  return `the load generator's own send lag is ${lag} ms at p95 (n = ${g.sendLagMs.n}), ${Math.round((lag / Math.max(correctedP95Ms, 1e-9)) * 100)} % of the corrected p95 ${correctedP95Ms} ms: part of that latency is perf's, not the service's (CPU ${Math.round(g.cpuShare * 100)} % of a core; run perf on another machine or lower the rate)`;
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
  generatorSaturated = false,
): CapacityStep['verdict'] {
  const flat = previous !== undefined && step.rateRps > previous.rateRps * (1 + FLAT_CHECK_MIN_RISE) && step.achievedRps <= previous.achievedRps;
  const failed = step.errorRate > CAPACITY_MAX_ERROR_RATE || latencyBreached || step.achievedRps < step.rateRps * PLATEAU_ACHIEVED_SHARE || flat;
  // A step that fell behind or got slow while perf itself was saturated says nothing about the
  // service; errors are the service's answer whatever the generator did.
  if (failed && generatorSaturated && step.errorRate <= CAPACITY_MAX_ERROR_RATE) return 'generator';
  if (step.errorRate > CAPACITY_MAX_ERROR_RATE) return 'errors';
  if (latencyBreached) return 'latency';
  if (step.achievedRps < step.rateRps * PLATEAU_ACHIEVED_SHARE) return 'plateau';
  if (flat) return 'plateau';
  return 'ok';
}

/** Trials and passes of each rate tried (search, refinement and repeats together; see below for generator trials). */
export function trialsByRate(steps: readonly CapacityStep[]): Map<number, { trials: number; passes: number; verdicts: CapacityStep['verdict'][] }> {
  const m = new Map<number, { trials: number; passes: number; verdicts: CapacityStep['verdict'][] }>();
  // A trial spoiled by a saturated generator says nothing about the service: it only counts when
  // it is all there is for that rate.
  const judged = new Set(steps.filter((s) => s.verdict !== 'generator').map((s) => s.rateRps));
  for (const s of steps) {
    if (s.verdict === 'generator' && judged.has(s.rateRps)) continue;
    const e = m.get(s.rateRps) ?? { trials: 0, passes: 0, verdicts: [] };
    e.trials++;
    if (s.verdict === 'ok') e.passes++;
    e.verdicts.push(s.verdict);
    m.set(s.rateRps, e);
  }
  return m;
}

/** A rate holds when it passed a strict majority of its trials. */
const holds = (e: { trials: number; passes: number }): boolean => e.passes * 2 > e.trials;

/**
 * The knee: the highest arrival rate that passed a majority of its trials with every lower rate
 * tried holding too (0 when none did), and what stopped the search: the most common failing
 * verdict of the first rate above the knee that did not hold; "max-rate" or "search-range" (a
 * lower bound) when nothing above the knee failed.
 */
export function summarizeCapacity(steps: CapacityStep[], thresholdMs: number, maxRateRps?: number): Capacity {
  const byRate = [...trialsByRate(steps)].sort(([a], [b]) => a - b);
  let knee: number | undefined;
  let failing: (typeof byRate)[number] | undefined;
  for (const entry of byRate) {
    if (holds(entry[1])) {
      if (!failing) knee = entry[0];
    } else failing ??= entry;
  }
  const kneeTrials = knee === undefined ? undefined : steps.filter((s) => s.rateRps === knee && s.verdict === 'ok');
  let limitedBy: Capacity['limitedBy'];
  if (failing) {
    const counts = new Map<CapacityStep['verdict'], number>();
    for (const v of failing[1].verdicts) if (v !== 'ok') counts.set(v, (counts.get(v) ?? 0) + 1);
    limitedBy = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] as Exclude<CapacityStep['verdict'], 'ok'>;
  } else limitedBy = maxRateRps !== undefined && knee !== undefined && knee >= Math.floor(maxRateRps) ? 'max-rate' : 'search-range';
  const describe = ([rate, e]: (typeof byRate)[number]): string => `${rate}/s ${holds(e) ? 'passed' : 'failed'} ${holds(e) ? e.passes : e.trials - e.passes} of ${e.trials} trial${e.trials > 1 ? 's' : ''}`;
  const kneeEntry = byRate.find(([r]) => r === knee);
  const out: Capacity = {
    maxRps: knee ?? 0,
    limitedBy,
    latencyThresholdMs: thresholdMs,
    steps,
    lowerBound: knee !== undefined && (limitedBy === 'generator' || limitedBy === 'max-rate' || limitedBy === 'search-range'),
    confirmation: [kneeEntry, failing].filter((e): e is (typeof byRate)[number] => e !== undefined).map(describe).join('; '),
  };
  if (kneeTrials && kneeTrials.length > 0) out.achievedRps = Math.round((kneeTrials.reduce((a, s) => a + s.achievedRps, 0) / kneeTrials.length) * 10) / 10;
  if (maxRateRps !== undefined) out.maxRateRps = maxRateRps;
  return out;
}

/** The knee as one phrase that never calls a generator or --max-rate limit the service's knee. */
export function describeKnee(c: Capacity): string {
  if (c.maxRps <= 0) return 'no knee: every step failed';
  const rate = `${c.maxRps} req/s`;
  switch (c.limitedBy) {
    case 'generator':
      return `at least ${rate} — limited by the load generator (perf itself saturated), not a knee of the service`;
    case 'max-rate':
      return `at least ${rate} — limited by --max-rate ${c.maxRateRps ?? c.maxRps} req/s, not a knee of the service`;
    case 'search-range':
      return `at least ${rate} — the highest step of the search still passed`;
    default:
      return `${rate} (the service's knee: above it, ${c.limitedBy})`;
  }
}

/** The evidence of a failed step, for errors and notes. */
export function describeStep(s: CapacityStep): string {
  return `${s.rateRps} req/s offered → ${s.achievedRps} req/s achieved, p95 ${s.p95Ms} ms${s.requests !== undefined ? ` (n = ${s.requests})` : ''}, errors ${fmtDecimal(s.errorRate * 100, 2)} % [${s.verdict}]`;
}
