/**
 * k6's own result files for `perf report --from`: a plain `k6 run --out json` file (or perf's k6 NDJSON)
 * becomes a perf.loadtest/v1 artifact (windows over time, journeys, overall), read by the same readers
 * and payload builder as `perf loadtest`; a k6 summary (end-of-test aggregates only) becomes a
 * perf.slo/v1 artifact when SLOs are configured.
 */
import { readK6Run } from '../../analyzers/parsers/k6-json.js';
import { detectFormat } from '../../analyzers/parsers/detect.js';
import { runSloCheck } from '../../analyzers/slo/check.js';
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
    const base = buildLoadProfile('baseline', { config: { scenarios: {} }, capacityRps: null, rate: 1 });
    const payload = buildLoadTestPayload(run, {
      profile: scriptProfile(base, run.endMs - run.startMs),
      partial: false,
      k6: { binary: 'n/a (k6 run outside perf)', version: 'n/a', extension: format === 'perf.k6-windows/v1' },
      rawArtifact: file,
      requestsPerIteration: 1,
      latencyLimits: [{ percentile: 95, thresholdMs: 1000 }],
      errorLimit: 0.05,
    });
    return { artifact: { ...opts.store.envelope('loadtest'), ...payload } as unknown as LooseArtifact };
  }
  if (format === 'k6-summary-export' || format === 'k6-handle-summary' || format === 'k6-new-summary') {
    if (opts.slos.length === 0) return { skip: `a k6 summary holds only end-of-test aggregates, shown as SLO results: add "slos:" to perf.config.yaml (or pass --config) to evaluate them` };
    const report = await runSloCheck({ file, slos: opts.slos, slosFrom: opts.slosFrom, format, windowMs: opts.windowMs });
    return { artifact: { ...opts.store.envelope('slo'), ...report } as unknown as LooseArtifact };
  }
  return undefined;
}

/** `--from` files in order: perf artifacts as they are, k6 result files converted (see above). */
export async function inputsFromAnyFiles(files: readonly string[], opts: K6InputOptions): Promise<ReportInputs> {
  const inputs = emptyInputs();
  for (const file of files) {
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
