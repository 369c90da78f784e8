import type { RuleId } from './catalogue.js';

/** One piece of root-cause evidence, with the number it rests on. */
export interface Evidence {
  kind: 'hot-function' | 'event-loop' | 'gc' | 'heap' | 'leak' | 'journey-latency' | 'errors' | 'breaking-point' | 'capacity' | 'database';
  text: string;
  /** `file:line` for hot functions. */
  location?: string;
  value?: number;
}

export type MatrixQuadrant = 'quick-win' | 'major-project' | 'fill-in' | 'deprioritise';

export interface Bottleneck {
  id: string;
  rank: number;
  rule: RuleId;
  title: string;
  description: string;
  evidence: Evidence[];
  impact: {
    /** Share of non-idle CPU samples in the implicated frames, 0..1, or null when not profiled. */
    cpuShare: number | null;
    /** Share of all request time spent in the affected journeys, 0..1, or null without load data. */
    latencyShare: number | null;
    journeys: string[];
  };
  approach: string;
  alternatives: string[];
  /** Optional: SQL to try (database findings: the CREATE INDEX, the batched query). */
  sql?: string[];
  /**
   * The most this finding can give back, from a measured share: share × 100 (the CPU time or
   * request time freed if the work disappeared entirely). null when no share was measured.
   */
  estimatedImprovementPct: number | null;
  /** How estimatedImprovementPct was computed, in words with its numbers. */
  estimateFormula: string;
  effortDays: number;
  /**
   * Ranking score, not a measurement: measured share (%) × the catalogue's typical reduction of the
   * approach (a prior) ÷ effort days. 0 when nothing was measured.
   */
  roi: number;
  quadrant: MatrixQuadrant;
  /** How strong the evidence is, and what it rests on. */
  strength: EvidenceStrength;
  /** Whose code holds the time: the app's own frames, or a dependency (no app frame on the stacks). */
  owner: { kind: 'app' | 'dependency' | 'unknown'; package?: string; via: string[] };
}

/**
 * strong: a measured CPU share from call stacks with ≥ 100 samples and ≥ 5%; moderate: a measured
 * share with fewer samples, a flat hot-function list, or a load-figure signal; weak: an indirect
 * signal with no measured share (event-loop delay with no hot frame).
 */
export interface EvidenceStrength {
  level: 'strong' | 'moderate' | 'weak';
  basis: string;
  samples: number | null;
}

/** perf.bottlenecks/v1 */
export interface BottlenecksPayload {
  inputs: { baseline: string | null; profile: string | null; loadtest: string | null };
  /** What could not be analysed and why (e.g. no profile). */
  gaps: string[];
  bottlenecks: Bottleneck[];
  journeys: Array<{ name: string; p95Ms: number; meanMs: number; requests: number; errorRate: number; latencyShare: number }>;
  eventLoopDelayMs: { p99: number; max: number } | null;
  gcShare: number | null;
  breakingPoint: { rps: number; reason: string } | null;
}
