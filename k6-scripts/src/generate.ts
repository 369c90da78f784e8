/**
 * `perf generate`: journeys × load profiles → TypeScript entry files (typed k6 options + the script's
 * plan as data, importing the runtime in k6-scripts/runtime/) → esbuild bundles under
 * `.aiwg/testing/scripts/`, plus the load-test plan. The rendering is pure (script-source.ts,
 * script-options.ts, profiles/); this module only reads the baseline and writes files.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../../core/artifacts/atomic.js';
import { DIRS } from '../../core/artifacts/layout.js';
import type { BaselinePayload } from '../../core/artifacts/schemas.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import type { PerfConfig, ScenarioName } from '../../core/config/types.js';
import { UserError } from '../../core/errors.js';
import { TOOL_VERSION } from '../../core/version.js';
import { buildLoadProfile, type LoadProfile } from '../../profiles/index.js';
import { renderLoadTestPlan, type LoadTestPlanPayload } from '../../templates/load-test-plan.js';
import { bundleScript } from './bundle.js';
import { findK6 } from './k6-binary.js';
import { runtimeImports } from './runtime-path.js';
import { renderScript, requestsPerIteration, vuBounds } from './script-source.js';

export interface ShapeOverrides {
  /** --rate: peak requests/s. */
  rate?: number;
  /** --capacity: requests/s to use as capacity instead of the baseline's (profiles apply their factors). */
  capacityRps?: number;
  /** --duration: hold duration in ms. */
  durationMs?: number;
  quick?: boolean;
  quickBudgetMs?: number;
  /** --warmup: length of the warm-up stage in ms (0 = none). */
  warmupMs?: number;
}

export interface GenerateOptions extends ShapeOverrides {
  config: PerfConfig;
  store: ArtifactStore;
  scenarios: ScenarioName[];
  /** Where scripts go; default `<outDir>/testing/scripts`. loadtest puts one-off shapes in its run dir. */
  scriptsDir?: string;
  /** Write `.aiwg/testing/load-test-plan.md` (+ JSON twin). Default true. */
  writePlan?: boolean;
  /** Scripts for perf's k6 (k6/x/perf) or portable ones; default: whichever k6 findK6() would run. */
  extension?: boolean;
}

export interface GeneratedScript {
  scenario: ScenarioName;
  tsPath: string;
  jsPath: string;
  bundleBytes: number;
  profile: LoadProfile;
}

export interface GenerateResult {
  scripts: GeneratedScript[];
  /** Whether the scripts import k6/x/perf (need bin/k6). */
  extension: boolean;
  capacity: CapacityBasis | null;
  planPath: string | null;
}

/** True when the k6 perf would run has our extension; no k6 at all → portable scripts. */
function detectExtension(): boolean {
  try {
    return findK6().extension;
  } catch {
    return false;
  }
}

/** The baseline's measured capacity, if a baseline was captured. */
export function readCapacity(store: ArtifactStore, capacityRps?: number): CapacityBasis | null {
  const baseline = store.readLatest<BaselinePayload>('baseline');
  const c = baseline?.capacity;
  if (capacityRps !== undefined) return { maxRps: capacityRps, latencyThresholdMs: c?.latencyThresholdMs ?? null, source: 'flag' };
  return c && c.maxRps > 0 ? { maxRps: c.maxRps, latencyThresholdMs: c.latencyThresholdMs, source: 'baseline' } : null;
}

/** What the profiles scale from: the baseline's measured knee (its Capacity), or --capacity. */
export interface CapacityBasis {
  maxRps: number;
  /** The p95 threshold of the baseline's capacity search, if a baseline exists. */
  latencyThresholdMs: number | null;
  source: 'baseline' | 'flag';
}

/** Profiles for the given scenarios; throws the first missing-rate UserError. */
export function profilesFor(config: PerfConfig, capacityRps: number | null, scenarios: ScenarioName[], o: ShapeOverrides): LoadProfile[] {
  return scenarios.map((s) => buildLoadProfile(s, { ...o, config, capacityRps }));
}

