import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Histogram, decodeHistogram, latencyStats, mergeHistograms, percentileMs } from '../../analyzers/histogram.js';

/**
 * Cross-language contract of perf.k6-windows/v1: histograms encoded by the Go k6 output
 * (hdrhistogram-go, xk6/crosslang_test.go writes the fixture) decode in TypeScript to the same
 * percentiles, and those are within HDR precision (0.1 %) of the raw samples.
 */
interface CrossCase {
  name: string;
  sampleCount: number;
  histogram: string;
  minUs: number;
  maxUs: number;
  percentilesUs: Record<string, number>;
  exactMs: Record<string, number>;
}

const highestEquivalent = (h: Histogram, v: number): number =>
  (h as unknown as { highestEquivalentValue(v: number): number }).highestEquivalentValue(v);

const fixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/k6/hdr-crosslang.json', import.meta.url)), 'utf8'),
) as { cases: CrossCase[] };

describe('HDR histograms encoded by the Go k6 extension', () => {
  it('the fixture covers several distributions', () => {
    expect(fixture.cases.map((c) => c.name).sort()).toEqual([
      'bimodal-submillisecond-and-stalls',
      'lognormal-long-tail',
      'single-sample',
      'uniform-1-100ms',
    ]);
  });

  for (const c of fixture.cases) {
    describe(c.name, () => {
      const h = decodeHistogram(c.histogram);

      it('decode to the same sample count, min and max', () => {
        expect(h.totalCount).toBe(c.sampleCount);
        expect(h.minNonZeroValue).toBe(c.minUs);
        // Go reports the highest value equivalent to the max; the decoded histogram knows its bucket.
        expect(highestEquivalent(h, h.maxValue)).toBe(c.maxUs);
      });

      it('give exactly the percentiles Go computed', () => {
        for (const [p, us] of Object.entries(c.percentilesUs)) {
          if (Number(p) === 0) continue; // p0 is the min, checked above
          expect({ p, us: h.getValueAtPercentile(Number(p)) }).toEqual({ p, us });
        }
      });

      it('are within HDR precision (0.1 %) of the raw samples', () => {
        for (const p of ['50', '90', '95', '99', '99.9']) {
          const exact = c.exactMs[p]!;
          expect(Math.abs(percentileMs(h, Number(p)) - exact)).toBeLessThanOrEqual(Math.max(0.001, exact * 0.001));
        }
        const stats = latencyStats(h);
        expect(stats.p99).toBeCloseTo(c.percentilesUs['99']! / 1000, 3);
      });
    });
  }

  it('merge losslessly across windows, as slo-check merges windows and runners', () => {
    const hs = fixture.cases.map((c) => decodeHistogram(c.histogram));
    const merged = mergeHistograms(hs);
    expect(merged.totalCount).toBe(fixture.cases.reduce((n, c) => n + c.sampleCount, 0));
    expect(highestEquivalent(merged, merged.maxValue)).toBe(Math.max(...fixture.cases.map((c) => c.maxUs)));
  });
});
