import { SCENARIO_NAMES, type ScenarioName } from '../../core/config/types.js';
import { UserError } from '../../core/errors.js';

/** The flow's optimisation triggers: each sets the emphasis (guidance) and the order of step 5's load tests. */
export const TRIGGERS = ['slo-breach', 'capacity-planning', 'cost-reduction', 'user-complaint', 'proactive', 'new-feature'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** The flow's load-test step: baseline (normal traffic), stress (breaking point), spike (recovery), soak (degradation). */
export const FLOW_LOAD_TESTS: readonly ScenarioName[] = ['baseline', 'stress', 'spike', 'soak'];

/**
 * `scenarios`: step 5's load tests in the order they run (all four by default; capacity planning adds
 * breakpoint). `focus`: the test the trigger is about, which gets a larger share of a --quick budget.
 */
export const TRIGGER_PROFILE: Record<Trigger, { emphasis: string; scenarios: ScenarioName[]; focus: ScenarioName }> = {
  'slo-breach': { emphasis: 'latency', scenarios: ['baseline', 'spike', 'stress', 'soak'], focus: 'baseline' },
  'capacity-planning': { emphasis: 'throughput capacity', scenarios: ['baseline', 'stress', 'breakpoint', 'spike', 'soak'], focus: 'stress' },
  'cost-reduction': { emphasis: 'cost throughput', scenarios: ['baseline', 'soak', 'stress', 'spike'], focus: 'soak' },
  'user-complaint': { emphasis: 'latency api', scenarios: ['baseline', 'spike', 'stress', 'soak'], focus: 'spike' },
  proactive: { emphasis: '', scenarios: ['baseline', 'stress', 'spike', 'soak'], focus: 'soak' },
  'new-feature': { emphasis: 'latency', scenarios: ['baseline', 'stress', 'spike', 'soak'], focus: 'stress' },
};

/** `--scenarios a,b`: known names, each once, in the given order; anything else is a UserError before any load. */
export function parseScenarioList(text: string, where = '--scenarios'): ScenarioName[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.find((s) => !(SCENARIO_NAMES as readonly string[]).includes(s));
  if (bad !== undefined) throw new UserError(`unknown scenario "${bad}"`, { where, fix: `use a comma-separated list of ${SCENARIO_NAMES.join(', ')}` });
  if (names.length === 0) throw new UserError('no scenario given', { where, fix: `use a comma-separated list of ${SCENARIO_NAMES.join(', ')}` });
  return [...new Set(names as ScenarioName[])];
}

/** The load tests step 5 runs: the explicit list as given, else the trigger's; extensive testing rigor adds breakpoint. */
export function flowScenarios(o: { trigger: Trigger; scenarios?: readonly ScenarioName[]; rigor?: 'basic' | 'extensive' }): ScenarioName[] {
  if (o.scenarios?.length) return [...new Set(o.scenarios)];
  const list = [...TRIGGER_PROFILE[o.trigger].scenarios];
  if (o.rigor === 'extensive' && !list.includes('breakpoint')) list.splice(list.indexOf('stress') + 1, 0, 'breakpoint');
  return list;
}

/** Relative share of a --quick budget per test: soak needs windows to fit a trend, spike a recovery tail. */
const QUICK_WEIGHT: Record<ScenarioName, number> = { baseline: 1, stress: 1.5, spike: 1.5, soak: 2, breakpoint: 1.5 };
/** The trigger's focus test weighs this much more. */
const FOCUS_FACTOR = 1.5;
/** The flow's --quick load tests together, unless PERF_QUICK_TOTAL says otherwise (each alone: profiles' QUICK_BUDGET_MS). */
export const FLOW_QUICK_TOTAL_MS = 120_000;
/** No test of the flow gets less than this (a warm-up plus a few windows). */
export const MIN_QUICK_TEST_MS = 6_000;

/**
 * `PERF_QUICK_TOTAL` for the flow is the budget of ALL its --quick load tests together: split by
 * weight (the trigger's focus weighs more), whole seconds, each at least MIN_QUICK_TEST_MS.
 */
export function splitQuickBudget(scenarios: readonly ScenarioName[], totalMs: number, focus?: ScenarioName): Map<ScenarioName, number> {
  const weight = (s: ScenarioName): number => QUICK_WEIGHT[s] * (s === focus ? FOCUS_FACTOR : 1);
  const sum = scenarios.reduce((a, s) => a + weight(s), 0);
  return new Map(scenarios.map((s) => [s, Math.max(MIN_QUICK_TEST_MS, Math.floor((totalMs * weight(s)) / sum / 1000) * 1000)]));
}
