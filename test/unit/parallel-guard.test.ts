// perf loadtest --parallel: how a test is split over k6 runners, and the fast-burn guard that judges
// the runners' MERGED windows (the Go guard's rule, on windows).
import { describe, expect, it } from 'vitest';
import type { K6WindowLine } from '../../core/artifacts/k6-windows.js';
import { FastBurnGuard, GUARD_MIN_EVENTS } from '../../analyzers/slo/fast-burn.js';
import type { EvalSlo } from '../../analyzers/slo/model.js';
import { parallelPlan, parseParallel } from '../../k6-scripts/src/parallel/segments.js';

const DAY30 = 30 * 24 * 3_600_000;
const availability: EvalSlo = { name: 'availability', sli: 'availability', objective: 99, window: '30d', windowMs: DAY30 };

/** A 1 s window [i s, i+1 s) with `total` requests of which `bad` failed. */
function win(i: number, total: number, bad: number): K6WindowLine {
  return {
    type: 'window',
    index: i,
    startMs: i * 1000,
    endMs: (i + 1) * 1000,
    trends: [],
    counters: [{ metric: 'http_reqs', tags: {}, value: total }],
    rates: [{ metric: 'http_req_failed', tags: {}, trues: bad, total }],
    gauges: [],
  };
}

describe('parallel plan', () => {
  it('gives runner i the segment i/N:(i+1)/N under one sequence', () => {
    expect(parallelPlan(2)).toEqual({ n: 2, sequence: '0,1/2,1', slots: [{ runner: 'r0', segment: '0:1/2', share: 0.5 }, { runner: 'r1', segment: '1/2:1', share: 0.5 }] });
    const p3 = parallelPlan(3);
    expect(p3.sequence).toBe('0,1/3,2/3,1');
    expect(p3.slots.map((s) => s.segment)).toEqual(['0:1/3', '1/3:2/3', '2/3:1']);
  });

  it('refuses a runner count outside [2, min(16, 4 × CPUs)] with one message naming the limit', () => {
    expect(parseParallel('2', 2)).toBe(2);
    expect(parseParallel('8', 2)).toBe(8);
    expect(() => parseParallel('9', 2)).toThrow(/\[2, 8\]/);
    expect(() => parseParallel('1', 64)).toThrow(/\[2, 16\]/);
    expect(() => parseParallel('17', 64)).toThrow(/\[2, 16\]/);
    expect(() => parseParallel('two', 2)).toThrow(/--parallel "two"/);
    try {
      parseParallel('0', 2);
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe('fast-burn guard on merged windows', () => {
  // objective 99 % → allowed bad fraction 0.01; factor 14.4 → trips at a bad fraction ≥ 0.144 on both windows.
  const rule = { longWindowMs: 5000, shortWindowMs: 1000, factor: 14.4, minEvents: GUARD_MIN_EVENTS };

  it('trips when both windows burn fast and have enough events', () => {
    const g = new FastBurnGuard([availability], rule);
    // 1: 30 requests, 0 bad. 2: 30 requests, 15 bad → long 15/60 = 0.25 → 25x, short 15/30 = 0.5 → 50x.
    expect(g.observe(win(0, 30, 0))).toBeNull();
    const trip = g.observe(win(1, 30, 15));
    expect(trip).toMatchObject({ slo: 'availability', atMs: 2000, longBurnRate: 25, shortBurnRate: 50 });
    expect(trip?.reason).toMatch(/15 of 30 events bad in the short window/);
  });

  it('does not trip on a short window with fewer events than the minimum, however bad', () => {
    const g = new FastBurnGuard([availability], rule);
    // Each runner's own share: 10 requests a second, all bad — 10 < 20 events.
    expect(g.observe(win(0, 10, 10))).toBeNull();
    expect(g.observe(win(1, 10, 10))).toBeNull();
  });

  it('trips on the merged share that no single runner share could (10 + 10 bad requests a second)', () => {
    const g = new FastBurnGuard([availability], rule);
    // Two runners' windows merged: 20 events ≥ 20, all bad → 100x on both windows.
    expect(g.observe(win(0, 20, 20))).toMatchObject({ longBurnRate: 100, shortBurnRate: 100 });
  });

  it('forgets windows older than the long window', () => {
    const g = new FastBurnGuard([availability], rule);
    // A bad first second, then 6 clean seconds: at 7 s the long window (2..7 s) has 0 bad.
    expect(g.observe(win(0, 10, 10))).toBeNull();
    for (let i = 1; i < 7; i++) expect(g.observe(win(i, 30, 0))).toBeNull();
    // 8th second: 10 bad of 30 → short 0.33 (33x), long 10/180 = 0.056 (5.6x) < 14.4: no trip.
    expect(g.observe(win(7, 30, 10))).toBeNull();
  });
});
