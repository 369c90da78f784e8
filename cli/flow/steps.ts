import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { synthesise } from '../../agents/synthesise.js';
import type { SynthesisResult } from '../../agents/types.js';
import { analyzeBottlenecks } from '../../analyzers/bottlenecks/detect.js';
import type { CpuProfile } from '../../analyzers/cpuprofile.js';
import type { BottlenecksPayload } from '../../analyzers/bottlenecks/types.js';
import { claimsChange, compareRuns, type CompareInput, type CompareOptions, type ComparePayload } from '../../analyzers/compare/compare.js';
import { applyConfirmations, type ConfirmationResult } from '../../analyzers/compare/confirm.js';
import { fairnessIssues, type RunLoad } from '../../analyzers/compare/fairness.js';
import { buildPlan, type PlanPayload } from '../../analyzers/plan/plan.js';
import { compareDatabase } from '../../analyzers/database/compare.js';
import { ARTIFACTS } from '../../core/artifacts/layout.js';
import type { BaselinePayload, LoadFigures, LoadTestPayload, ProfilePayload } from '../../core/artifacts/schemas.js';
import { readArtifactFile, type Artifact, type ArtifactStore, type WrittenReport } from '../../core/artifacts/store.js';
import type { AgentConfig, PerfConfig } from '../../core/config/types.js';
import { UserError } from '../../core/errors.js';
import { SecretSet } from '../../core/redact.js';
import { renderBottleneckAnalysis } from '../../templates/bottleneck-analysis.js';
import { renderPlan } from '../../templates/plan.js';
import { renderSummary } from '../../templates/summary.js';
import { configSecrets } from './secrets.js';

const DEFAULT_AGENT: AgentConfig = { provider: 'deterministic', timeoutMs: 60_000, retries: 2 };

export interface SynthesisContext {
  config?: PerfConfig;
  guidance?: string;
  secrets?: SecretSet;
  /** Agent override (tests, --agent); else the config's agent; else deterministic. */
  agent?: AgentConfig;
}

function agentOf(ctx: SynthesisContext): AgentConfig {
  return ctx.agent ?? ctx.config?.agent ?? DEFAULT_AGENT;
}

function secretsOf(ctx: SynthesisContext): SecretSet {
  return ctx.secrets ?? configSecrets(ctx.config);
}

/**
 * Reads an explicit file (must exist) or the latest artifact of a kind (may be absent). Run-scoped
 * (`perf flow`): an artifact another run wrote is ignored and said so in `ignored`.
 */
function input<T>(store: ArtifactStore, kind: 'baseline' | 'profile' | 'loadtest', file?: string, runScoped = false, ignored: string[] = []): { file: string; payload: Artifact<T> } | undefined {
  if (file) return { file, payload: readArtifactFile<T>(resolve(file), ARTIFACTS[kind].schema) };
  const p = store.path(ARTIFACTS[kind].json);
  if (!existsSync(p)) return undefined;
  const payload = readArtifactFile<T>(p, ARTIFACTS[kind].schema);
  if (runScoped && payload.runId !== store.runId) {
    ignored.push(`${store.display(p)} is from an earlier run (${payload.runId}), not this one (${store.runId}): not used`);
    return undefined;
  }
  return { file: store.display(p), payload };
}

export interface AnalyzeResult extends WrittenReport {
  analysis: BottlenecksPayload;
  synthesis: SynthesisResult;
}

