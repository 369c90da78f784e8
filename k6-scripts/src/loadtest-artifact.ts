/**
 * The one writer of a load test's results: a K6Run (read from k6's output, or merged from runners by
 * `perf collect`) → the perf.loadtest/v1 payload judged by the config's SLO limits →
 * `.aiwg/testing/load-test-results.md` + its JSON twin.
 */
import type { K6Run } from '../../core/artifacts/k6-windows.js';
import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import type { ResourceSeries, RunnerRecord } from '../../core/contract/artifacts.js';
import { PERCENTILE_VALUES, type PerfConfig } from '../../core/config/types.js';
import { checkLimits } from '../../analyzers/resources/limits.js';
import { allowedBadFraction } from '../../analyzers/slo/error-budget.js';
import type { LoadProfile } from '../../profiles/index.js';
import { renderLoadTestResults } from '../../templates/loadtest-results.js';
import { buildLoadTestPayload, type LatencyLimit } from './results.js';
import { requestsPerIteration } from './script-source.js';

export interface LoadtestArtifactInput {
  config: PerfConfig;
  store: ArtifactStore;
  profile: LoadProfile;
  partial: boolean;
  k6: LoadTestPayload['k6'];
  rawArtifact: string;
  /** The baseline capacity's latency threshold: the limit of a config without latency SLOs. */
  capacityLatencyMs: number | null;
  /** k6 exited on crossed thresholds (a breakpoint profile's abort). */
  thresholdsFailed?: boolean;
  windowMs: number;
  targetExited?: string | null;
  resources?: ResourceSeries;
  runners?: RunnerRecord[];
}

export function writeLoadtestArtifact(run: K6Run, i: LoadtestArtifactInput): { payload: LoadTestPayload; markdownPath: string; jsonPath: string } {
  const { config, profile } = i;
  const latencyLimits: LatencyLimit[] = config.slos
    .filter((s) => s.sli === 'latency' && s.thresholdMs !== undefined)
    .map((s) => ({ ...(s.journey ? { journey: s.journey } : {}), percentile: PERCENTILE_VALUES[s.percentile ?? 'p95'], thresholdMs: s.thresholdMs as number }));
  const availability = config.slos.filter((s) => s.sli !== 'latency').map((s) => allowedBadFraction(s.objective));
  const payload = buildLoadTestPayload(run, {
    profile,
    partial: i.partial,
    k6: i.k6,
    rawArtifact: i.rawArtifact,
    requestsPerIteration: requestsPerIteration(config.journeys),
    latencyLimits: latencyLimits.length ? latencyLimits : [{ percentile: 95, thresholdMs: i.capacityLatencyMs ?? 1000 }],
    errorLimit: availability.length ? Math.max(0.01, Math.min(...availability)) : 0.05,
  });
  if (i.thresholdsFailed && !payload.aborted && profile.abortOnThresholds) {
    const lastEnd = payload.windows.at(-1)?.endMs ?? payload.durationMs;
    if (lastEnd < profile.totalMs - i.windowMs) payload.aborted = { reason: 'k6 thresholds crossed (abortOnFail)', atMs: lastEnd };
  }
  payload.target = { baseUrl: config.target.baseUrl };
  if (i.targetExited) payload.targetExited = i.targetExited;
  if (i.resources) payload.resources = i.resources;
  if (i.runners) payload.runners = i.runners;
  const written = i.store.writeReport('loadtest', payload, renderLoadTestResults(payload, checkLimits(config.limits, payload.resources)));
  return { payload, markdownPath: written.markdownPath, jsonPath: written.jsonPath };
}
