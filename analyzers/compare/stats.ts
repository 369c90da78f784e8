import type { Histogram } from '../histogram.js';
import { seededRandom } from '../../core/random.js';

/** (value µs, count) of every recorded bucket, ascending. */
export function buckets(h: Histogram): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const it = (h as unknown as { recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } } })
    .recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    if (v.countAtValueIteratedTo > 0) out.push([v.valueIteratedTo, v.countAtValueIteratedTo]);
  }
  return out;
}

export interface MannWhitney {
  /** U of the "after" sample: pairs where after > before, ties counted half. */
  u: number;
  z: number;
  /** Two-sided p-value of the normal approximation with tie correction. */
  pValue: number;
  /** Cliff's delta of after vs before, -1..1: negative means "after" tends to be faster. */
  cliffsDelta: number;
  nBefore: number;
  nAfter: number;
}

/**
 * Mann–Whitney U test computed straight from two HDR histograms: each bucket is one tie group, so
 * the test costs O(buckets), not O(samples), and needs no raw samples.
 */
export function mannWhitney(before: Histogram, after: Histogram): MannWhitney {
  const merged = new Map<number, [number, number]>();
  for (const [v, c] of buckets(before)) merged.set(v, [c, 0]);
  for (const [v, c] of buckets(after)) {
    const e = merged.get(v);
    if (e) e[1] = c;
    else merged.set(v, [0, c]);
  }
  const values = [...merged.keys()].sort((a, b) => a - b);
  const n1 = after.totalCount;
  const n0 = before.totalCount;
  const n = n0 + n1;
  let rank = 0;
  let rankSumAfter = 0;
  let tieTerm = 0;
  for (const v of values) {
    const [b, a] = merged.get(v) as [number, number];
    const t = a + b;
    rankSumAfter += a * (rank + (t + 1) / 2);
    tieTerm += t * t * t - t;
    rank += t;
  }
  const u = rankSumAfter - (n1 * (n1 + 1)) / 2;
  const mean = (n0 * n1) / 2;
  const variance = n > 1 ? ((n0 * n1) / 12) * (n + 1 - tieTerm / (n * (n - 1))) : 0;
  const z = variance > 0 ? (u - mean) / Math.sqrt(variance) : 0;
  return {
    u,
    z,
    pValue: variance > 0 ? erfc(Math.abs(z) / Math.SQRT2) : 1,
    cliffsDelta: n0 * n1 > 0 ? (2 * u) / (n0 * n1) - 1 : 0,
    nBefore: n0,
    nAfter: n1,
  };
}

/** Complementary error function (Chebyshev fit, as in Numerical Recipes' erfcc): relative error < 1.2e-7. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

const rng = seededRandom;

interface Cdf {
  values: number[];
  cum: number[];
  total: number;
}

function cdf(h: Histogram): Cdf {
  const values: number[] = [];
  const cum: number[] = [];
  let total = 0;
  for (const [v, c] of buckets(h)) {
    total += c;
    values.push(v);
    cum.push(total);
  }
  return { values, cum, total };
}

function resamplePercentile(d: Cdf, m: number, percentile: number, rand: () => number): number {
  const counts = new Uint32Array(d.values.length);
  for (let i = 0; i < m; i++) {
    const x = rand() * d.total;
    let lo = 0;
    let hi = d.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((d.cum[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    counts[lo] = (counts[lo] as number) + 1;
  }
  const target = Math.ceil((percentile / 100) * m);
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    acc += counts[i] as number;
    if (acc >= target) return d.values[i] as number;
  }
  return d.values[d.values.length - 1] as number;
}

export interface BootstrapChange {
  percentile: number;
  /** Relative change after vs before of the percentile, as a fraction (-0.4 = 40% faster). */
  change: number;
  ciLow: number;
  ciHigh: number;
  confidence: number;
  iterations: number;
  /** Resample size per side (capped; a smaller resample only widens the interval). */
  resampleSize: number;
}

