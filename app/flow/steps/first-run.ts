/**
 * `perf flow` (a before-run), steps 1–4: the baseline, the profile and bottleneck analysis, the
 * plan, and — on a terminal, when the user implements it now — the after-run at the same load.
 */
import { runBaseline } from '../../../capture/baseline/run-baseline.js';
import { runProfile } from '../../../capture/profile/run-profile.js';
import type { BaselinePayload } from '../../../core/artifacts/schemas.js';
import { ExitCode, isPerfError } from '../../../core/errors.js';
import { runAnalyze } from '../../analyze.js';
import { runPlan } from '../../plan.js';
import type { FlowContext, FlowFindings } from '../context.js';
import { repeatLoad } from '../policies.js';
import { sayBaseline } from './say-baseline.js';

export async function firstRunSteps(ctx: FlowContext, found: FlowFindings): Promise<void> {
  const { o, config, store, say, show, step, guidance, journeyFilter } = ctx;
  // Step 1
  say('✓ Initialized performance baseline');
  say('⏳ Establishing SLIs and current metrics...');
  const base = await runBaseline(ctx.baselineOpts);
  found.beforeBaseline = base.jsonPath;
  sayBaseline(ctx, base.artifact, 'Performance baseline complete', base.markdownPath);
  step(1, 'baseline', 'done');

  // Step 2
  say('⏳ Identifying performance bottlenecks...');
  let profiled = false;
  try {
    const prof = await runProfile({
      config,
      store,
      quick: o.quick,
      ...(o.connections !== undefined ? { connections: o.connections } : {}),
      ...(journeyFilter ? { journey: journeyFilter } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    profiled = prof.artifact.profiled;
    say(profiled ? '✓ Application profiling complete' : `⚠️ Profiling skipped: ${prof.artifact.skippedReason ?? 'no reason given'}`);
  } catch (err) {
    if (!isPerfError(err) || err.exitCode === ExitCode.Interrupted) throw err;
    say(`⚠️ Profiling failed: ${err.message}`);
  }
  const an = await runAnalyze(store, { config, guidance, runScoped: true });
  found.analysis = an.analysis;
  say(`✓ Bottleneck analysis: ${show(an.markdownPath)}`);
  const top = an.analysis.bottlenecks[0];
  if (top) {
    const share = top.impact.cpuShare !== null ? `${(top.impact.cpuShare * 100).toFixed(1)}% of CPU samples` : `${((top.impact.latencyShare ?? 0) * 100).toFixed(1)}% of request time`;
    say(`  - Top bottleneck: ${top.title} (impacts ${share}; journeys: ${top.impact.journeys.join(', ') || '—'})`);
  } else say('  - No bottleneck crossed the detection thresholds');
  if (an.synthesis.fallback) say(`⚠️ Agent ${an.synthesis.fallback.from} failed (${an.synthesis.fallback.reason}); deterministic narrative used`);
  step(2, 'profile + analyze', profiled ? 'done' : 'failed', profiled ? undefined : 'no CPU profile: analysis from load figures only');

  // Step 3
  const pl = await runPlan(store, { config, guidance, runScoped: true });
  found.plan = pl.plan;
  say(`✓ Optimization plan created: ${show(pl.markdownPath)}`);
  say(`  - Quick wins: ${pl.plan.counts['quick-win']} optimizations`);
  say(`  - Strategic improvements: ${pl.plan.counts.strategic} optimizations`);
  say(`  - Major refactoring: ${pl.plan.counts['major-refactor']} optimizations`);
  step(3, 'plan', 'done');

  // Step 4
  const later = 'Step 4: implement the plan, then run "perf flow --after"';
  if (!o.waitForImplementation) {
    say('⏳ Step 4 pending: implement the plan, then run "perf flow --after" (no terminal: perf never waits)');
    step(4, 'implement + after-run', 'pending', 'no TTY');
    ctx.pending.push(later);
    return;
  }
  say('⏳ Step 4: implement the plan now. Press Enter to take the after-run, or type "skip" to finish without it.');
  if (!(await o.waitForImplementation())) {
    step(4, 'implement + after-run', 'pending', 'skipped by the user');
    ctx.pending.push(later);
    return;
  }
  const before = store.readThisRun<BaselinePayload>('baseline');
  found.beforeBaseline = store.writeJson('working/performance/baseline-before.json', before);
  if (before) ctx.baselineOpts = { ...ctx.baselineOpts, ...repeatLoad(before.model) };
  const after = await runBaseline(ctx.baselineOpts);
  found.afterBaseline = after.jsonPath;
  sayBaseline(ctx, after.artifact, 'After-run baseline complete', after.markdownPath);
  step(4, 'implement + after-run', 'done');
}
