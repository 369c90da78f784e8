/**
 * `perf loadtest`: one k6 scenario (generated, or the user's script) run here — one process or
 * `--parallel N` segments judged merged — or written out for k6-operator with `--k8s`; the results
 * pair and the HTML report written; and the run's verdict: complete, interrupted, stopped by the
 * live guard, or a load that did not happen. The command only parses flags, prints and exits.
 */
import { availableParallelism } from 'node:os';
import { shortLoad } from '../analyzers/merge/index.js';
import { runDidNotHappen } from '../analyzers/slo/run-validity.js';
import type { LoadTestPayload } from '../core/artifacts/schemas.js';
import type { ArtifactStore } from '../core/artifacts/store.js';
import { SCENARIO_NAMES, type PerfConfig, type ScenarioName } from '../core/config/types.js';
import { CheckFailed, Interrupted, UserError } from '../core/errors.js';
import type { ShapeOverrides } from '../k6-scripts/src/generate.js';
import { writeK8sRun, type K8sResult } from '../k6-scripts/src/k8s/index.js';
import { runLoadtest } from '../k6-scripts/src/loadtest.js';
import { parseParallel } from '../k6-scripts/src/parallel/segments.js';
import { writeHtmlReport } from '../report/index.js';

export { describeExit } from '../analyzers/merge/index.js';
export { PLAIN_PROGRESS_EVERY_MS } from '../capture/load/progress-line.js';
export type { ShapeOverrides } from '../k6-scripts/src/generate.js';
export type { ProgressSnapshot } from '../k6-scripts/src/progress.js';

export interface LoadtestRequest {
  /** Opens the run's artifact store (creates its run folder): called only once the flags are known to be runnable. */
  openStore: () => ArtifactStore;
  config: PerfConfig;
  /** --scenario; with --script only how the run is read and labelled (default baseline). */
  scenario?: ScenarioName;
  script?: string;
  /** --rate, --capacity, --duration, --quick, --warmup, PERF_QUICK_TOTAL. */
  shape: ShapeOverrides;
  /** --k6-out and K6_OUT: other k6 outputs beside perf's own. */
  k6Outputs: readonly string[];
  /** Arguments after `--`, for `k6 run`. */
  k6Args: readonly string[];
  abortOnBurn: boolean;
  /** --parallel N, as given (checked here: local runners, or with --k8s the TestRun parallelism). */
  parallel?: number;
  /** Largest dropped share of k6 iterations, in percent, before the load counts as not having happened. */
  maxDroppedPct: number;
  /** --k8s DIR [--apply]: write the k6-operator run instead of running k6 here. */
  k8s?: { dir: string; apply: boolean };
  /** --apply was given (checked: it needs --k8s). */
  apply: boolean;
  signal: AbortSignal;
  onNote: (line: string) => void;
  onProgress: (line: string) => void;
}

/** How the run ended, as the CI gate sees it: each failing kind maps to one exit code in the command. */
export type LoadtestVerdict =
  | { kind: 'complete' }
  /** Ctrl-C or a signal: a partial report was written (exit 130). */
  | { kind: 'interrupted'; message: string }
  /** The live guard stopped the test on a fast burn (--abort-on-burn; exit 1). */
  | { kind: 'stopped-by-guard'; message: string; fix: string }
  /** The offered load did not happen as planned (no requests, dropped iterations, a short runner…; exit 1). */
  | { kind: 'did-not-happen'; message: string; fix: string };

export interface LoadtestRun {
  kind: 'run';
  /** The store the run wrote to (for displaying its paths). */
  store: ArtifactStore;
  payload: LoadTestPayload;
  markdownPath: string;
  jsonPath: string;
  script: string;
  /** The HTML report: written, or why not (a convenience: it never fails the run). */
  htmlReport: { path: string } | { error: string };
  verdict: LoadtestVerdict;
}

export interface LoadtestK8s extends K8sResult {
  kind: 'k8s';
}

export type LoadtestResult = LoadtestRun | LoadtestK8s;

/** Flag combinations that cannot run, found before anything starts (exit 2). */
export function checkLoadtestRequest(r: Pick<LoadtestRequest, 'scenario' | 'script' | 'k8s' | 'apply'> & Partial<Pick<LoadtestRequest, 'k6Outputs' | 'k6Args'>>): void {
  if (!r.scenario && !r.script) {
    throw new UserError('no scenario given', { where: '--scenario', fix: `pass --scenario ${SCENARIO_NAMES.join('|')} (or --script <file> to run your own k6 script)` });
  }
  if (r.apply && !r.k8s) throw new UserError('--apply needs --k8s', { where: '--apply', fix: 'pass --k8s <dir> --apply (or drop --apply)' });
  if (r.k8s && r.script) throw new UserError('--k8s runs a generated scenario', { where: '--script', fix: 'pass --scenario with --k8s (not --script)' });
  // The TestRun's runners get one `arguments` string, and a user's output needs its own settings (K6_*
  // variables, often credentials) in the runner pods: perf writes neither, and says so instead of dropping them.
  const outputs = r.k6Outputs ?? [];
  if (r.k8s && (outputs.length > 0 || (r.k6Args ?? []).length > 0)) {
    const what = outputs.length > 0 ? `--k6-out ${outputs.map((o) => o.split('=')[0]).join(', ')} (or K6_OUT)` : `the k6 arguments after -- (${r.k6Args!.length})`;
    throw new UserError(`${what} cannot be carried into a k6-operator TestRun`, {
      where: outputs.length > 0 ? '--k6-out / K6_OUT' : 'the k6 arguments after --',
      fix: 'run --k8s without them, then add them to spec.arguments (and the output\'s K6_* settings to spec.runner.env) of the written testrun.yaml yourself. k6-operator gives every runner the same arguments, so a service receives all runners\' series under the same tags; perf\'s collector merges the whole test either way',
    });
  }
}

