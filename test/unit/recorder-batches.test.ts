import { describe, expect, it } from 'vitest';
import { COMPARE_BATCHES } from '../../analyzers/compare/batches.js';
import { LatencyRecorder } from '../../capture/load/recorder.js';

describe('the measured period in time batches (the unit of perf compare)', () => {
  it('keeps each batch its own requests, errors, median and p95, and merges journeys batch by batch', () => {
    const a = new LatencyRecorder('a');
    const b = new LatencyRecorder('b');
    // Batch 0 fast, batch 9 slow; 30 requests each so the p95 is supported (n ≥ 20).
    for (let i = 0; i < 30; i++) {
      a.recordResponse(200, true, 2, 2, 0.5);
      a.recordResponse(200, true, 50, 50, 9.2);
      b.recordResponse(500, false, 4, 4, 0);
    }
    a.recordFailure(3);
    const fa = a.figures(10_000, true);
    expect(fa.batches!.ms).toBe(1000);
    expect(fa.batches!.series).toHaveLength(COMPARE_BATCHES);
    expect(fa.batches!.series[0]).toMatchObject({ requests: 30, errors: 0 });
    expect(fa.batches!.series[0]!.p50Ms).toBeCloseTo(2, 1);
    expect(fa.batches!.series[9]!.p95Ms).toBeCloseTo(50, 0);
    // A batch with one unanswered request: counted, no latency figures.
    expect(fa.batches!.series[3]).toEqual({ requests: 1, errors: 1, p50Ms: null, p95Ms: null });
    const overall = new LatencyRecorder('overall').add(a).add(b);
    const fo = overall.figures(10_000, true);
    expect(fo.batches!.series[0]).toMatchObject({ requests: 60, errors: 30 });
  });

  it('writes no batches when the caller recorded none (the figures stay as they were)', () => {
    const r = new LatencyRecorder('x');
    r.recordResponse(200, true, 3, undefined);
    expect(r.figures(1000, false).batches).toBeUndefined();
  });
});
