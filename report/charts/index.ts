import { primary, type ReportInputs } from '../inputs.js';
import { burnDownChart } from './burn-down.js';
import { capacityChart, CAPACITY_CHART } from './capacity.js';
import { distributionChart } from './distribution.js';
import { hotFunctionsChart, HOT_FUNCTIONS_CHART } from './hot-functions.js';
import { latencyChart, LATENCY_CHART } from './latency.js';
import { throughputChart, THROUGHPUT_CHART } from './throughput.js';
import type { ChartOutcome } from './types.js';

export type { Chart, ChartNote, ChartOutcome } from './types.js';
export { isChart } from './types.js';

/** Every chart of the report, in page order; a chart without data becomes a note saying why. */
export function buildCharts(inputs: ReportInputs): ChartOutcome[] {
  const lt = primary(inputs.loadtest)?.artifact;
  const slo = primary(inputs.slo)?.artifact;
  const baseline = primary(inputs.baseline)?.artifact;
  const profile = primary(inputs.profile)?.artifact;
  return [
    lt ? latencyChart(lt, slo) : { ...LATENCY_CHART, reason: 'no load-test artifact (run perf loadtest)' },
    lt ? throughputChart(lt) : { ...THROUGHPUT_CHART, reason: 'no load-test artifact (run perf loadtest)' },
    distributionChart(inputs, slo),
    burnDownChart(lt, slo),
    profile ? hotFunctionsChart(profile) : { ...HOT_FUNCTIONS_CHART, reason: 'no profile artifact (run perf profile)' },
    baseline ? capacityChart(baseline) : { ...CAPACITY_CHART, reason: 'no baseline artifact (run perf baseline)' },
  ];
}