/** Percentile bootstrap of the relative change of a latency percentile, resampling the HDR buckets. */
export function bootstrapPercentileChange(
  before: Histogram,
  after: Histogram,
  percentile = 95,
  opts: { iterations?: number; maxResample?: number; confidence?: number; seed?: number } = {},
): BootstrapChange | null {
  const b = cdf(before);
  const a = cdf(after);
  if (b.total === 0 || a.total === 0) return null;
  const iterations = opts.iterations ?? 400;
  const confidence = opts.confidence ?? 0.95;
  const m = Math.min(opts.maxResample ?? 20_000, Math.max(b.total, a.total));
  const mb = Math.min(m, b.total);
  const ma = Math.min(m, a.total);
  const rand = rng(opts.seed ?? 0x5eed);
  const changes: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const pb = resamplePercentile(b, mb, percentile, rand);
    const pa = resamplePercentile(a, ma, percentile, rand);
    changes.push(pa / pb - 1);
  }
  changes.sort((x, y) => x - y);
  const q = (p: number): number => changes[Math.min(changes.length - 1, Math.max(0, Math.floor(p * changes.length)))] as number;
  const pointB = before.getValueAtPercentile(percentile);
  const pointA = after.getValueAtPercentile(percentile);
  return {
    percentile,
    change: pointA / pointB - 1,
    ciLow: q((1 - confidence) / 2),
    ciHigh: q(1 - (1 - confidence) / 2),
    confidence,
    iterations,
    resampleSize: Math.max(mb, ma),
  };
}

/** Two-proportion z-test of error rates; two-sided p. */
export function twoProportion(badBefore: number, nBefore: number, badAfter: number, nAfter: number): { z: number; pValue: number } {
  if (nBefore === 0 || nAfter === 0) return { z: 0, pValue: 1 };
  const p = (badBefore + badAfter) / (nBefore + nAfter);
  const se = Math.sqrt(p * (1 - p) * (1 / nBefore + 1 / nAfter));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (badAfter / nAfter - badBefore / nBefore) / se;
  return { z, pValue: erfc(Math.abs(z) / Math.SQRT2) };
}

export interface RankTest {
  /** Two-sided p-value. */
  pValue: number;
  /** Exact (no ties, small samples: the permutation distribution of U) or the normal approximation with tie correction. */
  exact: boolean;
  nBefore: number;
  nAfter: number;
}

/** Largest n0 × n1 for which the exact distribution of U is counted (DP in O(n0 · n1 · (n0 + n1))). */
const EXACT_MAX_CELLS = 900;

/**
 * Mann–Whitney U test of two small samples of plain numbers (e.g. one statistic per time batch):
 * the exact two-sided p when there are no ties and n0 × n1 ≤ 900, else the normal approximation
 * with tie correction. Each value is one unit of replication.
 */
export function rankTest(before: readonly number[], after: readonly number[]): RankTest {
  const n0 = before.length;
  const n1 = after.length;
  const base = { nBefore: n0, nAfter: n1 };
  if (n0 === 0 || n1 === 0) return { pValue: 1, exact: true, ...base };
  // U of "after": pairs where after > before, ties half.
  let u = 0;
  for (const a of after) for (const b of before) u += a > b ? 1 : a === b ? 0.5 : 0;
  const all = [...before, ...after].sort((x, y) => x - y);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j] === all[i]) j++;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  const n = n0 + n1;
  if (tieTerm === 0 && n0 * n1 <= EXACT_MAX_CELLS) {
    const counts = uDistribution(n0, n1);
    const total = counts.reduce((s, c) => s + c, 0);
    const lower = Math.min(u, n0 * n1 - u);
    let tail = 0;
    for (let k = 0; k <= lower; k++) tail += counts[k] as number;
    return { pValue: Math.min(1, (2 * tail) / total), exact: true, ...base };
  }
  const mean = (n0 * n1) / 2;
  const variance = ((n0 * n1) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { pValue: 1, exact: false, ...base };
  // Continuity correction: U moves in steps of 1/2 at least.
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { pValue: Math.min(1, erfc(z / Math.SQRT2)), exact: false, ...base };
}

/** Number of arrangements giving each U (0..n0·n1) for samples of n0 and n1 without ties. */
function uDistribution(n0: number, n1: number): number[] {
  // f[i][j][u]: arrangements of i before- and j after-values with statistic u, built by the largest value.
  let prev: number[][] = Array.from({ length: n1 + 1 }, (_, j) => (j === 0 ? [1] : [1]));
  for (let i = 1; i <= n0; i++) {
    const cur: number[][] = [[1]];
    for (let j = 1; j <= n1; j++) {
      // Largest value from "after": it beats all i before-values (u + i); from "before": u unchanged.
      const fromAfter = cur[j - 1] as number[];
      const fromBefore = prev[j] as number[];
      const row = new Array<number>(i * j + 1).fill(0);
      fromBefore.forEach((c, k) => (row[k] = (row[k] as number) + c));
      fromAfter.forEach((c, k) => (row[k + i] = (row[k + i] as number) + c));
      cur.push(row);
    }
    prev = cur;
  }
  return prev[n1] as number[];
}
