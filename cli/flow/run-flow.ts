import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BottlenecksPayload } from '../../analyzers/bottlenecks/types.js';
import type { ComparePayload } from '../../analyzers/compare/compare.js';
import type { PlanPayload } from '../../analyzers/plan/plan.js';
import { slosFromConfig, type SloReport } from '../../analyzers/slo/check.js';
import { runSloCheck } from '../../capture/results/slo-check.js';
import { runBaseline, type RunBaselineOptions } from '../../capture/baseline/run-baseline.js';
import { runProfile } from '../../capture/profile/run-profile.js';
import { ARTIFACTS } from '../../core/artifacts/layout.js';
import type { BaselinePayload, LoadTestPayload, SloStatus } from '../../core/artifacts/schemas.js';
import { readArtifactFile, type ArtifactStore } from '../../core/artifacts/store.js';
import type { PerfConfig, ScenarioName } from '../../core/config/types.js';
import { isPerfError, UserError, ExitCode } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/artifacts/atomic.js';
import { completionSummary, criticalSloBreach, optimizationFailed } from '../../templates/flow.js';
import { renderSloMarkdown } from '../../templates/slo.js';
import { archiveDir, archivedRuns, archiveRun, FLOW_STATE, writtenThisRun, type FlowState } from './archive.js';
import type { StructuredGuidance } from './questions.js';
import type { BeforeTarget } from '../../capture/baseline/confirm.js';
import { runAnalyze } from '../../app/analyze.js';
import { runCompare } from '../../app/compare.js';
import { runPlan } from '../../app/plan.js';
import { flowScenarios, FLOW_QUICK_TOTAL_MS, splitQuickBudget, TRIGGER_PROFILE, type Trigger } from './triggers.js';
import { runLoadTests } from './load-tests.js';
import { flowExitCode, flowStatus, nextSteps, repeatLoad, sameOfferedLoad, type FlowOutcome } from './policies.js';
import { pendingSummary } from './pending-summary.js';
import { renderPendingSummary } from '../../templates/summary-pending.js';
import type { SuiteTest } from '../../templates/load-test-suite.js';
import { formatDuration } from '../../core/duration.js';

export interface FlowOptions {
  config: PerfConfig;
  store: ArtifactStore;
  trigger: Trigger;
  component?: string;
  guidance?: string;
  structured?: StructuredGuidance;
  /** Take the after-run now and compare it with the last archived before-run (steps 1–3 are not repeated). */
  after: boolean;
  quick: boolean;
  /** --quick: the budget of all load tests together (PERF_QUICK_TOTAL; default FLOW_QUICK_TOTAL_MS), split by test. */
  quickTotalMs?: number;
  /** Step 5's load tests in order (default: the trigger's, cli/flow/triggers.ts). */
  scenarios?: ScenarioName[];
  /** Baseline/profile load: closed model with this many connections (default: perf baseline's choice). */
  connections?: number;
  /** Baseline measured duration. */
  durationMs?: number;
  /** Run the capacity search in the baseline (default true). */
  capacity?: boolean;
  /** --capacity: requests/s to use as the capacity instead of measuring it (baseline and load tests). */
  capacityRps?: number;
  skipLoadtest?: boolean;
  /** The command that takes this run's after-run (shown in a pending summary); default "perf flow --after". */
  afterCommand?: string;
  /** How to run the before version now, so claimed changes are re-measured on both sides (A B A B). */
  beforeTarget?: BeforeTarget;
  /** On a TTY: pause for the user to implement; resolve true to take the after-run now. Absent = never wait. */
  waitForImplementation?: () => Promise<boolean>;
  signal?: AbortSignal;
  say: (line: string) => void;
}

export interface FlowResult {
  exitCode: 0 | 1;
  state: FlowState;
  sloStatus: SloStatus | null;
  comparison?: ComparePayload;
  archive: string;
}

type StepStatus = FlowState['steps'][number]['status'];

/**
 * `perf flow`: the six steps of the optimisation loop with the other commands' library functions, progress lines
 * (✓ ⏳ 📈 ⚠️), its error paths with real numbers, an archive per run, and exit 0/1 by SLO status.
 */
