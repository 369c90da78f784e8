import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  countAboveMs,
  decodeHistogram,
  encodeHistogram,
  HistogramSum,
  latencyStats,
  newHistogram,
  recordMs,
  type Histogram,
} from '../../analyzers/histogram.js';
import { mergeSeriesSets } from '../../analyzers/parsers/k6-aggregate.js';
import { UserError } from '../../core/errors.js';

/** Deterministic window histograms of very different ranges: sub-ms, ms, and minute-long outliers. */
function windows(n: number, seed: number): string[] {
  let x = seed;
  const next = (): number => (x = (x * 48271) % 2147483647);
  return Array.from({ length: n }, (_, k) => {
    const h = newHistogram();
    const samples = k % 7 === 0 ? 1 : 5 + (next() % 300);
    const scale = [0.05, 3, 80, 2_000, 90_000][k % 5]!;
    for (let i = 0; i < samples; i++) recordMs(h, 0.001 + ((next() % 100_000) / 100_000) * scale);
    return encodeHistogram(h);
  });
}

/** The merge as it was: each encoding decoded into its own resizable histogram, then added pairwise. */
function mergeThePairwiseWay(encoded: string[]): Histogram {
  let acc: Histogram | null = null;
  for (const e of encoded) {
    const d = decodeHistogram(e, 'x');
    if (acc) acc.add(d);
    else acc = d;
  }
  return acc!;
}

describe('merging window histograms into one accumulator', () => {
  it('gives exactly the pairwise merge: same encoding, counts, percentiles, max and counts above thresholds', () => {
    for (const seed of [1, 7, 42]) {
      for (const n of [1, 2, 16, 48]) {
        const encoded = windows(n, seed);
        const old = mergeThePairwiseWay(encoded);
        const sum = new HistogramSum();
        for (const e of encoded) sum.add(e, 'x');
        const acc = sum.histogram();
        expect(acc.totalCount).toBe(old.totalCount);
        expect(latencyStats(acc)).toEqual(latencyStats(old));
        for (const t of [0.5, 10, 100, 5_000, 60_000]) expect(countAboveMs(acc, t)).toBe(countAboveMs(old, t));
        expect(encodeHistogram(acc)).toBe(encodeHistogram(old));
        expect(sum.encode()).toBe(encodeHistogram(old));
      }
    }
  });

  it('mergeSeriesSets of runner windows keeps the series totals and the pairwise histogram', () => {
    const encoded = windows(16, 5);
    const sets = encoded.map((histogram, i) => ({
      trends: [{ metric: 'http_req_duration', tags: { journey: 'browse', status: '2xx' }, count: i + 1, min: i, max: 10 * i, sum: 3 * i, histogram }],
      counters: [],
      rates: [],
      gauges: [],
    }));
    const [t] = mergeSeriesSets(sets).trends;
    expect(t!.count).toBe(136);
    expect(t!.max).toBe(150);
    expect(t!.histogram).toBe(encodeHistogram(mergeThePairwiseWay(encoded)));
  });

  it('adds open sums (a run total from its merged windows) exactly as adding their encodings', () => {
    for (const seed of [3, 11]) {
      const bySum = new HistogramSum();
      const byEncoding = new HistogramSum();
      for (let w = 0; w < 12; w++) {
        // Window sums of 1 to 7 runner histograms each, of very different ranges (sparse marks, far apart).
        const one = new HistogramSum();
        for (const e of windows(1 + (w % 7), seed + w)) one.add(e, 'x');
        bySum.addSum(one);
        byEncoding.add(one.encode(), 'x');
      }
      expect(latencyStats(bySum.histogram())).toEqual(latencyStats(byEncoding.histogram()));
      expect(bySum.encode()).toBe(byEncoding.encode());
    }
  });

  it('names what is wrong with corrupt counts: past the payload, beyond the trackable range, beyond the largest integer', () => {
    /** A V2 compressed encoding of these ZigZag tokens (LEB128), with an extra byte claimed when `truncate`. */
    const encoding = (tokens: bigint[], truncate = false): string => {
      const body: number[] = [];
      for (const t of tokens) {
        let z = t >= 0n ? t * 2n : -t * 2n - 1n;
        for (let i = 0; i < 8 && z >= 128n; i++, z >>= 7n) body.push(Number(z & 127n) | 128);
        body.push(Number(z & 255n));
      }
      if (truncate) body.push(0x80);
      const raw = Buffer.alloc(40 + body.length);
      raw.writeInt32BE(0x1c849303 | 0x10, 0);
      raw.writeInt32BE(body.length, 4);
      raw.writeInt32BE(1, 8);
      raw.writeInt32BE(3, 12);
      raw.writeBigInt64BE(1n, 16);
      raw.writeBigInt64BE(3_600_000_000n, 24);
      raw.writeBigInt64BE(1n, 32);
      Buffer.from(body).copy(raw, 40);
      const z = deflateSync(raw);
      const out = Buffer.alloc(8 + z.length);
      out.writeInt32BE(0x1c849304 | 0x10, 0);
      out.writeInt32BE(z.length, 4);
      z.copy(out, 8);
      return out.toString('base64');
    };
    const problem = (base64: string): string => {
      try {
        new HistogramSum().add(base64, 'w');
      } catch (err) {
        return (err as Error).message;
      }
      return 'none';
    };
    expect(problem(encoding([-1000n, 5n, 7n]))).toBe('none');
    expect(problem(encoding([-1000n, 5n], true))).toBe('w has a corrupt histogram (its counts run past the payload)');
    expect(problem(encoding([-(2n ** 40n), 1n]))).toBe('w has a corrupt histogram (counts beyond the largest trackable value)');
    expect(problem(encoding([-1000n, 2n ** 60n]))).toBe('w has a corrupt histogram (a count beyond the largest integer)');
  });

  it('still refuses a corrupt histogram with a user error', () => {
    expect(() => new HistogramSum().add('bm90IGEgaGlzdG9ncmFt', 'runner r1')).toThrow(UserError);
  });
});
