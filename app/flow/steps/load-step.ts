/**
 * `perf flow`, step 5: the trigger's load tests in order (app/flow/load-tests.ts), after-runs at the
 * before-run's rate; then, on a before-run, the analysis and plan refreshed with this run's load tests.
 */
import { ARTIFACTS } from '../../../core/artifacts/layout.js';
import type { BaselinePayload, LoadTestPayload } from '../../../core/artifacts/schemas.js';
import { readArtifactFile } from '../../../core/artifacts/store.js';
import { formatDuration } from '../../../core/duration.js';
import type { SuiteTest } from '../../../templates/load-test-suite.js';
import { runAnalyze } from '../../analyze.js';
import { runPlan } from '../../plan.js';
import type { FlowContext, FlowFindings } from '../context.js';
import { runLoadTests } from '../load-tests.js';
import { FLOW_QUICK_TOTAL_MS, splitQuickBudget, TRIGGER_PROFILE } from '../triggers.js';

export interface LoadStepResult {
  loadtests: LoadTestPayload[];
  suite: SuiteTest[];
  /** The load test slo-check judges (the last one that ran), or null. */
  sloFile: string | null;
}

export async function loadTestStep(ctx: FlowContext, found: FlowFindings): Promise<LoadStepResult> {
  const { o, config, store, say, show, step, scenarios, guidance } = ctx;
  if (o.skipLoadtest) {
    step(5, 'loadtest', 'skipped', '--skip-loadtest');
    return { loadtests: [], suite: [], sloFile: null };
  }
  const quickTotalMs = o.quickTotalMs ?? FLOW_QUICK_TOTAL_MS;
  say(`⏳ Running load tests: ${scenarios.join(', ')}${o.quick ? ` (--quick: ${formatDuration(quickTotalMs)} in all)` : ''}...`);
  // After-runs load at the before-run's rate, so the two load tests are comparable.
  const measured = o.after && found.beforeBaseline ? readArtifactFile<BaselinePayload>(found.beforeBaseline, ARTIFACTS.baseline.schema) : store.readThisRun<BaselinePayload>('baseline');
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
  const loadtests = lt.tests.map((t) => t.payload);
  step(5, 'loadtest', loadtests.length === 0 ? 'unavailable' : lt.failed ? 'failed' : 'done', `${scenarios.join(', ')}`);
  // Refresh the analysis (and its plan) with this run's load tests: the stress test's breaking point is current.
  if (loadtests.length && !o.after) {
    const an = await runAnalyze(store, { config, guidance, runScoped: true, ...(lt.analysisFile ? { loadtest: lt.analysisFile } : {}) });
    found.analysis = an.analysis;
    found.plan = (await runPlan(store, { config, guidance, runScoped: true })).plan;
    say(`✓ Bottleneck analysis refreshed with this run's load test${an.analysis.breakingPoint ? ` (breaking point ${Math.round(an.analysis.breakingPoint.rps)} req/s)` : ''}: ${show(an.markdownPath)}`);
  }
  return { loadtests, suite: lt.tests, sloFile: lt.sloFile };
}
