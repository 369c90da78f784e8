/**
 * `perf flow`, step 6: the SLO check of this run, then the before/after summary — against the
 * after-run, or the previous archived run when it ran at the same offered load — or, with nothing
 * comparable, a pending summary that says what completes it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ComparePayload } from '../../../analyzers/compare/compare.js';
import { slosFromConfig, type SloReport } from '../../../analyzers/slo/check.js';
import { runSloCheck } from '../../../capture/results/slo-check.js';
import { ARTIFACTS } from '../../../core/artifacts/layout.js';
import type { BaselinePayload, SloStatus } from '../../../core/artifacts/schemas.js';
import { readArtifactFile } from '../../../core/artifacts/store.js';
import { criticalSloBreach, optimizationFailed } from '../../../templates/flow.js';
import { renderSloMarkdown } from '../../../templates/slo.js';
import { renderPendingSummary } from '../../../templates/summary-pending.js';
import { runCompare } from '../../compare.js';
import { archivedRuns } from '../archive.js';
import type { FlowContext, FlowFindings } from '../context.js';
import { pendingSummary } from '../pending-summary.js';
import { sameOfferedLoad } from '../policies.js';
import type { LoadStepResult } from './load-step.js';

export interface SummaryStepResult {
  sloStatus: SloStatus | null;
  comparison?: ComparePayload;
}

async function sloStep(ctx: FlowContext, sloFile: string | null): Promise<SloReport | null> {
  const { o, config, store, say, show } = ctx;
  if (config.slos.length === 0) {
    say('⚠️ No SLOs in the config: SLO compliance not evaluated');
    return null;
  }
  const report = await runSloCheck({ file: sloFile ?? store.path(ARTIFACTS.baseline.json), slos: slosFromConfig(config), slosFrom: config.source, ...(o.signal ? { signal: o.signal } : {}) });
  const w = store.writeReport('slo', report, renderSloMarkdown(report));
  say(`✓ SLO compliance validated: ${report.status} (${show(w.markdownPath)})`);
  const worst = report.slos.filter((s) => s.status === 'FAIL').sort((a, b) => b.errorBudget.consumedPct - a.errorBudget.consumedPct)[0];
  if (worst) for (const l of criticalSloBreach(worst)) say(l);
  return report;
}

/** Without an after-run: the previous archived run, when it ran at the same offered load (else why not). */
function previousRun(ctx: FlowContext, found: FlowFindings): string | undefined {
  const { store, say } = ctx;
  const prev = archivedRuns(store).find((r) => r.state.baseline && existsSync(join(r.dir, r.state.baseline)));
  const thisBaseline = store.readThisRun<BaselinePayload>('baseline');
  if (!prev || !thisBaseline) return undefined;
  const prevModel = readArtifactFile<BaselinePayload>(join(prev.dir, prev.state.baseline as string), ARTIFACTS.baseline.schema).model;
  if (!sameOfferedLoad(prevModel, thisBaseline.model)) return `the previous archived run ${prev.state.runId} ran at a different load, so it is not compared`;
  say(`  comparing with the previous archived run ${prev.state.runId}`);
  found.beforeBaseline = join(prev.dir, prev.state.baseline as string);
  found.afterBaseline = store.path(ARTIFACTS.baseline.json);
  return undefined;
}

export async function summaryStep(ctx: FlowContext, found: FlowFindings, load: LoadStepResult): Promise<SummaryStepResult> {
  const { o, config, store, say, show, step, guidance } = ctx;
  say('⏳ Generating final reports...');
  const slo = await sloStep(ctx, load.sloFile);
  const sloStatus = slo?.status ?? null;
  const compareSkipped = found.afterBaseline ? undefined : previousRun(ctx, found);

  if (found.beforeBaseline && found.afterBaseline) {
    const cmp = await runCompare(store, {
      config,
      guidance,
      before: found.beforeBaseline,
      after: found.afterBaseline,
      title: 'Performance Optimization Report',
      trigger: o.trigger,
      runScoped: !found.beforePlanFile,
      ...(found.beforePlanFile ? { plan: found.beforePlanFile } : {}),
      confirm: { baselineOpts: ctx.baselineOpts, ...(o.beforeTarget ? { beforeTarget: o.beforeTarget } : {}) },
      onProgress: (e) => {
        if (e.phase === 'confirm') say(e.line);
      },
    });
    const ov = cmp.comparison.overall;
    say(`✓ Optimization summary: ${show(cmp.markdownPath)}`);
    say(`  - Overall improvement: ${(-ov.change.p95 * 100).toFixed(1)}% (p95)`);
    say(`  - p95 latency: ${ov.before.p95Ms.toFixed(1)}ms → ${ov.after.p95Ms.toFixed(1)}ms`);
    say(`  - Throughput: ${ov.before.throughputRps.toFixed(1)} → ${ov.after.throughputRps.toFixed(1)} RPS`);
    for (const j of cmp.comparison.journeys) {
      const mark = j.verdict === 'improved' ? '📈' : j.verdict === 'regressed' || j.verdict === 'mixed' ? '⚠️' : '·';
      say(`  ${mark} ${j.name}: p95 ${j.before.p95Ms.toFixed(1)} → ${j.after.p95Ms.toFixed(1)} ms — ${j.verdict.replace(/-/g, ' ')}${j.confidence !== null ? ` (confidence ${(Math.min(0.9999, j.confidence) * 100).toFixed(2)}%)` : ''}`);
    }
    if (cmp.comparison.verdict === 'regressed' || cmp.comparison.verdict === 'mixed' || cmp.comparison.verdict === 'no-significant-change') for (const l of optimizationFailed(cmp.comparison, found.plan)) say(l);
    step(6, 'slo-check + compare', 'done');
    return { sloStatus, comparison: cmp.comparison };
  }

  const completeWith = o.afterCommand ?? 'perf flow --after';
  const reason = compareSkipped ?? 'there is no after-run and no earlier archived run to compare with';
  const thisBaseline = store.readThisRun<BaselinePayload>('baseline');
  const summary = pendingSummary({
    reason,
    completeWith,
    trigger: o.trigger,
    baseline: thisBaseline ? { file: show(store.path(ARTIFACTS.baseline.json)), payload: thisBaseline } : undefined,
    analysis: found.analysis,
    plan: found.plan,
    loadTests: load.suite,
    slo,
  });
  const w = store.writeReport('summary', summary, renderPendingSummary(summary));
  say(`✓ Optimization summary (PENDING: before/after and ROI need "${completeWith}"): ${show(w.markdownPath)}`);
  ctx.pending.push(`Optimization summary: before/after and ROI pending until "${completeWith}"`);
  step(6, 'slo-check + compare', sloStatus ? 'done' : 'skipped', `summary pending: ${reason}`);
  return { sloStatus };
}
