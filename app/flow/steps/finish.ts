/**
 * The end of `perf flow`: the run archived with its state (perf.flow/v1), and the completion summary
 * that lists only what this run wrote, the status and the next steps (app/flow/policies.ts).
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeJsonAtomic } from '../../../core/artifacts/atomic.js';
import { ARTIFACTS } from '../../../core/artifacts/layout.js';
import { completionSummary } from '../../../templates/flow.js';
import { archiveDir, archiveRun, FLOW_STATE, writtenThisRun, type FlowState } from '../archive.js';
import type { FlowContext, FlowFindings } from '../context.js';
import { flowStatus, nextSteps, type FlowOutcome } from '../policies.js';
import type { SummaryStepResult } from './summary-step.js';

export function finishFlow(ctx: FlowContext, found: FlowFindings, summary: SummaryStepResult, startedAt: string): { state: FlowState; archive: string } {
  const { o, store, say, show, steps, pending } = ctx;
  const { sloStatus, comparison } = summary;
  const dir = archiveDir(store);
  const copied = archiveRun(store, dir);
  const state: FlowState = {
    schema: 'perf.flow/v1',
    runId: store.runId,
    startedAt,
    endedAt: new Date().toISOString(),
    phase: o.after ? 'after' : 'before',
    trigger: o.trigger,
    guidance: ctx.guidance,
    baseline: existsSync(join(dir, ARTIFACTS.baseline.json)) ? ARTIFACTS.baseline.json : null,
    sloStatus,
    steps,
  };
  writeJsonAtomic(join(dir, FLOW_STATE), state);
  say(`✓ Archived ${copied.length} files: ${show(dir)}`);

  // Only what this run wrote is listed: an older report in the output dir is not this run's result.
  const art = (kind: keyof typeof ARTIFACTS): string | null =>
    writtenThisRun(store, kind) && existsSync(store.path(ARTIFACTS[kind].markdown)) ? relative(process.cwd(), store.path(ARTIFACTS[kind].markdown)) || ARTIFACTS[kind].markdown : null;
  const outcome: FlowOutcome = {
    slo: sloStatus,
    pending: pending.length,
    failedSteps: steps.filter((s) => s.status === 'failed' || s.status === 'unavailable').length,
    comparison: comparison?.verdict ?? null,
  };
  for (const l of completionSummary({
    status: flowStatus(outcome),
    slo: sloStatus,
    ...(comparison ? { comparison } : {}),
    ...(found.plan ? { plan: found.plan } : {}),
    topBottlenecks: (found.analysis?.bottlenecks ?? []).slice(0, 3).map((b) => `${b.id} ${b.title} — ${b.evidence[0]?.text ?? ''}`),
    artifacts: [
      ['Performance baseline', art('baseline')],
      ['Bottleneck analysis', art('bottlenecks')],
      ['Optimization plan', art('plan')],
      ['Load test results', art('loadtest')],
      ['SLO compliance', art('slo')],
      ['Final summary', art('summary')],
    ],
    pending,
    nextSteps: nextSteps({ ...outcome, regressions: comparison?.regressions ?? [] }),
  }))
    say(l);
  return { state, archive: dir };
}
