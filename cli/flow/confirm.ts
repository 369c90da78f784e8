import { compareFigures, type ComparePayload } from '../../analyzers/compare/compare.js';
import { runBaseline, type RunBaselineOptions } from '../../capture/baseline/run-baseline.js';
import { ARTIFACTS } from '../../core/artifacts/layout.js';
import type { BaselinePayload, LoadFigures } from '../../core/artifacts/schemas.js';
import { ArtifactStore, readArtifactFile } from '../../core/artifacts/store.js';

export interface Confirmation {
  /** The after-run baseline with every unconfirmed regression replaced by its second measurement. */
  file: string;
  notes: string[];
}

const ms = (v: number): string => `${v.toFixed(1)} ms`;

/**
 * A regression seen in one short after-measurement can be drift between the two runs or carry-over
 * from the journey measured just before it. Before reporting one, the flow measures each regressed
 * journey again on its own. The summary keeps both measurements and says which regressions held.
 */
export async function confirmRegressions(o: {
  store: ArtifactStore;
  comparison: ComparePayload;
  beforeFile: string;
  afterFile: string;
  baselineOpts: RunBaselineOptions;
  say: (line: string) => void;
}): Promise<Confirmation | null> {
  const before = readArtifactFile<BaselinePayload>(o.beforeFile, ARTIFACTS.baseline.schema);
  const after = readArtifactFile<BaselinePayload>(o.afterFile, ARTIFACTS.baseline.schema);
  const known = new Set(o.baselineOpts.config.journeys.map((j) => j.name));
  const suspects = o.comparison.journeys.filter((j) => (j.verdict === 'regressed' || j.verdict === 'mixed') && known.has(j.name));
  if (suspects.length === 0) return null;
  // A separate store under working/: the second measurement must not overwrite the after-run's artifacts.
  const confirmStore = new ArtifactStore(o.store.path('working', 'confirm'), o.store.runId);
  const journeys: LoadFigures[] = [...after.journeys];
  const notes: string[] = [];
  for (const suspect of suspects) {
    if (o.baselineOpts.signal?.aborted) break;
    const beforeFig = before.journeys.find((j) => j.name === suspect.name);
    const index = journeys.findIndex((j) => j.name === suspect.name);
    if (!beforeFig || index < 0) continue;
    o.say(`⏳ Confirming the ${suspect.name} regression: measuring ${suspect.name} again on its own`);
    // The same load model as the after-run's measurement of this journey, so the two are comparable.
    const { connections: _c, rateRps: _r, ...rest } = o.baselineOpts;
    const firstFig = journeys[index];
    const model =
      after.model.kind === 'open'
        ? { rateRps: firstFig?.rateRps ?? after.model.rateRps }
        : { connections: after.model.connections };
    const again = await runBaseline({ ...rest, ...model, store: confirmStore, journey: suspect.name, capacity: false });
    const second = again.artifact.journeys.find((j) => j.name === suspect.name) ?? again.artifact.overall;
    const check = compareFigures(beforeFig, { ...second, name: suspect.name });
    const firstP95 = journeys[index]?.latencyMs.p95 ?? Number.NaN;
    if (check.verdict === 'regressed' || check.verdict === 'mixed') {
      notes.push(`${suspect.name}: regression confirmed by a second measurement on its own (p95 ${ms(beforeFig.latencyMs.p95)} → ${ms(firstP95)}, then ${ms(second.latencyMs.p95)}).`);
      o.say(`⚠️ ${suspect.name}: regression confirmed (p95 ${ms(second.latencyMs.p95)} on the second measurement)`);
    } else {
      journeys[index] = { ...second, name: suspect.name };
      notes.push(
        `${suspect.name}: the first after-measurement looked like a regression (p95 ${ms(beforeFig.latencyMs.p95)} → ${ms(firstP95)}), but a second measurement of ${suspect.name} on its own gave p95 ${ms(second.latencyMs.p95)} (${check.verdict.replace(/-/g, ' ')}); the regression is not confirmed and the second measurement is used. Its raw figures: ${o.store.display(again.jsonPath)}.`,
      );
      o.say(`  ${suspect.name}: not confirmed (p95 ${ms(second.latencyMs.p95)} on the second measurement)`);
    }
  }
  if (notes.length === 0) return null;
  const { schema, runId, generatedAt, tool, ...payload } = after;
  const file = o.store.writeJson('working/performance/baseline-after-confirmed.json', { schema, runId, generatedAt, tool, ...payload, journeys, confirmation: notes });
  return { file, notes };
}
