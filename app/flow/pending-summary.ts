/**
 * The optimisation summary of a flow run without an after-run: what this run established (baseline,
 * bottlenecks, plan, load tests, SLO status and error budget), with before/after and ROI marked
 * pending and the command that completes them. PURE: every figure comes from an artifact this run
 * wrote; nothing is computed again. Written under `perf.compare/v1` with `status: "pending"`.
 */
import type { BottlenecksPayload } from '../../analyzers/bottlenecks/types.js';
import type { PlanPayload } from '../../analyzers/plan/plan.js';
import type { BaselinePayload, SloPayload, SloStatus } from '../../core/artifacts/schemas.js';
import type { SuiteTest } from '../../templates/load-test-suite.js';
import { loadTestHeadline } from '../../templates/load-test-suite.js';

export interface PendingSummaryPayload {
  status: 'pending';
  /** Why there is no before/after pair yet. */
  reason: string;
  /** The command that takes the after-run and fills in before/after and ROI. */
  completeWith: string;
  trigger: string;
  baseline: { file: string; runId: string; requests: number; p50Ms: number; p95Ms: number; p99Ms: number; throughputRps: number; errorRate: number } | null;
  bottlenecks: Array<{ id: string; title: string; evidence: string; estimatedImprovementPct: number | null }>;
  plan: { quickWins: number; strategic: number; majorRefactor: number; totalEffortDays: number } | null;
  loadTests: Array<{ scenario: string; headline: string; verdict: SloStatus | null }>;
  slo: { status: SloStatus; slos: Array<{ name: string; status: SloStatus; actual: number | null; target: number; budgetConsumedPct: number; budgetRemainingPct: number }> } | null;
}

export function pendingSummary(o: {
  reason: string;
  completeWith: string;
  trigger: string;
  baseline?: { file: string; payload: Pick<BaselinePayload, 'overall'> & { runId: string } } | undefined;
  analysis?: Pick<BottlenecksPayload, 'bottlenecks'> | undefined;
  plan?: Pick<PlanPayload, 'counts' | 'totalEffortDays'> | undefined;
  loadTests: ReadonlyArray<Pick<SuiteTest, 'payload' | 'slo'>>;
  slo?: Pick<SloPayload, 'status' | 'slos'> | null;
}): PendingSummaryPayload {
  const b = o.baseline?.payload.overall;
  return {
    status: 'pending',
    reason: o.reason,
    completeWith: o.completeWith,
    trigger: o.trigger,
    baseline:
      b && o.baseline
        ? { file: o.baseline.file, runId: o.baseline.payload.runId, requests: b.requests, p50Ms: b.latencyMs.p50, p95Ms: b.latencyMs.p95, p99Ms: b.latencyMs.p99, throughputRps: b.throughputRps, errorRate: b.errorRate }
        : null,
    bottlenecks: (o.analysis?.bottlenecks ?? []).slice(0, 5).map((x) => ({ id: x.id, title: x.title, evidence: x.evidence[0]?.text ?? '', estimatedImprovementPct: x.estimatedImprovementPct })),
    plan: o.plan ? { quickWins: o.plan.counts['quick-win'], strategic: o.plan.counts.strategic, majorRefactor: o.plan.counts['major-refactor'], totalEffortDays: o.plan.totalEffortDays } : null,
    loadTests: o.loadTests.map((t) => ({ scenario: t.payload.scenario, headline: loadTestHeadline(t).line, verdict: t.slo?.status ?? null })),
    slo: o.slo
      ? { status: o.slo.status, slos: o.slo.slos.map((s) => ({ name: s.name, status: s.status, actual: s.actual, target: s.target, budgetConsumedPct: s.errorBudget.consumedPct, budgetRemainingPct: s.errorBudget.remainingPct })) }
      : null,
  };
}
