/**
 * k6's own result files for `perf report --from`: a plain `k6 run --out json` file (or perf's k6 NDJSON)
 * becomes a perf.loadtest/v1 artifact (windows over time, journeys, overall), read by the same readers
 * and payload builder as `perf loadtest`; a k6 summary (end-of-test aggregates only) becomes a
 * perf.slo/v1 artifact when SLOs are configured.
 */
import { readK6Run } from '../../analyzers/parsers/k6-json.js';
import { detectFormat } from '../../capture/results/result-file.js';
import { K6_WINDOWS_SCHEMA } from '../../analyzers/parsers/k6-windows.js';
import { openHead } from '../../analyzers/parsers/sniff.js';
import { isRunnerSet } from '../../analyzers/merge/runner-files.js';
import { readRunnerFiles } from '../../capture/results/runner-files.js';
import type { K6Run } from '../../core/artifacts/k6-windows.js';
import type { RunnerRecord } from '../../core/contract/artifacts.js';
import { runSloCheck } from '../../capture/results/slo-check.js';
import type { EvalSlo } from '../../analyzers/slo/model.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { buildLoadProfile } from '../../profiles/index.js';
import { buildLoadTestPayload } from './results.js';
import { scriptProfile } from './loadtest.js';
import { addArtifact, emptyInputs, inputsFromFiles, REPORT_KINDS, type LooseArtifact, type ReportInputs } from '../../report/inputs.js';

export interface K6InputOptions {
  store: ArtifactStore;
  slos: readonly EvalSlo[];
  slosFrom: string;
  windowMs: number;
}

/** The artifact a k6 result file stands for; undefined for a perf artifact (read as is), or a reason to skip. */
export async function k6FileArtifact(file: string, opts: K6InputOptions): Promise<{ artifact: LooseArtifact } | { skip: string } | undefined> {
  let format;
  try {
    ({ format } = await detectFormat(file));
  } catch {
    return undefined; // not a result file: read as a perf artifact, which names its own problem
  }
  if (format === 'k6-json' || format === 'perf.k6-windows/v1') {
    const run = await readK6Run(file, { windowMs: opts.windowMs, lenient: true });
    return { artifact: loadtestArtifactOf(run, file, opts.store) };
  }
  if (format === 'k6-summary-export' || format === 'k6-handle-summary' || format === 'k6-new-summary') {
    if (opts.slos.length === 0) return { skip: `a k6 summary holds only end-of-test aggregates, shown as SLO results: add "slos:" to perf.config.yaml (or pass --config) to evaluate them` };
    const report = await runSloCheck({ file, slos: opts.slos, slosFrom: opts.slosFrom, format, windowMs: opts.windowMs });
    return { artifact: { ...opts.store.envelope('slo'), ...report } as unknown as LooseArtifact };
  }
  return undefined;
}

/** A k6 run perf did not start, as a perf.loadtest/v1 artifact (its own shape, no perf stages); `runners` when merged. */
function loadtestArtifactOf(run: K6Run, rawArtifact: string, store: ArtifactStore, runners?: RunnerRecord[]): LooseArtifact {
  const base = buildLoadProfile('baseline', { config: { scenarios: {} }, capacityRps: null, rate: 1 });
  const payload = buildLoadTestPayload(run, {
    profile: scriptProfile(base, run.endMs - run.startMs),
    partial: false,
    k6: { binary: 'n/a (k6 run outside perf)', version: 'n/a', extension: run.format === 'perf.k6-windows/v1' },
    rawArtifact,
    requestsPerIteration: 1,
    latencyLimits: [{ percentile: 95, thresholdMs: 1000 }],
    errorLimit: 0.05,
  });
  if (runners) payload.runners = runners;
  return { ...store.envelope('loadtest'), ...payload } as unknown as LooseArtifact;
}

/**
 * Which `--from` paths are runners of one scale-out run, merged into one load test: a folder (all its
 * perf.k6-windows/v1 files), and perf.k6-windows/v1 files whose header names a run id and a runner,
 * grouped by run id. Each group stands where its first path stood; every other path is read alone.
 */
async function groupRunners(files: readonly string[]): Promise<Array<string | string[]>> {
  const out: Array<string | string[]> = [];
  const byRun = new Map<string, string[]>();
  for (const file of files) {
    if (isRunnerSet([file])) {
      out.push([file]);
      continue;
    }
    const head = await openHead(file, 64 * 1024).catch(() => '');
    const h = scaleOutHeader(head.split('\n', 1)[0] ?? '');
    if (h && h.schema === K6_WINDOWS_SCHEMA && typeof h.runId === 'string' && typeof h.runner === 'string') {
      const group = byRun.get(h.runId);
      if (group) group.push(file);
      else {
        const g = [file];
        byRun.set(h.runId, g);
        out.push(g);
      }
    } else out.push(file);
  }
  return out;
}

function scaleOutHeader(line: string): { schema?: unknown; runId?: unknown; runner?: unknown } | null {
  try {
    const o = JSON.parse(line) as unknown;
    return typeof o === 'object' && o !== null ? (o as { schema?: unknown; runId?: unknown; runner?: unknown }) : null;
  } catch {
    return null;
  }
}

/** `--from` files in order: perf artifacts as they are, k6 result files converted (see above), runners of one run merged. */
export async function inputsFromAnyFiles(files: readonly string[], opts: K6InputOptions): Promise<ReportInputs> {
  const inputs = emptyInputs();
  for (const entry of await groupRunners(files)) {
    if (Array.isArray(entry)) {
      const merged = await readRunnerFiles(entry, { lenient: true });
      addArtifact(inputs, merged.label, loadtestArtifactOf(merged.run, merged.label, opts.store, merged.runners));
      continue;
    }
    const file = entry;
    const k6 = await k6FileArtifact(file, opts);
    if (k6 && 'artifact' in k6) addArtifact(inputs, file, k6.artifact);
    else if (k6) inputs.skipped.push({ file, reason: k6.skip });
    else {
      const one = inputsFromFiles([file]);
      for (const kind of REPORT_KINDS) (inputs[kind] as unknown[]).push(...one[kind]);
      inputs.skipped.push(...one.skipped);
    }
  }
  return inputs;
}
