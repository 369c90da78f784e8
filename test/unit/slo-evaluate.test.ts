import { describe, expect, it } from 'vitest';
import { burnRateAlerts, type WindowEvents } from '../../analyzers/slo/alerts.js';
import { dec } from '../../analyzers/slo/decimal.js';
import { allowedBadFraction } from '../../analyzers/slo/error-budget.js';
import { evaluateSlos } from '../../analyzers/slo/evaluate.js';
import { fromConfigSlo, type Aggregate, type EvalSlo, type SloInput } from '../../analyzers/slo/model.js';
import type { Slo } from '../../core/config/types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A hand-made input: fixed counts, optional slow count and percentiles. */
function input(o: { total: number; failed: number | null; slow?: number | null; pct?: Record<number, number>; durationMs: number; format?: string }): SloInput {
  const agg: Aggregate = {
    total: o.total,
    failed: o.failed,
    failedSource: 'http_req_failed',
    slowerThan: () => (o.slow === undefined ? 0 : o.slow),
    percentile: (p) => o.pct?.[p] ?? null,
  };
  return {
    format: o.format ?? 'test',
    file: 'vector',
    durationMs: o.durationMs,
    percentiles: o.pct ? Object.keys(o.pct).map(Number) : 'exact',
    aggregate: () => agg,
    windows: null,
    journeys: [],
    warnings: [],
    limits: [],
  };
}

const slo = (s: Partial<EvalSlo> & Pick<EvalSlo, 'sli' | 'objective'>): EvalSlo => ({ name: 'x', window: '30d', windowMs: 30 * DAY, ...s });

describe('decimal-safe arithmetic', () => {
  it('prints 1 − objective as a human would write it', () => {
    expect(JSON.stringify(allowedBadFraction(99.9))).toBe('0.001');
    expect(JSON.stringify(allowedBadFraction(99.99))).toBe('0.0001');
    expect(JSON.stringify(allowedBadFraction(99.95))).toBe('0.0005');
    expect(JSON.stringify(allowedBadFraction(95))).toBe('0.05');
    expect(JSON.stringify(allowedBadFraction(99.999))).toBe('0.00001');
    expect(JSON.stringify(allowedBadFraction(100))).toBe('0');
    expect(dec(1 - 0.999)).toBe(0.001);
    expect(dec(0.1 + 0.2)).toBe(0.3);
  });
});

