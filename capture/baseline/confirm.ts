import { claimsChange, type ComparePayload, type JourneyComparison } from '../../analyzers/compare/compare.js';
import { claimLine, judgeInterleaved, notConfirmable, type ConfirmationResult, type InterleavedRound, type Side } from '../../analyzers/compare/confirm.js';
import { runBaseline, type RunBaselineOptions } from './run-baseline.js';
import type { BaselinePayload, LoadFigures } from '../../core/artifacts/schemas.js';
import { ArtifactStore, readArtifactFile } from '../../core/artifacts/store.js';
import { ARTIFACTS } from '../../core/artifacts/layout.js';
import type { PerfConfig } from '../../core/config/types.js';
import { UserError } from '../../core/errors.js';

/**
 * How to run the *before* version now, so both sides can be re-measured interleaved: environment
 * overrides for `target.start` (e.g. `SHOP_FIXES=0`, or a variable that selects the old build), or
 * the URL of a before deployment that is running beside the after one.
 */
export interface BeforeTarget {
  env?: Record<string, string>;
  baseUrl?: string;
}

/** The config that runs the before version; a clear error when it cannot be built. */
export function beforeConfig(config: PerfConfig, bt: BeforeTarget): PerfConfig {
  if (bt.baseUrl) {
    const { start: _start, ...target } = config.target;
    return { ...config, target: { ...target, baseUrl: bt.baseUrl } };
  }
  if (bt.env && Object.keys(bt.env).length > 0) {
    if (!config.target.start) {
      throw new UserError('--before-env needs target.start: perf can only set the environment of a service it starts itself', {
        where: '--before-env',
        fix: 'add target.start to perf.config.yaml, or run the before version yourself and pass --before-url',
      });
    }
    return { ...config, target: { ...config.target, start: { ...config.target.start, env: { ...config.target.start.env, ...bt.env } } } };
  }
  return config;
}

const ROUNDS = 2;

/**
 * The re-measurement options for `perf compare --confirm`: the after-run's duration and warm-up
 * (its load model is taken in confirmChanges). Read before any load runs, so a load-test twin on the
 * after side is a clear input error: confirmation re-measures with perf baseline.
 */
export function confirmOptionsFor(afterFile: string, config: PerfConfig, store: ArtifactStore, signal?: AbortSignal): RunBaselineOptions {
  const after = readArtifactFile<Partial<BaselinePayload>>(afterFile);
  if (after.schema !== ARTIFACTS.baseline.schema || !after.model) {
    throw new UserError(`--confirm re-measures both sides with perf baseline, but the after file is ${after.schema === ARTIFACTS.loadtest.schema ? 'a k6 load test' : `schema "${String(after.schema)}"`}`, {
      where: afterFile,
      fix: 'compare two perf baseline twins (.aiwg/working/performance/baseline.json) with --confirm, or drop --confirm',
    });
  }
  return { config, store, capacity: false, ...(after.durationMs ? { durationMs: after.durationMs } : {}), ...(after.warmupMs !== undefined ? { warmupMs: after.warmupMs } : {}), ...(signal ? { signal } : {}) };
}

/**
 * Re-measures both sides of every claimed change (improved, regressed or mixed) interleaved —
 * A B A B, A = the before version, B = the after version — with the after-run's own options and
 * load model (one claimed journey alone, or every journey when several claim a change: one target
 * start per measurement), and judges each claim (analyzers/compare/confirm.ts). Every measurement is
 * written under working/confirm/ and kept in the summary. Without a way to run the before version
 * (`beforeTarget`), nothing is re-measured and every claim is reported as not confirmed.
 */
