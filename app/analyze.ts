/**
 * `perf analyze` (and step 2 of `perf flow`): bottleneck analysis from the baseline, profile and load
 * test (explicit files or the latest artifacts), a narrative, and the report pair written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { synthesise } from '../agents/synthesise.js';
import type { SynthesisResult } from '../agents/types.js';
import { analyzeBottlenecks } from '../analyzers/bottlenecks/detect.js';
import type { BottlenecksPayload } from '../analyzers/bottlenecks/types.js';
import type { CpuProfile } from '../analyzers/cpuprofile.js';
import { ARTIFACTS } from '../core/artifacts/layout.js';
import type { BaselinePayload, LoadTestPayload, ProfilePayload } from '../core/artifacts/schemas.js';
import { readArtifactFile, type Artifact, type ArtifactStore, type WrittenReport } from '../core/artifacts/store.js';
import { UserError } from '../core/errors.js';
import { renderBottleneckAnalysis } from '../templates/bottleneck-analysis.js';
import { agentOf, secretsOf, type SynthesisContext } from './synthesis.js';

export interface AnalyzeOptions extends SynthesisContext {
  baseline?: string;
  profile?: string;
  loadtest?: string;
  /** Only artifacts this run (store.runId) wrote (perf flow). */
  runScoped?: boolean;
}

export interface AnalyzeResult extends WrittenReport {
  analysis: BottlenecksPayload;
  synthesis: SynthesisResult;
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

/** The V8 CPU profiles a profile artifact names, relative to its file; a moved or archived one is skipped. */
function cpuProfilesOf(profile: { file: string; payload: Artifact<ProfilePayload> } | undefined): CpuProfile[] {
  const profileDir = profile ? dirname(resolve(profile.file)) : process.cwd();
  return (profile?.payload.rawProfiles ?? []).flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(resolve(profileDir, f), 'utf8')) as CpuProfile];
    } catch {
      return []; // moved or archived: the flat hot-function list is used instead
    }
  });
}

export async function runAnalyze(store: ArtifactStore, ctx: AnalyzeOptions): Promise<AnalyzeResult> {
  const ignored: string[] = [];
  const baseline = input<BaselinePayload>(store, 'baseline', ctx.baseline, ctx.runScoped, ignored);
  const profile = input<ProfilePayload>(store, 'profile', ctx.profile, ctx.runScoped, ignored);
  const loadtest = input<LoadTestPayload>(store, 'loadtest', ctx.loadtest, ctx.runScoped, ignored);
  if (!baseline && !profile && !loadtest) {
    throw new UserError(`nothing to analyze: no baseline, profile or load-test results in ${store.display(store.root)}`, {
      fix: 'run "perf baseline" and "perf profile" first, or pass --baseline/--profile/--loadtest <file>',
    });
  }
  const cpuProfiles = cpuProfilesOf(profile);
  const analysis = analyzeBottlenecks({ baseline, profile, loadtest, journeys: ctx.config?.journeys, cpuProfiles, cwd: ctx.config?.target.start?.cwd });
  analysis.gaps.push(...ignored);
  const secrets = secretsOf(ctx);
  const synthesis = await synthesise('bottlenecks', analysis, secrets.redact(ctx.guidance ?? ''), { agent: agentOf(ctx), secrets });
  const written = store.writeReport('bottlenecks', { ...analysis, narrative: synthesis }, renderBottleneckAnalysis(analysis, synthesis));
  return { ...written, analysis, synthesis };
}
