/**
 * `perf flow --after`, steps 1–4: steps 1–3 come from the last archived before-run (never from what
 * a later command left in the output dir), and step 4 re-measures the service at the before-run's load.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BottlenecksPayload } from '../../../analyzers/bottlenecks/types.js';
import type { PlanPayload } from '../../../analyzers/plan/plan.js';
import { runBaseline } from '../../../capture/baseline/run-baseline.js';
import { ARTIFACTS } from '../../../core/artifacts/layout.js';
import type { BaselinePayload } from '../../../core/artifacts/schemas.js';
import { readArtifactFile } from '../../../core/artifacts/store.js';
import { UserError } from '../../../core/errors.js';
import { archivedRuns } from '../archive.js';
import type { FlowContext, FlowFindings } from '../context.js';
import { repeatLoad } from '../policies.js';
import { sayBaseline } from './say-baseline.js';

export async function afterRunSteps(ctx: FlowContext, found: FlowFindings): Promise<void> {
  const { store, show, say, step } = ctx;
  const before = archivedRuns(store).find((r) => r.state.phase === 'before' && r.state.baseline && existsSync(join(r.dir, r.state.baseline)));
  if (!before) {
    throw new UserError(`no archived before-run in ${show(store.path('archive'))}`, { fix: 'run "perf flow" first (the before-run), implement the plan, then "perf flow --after"' });
  }
  found.beforeBaseline = join(before.dir, before.state.baseline as string);
  const archived = <T>(rel: string, schema: string): T | undefined => (existsSync(join(before.dir, rel)) ? readArtifactFile<T>(join(before.dir, rel), schema) : undefined);
  const plan = archived<PlanPayload>(ARTIFACTS.plan.json, ARTIFACTS.plan.schema);
  if (plan) {
    found.plan = plan;
    found.beforePlanFile = join(before.dir, ARTIFACTS.plan.json);
  }
  const analysis = archived<BottlenecksPayload>(ARTIFACTS.bottlenecks.json, ARTIFACTS.bottlenecks.schema);
  if (analysis) found.analysis = analysis;
  say(`✓ Steps 1–3 from the before-run ${before.state.runId}: ${show(found.beforeBaseline)}`);
  for (const [n, name] of [[1, 'baseline'], [2, 'profile + analyze'], [3, 'plan']] as const) step(n, name, 'skipped', `from before-run ${before.state.runId}`);
  say('⏳ Step 4: taking the after-run...');
  // The same load as the before-run, or the two runs are not comparable (analyzers/compare/fairness.ts).
  const bm = readArtifactFile<BaselinePayload>(found.beforeBaseline, ARTIFACTS.baseline.schema).model;
  const { rateRps: _r, connections: _c, ...restOpts } = ctx.baselineOpts as typeof ctx.baselineOpts & { rateRps?: number };
  ctx.baselineOpts = { ...restOpts, ...repeatLoad(bm) };
  say(`  at the before-run's load: ${bm.kind === 'open' ? `${bm.rateRps} req/s (open model)` : `${bm.connections} connections (closed model)`}`);
  const after = await runBaseline(ctx.baselineOpts);
  found.afterBaseline = after.jsonPath;
  sayBaseline(ctx, after.artifact, 'After-run baseline complete', after.markdownPath);
  step(4, 'after-run', 'done');
}
