/**
 * `perf baseline`: the service measured as it is (probe, capacity search, the weighted mix and each
 * journey; autocannon under the open or closed model), the report pair written, and the verdict: a
 * baseline of a dead or failing service is not a baseline. The command only parses flags and prints.
 */
import { runDidNotHappen } from '../analyzers/slo/run-validity.js';
import { runBaseline, type BaselineProgress, type RunBaselineOptions } from '../capture/baseline/run-baseline.js';
import type { BaselinePayload } from '../core/artifacts/schemas.js';
import type { ArtifactStore } from '../core/artifacts/store.js';

/** The vocabulary the command renders with: the knee in words, the sample-size rule, the progress line. */
export { DEFAULT_MAX_RATE_RPS, describeKnee } from '../analyzers/baseline/capacity.js';
export { fmtPercentileMs, fmtSampleMs } from '../analyzers/sample-size.js';
export { PLAIN_PROGRESS_EVERY_MS, progressLine } from '../capture/load/progress-line.js';
export { rankByP99 } from '../templates/baseline.js';
export type { BaselineProgress } from '../capture/baseline/run-baseline.js';

export type BaselineRequest = RunBaselineOptions & { store: ArtifactStore; onProgress: (p: BaselineProgress) => void };

/** Whether the measurement is a baseline at all: the service answered, and kept running. */
export type BaselineVerdict = { measured: true } | { measured: false; message: string; fix: string };

export interface BaselineResult {
  artifact: BaselinePayload;
  markdownPath: string;
  jsonPath: string;
  verdict: BaselineVerdict;
}

/** A baseline of a dead or failing service is not a baseline (exit 1 with the reason; the report is kept). */
export function baselineVerdict(a: BaselinePayload, markdown: string): BaselineVerdict {
  const invalid = runDidNotHappen({ requests: a.overall.requests, failed: a.overall.errors, targetExited: a.targetExited ?? null });
  if (invalid.length === 0) return { measured: true };
  return { measured: false, message: `the baseline did not measure a working service: ${invalid.join('; ')}`, fix: `see ${markdown}` };
}

export async function measureBaseline(r: BaselineRequest): Promise<BaselineResult> {
  const result = await runBaseline(r);
  return { artifact: result.artifact, markdownPath: result.markdownPath, jsonPath: result.jsonPath, verdict: baselineVerdict(result.artifact, r.store.display(result.markdownPath)) };
}
