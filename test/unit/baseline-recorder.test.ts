import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHistogram, latencyStats, HDR_PRECISION } from '../../analyzers/histogram.js';
import { LatencyRecorder } from '../../capture/load/recorder.js';

/** Nearest-rank percentile of an exact sort (what HdrHistogram approximates). */
function exactPercentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

describe('latency recorder', () => {
  it('agrees with an exact sort of the same samples within HDR precision (0.1 %)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.05, max: 5000, noNaN: true }), { minLength: 1, maxLength: 400 }), (samples) => {
        const r = new LatencyRecorder('j');
        for (const s of samples) r.recordResponse(200, true, s);
        const sorted = samples.map((s) => Math.max(1, Math.round(s * 1000)) / 1000).sort((a, b) => a - b);
        const stats = r.figures(1000, false).latencyMs;
        for (const [p, key] of [[50, 'p50'], [90, 'p90'], [95, 'p95'], [99, 'p99'], [99.9, 'p999']] as const) {
          const exact = exactPercentile(sorted, p);
          // 0.1 % relative, plus the 0.0005 ms rounding of the reported value.
          expect(Math.abs(stats[key] - exact)).toBeLessThanOrEqual(exact * HDR_PRECISION + 0.0005);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('counts errors and status codes, with "0" for requests that got no answer', () => {
    const r = new LatencyRecorder('checkout');
    r.recordResponse(200, true, 5);
    r.recordResponse(500, false, 7);
    r.recordFailure();
    const f = r.figures(2000, false);
    expect(f).toMatchObject({ name: 'checkout', requests: 3, errors: 2, statusCodes: { '200': 1, '500': 1, '0': 1 }, throughputRps: 1.5 });
    expect(f.errorRate).toBeCloseTo(2 / 3);
  });

  it('reports the corrected view as latencyMs and the service time beside it under the open model', () => {
    const r = new LatencyRecorder('j');
    r.recordResponse(200, true, 2, 900);
    const open = r.figures(1000, true);
    expect(open.latencyMs.p50).toBeCloseTo(900, 0);
    expect(open.latencyMsUncorrected?.p50).toBeCloseTo(2, 2);
    expect(latencyStats(decodeHistogram(open.histogramUncorrected!)).p50).toBeCloseTo(2, 2);
    const closed = r.figures(1000, false);
    expect(closed.latencyMsUncorrected).toBeUndefined();
    expect(closed.latencyMs.p50).toBeCloseTo(2, 2);
  });
});
