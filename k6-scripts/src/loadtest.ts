/**
 * `perf loadtest`: generate the scenario's script if needed, start the target (if configured), run
 * k6, read its windows back, and write `.aiwg/testing/load-test-results.md` + its perf.loadtest/v1
 * twin. Ctrl-C stops k6 gracefully and still writes the report, marked partial.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readK6Run } from '../../capture/results/k6-files.js';
import { resourceSourceFor, startResourceSampler } from '../../capture/resources/sampler.js';
import type { ResourceSeries } from '../../core/contract/artifacts.js';
import { startTarget, waitUntilReachable, type RunningTarget } from '../../capture/target/start-target.js';
import { ARTIFACTS, DIRS } from '../../core/artifacts/layout.js';
import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { checkTemplateEnv } from '../../core/config/step-templates.js';
import { Interrupted, RuntimeFailure, UserError } from '../../core/errors.js';
import { tryParseDuration } from '../../core/duration.js';
import { REDACTED } from '../../core/redact.js';
import type { PerfConfig, ScenarioName } from '../../core/config/types.js';
import { buildLoadProfile, QUICK_BUDGET_MS, type LoadProfile } from '../../profiles/index.js';
import { generateScripts, readCapacity } from './generate.js';
import { findK6, K6_FIX } from './k6-binary.js';
import { fromConfigSlo } from '../../analyzers/slo/model.js';
import { formatProgress, ProgressTail, type ProgressSnapshot } from './progress.js';
import { writeLoadtestArtifact } from './loadtest-artifact.js';
import { runK6, type K6RunOutcome } from './run-k6.js';
import { runParallelK6 } from './parallel/run-parallel.js';
import { planRunnerOutputs } from './parallel/runner-outputs.js';
import { parallelPlan } from './parallel/segments.js';
import type { RunnerRecord } from '../../analyzers/merge/index.js';

export interface LoadtestOptions {
  config: PerfConfig;
  store: ArtifactStore;
  scenario: ScenarioName;
  durationMs?: number;
  rate?: number;
  /** --capacity: requests/s used as capacity instead of the baseline's. */
  capacityRps?: number;
  quick?: boolean;
  /** --warmup: the warm-up stage in ms (default: `warmup:` in the config, else 10 s; --quick 3 s). */
  warmupMs?: number;
  /** Whole-profile budget of --quick (default 60 s; `PERF_QUICK_TOTAL` in the CLI). */
  quickBudgetMs?: number;
  /** Let the live SLO guard of the perf extension abort on a fast error-budget burn. */
  abortOnBurn?: boolean;
  signal?: AbortSignal;
  onProgress?: (line: string, snapshot: ProgressSnapshot) => void;
  /** Extra k6 outputs (`--k6-out`, `K6_OUT`) beside perf's own. */
  k6Outputs?: string[];
  /** Extra `k6 run` arguments (after `--`). */
  k6Args?: string[];
  /** A user's own (edited or hand-written) k6 script to run instead of a generated one. */
  script?: string;
  /** Human notes (which script, which k6, what the fallback loses). */
  onNote?: (line: string) => void;
  /** --parallel N (validated: parseParallel): N k6 processes on this machine, one execution segment each, judged merged. */
  parallel?: number;
}

export interface LoadtestResult {
  payload: LoadTestPayload;
  markdownPath: string;
  jsonPath: string;
  script: string;
}

