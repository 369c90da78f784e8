import type { PercentileName, Slo } from '../../core/config/types.js';
import { PERCENTILE_VALUES } from '../../core/config/types.js';
import type { SlowProof } from './error-budget.js';
import type { RunFacts } from './run-validity.js';

export type { SlowProof };

/**
 * An SLO ready for evaluation, from perf.config.yaml (`Slo`) or from OpenSLO: percentiles as numbers
 * (OpenSLO targets such as 0.975 map to p97.5, which the config enum cannot name).
 */
export type EvalSlo = Omit<Slo, 'percentile'> & {
  /** Latency SLIs: the percentile (0-100) whose observed value is compared with thresholdMs. */
  percentile?: number;
};

export function fromConfigSlo(s: Slo): EvalSlo {
  const out: EvalSlo = { name: s.name, sli: s.sli, objective: s.objective, window: s.window, windowMs: s.windowMs };
  if (s.journey) out.journey = s.journey;
  if (s.sli === 'latency') {
    out.percentile = PERCENTILE_VALUES[(s.percentile ?? 'p95') as PercentileName];
    if (s.thresholdMs !== undefined) out.thresholdMs = s.thresholdMs;
  }
  return out;
}

/** "p95", "p99.9", "p97.5". */
export function percentileLabel(p: number): string {
  return `p${p}`;
}

/** Request counts and latency of the requests an SLO counts (one journey or all), over some span. */
export interface Aggregate {
  total: number;
  /** True when the data has a latency distribution for these requests but no request count (summary submetrics). */
  countUnknown?: boolean;
  /** Failed requests, or null when the data cannot tell. */
  failed: number | null;
  /** Where `failed` comes from: "http_req_failed", "status >= 500", "errors". */
  failedSource: string;
  /**
   * Requests slower than `thresholdMs` that are not already counted as failed (so a slow failure counts
   * once), or null when the data is a summary without a distribution.
   */
  slowerThan(thresholdMs: number): number | null;
  /**
   * Summary inputs (no distribution): what the percentiles they carry prove about requests slower than
   * `thresholdMs` — a percentile q above the threshold proves a bad fraction of at least 1 − q — or
   * null when nothing is proven.
   */
  slowerAtLeast?(thresholdMs: number): SlowProof | null;
  /** Observed percentile in ms, or null when the data cannot give it (summary without that percentile). */
  percentile(p: number): number | null;
}

export interface InputWindow {
  startMs: number;
  endMs: number;
  aggregate(journey?: string): Aggregate | null;
}

/** What a result file offers to SLO evaluation, whatever its format. */
export interface SloInput {
  format: string;
  file: string;
  /** Length of the run in ms (0 when unknown). */
  durationMs: number;
  /** 'exact' when samples or histograms exist; else the percentiles the summary carries. */
  percentiles: 'exact' | number[];
  /** Aggregate of the requests matching a journey filter (all requests without one); null when none match. */
  aggregate(journey?: string): Aggregate | null;
  /** Per-window data for multi-window burn rates, or null for summary-only formats. */
  windows: InputWindow[] | null;
  /** Journey (or name-tag) values present in the data, for "did you mean" messages. */
  journeys: string[];
  warnings: string[];
  /** k6 thresholds as the file reports them (summary formats). */
  thresholds?: Array<{ metric: string; expression: string; ok: boolean }>;
  /** Short notes on what the format cannot tell. */
  limits: string[];
  /** What the file says about whether the run happened at all (see run-validity.ts). */
  facts?: RunFacts;
  /** Why the run covers less than was planned (interrupted, k6 stopped early), or null for a whole run. */
  partial?: string | null;
}