describe('SLO test vectors (hand-computed error budget and burn rate)', () => {
  it('1: availability 99.9 % over 30 d, 50 of 100 000 failed in a 1 h run', () => {
    const r = evaluateSlos([slo({ sli: 'availability', objective: 99.9 })], input({ total: 100_000, failed: 50, durationMs: HOUR })).slos[0]!;
    // badFraction = 50/100000 = 0.0005; burn = 0.0005/0.001 = 0.5; consumed = 0.5 × (1 h / 720 h) × 100 = 0.069444…%
    expect(r.errorBudget).toEqual({ allowedBadFraction: 0.001, badFraction: 0.0005, consumedPct: 0.0694444444444, remainingPct: 99.9305555556 });
    expect(r.burnRate).toBe(0.5);
    expect(r.actual).toBe(99.95);
    expect(r.target).toBe(99.9);
    expect(r.status).toBe('PASS');
    expect(r.events).toEqual({ total: 100_000, bad: 50 });
  });

  it('2: availability exactly on budget (burn rate 1) is met but PARTIAL', () => {
    const r = evaluateSlos([slo({ sli: 'availability', objective: 99.9 })], input({ total: 10_000, failed: 10, durationMs: HOUR })).slos[0]!;
    expect(r.errorBudget.badFraction).toBe(0.001);
    expect(r.burnRate).toBe(1);
    // 1 × (1/720) × 100
    expect(r.errorBudget.consumedPct).toBe(0.138888888889);
    expect(r.status).toBe('PARTIAL');
  });

  it('3: error-rate 95 % over 7 d, 150 of 2000 failed in a 7 d run overspends the budget by half', () => {
    const r = evaluateSlos([slo({ sli: 'error-rate', objective: 95, window: '7d', windowMs: 7 * DAY })], input({ total: 2000, failed: 150, durationMs: 7 * DAY })).slos[0]!;
    // badFraction 0.075, allowed 0.05, burn 1.5, consumed 1.5 × 1 × 100 = 150 %
    expect(r.errorBudget).toEqual({ allowedBadFraction: 0.05, badFraction: 0.075, consumedPct: 150, remainingPct: -50 });
    expect(r.burnRate).toBe(1.5);
    expect(r.actual).toBe(7.5);
    expect(r.target).toBe(5);
    expect(r.status).toBe('FAIL');
  });

  it('4: latency p95 ≤ 300 ms at 99 %, 2 failed + 5 slow of 1000 in a 1 d run of a 28 d window', () => {
    const r = evaluateSlos(
      [slo({ sli: 'latency', objective: 99, percentile: 95, thresholdMs: 300, window: '28d', windowMs: 28 * DAY })],
      input({ total: 1000, failed: 2, slow: 5, pct: { 95: 250 }, durationMs: DAY }),
    ).slos[0]!;
    // bad = 7, badFraction 0.007, allowed 0.01, burn 0.7, consumed 0.7 × (1/28) × 100 = 2.5 %
    expect(r.errorBudget).toEqual({ allowedBadFraction: 0.01, badFraction: 0.007, consumedPct: 2.5, remainingPct: 97.5 });
    expect(r.burnRate).toBe(0.7);
    expect(r.actual).toBe(250);
    expect(r.status).toBe('PASS');
  });

  it('5: latency within its threshold but with an overspent budget FAILS (either check fails the SLO)', () => {
    const r = evaluateSlos(
      [slo({ sli: 'latency', objective: 99.5, percentile: 99, thresholdMs: 100 })],
      input({ total: 4000, failed: 0, slow: 30, pct: { 99: 95 }, durationMs: 10 * 60_000 }),
    ).slos[0]!;
    // badFraction 30/4000 = 0.0075, allowed 0.005, burn 1.5; consumed 1.5 × (10 min / 30 d) × 100 = 0.0347222…%
    expect(r.errorBudget).toEqual({ allowedBadFraction: 0.005, badFraction: 0.0075, consumedPct: 0.0347222222222, remainingPct: 99.9652777778 });
    expect(r.burnRate).toBe(1.5);
    expect(r.status).toBe('FAIL');
    expect(r.note).toMatch(/within 100 ms but the error budget is overspent/);
  });

  it('says the burn rate of an overspent budget as the rest of the verdict does (rounded, not 12 digits)', () => {
    const r = evaluateSlos(
      [slo({ sli: 'latency', objective: 99, percentile: 99, thresholdMs: 100 })],
      input({ total: 3000, failed: 0, slow: 502, pct: { 99: 95 }, durationMs: 10 * 60_000 }),
    ).slos[0]!;
    // 502/3000 = 0.16733…, allowed 0.01: burn rate 16.7333333333
    expect(r.burnRate).toBe(16.7333333333);
    expect(r.note).toMatch(/the error budget is overspent \(burn rate 16\.7\)/);
  });

  it('6: latency above 90 % of its threshold is PARTIAL, above the threshold FAIL', () => {
    const mk = (p95: number) =>
      evaluateSlos([slo({ sli: 'latency', objective: 99, percentile: 95, thresholdMs: 300 })], input({ total: 1000, failed: 0, slow: 0, pct: { 95: p95 }, durationMs: HOUR })).slos[0]!.status;
    expect(mk(270)).toBe('PASS');
    expect(mk(280)).toBe('PARTIAL');
    expect(mk(300)).toBe('PARTIAL');
    expect(mk(300.5)).toBe('FAIL');
    // the margin is configurable
    expect(
      evaluateSlos([slo({ sli: 'latency', objective: 99, percentile: 95, thresholdMs: 300 })], input({ total: 1000, failed: 0, slow: 0, pct: { 95: 280 }, durationMs: HOUR }), { warnMargin: 0 })
        .slos[0]!.status,
    ).toBe('PASS');
  });

  it('7: failed + slow never counts more bad events than requests', () => {
    const r = evaluateSlos([slo({ sli: 'latency', objective: 90, percentile: 50, thresholdMs: 10 })], input({ total: 100, failed: 80, slow: 60, pct: { 50: 50 }, durationMs: HOUR })).slos[0]!;
    expect(r.events).toEqual({ total: 100, bad: 100 });
    expect(r.errorBudget.badFraction).toBe(1);
    expect(r.burnRate).toBe(10);
  });

  it('the overall status is the worst SLO status', () => {
    const inp = input({ total: 10_000, failed: 10, durationMs: HOUR });
    const res = evaluateSlos([slo({ sli: 'availability', objective: 99 }), slo({ sli: 'availability', objective: 99.9 })], inp);
    expect(res.slos.map((s) => s.status)).toEqual(['PASS', 'PARTIAL']);
    expect(res.status).toBe('PARTIAL');
    expect(evaluateSlos([slo({ sli: 'availability', objective: 99 }), slo({ sli: 'availability', objective: 99.99 })], inp).status).toBe('FAIL');
  });

  it('a percentile a summary does not carry is not invented: FAIL with the reason', () => {
    const r = evaluateSlos(
      [slo({ sli: 'latency', objective: 99, percentile: 99, thresholdMs: 300 })],
      input({ total: 100, failed: 0, slow: null, pct: { 90: 20, 95: 30 }, durationMs: HOUR, format: 'k6-summary-export' }),
    ).slos[0]!;
    expect(r.actual).toBeNull();
    expect(r.status).toBe('FAIL');
    expect(r.note).toMatch(/p99 cannot be judged from k6-summary-export: it only carries p90, p95/);
    expect(r.note).toMatch(/counts failures only \(a lower bound\)/);
  });

  it('no requests for a journey FAIL with a note naming the journeys present', () => {
    const inp = { ...input({ total: 10, failed: 0, durationMs: HOUR }), aggregate: () => null, journeys: ['browse', 'buy'] };
    const r = evaluateSlos([slo({ sli: 'availability', objective: 99, journey: 'chekout' })], inp).slos[0]!;
    expect(r.status).toBe('FAIL');
    expect(r.note).toMatch(/no requests of journey "chekout".*browse, buy/);
  });

  it('config SLOs map percentiles by name', () => {
    const e = fromConfigSlo({ name: 'a', sli: 'latency', objective: 99, window: '30d', windowMs: 30 * DAY, percentile: 'p99.9', thresholdMs: 5 });
    expect(e.percentile).toBe(99.9);
    expect(fromConfigSlo({ name: 'b', sli: 'latency', objective: 99, window: '30d', windowMs: 30 * DAY, thresholdMs: 5 } as Slo).percentile).toBe(95);
  });
});

