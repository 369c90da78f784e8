/**
 * Batches: the unit of replication of perf compare's tests. Requests of one run are not independent
 * samples — latencies are autocorrelated (GC, a busy neighbour, a cache warming), so a test that
 * counts every request (Mann–Whitney on requests, a bootstrap over requests) is far too sure of
 * itself and calls host drift a change. Instead the measured period is cut into COMPARE_BATCHES
 * equal consecutive batches (the batch-means method of simulation output analysis) and each
 * batch's median, p95 and error rate is one observation: drift within a run spreads the batches and
 * widens the test. Drift *between* runs (the host was quieter for one of them) cannot be seen
 * inside either run; only re-measuring both sides interleaved (`--confirm`, A B A B) rules it out.
 * PURE.
 */
import type { LoadFigures } from '../../core/artifacts/schemas.js';
import { rankTest, type RankTest } from './stats.js';

/** Batches a measured period is cut into (by intended send time). */
export const COMPARE_BATCHES = 10;
/** Fewest batches with a figure on each side for a test across batches (exact Mann–Whitney 5 vs 5: smallest p = 0.008). */
export const MIN_BATCHES = 5;

export type BatchSeries = NonNullable<LoadFigures['batches']>;

export interface BatchTests {
  /** Batches per side (with at least one request) and their length. */
  before: number;
  after: number;
  batchMs: { before: number; after: number };
  /** Batch medians before vs after; null with fewer than MIN_BATCHES on a side. */
  median: RankTest | null;
  /** Batch p95s (batches of ≥ 20 requests) before vs after; null with fewer than MIN_BATCHES on a side. */
  p95: RankTest | null;
  /** Batch error rates before vs after. */
  errorRate: RankTest | null;
}

const values = (b: BatchSeries, pick: (s: BatchSeries['series'][number]) => number | null): number[] =>
  b.series.filter((s) => s.requests > 0).flatMap((s) => {
    const v = pick(s);
    return v === null || !Number.isFinite(v) ? [] : [v];
  });

const test = (x: number[], y: number[]): RankTest | null => (x.length >= MIN_BATCHES && y.length >= MIN_BATCHES ? rankTest(x, y) : null);

/** The tests across batches of two runs' figures, or null when either side carries no batches (an older artifact). */
export function batchTests(before: LoadFigures, after: LoadFigures): BatchTests | null {
  const b = before.batches;
  const a = after.batches;
  if (!b || !a) return null;
  return {
    before: b.series.filter((s) => s.requests > 0).length,
    after: a.series.filter((s) => s.requests > 0).length,
    batchMs: { before: b.ms, after: a.ms },
    median: test(values(b, (s) => s.p50Ms), values(a, (s) => s.p50Ms)),
    p95: test(values(b, (s) => s.p95Ms), values(a, (s) => s.p95Ms)),
    errorRate: test(values(b, (s) => s.errors / s.requests), values(a, (s) => s.errors / s.requests)),
  };
}