export async function runLoadtest(opts: LoadtestOptions): Promise<LoadtestResult> {
  const { config, store, scenario } = opts;
  const note = opts.onNote ?? (() => {});
  const k6 = findK6();
  // Fail fast (exit 2) on unset ${ENV} templates (header secrets, paths, bodies); the values go to k6 through its environment only.
  checkTemplateEnv(config);

  const capacity = readCapacity(store, opts.capacityRps);
  const shape = { rate: opts.rate, capacityRps: opts.capacityRps, durationMs: opts.durationMs, quick: opts.quick, quickBudgetMs: opts.quickBudgetMs ?? QUICK_BUDGET_MS, warmupMs: opts.warmupMs };
  // A user's script sets its own rates: the profile only names the scenario (rate 1 is never used).
  let profile = buildLoadProfile(scenario, { ...shape, config, capacityRps: capacity?.maxRps ?? null, ...(opts.script ? { rate: 1 } : {}) });
  // N runners must not write one file: each gets its own, or the output is refused (exit 2) before anything is written.
  const parallelOutputs = opts.parallel === undefined ? [] : planRunnerOutputs(opts.k6Outputs ?? [], opts.k6Args ?? [], parallelPlan(opts.parallel).slots.map((s) => s.runner));
  let script: string;
  if (opts.script) {
    script = userScript(opts.script, k6.extension);
    profile = scriptProfile(profile, inspectDurationMs(k6.path, script, { PERF_BASE_URL: config.target.baseUrl }));
    note(`running your script ${script}: its own options set the load shape`);
  } else script = await scriptFor(opts, shape, k6.extension, note);
  for (const o of opts.k6Outputs ?? []) note(`extra k6 output: --out ${redactOutput(o)}`);
  for (const line of parallelOutputs) note(line);

  if (opts.parallel !== undefined) checkParallel(k6.extension, profile);
  if (opts.abortOnBurn && !k6.extension) note('--abort-on-burn needs the perf k6 extension (bin/k6); running without the live guard');
  if (!k6.extension) note(`stock k6 ${k6.version} at ${k6.path}: falling back to --out json; this run loses: ${k6.lost.join('; ')}`);

  let target: RunningTarget | undefined;
  if (config.target.start) {
    note(`starting the target: ${config.target.start.command}`);
    try {
      target = await startTarget(config.target, opts.signal ? { signal: opts.signal } : {});
    } catch (err) {
      if (opts.signal?.aborted) throw new Interrupted('interrupted while starting the target: nothing ran, no report written');
      throw err;
    }
  } else {
    await waitUntilReachable(config.target.baseUrl, 5000);
  }

  const runDir = store.runDir();
  const outFile = join(runDir, k6.extension ? `${scenario}.perf.ndjson` : `${scenario}.k6.json`);
  const windowMs = windowMsFor(profile.totalMs);
  const slos = config.slos.map(fromConfigSlo);
  // --parallel: the progress line reads the merged windows, not one runner's file.
  const tail = new ProgressTail(opts.parallel ? null : outFile, k6.extension ? 'windows' : 'json', slos);
  const started = Date.now();
  const label = opts.parallel ? `${scenario} ×${opts.parallel}` : scenario;
  const tick = (): void => {
    if (!opts.onProgress) return;
    const snap = tail.snapshot(Date.now() - started, profile.totalMs);
    opts.onProgress(formatProgress(label, snap), snap);
  };

  let guard: { slosFile: string; durationMs: number } | undefined;
  if (opts.abortOnBurn && k6.extension && config.slos.length === 0) note('--abort-on-burn: no SLOs in the config, so the guard has nothing to watch');
  // Runners of --parallel always get the SLOs: their headers carry the guard's windows for perf's merged guard.
  if ((opts.abortOnBurn || opts.parallel) && k6.extension && config.slos.length > 0) {
    guard = { slosFile: store.writeJson(join(DIRS.runs, store.runId, 'slos.json'), config.slos), durationMs: profile.totalMs };
  }

  const resourceSource = resourceSourceFor(config.target, target);
  const sampler = resourceSource ? startResourceSampler(resourceSource) : undefined;
  let resources: ResourceSeries | undefined;
  let outcome: K6RunOutcome;
  let runners: RunnerRecord[] | undefined;
  let targetExited: string | null = null;
  const k6Run = {
    k6,
    script,
    outFile,
    windowMs,
    env: { PERF_BASE_URL: config.target.baseUrl },
    ...(opts.k6Outputs?.length ? { extraOutputs: opts.k6Outputs } : {}),
    ...(opts.k6Args?.length ? { extraArgs: opts.k6Args } : {}),
    signal: opts.signal,
    onTick: tick,
  };
  try {
    if (opts.parallel) {
      const par = await runParallelK6({
        ...k6Run,
        plan: parallelPlan(opts.parallel),
        runId: store.runId,
        ...(guard ? { guard } : {}),
        slos,
        abortOnBurn: opts.abortOnBurn === true,
        onWindow: (w) => tail.addWindow(w),
      });
      runners = par.runners;
      for (const w of par.warnings) note(w);
      outcome = { exitCode: null, interrupted: par.interrupted, errorLines: [], thresholdsFailed: false };
    } else {
      outcome = await runK6({
        ...k6Run,
        ...(guard ? { guard: { ...guard, live: opts.abortOnBurn === true } } : {}),
        // The guard's stop (and a breakpoint threshold abort) exit k6 non-zero: the artifact says so.
        stoppedOnPurpose: () => k6.extension && existsSync(outFile) && /"type":"abort"/.test(readFileSync(outFile, 'utf8').slice(-1_000_000)),
        // Thresholds stay on for stock k6 (users' own gate) and for breakpoint, where they are the abort.
        keepThresholds: !k6.extension || profile.abortOnThresholds,
      });
    }
  } finally {
    targetExited = target?.exitStatus() ?? null;
    resources = await sampler?.stop();
    await target?.stop();
  }
  if (!existsSync(outFile)) {
    if (outcome.interrupted) throw new Interrupted('interrupted before k6 wrote any result: no report written');
    throw new RuntimeFailure('k6 wrote no results', {
      where: outFile,
      fix: 'check the k6 output above',
    });
  }

  const run = await readK6Run(outFile, { windowMs, lenient: true });
  const written = writeLoadtestArtifact(run, {
    config,
    store,
    profile,
    partial: outcome.interrupted,
    k6: { binary: k6.path, version: k6.version, extension: k6.extension, ...(k6.lost.length ? { lost: k6.lost } : {}) },
    rawArtifact: store.display(outFile),
    capacityLatencyMs: capacity?.latencyThresholdMs ?? null,
    thresholdsFailed: outcome.thresholdsFailed,
    windowMs,
    targetExited,
    ...(resources ? { resources } : {}),
    ...(runners ? { runners } : {}),
  });
  return { payload: written.payload, markdownPath: written.markdownPath, jsonPath: written.jsonPath, script };
}

