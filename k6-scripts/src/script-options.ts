/**
 * A load profile (profiles/) as typed k6 `Options`: the scenario (executor, stages in k6 units) and the
 * SLO thresholds. PURE data; the script writes it with JSON.stringify.
 */
import { formatDuration } from '../../core/duration.js';
import { PERCENTILE_VALUES, type Journey, type Slo } from '../../core/config/types.js';
import type { LoadProfile } from '../../profiles/index.js';
import type { Options, Scenario } from 'k6/options';
import { thresholdsFor } from './slo-thresholds.js';

/** The exported function each generated scenario runs (also the script's default export). */
export const EXEC_FUNCTION = 'journeyMix';

/** Mean HTTP requests per journey iteration, weighted by the mix (converts requests/s → iterations/s). */
export function requestsPerIteration(journeys: readonly Journey[]): number {
  const total = journeys.reduce((a, j) => a + j.weight, 0);
  return journeys.reduce((a, j) => a + (j.weight / total) * j.steps.length, 0);
}

/** k6 arrival-rate targets are integers per timeUnit: per second when that is precise enough, else per minute. */
export function arrivalUnit(peakIterationsPerSec: number): { timeUnit: '1s' | '1m'; perUnit: number } {
  return peakIterationsPerSec >= 20 ? { timeUnit: '1s', perUnit: 1 } : { timeUnit: '1m', perUnit: 60 };
}

/**
 * Open model: VUs k6 pre-allocates (peak iterations/s × an iteration's rough duration) and the bound
 * it may grow to (`scenarios.<name>.maxVUs`, else 4× that, at least 50).
 */
export function vuBounds(profile: LoadProfile, journeys: readonly Journey[]): { preAllocated: number; maxVUs: number } {
  const peakIt = profile.peak / requestsPerIteration(journeys);
  const preAllocated = Math.max(2, Math.ceil(peakIt * iterationSeconds(journeys)));
  return { preAllocated, maxVUs: profile.maxVUs ?? Math.max(50, preAllocated * 4) };
}

/** Rough seconds one iteration keeps a VU busy: think time plus ~100 ms per request. */
function iterationSeconds(journeys: readonly Journey[]): number {
  return Math.max(...journeys.map((j) => j.steps.reduce((a, s) => a + s.thinkTimeMs / 1000 + 0.1, 0)));
}

export function scenarioOf(profile: LoadProfile, journeys: readonly Journey[]): Scenario {
  const stepsPerIt = requestsPerIteration(journeys);
  const gracefulStop = profile.quick ? { gracefulStop: '5s' } : {};
  if (profile.model === 'arrival-rate') {
    // Open model: k6 starts iterations at the given rate whatever the latency (no coordinated omission).
    // One iteration = one journey, so requests/s are divided by the mean requests per iteration.
    const unit = arrivalUnit(profile.peak / stepsPerIt);
    const toUnit = (rps: number): number => Math.max(0, Math.round((rps / stepsPerIt) * unit.perUnit));
    const { preAllocated, maxVUs } = vuBounds(profile, journeys);
    return {
      executor: 'ramping-arrival-rate',
      startRate: toUnit(profile.startTarget),
      timeUnit: unit.timeUnit,
      preAllocatedVUs: preAllocated,
      maxVUs,
      stages: profile.stages.map((s) => ({ duration: formatDuration(s.durationMs), target: toUnit(s.target) })),
      exec: EXEC_FUNCTION,
      ...gracefulStop,
    };
  }
  return {
    executor: 'ramping-vus',
    startVUs: Math.round(profile.startTarget),
    stages: profile.stages.map((s) => ({ duration: formatDuration(s.durationMs), target: Math.round(s.target) })),
    exec: EXEC_FUNCTION,
    ...gracefulStop,
  };
}

export function k6Options(input: { profile: LoadProfile; journeys: readonly Journey[]; slos: readonly Slo[]; fallbackLatencyMs?: number }): Options {
  return {
    discardResponseBodies: true,
    scenarios: { [input.profile.scenario]: scenarioOf(input.profile, input.journeys) },
    thresholds: thresholdsFor(input.slos, input.profile, input.fallbackLatencyMs),
    summaryTrendStats: summaryStats(input.slos),
  };
}

/** k6's end-of-test trend columns, with every SLO percentile (slo-check reads them from --summary-export). */
function summaryStats(slos: readonly Slo[]): string[] {
  const ps = new Set([90, 95, 99, ...slos.filter((s) => s.sli === 'latency').map((s) => PERCENTILE_VALUES[s.percentile ?? 'p95'])]);
  return ['min', 'med', ...[...ps].sort((a, b) => a - b).map((p) => `p(${p})`), 'max', 'avg'];
}