export async function confirmChanges(o: {
  store: ArtifactStore;
  comparison: ComparePayload;
  afterFile: string;
  baselineOpts: RunBaselineOptions;
  beforeTarget?: BeforeTarget;
  say: (line: string) => void;
}): Promise<ConfirmationResult[]> {
  const known = new Set(o.baselineOpts.config.journeys.map((j) => j.name));
  const claimed = o.comparison.journeys.filter((j) => claimsChange(j.verdict));
  if (claimed.length === 0) return [];
  if (!o.beforeTarget || (!o.beforeTarget.baseUrl && !o.beforeTarget.env)) {
    const why =
      'the before version cannot be run now, so the claim rests on one measurement per side taken at different times (host drift is not ruled out); pass --before-env KEY=VALUE (or --before-url) so both sides are re-measured interleaved';
    o.say(`⚠️ Not claiming ${claimed.map((c) => c.name).join(', ')}: ${why}`);
    return claimed.map((c) => notConfirmable(c, why));
  }
  const claims = claimed.filter((c) => known.has(c.name));
  const results: ConfirmationResult[] = claimed.filter((c) => !known.has(c.name)).map((c) => notConfirmable(c, 'the journey is not in the config, so it cannot be re-measured'));
  if (claims.length === 0) return results;
  const after = readArtifactFile<BaselinePayload>(o.afterFile, ARTIFACTS.baseline.schema);
  const configs: Record<Side, PerfConfig> = { before: beforeConfig(o.baselineOpts.config, o.beforeTarget), after: o.baselineOpts.config };
  // The after-run's load model, so every re-measurement is comparable with both first measurements.
  const { connections: _c, rateRps: _r, journey: _j, ...rest } = o.baselineOpts;
  const model = after.model.kind === 'open' ? { rateRps: after.model.rateRps } : { connections: after.model.connections };
  const only = claims.length === 1 ? (claims[0] as JourneyComparison).name : o.baselineOpts.journey;
  o.say(`⏳ Confirming ${claims.map(claimLine).join('; ')}: re-measuring both sides interleaved (A B A B)`);
  const measure = async (side: Side, order: number): Promise<BaselinePayload & { file: string }> => {
    const store = new ArtifactStore(o.store.path('working', 'confirm', `${order}-${side}`), o.store.runId);
    const run = await runBaseline({ ...rest, ...model, config: configs[side], store, ...(only ? { journey: only } : {}), capacity: false });
    o.say(`  ${order}. ${side === 'before' ? 'A (before)' : 'B (after)'}: ${claims.map((c) => `${c.name} p95 ${(figureOf(run.artifact, c.name)?.latencyMs.p95 ?? Number.NaN).toFixed(1)} ms`).join(', ')}`);
    return { ...run.artifact, file: o.store.display(run.jsonPath) };
  };
  const rounds: Array<{ before: BaselinePayload & { file: string }; after: BaselinePayload & { file: string } }> = [];
  for (let r = 0; r < ROUNDS && !o.baselineOpts.signal?.aborted; r++) {
    const b = await measure('before', 2 * r + 1);
    const a = await measure('after', 2 * r + 2);
    rounds.push({ before: b, after: a });
  }
  for (const claim of claims) {
    const per: InterleavedRound[] = rounds.flatMap((r) => {
      const b = figureOf(r.before, claim.name);
      const a = figureOf(r.after, claim.name);
      return b && a ? [{ before: { ...b, file: r.before.file }, after: { ...a, file: r.after.file } }] : [];
    });
    const result = judgeInterleaved(claim, per, o.comparison.options);
    o.say(result.held ? `${result.verdict === 'improved' ? '📈' : '⚠️'} ${claim.name}: ${result.verdict} — confirmed (${result.reason})` : `  ${claim.name}: no change claimed — ${result.reason}`);
    results.push(result);
  }
  return results;
}

/** A journey's figures in a baseline (the overall mix when the run measured that journey alone). */
function figureOf(b: BaselinePayload, name: string): LoadFigures | undefined {
  const j = b.journeys.find((x) => x.name === name);
  return j ? { ...j, name } : b.journeys.length === 0 ? { ...b.overall, name } : undefined;
}
