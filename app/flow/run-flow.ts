/**
 * `perf flow`: the six steps of the optimisation loop as a list of step modules (app/flow/steps/),
 * each calling the other commands' use cases, with progress lines (✓ ⏳ 📈 ⚠️), an archive per run
 * and exit 0/1 by SLO status. Its policies (rate without a knee, overall status, what to do next)
 * are named pure functions in policies.ts.
 */
import type { ComparePayload } from '../../analyzers/compare/compare.js';
import type { RunBaselineOptions } from '../../capture/baseline/run-baseline.js';
import type { SloStatus } from '../../core/artifacts/schemas.js';
import type { FlowState } from './archive.js';
import type { FlowContext, FlowFindings, FlowOptions } from './context.js';
import { flowExitCode } from './policies.js';
import { afterRunSteps } from './steps/after-run.js';
import { finishFlow } from './steps/finish.js';
import { firstRunSteps } from './steps/first-run.js';
import { loadTestStep } from './steps/load-step.js';
import { summaryStep } from './steps/summary-step.js';
import { flowScenarios, TRIGGER_PROFILE } from './triggers.js';

export type { FlowOptions } from './context.js';

export interface FlowResult {
  exitCode: 0 | 1;
  state: FlowState;
  sloStatus: SloStatus | null;
  comparison?: ComparePayload;
  archive: string;
}

/** The shared context of one flow run: the guidance, the journey filter, the scenarios and the baseline's options. */
export function flowContext(o: FlowOptions): FlowContext {
  const { config, store } = o;
  const journeyFilter = o.component && config.journeys.some((j) => j.name === o.component) ? o.component : undefined;
  const guidance = [TRIGGER_PROFILE[o.trigger].emphasis, o.guidance, o.structured?.text, o.component && !journeyFilter ? `component: ${o.component}` : '']
    .filter((s) => s && s.trim())
    .join('; ');
  const baselineOpts: RunBaselineOptions = {
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
  const steps: FlowState['steps'] = [];
  return {
    o,
    config,
    store,
    say: o.say,
    show: (p) => store.display(p),
    step: (n, name, status, note) => void steps.push({ step: n, name, status, ...(note ? { note } : {}) }),
    steps,
    pending: [],
    guidance,
    journeyFilter,
    scenarios: flowScenarios({ trigger: o.trigger, ...(o.scenarios ? { scenarios: o.scenarios } : {}), ...(o.structured ? { rigor: o.structured.rigor } : {}) }),
    baselineOpts,
  };
}

export async function runFlow(o: FlowOptions): Promise<FlowResult> {
  const startedAt = new Date().toISOString();
  const ctx = flowContext(o);
  ctx.say(`Performance optimization flow — trigger: ${o.trigger}${ctx.guidance ? `, guidance: "${ctx.guidance}"` : ''}${o.after ? ' (after-run)' : ''}`);
  const found: FlowFindings = { beforeBaseline: null, afterBaseline: null };
  await (o.after ? afterRunSteps(ctx, found) : firstRunSteps(ctx, found));
  const load = await loadTestStep(ctx, found);
  const summary = await summaryStep(ctx, found, load);
  const { state, archive } = finishFlow(ctx, found, summary, startedAt);
  return { exitCode: flowExitCode(summary.sloStatus), state, sloStatus: summary.sloStatus, ...(summary.comparison ? { comparison: summary.comparison } : {}), archive };
}
