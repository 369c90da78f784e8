/**
 * SLOs as k6 thresholds, so plain `k6 run` of a generated script passes exactly when `perf slo-check`
 * passes on the same run. slo-check fails an SLO when its bad events exceed the error budget (bad
 * fraction > allowedBadFraction) or, for a latency SLI, when the percentile is above the threshold,
 * or when it has no requests to judge. The script says the same three things:
 *   slo_<id>_bad     Rate of bad events in the SLO's scope   rate<=<allowed bad fraction>
 *   slo_<id>_events  Counter of those events (0 from setup)  count>0
 *   http_req_duration{[journey:<name>,]phase:measured}     p(<percentile>)<=<thresholdMs>
 * Requests of the scenario's warm-up carry `phase: warmup` and count in none of them (ScriptPlan.warmup).
 * Metric names are derived collision-free from the SLO names (uniqueMetricIds); journey names are
 * restricted by the config schema to [A-Za-z0-9_.-], which k6's tag selectors carry as they are.
 */
import { allowedBadFraction } from '../../analyzers/slo/error-budget.js';
import { PERCENTILE_VALUES, type Slo } from '../../core/config/types.js';
import type { LoadProfile } from '../../profiles/index.js';
import type { SloPlan } from './script-plan.js';
import type { Threshold } from 'k6/options';
import { formatDuration } from '../../core/duration.js';

/** The bad fraction an SLO allows, from the error-budget home (decimal-safe: 99.9 → 0.001). */
export function sloAllowedBad(slo: Pick<Slo, 'objective'>): number {
  return allowedBadFraction(slo.objective);
}

/** k6-safe metric name stems `slo_<name>` for each SLO, distinct even when names differ only by punctuation. */
export function uniqueMetricIds(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const stem = `slo_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'unnamed'}`;
    let id = stem;
    for (let n = 2; taken.has(id); n++) id = `${stem}_${n}`;
    taken.add(id);
    return id;
  });
}

export function sloPlans(slos: readonly Slo[]): SloPlan[] {
  const ids = uniqueMetricIds(slos.map((s) => s.name));
  return slos.map((slo, i) => ({
    name: slo.name,
    journey: slo.journey ?? null,
    badMetric: `${ids[i]}_bad`,
    eventsMetric: `${ids[i]}_events`,
    rule: { sli: slo.sli, objective: slo.objective, ...(slo.sli === 'latency' && slo.thresholdMs !== undefined ? { thresholdMs: slo.thresholdMs } : {}) },
  }));
}

export type Thresholds = Record<string, Threshold[]>;

/** The thresholds of a script; breakpoint's SLO thresholds abort the test (the ramp climbs until one fails). */
export function thresholdsFor(slos: readonly Slo[], profile: LoadProfile, fallbackLatencyMs = 1000): Thresholds {
  const out: Thresholds = {};
  const add = (metric: string, expr: string, abortable = true): void => {
    const list = (out[metric] ??= []);
    // delayAbortEval from the profile (profiles/): no abort during the warm-up or before enough requests.
    const delay = formatDuration(profile.abort?.delayAbortEvalMs ?? 5000);
    const item: Threshold = profile.abortOnThresholds && abortable ? { threshold: expr, abortOnFail: true, delayAbortEval: delay } : expr;
    if (!list.some((t) => JSON.stringify(t) === JSON.stringify(item))) list.push(item);
  };
  const plans = sloPlans(slos);
  slos.forEach((slo, i) => {
    const plan = plans[i] as SloPlan;
    add(plan.badMetric, `rate<=${sloAllowedBad(slo)}`);
    add(plan.eventsMetric, 'count>0', false);
    if (slo.sli === 'latency' && slo.thresholdMs !== undefined) {
      const p = PERCENTILE_VALUES[slo.percentile ?? 'p95'];
      add(slo.journey ? `http_req_duration{journey:${slo.journey},phase:measured}` : 'http_req_duration{phase:measured}', `p(${p})<=${slo.thresholdMs}`);
    }
  });
  if (profile.abortOnThresholds) {
    if (!slos.some((s) => s.sli === 'latency')) add('http_req_duration{phase:measured}', `p(95)<=${fallbackLatencyMs}`);
    if (!slos.some((s) => s.sli !== 'latency')) add('http_req_failed{phase:measured}', 'rate<0.05');
  }
  return out;
}
