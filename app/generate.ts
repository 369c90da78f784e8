/**
 * `perf generate`: k6 scripts (TypeScript source + bundled JS) for the chosen scenarios and the
 * load-test plan, as one use case. The shapes come from the profiles (profiles/), the capacity from
 * --rate, --capacity or the baseline; k6-scripts/src/generate.ts writes the files.
 */
import { SCENARIO_NAMES, type ScenarioName } from '../core/config/types.js';
import { generateScripts, type GenerateOptions, type GenerateResult } from '../k6-scripts/src/generate.js';

export type { GeneratedScript, GenerateResult } from '../k6-scripts/src/generate.js';

/** What `--scenario` accepts: one scenario or every one. */
export const GENERATE_SCENARIOS = [...SCENARIO_NAMES, 'all'] as const;
export type GenerateScenario = (typeof GENERATE_SCENARIOS)[number];

export type GenerateRequest = Omit<GenerateOptions, 'scenarios' | 'extension' | 'scriptsDir' | 'writePlan'> & {
  scenario: GenerateScenario;
  /** Scripts for stock k6 (no k6/x/perf import) even when perf's k6 is there. */
  portable: boolean;
};

/** The scenarios `--scenario` names, in the profiles' order for "all". */
export function scenariosOf(s: GenerateScenario): ScenarioName[] {
  return s === 'all' ? [...SCENARIO_NAMES] : [s];
}

export async function generateLoadScripts(r: GenerateRequest): Promise<GenerateResult & { scenarios: ScenarioName[] }> {
  const { scenario, portable, ...shape } = r;
  const scenarios = scenariosOf(scenario);
  const result = await generateScripts({ ...shape, scenarios, ...(portable ? { extension: false } : {}) });
  return { ...result, scenarios };
}