describe('multi-window burn-rate alerts (SRE workbook)', () => {
  it('scales the windows to the SLO window', () => {
    const a30 = burnRateAlerts({ sloWindowMs: 30 * DAY, allowedBadFraction: 0.001, windows: null, run: { total: 1000, bad: 0, durationMs: 4 * DAY } });
    expect(a30.map((a) => [a.severity, a.factor, a.longWindow, a.shortWindow])).toEqual([
      ['page', 14.4, '1h', '5m'],
      ['page', 6, '6h', '30m'],
      ['ticket', 3, '24h', '2h'],
      ['ticket', 1, '72h', '6h'],
    ]);
    const a7 = burnRateAlerts({ sloWindowMs: 7 * DAY, allowedBadFraction: 0.001, windows: null, run: { total: 1000, bad: 0, durationMs: 4 * DAY } });
    expect([a7[0]!.longWindow, a7[0]!.shortWindow]).toEqual(['14m', '1m10s']);
  });

  const minuteWindows = (badPerWindow: (i: number) => number, n = 120): WindowEvents[] =>
    Array.from({ length: n }, (_, i) => ({ startMs: i * 60_000, endMs: (i + 1) * 60_000, total: 1000, bad: badPerWindow(i) }));

  it('pages when both the 1 h and the 5 m window burn ≥ 14.4× at the same moment', () => {
    // last 60 minutes at 1.5 % bad = burn 15 against a 0.1 % budget
    const ws = minuteWindows((i) => (i >= 60 ? 15 : 0));
    const [page] = burnRateAlerts({ sloWindowMs: 30 * DAY, allowedBadFraction: 0.001, windows: ws, run: { total: 120_000, bad: 900, durationMs: 2 * HOUR } });
    expect(page!.firing).toBe(true);
    expect(page!.longBurnRate).toBe(15);
    expect(page!.shortBurnRate).toBe(15);
  });

  it('does not page on a short spike the long window does not confirm', () => {
    // 5 bad minutes at burn 20 at the end: short burns 20, long (60 min) only 20 × 5/60 = 1.6667
    const ws = minuteWindows((i) => (i >= 115 ? 20 : 0));
    const [page] = burnRateAlerts({ sloWindowMs: 30 * DAY, allowedBadFraction: 0.001, windows: ws, run: { total: 120_000, bad: 100, durationMs: 2 * HOUR } });
    expect(page!.firing).toBe(false);
    expect(page!.shortBurnRate).toBe(20);
    expect(page!.longBurnRate).toBe(1.66666666667);
  });

  it('says so when the run is shorter than the windows', () => {
    const ws = minuteWindows(() => 50, 10);
    const alerts = burnRateAlerts({ sloWindowMs: 30 * DAY, allowedBadFraction: 0.001, windows: ws, run: { total: 10_000, bad: 500, durationMs: 10 * 60_000 } });
    expect(alerts[0]!.firing).toBe(true);
    expect(alerts[0]!.note).toMatch(/shorter than the 1h long window: the long window is the whole run/);
    expect(alerts[1]!.longBurnRate).toBeNull();
    expect(alerts[1]!.note).toMatch(/shorter than the 30m short window: cannot be judged/);
  });
});