/** Step 2: bottleneck analysis from the baseline, profile and load test (explicit files or the latest artifacts). */
export async function runAnalyze(
  store: ArtifactStore,
  ctx: SynthesisContext & { baseline?: string; profile?: string; loadtest?: string; /** Only artifacts this run (store.runId) wrote. */ runScoped?: boolean },
): Promise<AnalyzeResult> {
  const ignored: string[] = [];
  const baseline = input<BaselinePayload>(store, 'baseline', ctx.baseline, ctx.runScoped, ignored);
  const profile = input<ProfilePayload>(store, 'profile', ctx.profile, ctx.runScoped, ignored);
  const loadtest = input<LoadTestPayload>(store, 'loadtest', ctx.loadtest, ctx.runScoped, ignored);
  if (!baseline && !profile && !loadtest) {
    throw new UserError(`nothing to analyze: no baseline, profile or load-test results in ${store.display(store.root)}`, {
      fix: 'run "perf baseline" and "perf profile" first, or pass --baseline/--profile/--loadtest <file>',
    });
  }
  const profileDir = profile ? dirname(resolve(profile.file)) : process.cwd();
  const cpuProfiles = (profile?.payload.rawProfiles ?? []).flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(resolve(profileDir, f), 'utf8')) as CpuProfile];
    } catch {
      return []; // moved or archived: the flat hot-function list is used instead
    }
  });
  const analysis = analyzeBottlenecks({ baseline, profile, loadtest, journeys: ctx.config?.journeys, cpuProfiles, cwd: ctx.config?.target.start?.cwd });
  analysis.gaps.push(...ignored);
  const secrets = secretsOf(ctx);
  const synthesis = await synthesise('bottlenecks', analysis, secrets.redact(ctx.guidance ?? ''), { agent: agentOf(ctx), secrets });
  const written = store.writeReport('bottlenecks', { ...analysis, narrative: synthesis }, renderBottleneckAnalysis(analysis, synthesis));
  return { ...written, analysis, synthesis };
}

export interface PlanResult extends WrittenReport {
  plan: PlanPayload;
  synthesis: SynthesisResult;
}

/** Step 3: the optimisation plan from the bottleneck analysis. */
export async function runPlan(store: ArtifactStore, ctx: SynthesisContext & { analysis?: string; runScoped?: boolean }): Promise<PlanResult> {
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

export interface CompareResult extends WrittenReport {
  comparison: ComparePayload;
  synthesis: SynthesisResult;
}

/** Step 6: before/after comparison with significance, SLO compliance and ROI → optimization summary. */
export async function runCompare(
  store: ArtifactStore,
  ctx: SynthesisContext & {
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
    /** Re-measurements of the claimed changes (A B A B), applied before the summary is written. */
    confirm?: (comparison: ComparePayload) => Promise<ConfirmationResult[] | null>;
  },
): Promise<CompareResult> {
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
  let effortDays = ctx.effortDays;
  let effortSource: 'flag' | 'plan' | undefined = effortDays !== undefined ? 'flag' : undefined;
  if (effortDays === undefined) {
    const plan = ctx.plan ? readArtifactFile<PlanPayload>(resolve(ctx.plan), ARTIFACTS.plan.schema) : ctx.runScoped ? store.readThisRun<PlanPayload>('plan') : store.readLatest<PlanPayload>('plan');
    if (plan) {
      effortDays = plan.totalEffortDays;
      effortSource = 'plan';
    }
  }
  let comparison = compareRuns(before, after, { slos: ctx.config?.slos, effortDays, effortSource, options: ctx.options });
  if (ctx.confirm && [...comparison.journeys, comparison.overall].some((j) => claimsChange(j.verdict))) {
    const results = await ctx.confirm(comparison);
    if (results) comparison = applyConfirmations(comparison, results);
  }
  if (ctx.notes) comparison.notes.push(...ctx.notes);
  const database = compareDatabase(databaseOf(ctx.before), databaseOf(ctx.after));
  if (database) comparison.database = database;
  const secrets = secretsOf(ctx);
  const synthesis = await synthesise('summary', comparison, secrets.redact(ctx.guidance ?? ''), { agent: agentOf(ctx), secrets });
  const written = store.writeReport('summary', { ...comparison, narrative: synthesis }, renderSummary(comparison, synthesis, { title: ctx.title, trigger: ctx.trigger }));
  return { ...written, comparison, synthesis };
}