/** The perf output's window for a load of `totalMs`: about 30 windows, whole seconds in [1 s, 10 s]. */
export function windowMsFor(totalMs: number): number {
  return Math.min(10_000, Math.max(1000, Math.round(totalMs / 30 / 1000) * 1000));
}

/**
 * The script to run: the one `perf generate` wrote (kept as is, user edits included) when the run
 * asks for the standard shape and the script is newer than the config; otherwise a fresh one — in
 * the run dir when --quick/--duration/--rate change the shape, so the standard script stays intact.
 */
async function scriptFor(
  opts: LoadtestOptions,
  shape: { rate?: number; capacityRps?: number; durationMs?: number; quick?: boolean; quickBudgetMs?: number; warmupMs?: number },
  extension: boolean,
  note: (s: string) => void,
): Promise<string> {
  const { config, store, scenario } = opts;
  let custom = shape.rate !== undefined || shape.capacityRps !== undefined || shape.durationMs !== undefined || shape.quick === true || shape.warmupMs !== undefined;
  const standard = store.path(DIRS.scripts, `${scenario}.js`);
  const configTime = config.source !== '<defaults>' && existsSync(config.source) ? statSync(config.source).mtimeMs : 0;
  if (!custom && existsSync(standard) && statSync(standard).mtimeMs >= configTime) {
    if (extension || !/["']k6\/x\/perf["']/.test(readFileSync(standard, 'utf8'))) {
      note(`running ${store.display(standard)} (delete it or run "perf generate" to regenerate)`);
      return standard;
    }
    // The standard script needs perf's k6; leave it alone and run a portable copy.
    note(`${store.display(standard)} imports k6/x/perf, which stock k6 lacks: running a portable version`);
    custom = true;
  }
  const dir = custom ? join(store.runDir(), 'scripts') : undefined;
  const res = await generateScripts({ config, store, scenarios: [scenario], ...shape, extension, ...(dir ? { scriptsDir: dir } : {}), writePlan: !custom && !existsSync(store.path(ARTIFACTS.loadTestPlan.markdown)) });
  const js = (res.scripts[0] as { jsPath: string }).jsPath;
  note(`generated ${store.display(js)}`);
  return js;
}

/** --parallel needs perf's windows (stock k6 has none to merge) and cannot carry breakpoint's per-process threshold abort. */
function checkParallel(extension: boolean, profile: LoadProfile): void {
  if (!extension) throw new UserError('--parallel needs the perf k6 extension (bin/k6): stock k6 writes no windows perf can merge', { where: '--parallel', fix: K6_FIX });
  if (profile.abortOnThresholds) {
    throw new UserError(`--parallel cannot run the ${profile.scenario} scenario: it stops at k6 thresholds, and each runner would judge only its own share`, {
      where: '--parallel',
      fix: `run ${profile.scenario} in one process (drop --parallel)`,
    });
  }
}

/** A user's script must exist; one importing k6/x/perf needs perf's k6, not the stock fallback. */
function userScript(file: string, extension: boolean): string {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UserError('script not found', { where: path, fix: 'pass the path of a k6 script (e.g. one from "perf generate", edited)' });
  if (!extension && readFileSync(path, 'utf8').includes('k6/x/perf')) {
    throw new UserError('the script imports k6/x/perf, which the stock k6 perf found lacks', { where: path, fix: K6_FIX });
  }
  return path;
}

/** The script's longest scenario duration (k6 inspect --execution-requirements), or undefined if k6 cannot say. */
function inspectDurationMs(k6: string, script: string, env: Record<string, string>): number | undefined {
  const r = spawnSync(k6, ['inspect', '--execution-requirements', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env, K6_NO_USAGE_REPORT: 'true' } });
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout).split('\n').find((l) => /error|Error/.test(l))?.trim() ?? `k6 inspect exited ${r.status}`;
    throw new UserError(`k6 cannot load the script: ${why}`, { where: script, fix: 'fix the script (k6 inspect <script> shows the error), then re-run' });
  }
  try {
    const max = (JSON.parse(r.stdout) as { maxDuration?: string }).maxDuration;
    return max ? tryParseDuration(max) : undefined;
  } catch {
    return undefined;
  }
}

/** A user's script (or a k6 run perf did not start) brings its own shape: no perf stages; the duration k6 reports. */
export function scriptProfile(base: LoadProfile, durationMs: number | undefined): LoadProfile {
  return { ...base, stages: [], startTarget: 0, peak: 0, capacityRps: null, maxVUs: null, totalMs: durationMs ?? base.totalMs, abortOnThresholds: false, spike: null, notes: ['load shape from the user\'s script (its own options), not from perf\'s profile'] };
}

/** `NAME=ARG` with credentials in URLs (`//user:pass@host`) hidden, for notes. */
function redactOutput(o: string): string {
  return o.replace(/\/\/[^/@\s]+@/g, `//${REDACTED}@`);
}
