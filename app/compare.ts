/**
 * `perf compare` (and step 6 of `perf flow`): before/after comparison with significance, SLO compliance
 * and ROI → the optimisation summary. With `confirm`, claimed changes are re-measured on both sides
 * (A B A B) before the summary is written; the re-measurement reports its lines as progress events.
 */
import { resolve } from 'node:path';
import { synthesise } from '../agents/synthesise.js';
import type { SynthesisResult } from '../agents/types.js';
import { claimsChange, compareRuns, type CompareInput, type CompareOptions, type ComparePayload } from '../analyzers/compare/compare.js';
import { applyConfirmations } from '../analyzers/compare/confirm.js';
import { fairnessIssues, type RunLoad } from '../analyzers/compare/fairness.js';
import { compareDatabase } from '../analyzers/database/compare.js';
import type { PlanPayload } from '../analyzers/plan/plan.js';
import { confirmChanges, confirmOptionsFor, type BeforeTarget } from '../capture/baseline/confirm.js';
import type { RunBaselineOptions } from '../capture/baseline/run-baseline.js';
import { ARTIFACTS } from '../core/artifacts/layout.js';
import type { BaselinePayload, LoadFigures, LoadTestPayload } from '../core/artifacts/schemas.js';
import { readArtifactFile, type Artifact, type ArtifactStore, type WrittenReport } from '../core/artifacts/store.js';
import { UserError } from '../core/errors.js';
import { renderSummary } from '../templates/summary.js';
import { agentOf, secretsOf, type SynthesisContext } from './synthesis.js';

export { beforeConfig, type BeforeTarget } from '../capture/baseline/confirm.js';

/**
 * Progress of a comparison: the first pair's verdicts (before any re-measurement), then each line of
 * the interleaved re-measurement (--confirm) as it happens.
 */
export type CompareProgress = { phase: 'compared'; comparison: ComparePayload } | { phase: 'confirm'; line: string };

/** How to re-measure the claimed changes: the before version's target and the after-run's load. */
export interface ConfirmRequest {
  /** How to run the before version now; without it every claim is reported as not confirmed. */
  beforeTarget?: BeforeTarget;
  /** The load of the re-measurements [default: the after-run's, from its baseline twin (needs `config`)]. */
  baselineOpts?: RunBaselineOptions;
  signal?: AbortSignal;
}

export interface CompareRunsOptions extends SynthesisContext {
  before: string;
  after: string;
  effortDays?: number;
  plan?: string;
  options?: Partial<CompareOptions>;
  title?: string;
  trigger?: string;
  notes?: string[];
  /** Compare runs that were not loaded alike anyway (the summary flags it) instead of refusing. */
  allowMismatch?: boolean;
  /** Take the plan's effort only from this run's plan (perf flow). */
  runScoped?: boolean;
  /** Re-measure the claimed changes (A B A B) before the summary is written. */
  confirm?: ConfirmRequest;
  onProgress?: (event: CompareProgress) => void;
}

export interface CompareResult extends WrittenReport {
  comparison: ComparePayload;
  synthesis: SynthesisResult;
}

/** Reads a before/after side: a perf.baseline/v1 or perf.loadtest/v1 JSON twin (both carry HDR histograms). */
export function readRun(file: string, where: string): CompareInput {
  const art = readArtifactFile<{ journeys?: LoadFigures[]; overall?: LoadFigures }>(resolve(file));
  const accepted = [ARTIFACTS.baseline.schema, ARTIFACTS.loadtest.schema];
  if (!accepted.includes(art.schema as (typeof accepted)[number])) {
    throw new UserError(`expected a ${accepted.join(' or ')} artifact, found ${typeof art.schema === 'string' ? `schema "${art.schema}"` : 'no "schema" key'}`, {
      where: `${where} ${file}`,
      fix: `pass the JSON twin of a baseline or load test, e.g. .aiwg/${ARTIFACTS.baseline.json}`,
    });
  }
  if (!art.overall?.histogram || !Array.isArray(art.journeys)) {
    throw new UserError('the artifact has no overall histogram: it cannot be tested for significance', { where: `${where} ${file}`, fix: 're-run the measurement with this perf version' });
  }
  return { ref: { file, schema: art.schema, runId: art.runId }, journeys: art.journeys, overall: art.overall, load: runLoadOf(resolve(file), art as unknown as Artifact<Partial<BaselinePayload & LoadTestPayload>>) };
}

