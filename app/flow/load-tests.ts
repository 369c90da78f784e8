/**
 * Step 5 of `perf flow`: the load tests in order (app/flow/triggers.ts), each kept as
 * `working/runs/<id>/loadtests/<scenario>.json` and checked against the SLOs, then ONE
 * `testing/load-test-results.md` with a section per test. The JSON twin (`loadtest.json`) is the
 * test SLO compliance is judged on: the baseline test when it ran, else the first.
 */
import { join } from 'node:path';
import { checkLimits } from '../../analyzers/resources/limits.js';
import { slosFromConfig } from '../../analyzers/slo/check.js';
import { runSloCheck } from '../../capture/results/slo-check.js';
import { ARTIFACTS, DIRS } from '../../core/artifacts/layout.js';
import type { BaselinePayload, LoadTestPayload } from '../../core/artifacts/schemas.js';
import { readArtifactFile, type ArtifactStore } from '../../core/artifacts/store.js';
import type { PerfConfig, ScenarioName } from '../../core/config/types.js';
import { ExitCode, isPerfError } from '../../core/errors.js';
import { runLoadtest } from '../../k6-scripts/src/loadtest.js';
import { loadTestFailed } from '../../templates/flow.js';
import { rateWithoutKnee } from './policies.js';
import { loadTestHeadline, renderLoadTestSuite, type SuiteTest } from '../../templates/load-test-suite.js';

export interface LoadTestsOptions {
  config: PerfConfig;
  store: ArtifactStore;
  scenarios: readonly ScenarioName[];
  quick: boolean;
  /** --quick: each test's share of PERF_QUICK_TOTAL (splitQuickBudget). */
  quickBudgets?: ReadonlyMap<ScenarioName, number>;
  quickTotalMs?: number;
  /** The baseline whose throughput sets the rate when it has no capacity knee (after-runs: the before-run's). */
  measured?: BaselinePayload;
  /** --capacity: the capacity every load test scales from (then the measured throughput is not used). */
  capacityRps?: number;
  measuredLabel: string;
  signal?: AbortSignal;
  say: (line: string) => void;
}

export interface LoadTestsResult {
  tests: SuiteTest[];
  /** Tests that aborted, failed or errored too much. */
  failed: number;
  /** The file SLO compliance is judged on (the twin), and the one the analysis reads for a breaking point. */
  sloFile: string | null;
  analysisFile: string | null;
}

export async function runLoadTests(o: LoadTestsOptions): Promise<LoadTestsResult> {
  const { config, store, say } = o;
  const tests: SuiteTest[] = [];
  let failed = 0;
  for (const scenario of o.scenarios) {
    try {
      const sc = config.scenarios[scenario];
      const m = o.measured;
      // Without a capacity knee (--no-capacity) the rate comes from the throughput the baseline measured.
      const rate = o.capacityRps !== undefined ? undefined : rateWithoutKnee(sc, m);
      if (rate !== undefined) say(`  ${scenario}: no capacity knee in the baseline; peak rate ${rate} req/s from the ${o.measuredLabel} ${m?.overall.throughputRps.toFixed(1)} RPS`);
      const budget = o.quick ? o.quickBudgets?.get(scenario) : undefined;
      // runLoadtest starts (and stops) target.start itself.
      const r = await runLoadtest({ config, store, scenario, quick: o.quick, ...(budget !== undefined ? { quickBudgetMs: budget } : {}), ...(rate !== undefined ? { rate } : {}), ...(o.capacityRps !== undefined ? { capacityRps: o.capacityRps } : {}), ...(o.signal ? { signal: o.signal } : {}) });
      const file = store.writeJson(join(DIRS.runs, store.runId, 'loadtests', `${scenario}.json`), readArtifactFile<LoadTestPayload>(r.jsonPath, ARTIFACTS.loadtest.schema));
      const slo = config.slos.length ? await runSloCheck({ file, slos: slosFromConfig(config), slosFrom: config.source, ...(o.signal ? { signal: o.signal } : {}) }) : null;
      const test: SuiteTest = { payload: r.payload, file: store.display(file), slo, limits: checkLimits(config.limits, r.payload.resources) };
      tests.push(test);
      say(`✓ ${loadTestHeadline(test).line}`);
      if (r.payload.aborted || r.payload.overall.errorRate >= 0.05) {
        failed++;
        for (const l of loadTestFailed(r.payload)) say(l);
      }
    } catch (err) {
      if (!isPerfError(err) || err.exitCode === ExitCode.Interrupted) throw err;
      failed++;
      say(`⚠️ Load test "${scenario}" unavailable: ${err.message}${err.fix ? ` (${err.fix})` : ''}`);
    }
  }
  if (tests.length === 0) return { tests, failed, sloFile: null, analysisFile: null };
  const primary = tests.find((t) => t.payload.scenario === 'baseline') ?? (tests[0] as SuiteTest);
  const breaking = tests.find((t) => t.payload.scenario === 'stress' || t.payload.scenario === 'breakpoint');
  const written = store.writeReport('loadtest', primary.payload, renderLoadTestSuite(tests, o.quick && o.quickTotalMs !== undefined ? { quickTotalMs: o.quickTotalMs } : {}));
  say(`✓ Load test results: ${store.display(written.markdownPath)} (${tests.length} test(s); SLO compliance judged on the ${primary.payload.scenario} test)`);
  return { tests, failed, sloFile: written.jsonPath, analysisFile: breaking && breaking !== primary ? store.path(DIRS.runs, store.runId, 'loadtests', `${breaking.payload.scenario}.json`) : null };
}
