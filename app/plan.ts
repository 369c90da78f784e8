/** `perf plan` (and step 3 of `perf flow`): the optimisation plan from the bottleneck analysis, with a narrative. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { synthesise } from '../agents/synthesise.js';
import type { SynthesisResult } from '../agents/types.js';
import type { BottlenecksPayload } from '../analyzers/bottlenecks/types.js';
import { buildPlan, type PlanPayload } from '../analyzers/plan/plan.js';
import { ARTIFACTS } from '../core/artifacts/layout.js';
import { readArtifactFile, type Artifact, type ArtifactStore, type WrittenReport } from '../core/artifacts/store.js';
import { UserError } from '../core/errors.js';
import { renderPlan } from '../templates/plan.js';
import { agentOf, secretsOf, type SynthesisContext } from './synthesis.js';

export interface PlanOptions extends SynthesisContext {
  /** perf.bottlenecks/v1 file [default: the latest in the store]. */
  analysis?: string;
  /** Only this run's analysis (perf flow). */
  runScoped?: boolean;
}

export interface PlanResult extends WrittenReport {
  plan: PlanPayload;
  synthesis: SynthesisResult;
}

export async function runPlan(store: ArtifactStore, ctx: PlanOptions): Promise<PlanResult> {
  let analysis: Artifact<BottlenecksPayload> | undefined;
  let source: string;
  if (ctx.analysis) {
    analysis = readArtifactFile<BottlenecksPayload>(resolve(ctx.analysis), ARTIFACTS.bottlenecks.schema);
    source = ctx.analysis;
  } else {
    analysis = ctx.runScoped ? store.readThisRun<BottlenecksPayload>('bottlenecks') : store.readLatest<BottlenecksPayload>('bottlenecks');
    source = store.display(store.path(ARTIFACTS.bottlenecks.json));
  }
  if (!analysis) throw new UserError(`no bottleneck analysis in ${store.display(store.root)}`, { fix: 'run "perf analyze" first, or pass --analysis <bottlenecks.json>' });
  const secrets = secretsOf(ctx);
  const guidance = secrets.redact(ctx.guidance ?? '');
  // Evidence locations are relative to the target's cwd (analyzers/cpuprofile.ts displayLocation).
  const cwd = ctx.config?.target.start?.cwd ?? process.cwd();
  const locationExists = (location: string): boolean => existsSync(resolve(cwd, location.replace(/:\d+$/, '')));
  const plan = buildPlan(analysis, { guidance, slos: ctx.config?.slos, source, locationExists });
  const synthesis = await synthesise('plan', plan, guidance, { agent: agentOf(ctx), secrets });
  const written = store.writeReport('plan', { ...plan, narrative: synthesis }, renderPlan(plan, synthesis));
  return { ...written, plan, synthesis };
}
