/**
 * Payload shapes of the JSON artifacts, shared by the writers and every reader (slo-check, analyze,
 * compare, report). Each JSON twin also carries the ArtifactEnvelope (`schema`, `runId`, …).
 * Histograms are HdrHistogram V2 compressed base64 of **microseconds** (see analyzers/histogram.ts).
 * Changing a key here is a contract change: bump the schema version.
 */
import type { LatencyStats } from '../../analyzers/histogram.js';

/** Load figures of one journey or of the overall mix. */
export interface LoadFigures {
  /** Journey name, or "overall". */
  name: string;
  requests: number;
  /** Failed requests: network errors, status >= 400 not expected by the step, or k6 http_req_failed. */
  errors: number;
  /** errors / requests, 0..1. */
  errorRate: number;
  /** Count per HTTP status ("200", "503"; "0" for network errors/timeouts). */
  statusCodes: Record<string, number>;
  throughputRps: number;
  durationMs: number;
  latencyMs: LatencyStats;
  histogram: string;
  /** Present when an open-model run corrected for coordinated omission: the raw service-time view. */
  latencyMsUncorrected?: LatencyStats;
  histogramUncorrected?: string;
  /** Optional: the open-model arrival rate this journey ran at (baseline per-journey runs). */
  rateRps?: number;
}

/** perf.baseline/v1 */
export interface CapacityStep {
  rateRps: number;
  achievedRps: number;
  p95Ms: number;
  errorRate: number;
  /** Why the search stopped at this step, or "ok" if it went on. */
  verdict: 'ok' | 'latency' | 'errors' | 'plateau';
}

export interface Capacity {
  /** The knee: the highest arrival rate that met the criteria. */
  maxRps: number;
  limitedBy: 'latency' | 'errors' | 'plateau' | 'max-rate';
  /** The p95 threshold (ms) the search used, from the tightest latency SLO. */
  latencyThresholdMs: number;
  steps: CapacityStep[];
}

export interface BaselinePayload {
  target: { baseUrl: string };
  model: { kind: 'open'; rateRps: number } | { kind: 'closed'; connections: number };
  durationMs: number;
  warmupMs: number;
  journeys: LoadFigures[];
  overall: LoadFigures;
  capacity: Capacity | null;
  /** Optional: each journey's share of the weighted mix run (when `journeys` come from isolated runs). */
  journeysInMix?: LoadFigures[];
  /** Optional: honest remarks about the run (unanswered requests, interrupted, model choice). */
  notes?: string[];
  /** Optional: path of the perf.profile/v1 twin when `perf baseline --profile` ran. */
  profileJson?: string;
}

/** perf.profile/v1 */
export interface HotFunction {
  functionName: string;
  /** `file:line` (1-based line), relative to the target's cwd where possible. */
  location: string;
  url: string;
  line: number;
  category: 'app' | 'node_modules' | 'node-internal' | 'native' | 'gc' | 'idle' | 'program';
  selfMs: number;
  totalMs: number;
  /** Shares of all non-idle samples, 0..1. */
  selfShare: number;
  totalShare: number;
}

export interface ProfilePayload {
  target: { baseUrl: string; command?: string };
  profiled: boolean;
  /** Why profiling was skipped (e.g. the target is not Node). */
  skippedReason?: string;
  durationMs: number;
  sampleCount: number;
  hotFunctions: HotFunction[];
  eventLoopDelayMs: { p50: number; p90: number; p99: number; max: number; mean: number } | null;
  gc: { totalMs: number; share: number; count: number; byKind: Record<string, number> } | null;
  clinic: { ran: boolean; diagnosis?: string; categories?: string[]; htmlPaths?: string[]; note?: string };
  rawProfiles: string[];
  /** Optional: self-contained HTML flame graphs perf rendered from the raw profiles. */
  flameGraphs?: string[];
  load: LoadFigures | null;
}

/** perf.loadtest/v1 */
export interface LoadWindow {
  startMs: number;
  endMs: number;
  requests: number;
  errors: number;
  rps: number;
  errorRate: number;
  latencyMs: { p50: number; p95: number; p99: number };
  vus: number;
  histogram: string;
  /** Per-journey counts and histogram in this window (for journey-filtered SLO burn rates). */
  journeys: Record<string, { requests: number; errors: number; histogram: string }>;
}

export interface LoadStage {
  startMs: number;
  endMs: number;
  /** Target arrival rate (iterations/s) or VUs at the end of the stage. */
  target: number;
  label?: string;
}

export interface LoadTestPayload {
  scenario: 'baseline' | 'stress' | 'spike' | 'soak' | 'breakpoint';
  partial: boolean;
  quick: boolean;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  k6: { binary: string; version: string; extension: boolean; lost?: string[] };
  /** The raw k6 artifact (perf.k6-windows/v1 NDJSON, or k6 --out json in fallback mode). */
  rawArtifact: string;
  journeys: LoadFigures[];
  overall: LoadFigures;
  windowMs: number;
  windows: LoadWindow[];
  stages: LoadStage[];
  droppedIterations: number;
  checks: { passes: number; fails: number; byName: Record<string, { passes: number; fails: number }> };
  breakingPoint: { rps: number; atMs: number; reason: string } | null;
  recovery: { recoveryTimeMs: number | null; spikeEndMs: number; note: string } | null;
  drift: { firstP95Ms: number; lastP95Ms: number; changePct: number; note: string } | null;
  aborted: { reason: string; atMs: number } | null;
}

/** perf.slo/v1 */
export type SloStatus = 'PASS' | 'PARTIAL' | 'FAIL';

export interface SloAlert {
  severity: 'page' | 'ticket';
  /** Burn-rate factor of the rule (14.4, 6, 3, 1). */
  factor: number;
  longWindow: string;
  shortWindow: string;
  longBurnRate: number | null;
  shortBurnRate: number | null;
  firing: boolean;
  /** Why the verdict could not be computed (e.g. the run is shorter than the scaled window). */
  note?: string;
}

export interface SloResult {
  name: string;
  sli: 'latency' | 'availability' | 'error-rate';
  journey?: string;
  objective: number;
  /** The SLO window the budget is counted over ("30d"). */
  window?: string;
  /** Observed SLI: ms for latency (the SLO's percentile), percent good for availability, percent bad for error-rate. */
  actual: number | null;
  target: number;
  status: SloStatus;
  errorBudget: { allowedBadFraction: number; badFraction: number; consumedPct: number; remainingPct: number };
  burnRate: number;
  alerts: SloAlert[];
  events: { total: number; bad: number };
  note?: string;
}

export interface SloPayload {
  status: SloStatus;
  source: { file: string; format: string };
  runDurationMs: number;
  slos: SloResult[];
}