describe('count above a latency threshold', () => {
  it('counts every value whose HDR bucket starts above the threshold, on recorded and decoded histograms', async () => {
    const { countAboveEncodedMs, countAboveMs, decodeHistogram, newHistogram, recordMs, encodeHistogram } = await import('../../analyzers/histogram.js');
    const h = newHistogram();
    const values: number[] = [];
    let x = 1;
    for (let i = 0; i < 5000; i++) {
      x = (x * 48271) % 2147483647;
      const ms = 0.05 + (x % 100000) / 97 + (i % 50 === 0 ? 3000 : 0);
      values.push(Math.max(1, Math.round(ms * 1000)));
      recordMs(h, ms);
    }
    // The oracle: a value is above when the lowest value its bucket holds is above the threshold.
    const lowest = (us: number): number => (h as unknown as { lowestEquivalentValue(v: number): number }).lowestEquivalentValue(us);
    const oracle = (t: number): number => values.filter((us) => lowest(us) > Math.floor(t * 1000)).length;
    const d = decodeHistogram(encodeHistogram(h), 'test', { resizable: false });
    for (const t of [0, 0.001, 0.5, 1, 10, 99.99, 100, 250, 512.3, 1030, 2999, 3001, 4000, 1e6]) {
      expect(countAboveMs(h, t), `threshold ${t}`).toBe(oracle(t));
      expect(countAboveMs(d, t), `decoded, threshold ${t}`).toBe(oracle(t));
      expect(countAboveEncodedMs(encodeHistogram(h), t), `from the encoding, threshold ${t}`).toBe(oracle(t));
    }
  });

  it('counted from the encoding: another layout is decoded as before, a corrupt payload is an input error naming it', async () => {
    const hdr = await import('hdr-histogram-js');
    const { countAboveEncodedMs, countAboveMs, decodeHistogram } = await import('../../analyzers/histogram.js');
    const { UserError } = await import('../../core/errors.js');
    const two = hdr.build({ numberOfSignificantValueDigits: 2, bitBucketSize: 32 });
    for (let i = 1; i <= 400; i++) two.recordValue(i * 997);
    const enc = hdr.encodeIntoCompressedBase64(two);
    for (const t of [0, 50, 200, 399]) expect(countAboveEncodedMs(enc, t)).toBe(countAboveMs(decodeHistogram(enc), t));
    const bad = () => countAboveEncodedMs('HISTFAAAAAh42gEAAP//AAAAAQ==', 10, 'windows[3]');
    expect(bad).toThrow(UserError);
    expect(bad).toThrow(/windows\[3\] has a corrupt histogram/);
  });
});
