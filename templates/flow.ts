import type { ComparePayload } from '../analyzers/compare/compare.js';
import { fmtSignedPct } from '../core/format.js';
import type { PlanPayload } from '../analyzers/plan/plan.js';
import type { LoadTestPayload, SloResult, SloStatus } from '../core/artifacts/schemas.js';
import { budgetText } from './slo.js';

const RULE = '─────────────────────────────────────────────';
const ms = (x: number): string => `${Math.round(x)}ms`;

/** Flow error path 1: the worst breached SLO, with its real numbers. */
export function criticalSloBreach(s: SloResult): string[] {
  const unit = s.sli === 'latency' ? 'ms' : '%';
  const fmt = (v: number | null): string => (v === null ? 'n/a' : `${Math.round(v * 100) / 100}${unit}`);
  return [
    '❌ Critical SLO breach detected',
    `Metric: ${s.name} (${s.sli}${s.journey ? `, journey ${s.journey}` : ''})`,
    `Current: ${fmt(s.actual)}`,
    `Target: ${s.sli === 'latency' ? '≤ ' : ''}${fmt(s.target)}`,
    `Impact: ${s.events.bad} of ${s.events.total} requests bad (${s.events.total ? ((s.events.bad / s.events.total) * 100).toFixed(1) : '0'}%); ${budgetText(s)}`,
    'Emergency optimization required:',
    '1. Implement quick wins immediately',
    '2. Consider rollback if regression',
    '3. Escalate to stakeholders',
  ];
}

/** Flow error path 2: the optimisation did not help. */
export function optimizationFailed(c: ComparePayload, plan: PlanPayload | undefined): string[] {
  const top = plan?.items[0];
  const regressed = c.verdict === 'regressed' || c.verdict === 'mixed';
  return [
    '⚠️ Optimization did not improve performance',
    `Optimization: ${top ? `${top.id} ${top.title}` : 'the change between the before and after runs'}`,
    `Expected: ${top ? (top.estimatedImprovementPct === null ? 'an improvement (no measured share)' : `up to ${top.estimatedImprovementPct}% (the measured share of the work it addresses)`) : 'an improvement'}`,
    `Actual: p95 ${fmtSignedPct(c.overall.change.p95)} (${regressed ? `confirmed regression in ${c.regressions.join(', ')}` : 'no significant change'}; ${c.measurementsPerSide} measurement(s) per side)`,
    'Actions:',
    // Only a regression is a reason to roll back: "no change" may as well mean nothing was changed.
    ...(regressed
      ? ['1. Roll back the change that regressed', '2. Re-analyze the bottleneck (perf analyze)', '3. Try the alternative approach from the bottleneck analysis']
      : ['1. Check that the change was deployed to the service that was measured', '2. Re-analyze the bottleneck (perf analyze)', '3. Try the alternative approach from the bottleneck analysis']),
  ];
}

/** Flow error path 3: a load test failed (breaking point, abort or error burst). */
export function loadTestFailed(lt: LoadTestPayload): string[] {
  const failure = lt.aborted
    ? `aborted at ${Math.round(lt.aborted.atMs / 1000)} s: ${lt.aborted.reason}`
    : `error rate ${(lt.overall.errorRate * 100).toFixed(2)}% over ${lt.overall.requests} requests${lt.checks.fails ? `, ${lt.checks.fails} failed checks` : ''}`;
  return [
    '❌ Load test failed',
    `Test: ${lt.scenario}`,
    `Failure: ${failure}`,
    `Breaking point: ${lt.breakingPoint ? `${Math.round(lt.breakingPoint.rps)} RPS (${lt.breakingPoint.reason})` : 'not reached in this run'}`,
    'Impact:',
    '- Cannot handle expected load',
    '- SLO targets not achievable',
    'Recommendations:',
    '1. Infrastructure scaling required',
    '2. Additional optimizations needed',
    '3. Adjust SLO targets (with stakeholder approval)',
  ];
}

export interface CompletionFacts {
  status: 'SUCCESS' | 'PARTIAL' | 'FAILED';
  slo: SloStatus | null;
  comparison?: ComparePayload;
  plan?: PlanPayload;
  topBottlenecks: string[];
  artifacts: Array<[string, string | null]>;
  pending: string[];
  nextSteps: string[];
}

/** The flow's completion summary, every figure from this run's artifacts. */
export function completionSummary(f: CompletionFacts): string[] {
  const out = [RULE, 'Performance Optimization Complete', RULE, `**Overall Status**: ${f.status}`, `**SLO Compliance**: ${f.slo ?? 'not evaluated'}`, ''];
  const c = f.comparison;
  if (c) {
    const o = c.overall;
    out.push(
      '**Performance Improvements**:',
      `- p95 Latency: ${ms(o.before.p95Ms)} → ${ms(o.after.p95Ms)} (${fmtSignedPct(o.change.p95)})`,
      `- Throughput: ${o.before.throughputRps.toFixed(1)} → ${o.after.throughputRps.toFixed(1)} RPS (${fmtSignedPct(o.change.throughput)})`,
      `- Error Rate: ${(o.before.errorRate * 100).toFixed(2)}% → ${(o.after.errorRate * 100).toFixed(2)}%`,
      `- Verdict: ${c.verdict}${c.improvements.length ? ` (improved: ${c.improvements.join(', ')})` : ''}${c.regressions.length ? ` (regressed: ${c.regressions.join(', ')})` : ''}`,
      '',
    );
  } else out.push('**Performance Improvements**: not measured yet (no after-run)', '');
  if (f.topBottlenecks.length) out.push('**Key Bottlenecks**:', ...f.topBottlenecks.map((b) => `- ${b}`), '');
  if (f.plan) {
    out.push(
      '**ROI Analysis**:',
      `- Development: ${f.plan.totalEffortDays} day(s) planned (${f.plan.counts['quick-win']} quick wins, ${f.plan.counts.strategic} strategic, ${f.plan.counts['major-refactor']} major)`,
      c?.roi?.improvementPerDayPct != null ? `- p95 improvement per effort day: ${c.roi.improvementPerDayPct.toFixed(1)}%` : '- p95 improvement per effort day: n/a until an after-run',
      '',
    );
  }
  out.push('**Artifacts Generated**:', ...f.artifacts.map(([label, path]) => `- ${label}: ${path ?? 'not written (see above)'}`), '');
  if (f.pending.length) out.push('**Pending**:', ...f.pending.map((p) => `- ${p}`), '');
  out.push('**Next Steps**:', ...f.nextSteps.map((n) => `- ${n}`), RULE);
  return out;
}