/** How a run was loaded, from its artifact: the input of the fairness check. */
function runLoadOf(file: string, art: Artifact<Partial<BaselinePayload & LoadTestPayload>>): RunLoad {
  const journeyRates = Object.fromEntries((art.journeys ?? []).filter((j) => j.rateRps !== undefined).map((j) => [j.name, j.rateRps as number]));
  const common = { file, runId: art.runId, generatedAt: art.generatedAt, journeyRates, durationMs: art.overall?.durationMs ?? art.durationMs ?? 0 };
  if (art.schema === ARTIFACTS.loadtest.schema) {
    return { ...common, tool: 'k6', model: null, ...(art.scenario ? { scenario: art.scenario } : {}), stageTargets: (art.stages ?? []).map((s) => s.target) };
  }
  return { ...common, tool: 'baseline', model: art.model ?? null };
}

/** The PostgreSQL evidence of a baseline twin (load tests carry none). */
function databaseOf(file: string): BaselinePayload['database'] {
  return readArtifactFile<Partial<BaselinePayload>>(resolve(file)).database;
}

/** The load of the re-measurements, checked before anything is compared or any load runs. */
function confirmLoad(store: ArtifactStore, ctx: CompareRunsOptions, request: ConfirmRequest): RunBaselineOptions {
  if (request.baselineOpts) return request.baselineOpts;
  if (!ctx.config) throw new UserError('--confirm re-measures the target, so it needs the config', { where: '--confirm', fix: 'run where perf.config.yaml is, or pass --config <file>' });
  return confirmOptionsFor(resolve(ctx.after), ctx.config, store, request.signal);
}

/** The plan's effort when no effort was given: ROI needs one. */
function effortOf(store: ArtifactStore, ctx: CompareRunsOptions): { effortDays?: number; effortSource?: 'flag' | 'plan' } {
  if (ctx.effortDays !== undefined) return { effortDays: ctx.effortDays, effortSource: 'flag' };
  const plan = ctx.plan ? readArtifactFile<PlanPayload>(resolve(ctx.plan), ARTIFACTS.plan.schema) : ctx.runScoped ? store.readThisRun<PlanPayload>('plan') : store.readLatest<PlanPayload>('plan');
  return plan ? { effortDays: plan.totalEffortDays, effortSource: 'plan' } : {};
}

export async function runCompare(store: ArtifactStore, ctx: CompareRunsOptions): Promise<CompareResult> {
  const baselineOpts = ctx.confirm ? confirmLoad(store, ctx, ctx.confirm) : undefined;
  const before = readRun(ctx.before, 'before');
  const after = readRun(ctx.after, 'after');
  if (before.load && after.load) {
    const refused = fairnessIssues(before.load, after.load).filter((i) => i.severity === 'refuse');
    if (refused.length > 0 && !ctx.allowMismatch) {
      throw new UserError(`not a fair comparison: ${refused.map((i) => i.text).join('; ')}`, {
        where: `${ctx.before} vs ${ctx.after}`,
        fix: refused.some((i) => i.kind === 'same-run')
          ? 'pass the before run and a separate after run'
          : 'measure both sides with the same tool, load model and offered load (e.g. perf baseline --rate N on both), or pass --allow-mismatch to compare anyway with the verdicts flagged',
      });
    }
  }
  const { effortDays, effortSource } = effortOf(store, ctx);
  let comparison = compareRuns(before, after, { slos: ctx.config?.slos, effortDays, effortSource, options: ctx.options });
  ctx.onProgress?.({ phase: 'compared', comparison });
  if (ctx.confirm && baselineOpts && [...comparison.journeys, comparison.overall].some((j) => claimsChange(j.verdict))) {
    const say = (line: string): void => ctx.onProgress?.({ phase: 'confirm', line });
    const results = await confirmChanges({ store, comparison, afterFile: resolve(ctx.after), baselineOpts, ...(ctx.confirm.beforeTarget ? { beforeTarget: ctx.confirm.beforeTarget } : {}), say });
    comparison = applyConfirmations(comparison, results);
  }
  if (ctx.notes) comparison.notes.push(...ctx.notes);
  const database = compareDatabase(databaseOf(ctx.before), databaseOf(ctx.after));
  if (database) comparison.database = database;
  const secrets = secretsOf(ctx);
  const synthesis = await synthesise('summary', comparison, secrets.redact(ctx.guidance ?? ''), { agent: agentOf(ctx), secrets });
  const written = store.writeReport('summary', { ...comparison, narrative: synthesis }, renderSummary(comparison, synthesis, { title: ctx.title, trigger: ctx.trigger }));
  return { ...written, comparison, synthesis };
}