export async function runFlow(o: FlowOptions): Promise<FlowResult> {
  const { config, store, say } = o;
  const startedAt = new Date().toISOString();
  const steps: FlowState['steps'] = [];
  const step = (n: number, name: string, status: StepStatus, note?: string): void => {
    steps.push({ step: n, name, status, ...(note ? { note } : {}) });
  };
  const show = (p: string): string => store.display(p);
  const journeyFilter = o.component && config.journeys.some((j) => j.name === o.component) ? o.component : undefined;
  const guidance = [TRIGGER_PROFILE[o.trigger].emphasis, o.guidance, o.structured?.text, o.component && !journeyFilter ? `component: ${o.component}` : '']
    .filter((s) => s && s.trim())
    .join('; ');
  const scenarios = flowScenarios({ trigger: o.trigger, ...(o.scenarios ? { scenarios: o.scenarios } : {}), ...(o.structured ? { rigor: o.structured.rigor } : {}) });
  const pending: string[] = [];
  let baselineOpts: RunBaselineOptions = {
    config,
    store,
    quick: o.quick,
    ...(o.connections !== undefined ? { connections: o.connections } : {}),
    ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
    ...(o.capacity !== undefined ? { capacity: o.capacity } : {}),
    ...(o.capacityRps !== undefined ? { capacityRps: o.capacityRps } : {}),
    ...(journeyFilter ? { journey: journeyFilter } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const baselineLines = (b: BaselinePayload, label: string, path: string): void => {
    say(`✓ ${label}: ${show(path)}`);
    say(`  - p95 latency: ${b.overall.latencyMs.p95.toFixed(1)}ms`);
    say(`  - Throughput: ${b.overall.throughputRps.toFixed(1)} RPS`);
    say(`  - Error rate: ${(b.overall.errorRate * 100).toFixed(2)}%`);
  };

  say(`Performance optimization flow — trigger: ${o.trigger}${guidance ? `, guidance: "${guidance}"` : ''}${o.after ? ' (after-run)' : ''}`);
  let beforeBaseline: string | null = null;
  let afterBaseline: string | null = null;
  let plan: PlanPayload | undefined;
  let beforePlanFile: string | undefined;
  let analysis: BottlenecksPayload | undefined;

  if (o.after) {
    const before = archivedRuns(store).find((r) => r.state.phase === 'before' && r.state.baseline && existsSync(join(r.dir, r.state.baseline)));
    if (!before) {
      throw new UserError(`no archived before-run in ${show(store.path('archive'))}`, { fix: 'run "perf flow" first (the before-run), implement the plan, then "perf flow --after"' });
    }
    beforeBaseline = join(before.dir, before.state.baseline as string);
    // Steps 1–3 come from the before-run's archive, never from whatever a later command left in the output dir.
    const archived = <T>(rel: string, schema: string): T | undefined => (existsSync(join(before.dir, rel)) ? readArtifactFile<T>(join(before.dir, rel), schema) : undefined);
    plan = archived<PlanPayload>(ARTIFACTS.plan.json, ARTIFACTS.plan.schema);
    beforePlanFile = plan ? join(before.dir, ARTIFACTS.plan.json) : undefined;
    analysis = archived<BottlenecksPayload>(ARTIFACTS.bottlenecks.json, ARTIFACTS.bottlenecks.schema);
    say(`✓ Steps 1–3 from the before-run ${before.state.runId}: ${show(beforeBaseline)}`);
    for (const [n, name] of [[1, 'baseline'], [2, 'profile + analyze'], [3, 'plan']] as const) step(n, name, 'skipped', `from before-run ${before.state.runId}`);
    say('⏳ Step 4: taking the after-run...');
    // The same load as the before-run, or the two runs are not comparable (analyzers/compare/fairness.ts).
    const bm = readArtifactFile<BaselinePayload>(beforeBaseline, ARTIFACTS.baseline.schema).model;
    const { rateRps: _r, connections: _c, ...restOpts } = baselineOpts as typeof baselineOpts & { rateRps?: number };
    baselineOpts = { ...restOpts, ...repeatLoad(bm) };
    say(`  at the before-run's load: ${bm.kind === 'open' ? `${bm.rateRps} req/s (open model)` : `${bm.connections} connections (closed model)`}`);
    const after = await runBaseline(baselineOpts);
    afterBaseline = after.jsonPath;
    baselineLines(after.artifact, 'After-run baseline complete', after.markdownPath);
    step(4, 'after-run', 'done');
  } else {
    // Step 1
    say('✓ Initialized performance baseline');
    say('⏳ Establishing SLIs and current metrics...');
    const base = await runBaseline(baselineOpts);
    beforeBaseline = base.jsonPath;
    baselineLines(base.artifact, 'Performance baseline complete', base.markdownPath);
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
    analysis = an.analysis;
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
    plan = pl.plan;
    say(`✓ Optimization plan created: ${show(pl.markdownPath)}`);
    say(`  - Quick wins: ${pl.plan.counts['quick-win']} optimizations`);
    say(`  - Strategic improvements: ${pl.plan.counts.strategic} optimizations`);
    say(`  - Major refactoring: ${pl.plan.counts['major-refactor']} optimizations`);
    step(3, 'plan', 'done');

    // Step 4
    if (o.waitForImplementation) {
      say('⏳ Step 4: implement the plan now. Press Enter to take the after-run, or type "skip" to finish without it.');
      if (await o.waitForImplementation()) {
        const before = store.readThisRun<BaselinePayload>('baseline');
        const keep = store.writeJson('working/performance/baseline-before.json', before);
        beforeBaseline = keep;
        if (before) baselineOpts = { ...baselineOpts, ...repeatLoad(before.model) };
        const after = await runBaseline(baselineOpts);
        afterBaseline = after.jsonPath;
        baselineLines(after.artifact, 'After-run baseline complete', after.markdownPath);
        step(4, 'implement + after-run', 'done');
      } else {
        step(4, 'implement + after-run', 'pending', 'skipped by the user');
        pending.push('Step 4: implement the plan, then run "perf flow --after"');
      }
    } else {
      say('⏳ Step 4 pending: implement the plan, then run "perf flow --after" (no terminal: perf never waits)');
      step(4, 'implement + after-run', 'pending', 'no TTY');
      pending.push('Step 4: implement the plan, then run "perf flow --after"');
    }
  }

  // Step 5
  let loadtests: LoadTestPayload[] = [];
  let suite: SuiteTest[] = [];
  let sloFile: string | null = null;
  if (o.skipLoadtest) {
    step(5, 'loadtest', 'skipped', '--skip-loadtest');
  } else {
    const quickTotalMs = o.quickTotalMs ?? FLOW_QUICK_TOTAL_MS;
    say(`⏳ Running load tests: ${scenarios.join(', ')}${o.quick ? ` (--quick: ${formatDuration(quickTotalMs)} in all)` : ''}...`);
    // After-runs load at the before-run's rate, so the two load tests are comparable.
    const measured = o.after && beforeBaseline ? readArtifactFile<BaselinePayload>(beforeBaseline, ARTIFACTS.baseline.schema) : store.readThisRun<BaselinePayload>('baseline');
    const lt = await runLoadTests({
      config,
      store,
      scenarios,
      quick: o.quick,
      quickTotalMs,
      quickBudgets: splitQuickBudget(scenarios, quickTotalMs, TRIGGER_PROFILE[o.trigger].focus),
      ...(measured ? { measured } : {}),
      ...(o.capacityRps !== undefined ? { capacityRps: o.capacityRps } : {}),
      measuredLabel: o.after ? 'before-run' : 'measured',
      ...(o.signal ? { signal: o.signal } : {}),
      say,
    });
    suite = lt.tests;
    loadtests = suite.map((t) => t.payload);
    sloFile = lt.sloFile;
    step(5, 'loadtest', loadtests.length === 0 ? 'unavailable' : lt.failed ? 'failed' : 'done', `${scenarios.join(', ')}`);
    // Refresh the analysis (and its plan) with this run's load tests: the stress test's breaking point is current.
    if (loadtests.length && !o.after) {
      const an = await runAnalyze(store, { config, guidance, runScoped: true, ...(lt.analysisFile ? { loadtest: lt.analysisFile } : {}) });
      analysis = an.analysis;
      const pl = await runPlan(store, { config, guidance, runScoped: true });
      plan = pl.plan;
      say(`✓ Bottleneck analysis refreshed with this run's load test${an.analysis.breakingPoint ? ` (breaking point ${Math.round(an.analysis.breakingPoint.rps)} req/s)` : ''}: ${show(an.markdownPath)}`);
    }
  }

  // Step 6
  say('⏳ Generating final reports...');
  let sloStatus: SloStatus | null = null;
  let sloReport: SloReport | null = null;
  const sloInput = sloFile ?? store.path(ARTIFACTS.baseline.json);
  if (config.slos.length === 0) {
    say('⚠️ No SLOs in the config: SLO compliance not evaluated');
  } else {
    const report = await runSloCheck({ file: sloInput, slos: slosFromConfig(config), slosFrom: config.source, ...(o.signal ? { signal: o.signal } : {}) });
    const w = store.writeReport('slo', report, renderSloMarkdown(report));
    sloStatus = report.status;
    sloReport = report;
    say(`✓ SLO compliance validated: ${report.status} (${show(w.markdownPath)})`);
    const worst = report.slos.filter((s) => s.status === 'FAIL').sort((a, b) => b.errorBudget.consumedPct - a.errorBudget.consumedPct)[0];
    if (worst) for (const l of criticalSloBreach(worst)) say(l);
  }

  let comparison: ComparePayload | undefined;
  let compareSkipped: string | undefined;
  if (!afterBaseline) {
    const prev = archivedRuns(store).find((r) => r.state.baseline && existsSync(join(r.dir, r.state.baseline)));
    const thisBaseline = store.readThisRun<BaselinePayload>('baseline');
    if (prev && thisBaseline) {
      const prevModel = readArtifactFile<BaselinePayload>(join(prev.dir, prev.state.baseline as string), ARTIFACTS.baseline.schema).model;
      if (sameOfferedLoad(prevModel, thisBaseline.model)) {
        say(`  comparing with the previous archived run ${prev.state.runId}`);
        beforeBaseline = join(prev.dir, prev.state.baseline as string);
        afterBaseline = store.path(ARTIFACTS.baseline.json);
      } else compareSkipped = `the previous archived run ${prev.state.runId} ran at a different load, so it is not compared`;
    }
  }
  if (beforeBaseline && afterBaseline) {
    const cmp = await runCompare(store, {
      config,
      guidance,
      before: beforeBaseline,
      after: afterBaseline,
      title: 'Performance Optimization Report',
      trigger: o.trigger,
      runScoped: !beforePlanFile,
      ...(beforePlanFile ? { plan: beforePlanFile } : {}),
      confirm: { baselineOpts, ...(o.beforeTarget ? { beforeTarget: o.beforeTarget } : {}) },
      onProgress: (e) => {
        if (e.phase === 'confirm') say(e.line);
      },
    });
    comparison = cmp.comparison;
    const ov = cmp.comparison.overall;
    say(`✓ Optimization summary: ${show(cmp.markdownPath)}`);
    say(`  - Overall improvement: ${(-ov.change.p95 * 100).toFixed(1)}% (p95)`);
    say(`  - p95 latency: ${ov.before.p95Ms.toFixed(1)}ms → ${ov.after.p95Ms.toFixed(1)}ms`);
    say(`  - Throughput: ${ov.before.throughputRps.toFixed(1)} → ${ov.after.throughputRps.toFixed(1)} RPS`);
    for (const j of cmp.comparison.journeys) {
      const mark = j.verdict === 'improved' ? '📈' : j.verdict === 'regressed' || j.verdict === 'mixed' ? '⚠️' : '·';
      say(`  ${mark} ${j.name}: p95 ${j.before.p95Ms.toFixed(1)} → ${j.after.p95Ms.toFixed(1)} ms — ${j.verdict.replace(/-/g, ' ')}${j.confidence !== null ? ` (confidence ${(Math.min(0.9999, j.confidence) * 100).toFixed(2)}%)` : ''}`);
    }
    if (cmp.comparison.verdict === 'regressed' || cmp.comparison.verdict === 'mixed' || cmp.comparison.verdict === 'no-significant-change') for (const l of optimizationFailed(cmp.comparison, plan)) say(l);
    step(6, 'slo-check + compare', 'done');
  } else {
    const completeWith = o.afterCommand ?? 'perf flow --after';
    const reason = compareSkipped ?? 'there is no after-run and no earlier archived run to compare with';
    const thisBaseline = store.readThisRun<BaselinePayload>('baseline');
    const summary = pendingSummary({
      reason,
      completeWith,
      trigger: o.trigger,
      baseline: thisBaseline ? { file: show(store.path(ARTIFACTS.baseline.json)), payload: thisBaseline } : undefined,
      analysis,
      plan,
      loadTests: suite,
      slo: sloReport,
    });
    const w = store.writeReport('summary', summary, renderPendingSummary(summary));
    say(`✓ Optimization summary (PENDING: before/after and ROI need "${completeWith}"): ${show(w.markdownPath)}`);
    pending.push(`Optimization summary: before/after and ROI pending until "${completeWith}"`);
    step(6, 'slo-check + compare', sloStatus ? 'done' : 'skipped', `summary pending: ${reason}`);
  }

  // Archive
  const dir = archiveDir(store);
  const copied = archiveRun(store, dir);
  const state: FlowState = {
    schema: 'perf.flow/v1',
    runId: store.runId,
    startedAt,
    endedAt: new Date().toISOString(),
    phase: o.after ? 'after' : 'before',
    trigger: o.trigger,
    guidance,
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
  const status = flowStatus(outcome);
  const next = nextSteps({ ...outcome, regressions: comparison?.regressions ?? [] });
  for (const l of completionSummary({
    status,
    slo: sloStatus,
    ...(comparison ? { comparison } : {}),
    ...(plan ? { plan } : {}),
    topBottlenecks: (analysis?.bottlenecks ?? []).slice(0, 3).map((b) => `${b.id} ${b.title} — ${b.evidence[0]?.text ?? ''}`),
    artifacts: [
      ['Performance baseline', art('baseline')],
      ['Bottleneck analysis', art('bottlenecks')],
      ['Optimization plan', art('plan')],
      ['Load test results', art('loadtest')],
      ['SLO compliance', art('slo')],
      ['Final summary', art('summary')],
    ],
    pending,
    nextSteps: next,
  }))
    say(l);

  return { exitCode: flowExitCode(sloStatus), state, sloStatus, ...(comparison ? { comparison } : {}), archive: dir };
}