export async function generateScripts(opts: GenerateOptions): Promise<GenerateResult> {
  const { config, store } = opts;
  const capacity = readCapacity(store, opts.capacityRps);
  const profiles = profilesFor(config, capacity?.maxRps ?? null, opts.scenarios, opts);
  const extension = opts.extension ?? detectExtension();
  const dir = opts.scriptsDir ?? store.dir(DIRS.scripts);
  mkdirSync(dir, { recursive: true });
  const dataPaths = Object.fromEntries(
    config.journeys.filter((j) => j.data).map((j) => [j.name, toPosix(relative(dir, j.data!.file))]),
  );

  const scripts: GeneratedScript[] = [];
  const imports = runtimeImports(dir);
  for (const profile of profiles) {
    const tsPath = join(dir, `${profile.scenario}.ts`);
    const jsPath = join(dir, `${profile.scenario}.js`);
    const source = renderScript({
      config,
      profile,
      dataPaths,
      ...(capacity?.latencyThresholdMs != null ? { fallbackLatencyMs: capacity.latencyThresholdMs } : {}),
      toolVersion: TOOL_VERSION,
      imports,
      extension,
    });
    mkdirSync(dirname(tsPath), { recursive: true });
    writeFileAtomic(tsPath, source);
    scripts.push({ scenario: profile.scenario, tsPath, jsPath, bundleBytes: 0, profile });
  }
  // esbuild runs the bundles concurrently in its own service process.
  const sizes = await Promise.all(scripts.map((s) => bundleScript(s.tsPath, s.jsPath)));
  sizes.forEach((b, i) => ((scripts[i] as GeneratedScript).bundleBytes = b.bytes));

  let planPath: string | null = null;
  if (opts.writePlan !== false) {
    const plan = planPayload(config, scripts, capacity, store);
    planPath = store.writeReport('loadTestPlan', plan, renderLoadTestPlan(plan)).markdownPath;
  }
  return { scripts, extension, capacity, planPath };
}

function planPayload(
  config: PerfConfig,
  scripts: GeneratedScript[],
  capacity: CapacityBasis | null,
  store: ArtifactStore,
): LoadTestPlanPayload {
  const totalWeight = config.journeys.reduce((a, j) => a + j.weight, 0);
  return {
    target: { baseUrl: config.target.baseUrl },
    capacity,
    requestsPerIteration: requestsPerIteration(config.journeys),
    mix: config.journeys.map((j) => ({
      journey: j.name,
      weight: j.weight,
      share: j.weight / totalWeight,
      steps: j.steps.map((s) => `${s.method} ${s.path}`),
      thinkTimeMs: j.steps.reduce((a, s) => a + s.thinkTimeMs, 0),
      data: j.data ? toPosix(relative(process.cwd(), j.data.file)) : null,
    })),
    scenarios: scripts.map((s) => ({
      scenario: s.scenario,
      model: s.profile.model,
      peak: s.profile.peak,
      rateSource: s.profile.rateSource,
      totalMs: s.profile.totalMs,
      startTarget: s.profile.startTarget,
      stages: s.profile.stages,
      maxVUs: s.profile.model === 'vus' ? null : vuBounds(s.profile, config.journeys).maxVUs,
      abortOnThresholds: s.profile.abortOnThresholds,
      quick: s.profile.quick,
      notes: s.profile.notes,
      script: store.display(s.jsPath),
      source: store.display(s.tsPath),
    })),
    successCriteria: config.slos.map((slo) => ({
      name: slo.name,
      sli: slo.sli,
      journey: slo.journey ?? null,
      objective: slo.objective,
      percentile: slo.percentile ?? null,
      thresholdMs: slo.thresholdMs ?? null,
    })),
  };
}

function toPosix(p: string): string {
  return p.split('\\').join('/');
}

