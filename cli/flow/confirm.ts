import { claimsChange, type ComparePayload, type JourneyComparison } from '../../analyzers/compare/compare.js';
import { claimLine, judgeInterleaved, notConfirmable, type ConfirmationResult, type InterleavedRound, type Side } from '../../analyzers/compare/confirm.js';
import { runBaseline, type RunBaselineOptions } from '../../capture/baseline/run-baseline.js';
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
 * Re-measures both sides of every claimed change (improved, regressed or mixed) interleaved —
 * A B A B, A = the before version, B = the after version — under the after-run's load model, one
 * journey at a time, and judges each claim (analyzers/compare/confirm.ts). Every measurement is
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
  const claims = o.comparison.journeys.filter((j) => claimsChange(j.verdict));
  if (claims.length === 0) return [];
  if (!o.beforeTarget || (!o.beforeTarget.baseUrl && !o.beforeTarget.env)) {
    const why =
      'the before version cannot be run now, so the claim rests on one measurement per side taken at different times (host drift is not ruled out); pass --before-env KEY=VALUE (or --before-url) to let perf flow re-measure both sides interleaved';
    o.say(`⚠️ Not claiming ${claims.map((c) => c.name).join(', ')}: ${why}`);
    return claims.map((c) => notConfirmable(c, why));
  }
  const after = readArtifactFile<BaselinePayload>(o.afterFile, ARTIFACTS.baseline.schema);
  const configs: Record<Side, PerfConfig> = { before: beforeConfig(o.baselineOpts.config, o.beforeTarget), after: o.baselineOpts.config };
  const { connections: _c, rateRps: _r, durationMs: _d, ...rest } = o.baselineOpts;
  const results: ConfirmationResult[] = [];
  for (const claim of claims) {
    if (o.baselineOpts.signal?.aborted) break;
    if (!known.has(claim.name)) {
      results.push(notConfirmable(claim, 'the journey is not in the config, so it cannot be re-measured'));
      continue;
    }
    o.say(`⏳ Confirming ${claimLine(claim)}: re-measuring both sides interleaved (A B A B)`);
    const first = after.journeys.find((j) => j.name === claim.name);
    // The after-run's load for this journey: comparable by construction on both sides.
    const model = after.model.kind === 'open' ? { rateRps: first?.rateRps ?? after.model.rateRps } : { connections: after.model.connections };
    const durationMs = first?.durationMs && first.durationMs > 0 ? Math.round(first.durationMs) : o.baselineOpts.durationMs;
    const measure = async (side: Side, order: number): Promise<LoadFigures & { file: string }> => {
      const store = new ArtifactStore(o.store.path('working', 'confirm', claim.name, `${order}-${side}`), o.store.runId);
      const run = await runBaseline({ ...rest, ...model, ...(durationMs !== undefined ? { durationMs } : {}), config: configs[side], store, journey: claim.name, capacity: false });
      const fig = run.artifact.journeys.find((j) => j.name === claim.name) ?? run.artifact.overall;
      o.say(`  ${order}. ${side === 'before' ? 'A (before)' : 'B (after)'}: ${claim.name} p95 ${fig.latencyMs.p95.toFixed(1)} ms over ${fig.requests} requests`);
      return { ...fig, name: claim.name, file: o.store.display(run.jsonPath) };
    };
    const rounds: InterleavedRound[] = [];
    for (let r = 0; r < ROUNDS && !o.baselineOpts.signal?.aborted; r++) {
      const b = await measure('before', 2 * r + 1);
      const a = await measure('after', 2 * r + 2);
      rounds.push({ before: b, after: a });
    }
    const result = judgeInterleaved(claim as JourneyComparison, rounds, o.comparison.options);
    o.say(result.held ? `${result.verdict === 'improved' ? '📈' : '⚠️'} ${claim.name}: ${result.verdict} — confirmed (${result.reason})` : `  ${claim.name}: no change claimed — ${result.reason}`);
    results.push(result);
  }
  return results;
}
