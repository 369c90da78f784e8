import type { RuleId } from './catalogue.js';

/** One piece of root-cause evidence, with the number it rests on. */
export interface Evidence {
  kind: 'hot-function' | 'event-loop' | 'gc' | 'journey-latency' | 'errors' | 'breaking-point' | 'capacity' | 'database';
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
  /** Estimated reduction of the affected journeys' latency (percent, a planning estimate). */
  estimatedImprovementPct: number;
  effortDays: number;
  /** estimatedImprovementPct / effortDays. */
  roi: number;
  quadrant: MatrixQuadrant;
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
