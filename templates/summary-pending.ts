/** `reports/optimization-summary.md` before an after-run exists: what the run established, before/after and ROI pending. */
import type { PendingSummaryPayload } from '../app/flow/pending-summary.js';
import { fmtBudgetPct, fmtMs, fmtNum, fmtPct } from '../core/format.js';
import { mdCode, mdTable, mdText } from '../core/markdown.js';

export function renderPendingSummary(p: PendingSummaryPayload): string {
  const pending = `pending — run ${mdCode(p.completeWith)}`;
  const b = p.baseline;
  const out: string[] = [
    '# Performance Optimization Report',
    '',
    `**Status: PENDING** — before/after and ROI need an after-run: implement the plan, then run ${mdCode(p.completeWith)}. ${mdText(p.reason)}.`,
    '',
    '## Executive Summary',
    '',
    `- Trigger: ${mdText(p.trigger)}`,
    `- Overall improvement: ${pending}`,
    `- SLO compliance: ${p.slo ? `**${p.slo.status}**` : 'not evaluated (no SLOs in the config)'}`,
    '',
    '## Before vs After',
    '',
    mdTable(
      ['Metric', 'Before (this run)', 'After', 'Improvement'],
      [
        ['p50 Latency', b ? fmtMs(b.p50Ms) : 'n/a', 'pending', 'pending'],
        ['p95 Latency', b ? fmtMs(b.p95Ms) : 'n/a', 'pending', 'pending'],
        ['p99 Latency', b ? fmtMs(b.p99Ms) : 'n/a', 'pending', 'pending'],
        ['Throughput', b ? `${fmtNum(b.throughputRps)} RPS` : 'n/a', 'pending', 'pending'],
        ['Error Rate', b ? fmtPct(b.errorRate) : 'n/a', 'pending', 'pending'],
      ],
    ),
    '',
    `After and Improvement: ${pending}.`,
    '',
    '## What this run established',
    '',
    '### Baseline',
    '',
    b ? `${mdCode(b.file)} (run ${mdText(b.runId)}): ${fmtNum(b.requests, 0)} requests, p95 ${fmtMs(b.p95Ms)}, p99 ${fmtMs(b.p99Ms)}, ${fmtNum(b.throughputRps)} RPS, error rate ${fmtPct(b.errorRate)}.` : 'No baseline in this run.',
    '',
    '### Bottlenecks',
    '',
    ...(p.bottlenecks.length
      ? p.bottlenecks.map((x) => `- ${mdText(x.id)} ${mdText(x.title)}${x.evidence ? ` — ${mdText(x.evidence)}` : ''}${x.estimatedImprovementPct !== null ? ` (up to ${fmtNum(x.estimatedImprovementPct)}%)` : ''}`)
      : ['- No bottleneck crossed the detection thresholds.']),
    '',
    '### Plan',
    '',
    p.plan ? `${p.plan.quickWins} quick win(s), ${p.plan.strategic} strategic improvement(s), ${p.plan.majorRefactor} major refactoring(s); ${fmtNum(p.plan.totalEffortDays)} day(s) of effort in all.` : 'No plan in this run.',
    '',
    '### Load tests',
    '',
    ...(p.loadTests.length ? p.loadTests.map((t) => `- ${mdText(t.headline)}${t.verdict ? ` — SLO ${t.verdict}` : ''}`) : ['- No load test ran in this run.']),
    '',
    '### SLO status and error budget',
    '',
    p.slo
      ? mdTable(
          ['SLO', 'status', 'actual', 'target', 'budget consumed', 'budget remaining'],
          p.slo.slos.map((s) => [s.name, s.status, s.actual !== null ? fmtNum(s.actual) : 'n/a', fmtNum(s.target), fmtBudgetPct(s.budgetConsumedPct), fmtBudgetPct(s.budgetRemainingPct)]),
        )
      : 'Not evaluated: no SLOs in the config.',
    '',
    '## ROI Analysis',
    '',
    `${pending}: the ROI needs the measured improvement of the after-run${p.plan ? ` against the plan's ${fmtNum(p.plan.totalEffortDays)} day(s) of effort` : ''}.`,
    '',
    '## Next Steps',
    '',
    `1. Implement the quick wins of the optimisation plan.`,
    `2. Run ${mdCode(p.completeWith)}: it re-measures at this run's load and completes Before vs After and ROI.`,
    '',
  ];
  return out.join('\n');
}
