/**
 * The decisions `perf flow` takes between its steps, as named pure functions: what rate a load test
 * runs at without a capacity knee, which earlier run a new run may be compared with, the flow's
 * overall status and the next steps it recommends. run-flow.ts only sequences the steps.
 */
import type { Verdict } from '../../analyzers/compare/compare.js';
import type { BaselineModel, BaselinePayload, SloStatus } from '../../core/artifacts/schemas.js';

/**
 * The peak rate of a load test whose config gives none and whose baseline found no capacity knee
 * (`--no-capacity`): the throughput the baseline measured, times the scenario's capacity factor, at
 * least 1 req/s. Undefined when the config has a rate, the baseline has a knee (the load profile
 * takes it from there), or nothing was measured — the load test then decides as it would alone.
 */
export function rateWithoutKnee(scenario: { rate?: number; capacityFactor?: number } | undefined, measured: Pick<BaselinePayload, 'capacity' | 'overall'> | undefined): number | undefined {
  if (scenario?.rate !== undefined || !measured || measured.capacity || !(measured.overall.throughputRps > 0)) return undefined;
  return Math.max(1, Math.round(measured.overall.throughputRps * (scenario?.capacityFactor ?? 1)));
}

/** Open-model rates within this share of each other count as the same offered load. */
export const SAME_RATE_TOLERANCE = 0.1;

/**
 * Whether two baselines ran at the same offered load, so comparing them compares the service and
 * not the load: the same model, and the same rate (within SAME_RATE_TOLERANCE) or connection count.
 */
export function sameOfferedLoad(a: BaselineModel, b: BaselineModel): boolean {
  if (a.kind === 'open' && b.kind === 'open') return Math.abs(a.rateRps - b.rateRps) <= SAME_RATE_TOLERANCE * a.rateRps;
  if (a.kind === 'closed' && b.kind === 'closed') return a.connections === b.connections;
  return false;
}

/** The load an after-run repeats: the before-run's own rate (open model) or connections (closed model). */
export function repeatLoad(before: BaselineModel): { rateRps: number } | { connections: number } {
  return before.kind === 'open' ? { rateRps: before.rateRps } : { connections: before.connections };
}

export type FlowStatus = 'SUCCESS' | 'PARTIAL' | 'FAILED';

export interface FlowOutcome {
  slo: SloStatus | null;
  /** Steps left for the user (the after-run, a pending summary). */
  pending: number;
  /** Steps that failed or whose tool was unavailable. */
  failedSteps: number;
  /** The before/after verdict, when a comparison ran. */
  comparison: Verdict | null;
}

/**
 * The flow's overall status: FAILED when an SLO fails; PARTIAL when an SLO is partial, a step is
 * pending or failed, or a comparison ran without confirming an improvement; SUCCESS otherwise.
 */
export function flowStatus(o: FlowOutcome): FlowStatus {
  if (o.slo === 'FAIL') return 'FAILED';
  if (o.slo === 'PARTIAL' || o.pending > 0 || o.failedSteps > 0 || (o.comparison !== null && o.comparison !== 'improved')) return 'PARTIAL';
  return 'SUCCESS';
}

/** The flow's exit code: 1 when an SLO fails (the CI gate), else 0. */
export function flowExitCode(slo: SloStatus | null): 0 | 1 {
  return slo === 'FAIL' ? 1 : 0;
}

/** What the user should do next, in order, from the same outcome (regressions named). */
export function nextSteps(o: FlowOutcome & { regressions: readonly string[] }): string[] {
  const next: string[] = [];
  if (o.pending > 0) next.push('Implement the quick wins of the plan, then run "perf flow --after"');
  if (o.slo === 'FAIL') next.push('Work through the plan until "perf slo-check" passes');
  if (o.comparison === 'regressed' || o.comparison === 'mixed') next.push(`Roll back or fix the change: a confirmed regression in ${o.regressions.join(', ')}`);
  else if (o.comparison === 'no-significant-change') next.push('No change was measured: if the plan item was applied, it did not move these figures — try the next item or the alternative approach');
  else if (o.comparison === 'unconfirmed') next.push('No change is claimed yet: re-run "perf flow --after --before-env KEY=VALUE" (or --before-url) so both sides are re-measured interleaved');
  next.push('Keep "perf slo-check" in CI; re-run "perf flow" after the next change');
  return next;
}
