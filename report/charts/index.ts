import type { ResourceLimits } from '../../core/contract/config.js';
import { primary, type ReportInputs } from '../inputs.js';
import { scenarioRuns } from '../scenarios.js';
import { burnDownChart } from './burn-down.js';
import { capacityChart, CAPACITY_CHART } from './capacity.js';
import { distributionChart } from './distribution.js';
import { hotFunctionsChart, HOT_FUNCTIONS_CHART } from './hot-functions.js';
import { LATENCY_CHART, latencyCharts, latencyScaleMax, slug } from './latency.js';
import { loadChart } from './load.js';
import { baselineResourcesChart, resourcesChart } from './resources.js';
import { runtimeChart } from './runtime.js';
import { throughputChart, THROUGHPUT_CHART } from './throughput.js';
import type { ChartOutcome } from './types.js';

export type { Chart, ChartNote, ChartOutcome, ChartPlacement } from './types.js';
export { isChart } from './types.js';

const NO_LOADTEST = 'no load-test artifact (run perf loadtest)';

/**
 * Every chart of the report, in page order; a chart without data becomes a note saying why. Each
 * load-test scenario gets its own set (latency overall and per journey, throughput, VUs, target
 * resources); several scenarios share their latency and throughput scales so they compare at a glance.
 */
export function buildCharts(inputs: ReportInputs): ChartOutcome[] {
  const slo = primary(inputs.slo)?.artifact;
  const baseline = primary(inputs.baseline)?.artifact;
  const profile = primary(inputs.profile)?.artifact;
  const runs = scenarioRuns(inputs);
  const limits = limitsOf(inputs);
  const several = runs.length > 1;
  const out: ChartOutcome[] = [];
  if (runs.length === 0) out.push({ ...LATENCY_CHART, reason: NO_LOADTEST }, { ...THROUGHPUT_CHART, reason: NO_LOADTEST });
  const latencyMax = several ? { yMax: latencyScaleMax(runs.map((r) => r.run), slo) } : {};
  const rpsMax = several ? { yMax: Math.max(0, ...runs.flatMap((r) => (r.run.windows ?? []).map((w) => w.rps))) } : {};
  for (const r of runs) {
    const place = { scenario: r.scenario, ...(several ? { idSuffix: `--${slug(r.scenario)}` } : {}), limits };
    out.push(...latencyCharts(r.run, slo, place, latencyMax), throughputChart(r.run, place, rpsMax), loadChart(r.run, place), resourcesChart(r.run, place));
    const runtime = runtimeChart(r.run, place);
    if (runtime) out.push(runtime);
  }
  out.push(
    distributionChart(inputs, slo),
    burnDownChart(primary(inputs.loadtest)?.artifact, slo),
    profile ? hotFunctionsChart(profile) : { ...HOT_FUNCTIONS_CHART, reason: 'no profile artifact (run perf profile)' },
    baseline ? capacityChart(baseline) : { ...CAPACITY_CHART, reason: 'no baseline artifact (run perf baseline)' },
  );
  if (baseline) out.push(baselineResourcesChart(baseline, limits));
  return out;
}

/** The resource limits to judge: the config's when the report has it, else those the SLO check recorded. */
export function limitsOf(inputs: ReportInputs): ResourceLimits | undefined {
  if (inputs.limits) return inputs.limits;
  const recorded = primary(inputs.slo)?.artifact.resourceLimits;
  if (!recorded?.length) return undefined;
  return Object.fromEntries(recorded.map((l) => [l.name, l.limit])) as ResourceLimits;
}
