import type { LoadTestPayload } from '../core/artifacts/schemas.js';
import type { Artifact } from '../core/artifacts/store.js';
import type { ReportInputs } from './inputs.js';

/**
 * The load tests of a report, one per scenario: several scenarios of one run (the flow's stress,
 * spike and soak) are shown side by side, each in its own section; several runs of ONE scenario
 * read as before → after (the last one is shown, the earlier ones are overlaid where a chart can).
 */
export interface ScenarioRun {
  scenario: string;
  run: Artifact<LoadTestPayload>;
  file: string;
  /** Earlier artifacts of the same scenario (before → after), oldest first. */
  earlier: Artifact<LoadTestPayload>[];
}

export function scenarioRuns(inputs: Pick<ReportInputs, 'loadtest'>): ScenarioRun[] {
  const by = new Map<string, ScenarioRun>();
  for (const l of inputs.loadtest) {
    const scenario = String(l.artifact.scenario);
    const prev = by.get(scenario);
    by.set(scenario, { scenario, run: l.artifact, file: l.file, earlier: prev ? [...prev.earlier, prev.run] : [] });
  }
  return [...by.values()];
}

/** True when the report shows more than one scenario (one section each). */
export function severalScenarios(inputs: Pick<ReportInputs, 'loadtest'>): boolean {
  return scenarioRuns(inputs).length > 1;
}