/** --parallel N checked against its range: this machine's cores for local runners, 1..256 for a TestRun. */
export function loadtestParallelism(parallel: number | undefined, k8s: boolean): number | undefined {
  return parallel === undefined ? undefined : parseParallel(String(parallel), availableParallelism(), k8s ? 'k8s' : 'local');
}

/**
 * The verdict of a finished run. Overload scenarios (stress, spike, breakpoint) drive the service past
 * saturation on purpose: their dropped iterations are the measured saturation (named in the breaking
 * point), and breakpoint's abort at its break is its result. A runner of --parallel that died leaves the
 * merged run partial too: that is a short load, not an interrupt.
 */
export function loadtestVerdict(p: LoadTestPayload, o: { abortOnBurn: boolean; interrupted: boolean; maxDroppedPct: number; markdown: string }): LoadtestVerdict {
  const short = p.runners ? shortLoad(p.runners) : null;
  if (p.partial && !p.aborted && (o.interrupted || short === null)) return { kind: 'interrupted', message: 'interrupted: partial load-test report written (partial: true)' };
  if (p.aborted && o.abortOnBurn && p.scenario !== 'breakpoint') {
    return {
      kind: 'stopped-by-guard',
      message: 'the live SLO guard stopped the test: an SLO burned its error budget too fast',
      fix: `see ${o.markdown}; run "perf slo-check" for the full SLO report`,
    };
  }
  const overload = p.scenario === 'stress' || p.scenario === 'spike' || p.scenario === 'breakpoint';
  const o2 = p.overall;
  const invalid = runDidNotHappen(
    {
      requests: o2.requests,
      failed: o2.errors,
      droppedIterations: overload ? 0 : p.droppedIterations,
      iterations: p.iterations ?? null,
      aborted: p.aborted && p.scenario !== 'breakpoint' ? p.aborted.reason : null,
      targetExited: p.targetExited ?? null,
      shortLoad: short,
    },
    o.maxDroppedPct / 100,
  );
  if (invalid.length > 0) return { kind: 'did-not-happen', message: `the load test did not run as planned: ${invalid.join('; ')}`, fix: `see ${o.markdown}` };
  return { kind: 'complete' };
}

export async function runLoadTestScenario(r: LoadtestRequest): Promise<LoadtestResult> {
  const parallel = loadtestParallelism(r.parallel, r.k8s !== undefined);
  checkLoadtestRequest(r);
  const { config } = r;
  const store = r.openStore();
  if (r.k8s) {
    const k8s = await writeK8sRun({ config, store, scenario: r.scenario as ScenarioName, dir: r.k8s.dir, parallelism: parallel ?? 1, apply: r.k8s.apply, shape: r.shape, onNote: r.onNote });
    return { kind: 'k8s', ...k8s };
  }
  const result = await runLoadtest({
    config,
    store,
    scenario: r.scenario ?? 'baseline',
    ...(r.script ? { script: r.script } : {}),
    k6Outputs: [...r.k6Outputs],
    k6Args: [...r.k6Args],
    ...r.shape,
    abortOnBurn: r.abortOnBurn,
    ...(parallel !== undefined ? { parallel } : {}),
    signal: r.signal,
    onNote: r.onNote,
    onProgress: (line) => r.onProgress(line),
  });
  let htmlReport: LoadtestRun['htmlReport'];
  try {
    htmlReport = { path: writeHtmlReport(store).htmlPath };
  } catch (err) {
    htmlReport = { error: (err as Error).message };
  }
  const verdict = loadtestVerdict(result.payload, { abortOnBurn: r.abortOnBurn, interrupted: r.signal.aborted, maxDroppedPct: r.maxDroppedPct, markdown: store.display(result.markdownPath) });
  return { kind: 'run', ...result, store, htmlReport, verdict };
}

/** The verdict as the error the CLI exits with (none when the run is complete). */
export function verdictError(v: LoadtestVerdict): Error | null {
  if (v.kind === 'interrupted') return new Interrupted(v.message);
  if (v.kind === 'stopped-by-guard' || v.kind === 'did-not-happen') return new CheckFailed(v.message, { fix: v.fix });
  return null;
}
