import { describe, expect, it } from 'vitest';
import {
  capacityThresholdMs,
  DEFAULT_LATENCY_THRESHOLD_MS,
  describeKnee,
  fallbackRates,
  generatorLagWarning,
  generatorSaturation,
  judgeStep,
  latencyBreaches,
  plannedRates,
  summarizeCapacity,
} from '../../analyzers/baseline/capacity.js';
import { fmtPercentileMs, minSamplesFor, supportsPercentile } from '../../analyzers/sample-size.js';
import { decodeHistogram, encodeHistogram, latencyStats, newHistogram, recordMs } from '../../analyzers/histogram.js';
import type { CapacityStep } from '../../core/artifacts/schemas.js';
import type { Slo } from '../../core/config/types.js';

const slo = (over: Partial<Slo>): Slo => ({ name: 's', sli: 'latency', objective: 99, window: '30d', windowMs: 1, percentile: 'p95', thresholdMs: 100, ...over }) as Slo;

describe('capacity search criteria', () => {
  it('uses the tightest latency SLO threshold', () => {
    const t = capacityThresholdMs([slo({ name: 'a', thresholdMs: 300 }), slo({ name: 'b', thresholdMs: 50 }), slo({ name: 'c', sli: 'availability', thresholdMs: undefined })]);
    expect(t).toEqual({ thresholdMs: 50, fromSlo: 'b' });
  });

  it('falls back to a default threshold without a latency SLO', () => {
    expect(capacityThresholdMs([])).toEqual({ thresholdMs: DEFAULT_LATENCY_THRESHOLD_MS, fromSlo: null });
  });

  it('stops on errors above 1 %, then on a breached latency SLO, then when throughput stops rising', () => {
    expect(judgeStep({ rateRps: 100, achievedRps: 100, p95Ms: 500, errorRate: 0.02 }, undefined, true)).toBe('errors');
    expect(judgeStep({ rateRps: 100, achievedRps: 100, p95Ms: 101, errorRate: 0.01 }, undefined, true)).toBe('latency');
    expect(judgeStep({ rateRps: 100, achievedRps: 80, p95Ms: 10, errorRate: 0 }, undefined, false)).toBe('plateau');
    const prev: CapacityStep = { rateRps: 100, achievedRps: 100, p95Ms: 5, errorRate: 0, verdict: 'ok' };
    expect(judgeStep({ rateRps: 110, achievedRps: 99.5, p95Ms: 10, errorRate: 0 }, prev, false)).toBe('plateau');
    expect(judgeStep({ rateRps: 110, achievedRps: 109, p95Ms: 10, errorRate: 0 }, prev, false)).toBe('ok');
    // A rise of the offered rate inside a short step's noise (2 %) does not judge "flat": 99.5 of 102 is ok.
    expect(judgeStep({ rateRps: 102, achievedRps: 99.5, p95Ms: 10, errorRate: 0 }, prev, false)).toBe('ok');
  });

  it('checks each latency SLO at its own percentile on its own journey', () => {
    const slos = [
      slo({ name: 'browse-p95', journey: 'browse', percentile: 'p95', thresholdMs: 50 }),
      slo({ name: 'checkout-p99', journey: 'checkout', percentile: 'p99', thresholdMs: 250 }),
      slo({ name: 'not-in-run', journey: 'search', thresholdMs: 1 }),
    ];
    const latency: Record<string, Record<number, number>> = { browse: { 95: 20 }, checkout: { 99: 300 } };
    const of = (j: string | undefined, p: number) => latency[j ?? '']?.[p] ?? Number.NaN;
    expect(latencyBreaches(slos, ['browse', 'checkout'], of)).toEqual(['checkout-p99']);
    latency.checkout![99] = 200;
    expect(latencyBreaches(slos, ['browse', 'checkout'], of)).toEqual([]);
  });

  it('looks below the first planned rate by halving when even that step fails', () => {
    expect(fallbackRates(40)).toEqual([20, 10, 5]);
    expect(fallbackRates(3)).toEqual([1]);
    expect(fallbackRates(1)).toEqual([]);
    const steps: CapacityStep[] = [
      { rateRps: 40, achievedRps: 40, p95Ms: 300, errorRate: 0, verdict: 'latency' },
      { rateRps: 20, achievedRps: 20, p95Ms: 40, errorRate: 0, verdict: 'ok' },
    ];
    expect(summarizeCapacity(steps, 50)).toMatchObject({ maxRps: 20, limitedBy: 'latency' });
  });

  it('records the knee as the last ok arrival rate and why it stopped', () => {
    const steps: CapacityStep[] = [
      { rateRps: 50, achievedRps: 50, p95Ms: 5, errorRate: 0, verdict: 'ok' },
      { rateRps: 100, achievedRps: 100, p95Ms: 9, errorRate: 0, verdict: 'ok' },
      { rateRps: 150, achievedRps: 140, p95Ms: 300, errorRate: 0, verdict: 'latency' },
    ];
    expect(summarizeCapacity(steps, 100)).toMatchObject({ maxRps: 100, limitedBy: 'latency', latencyThresholdMs: 100 });
    // Nothing failed: the knee is only a lower bound of the search range (or of --max-rate).
    expect(summarizeCapacity(steps.slice(0, 2), 100)).toMatchObject({ limitedBy: 'search-range', lowerBound: true });
    expect(summarizeCapacity(steps.slice(0, 2), 100, 100)).toMatchObject({ limitedBy: 'max-rate', lowerBound: true, maxRateRps: 100 });
    expect(summarizeCapacity([{ ...steps[2]!, verdict: 'errors' }], 100).maxRps).toBe(0);
  });

  it('plans increasing distinct rates around the probe throughput', () => {
    const r = plannedRates(1000);
    expect(r[0]).toBe(250);
    expect(r).toEqual([...r].sort((a, b) => a - b));
    expect(new Set(plannedRates(2)).size).toBe(plannedRates(2).length);
  });

  it('does not plan a rate just below --max-rate: the cap takes its place', () => {
    // 59 req/s probe, cap 60: 59 (1.0x) and 60 (1.15x capped) would differ by 1.7 %.
    expect(plannedRates(59, undefined, 60)).toEqual([15, 30, 41, 50, 60]);
    expect(plannedRates(1000, undefined, 300)).toEqual([250, 300]);
    expect(plannedRates(1000, undefined, 600)).toEqual([250, 500, 600]);
  });
});

const ok = (rateRps: number, over: Partial<CapacityStep> = {}): CapacityStep => ({ rateRps, achievedRps: rateRps, p95Ms: 5, errorRate: 0, verdict: 'ok', ...over });
const bad = (rateRps: number, verdict: CapacityStep['verdict'] = 'latency'): CapacityStep => ({ rateRps, achievedRps: rateRps, p95Ms: 500, errorRate: 0, verdict });
const idle = { cpuShare: 0.3, eventLoopDelayP99Ms: 1, sendLagMs: { p50: 0.1, p95: 0.4, p99: 1, max: 2, n: 500 }, backloggedShare: 0 };

describe('a knee that knows its limits', () => {
  it('needs a majority of trials: one lucky step above a failing repeat is not the knee', () => {
    // 120/s passed once in the search, then failed 2 of 2 repeats: the knee is 100/s (3 of 3).
    const steps = [ok(50), ok(100), ok(120), bad(140), ok(100), ok(100), bad(120), bad(120)];
    const c = summarizeCapacity(steps, 100);
    expect(c.maxRps).toBe(100);
    expect(c.limitedBy).toBe('latency');
    expect(c.confirmation).toBe('100/s passed 3 of 3 trials; 120/s failed 2 of 3 trials');
  });

  it('calls a step that failed while perf itself was saturated "generator", never the service\'s knee', () => {
    const m = { rateRps: 5000, achievedRps: 3000, p95Ms: 40, errorRate: 0 };
    expect(judgeStep(m, undefined, false, true)).toBe('generator');
    expect(judgeStep({ ...m, achievedRps: 5000 }, undefined, false, true)).toBe('ok');
    // Errors are the service's answer, whatever the generator did.
    expect(judgeStep({ ...m, errorRate: 1 }, undefined, false, true)).toBe('errors');
    // A generator-spoiled trial next to a real one does not count against the rate.
    expect(summarizeCapacity([ok(100), bad(200, 'generator'), ok(200), bad(300)], 100).maxRps).toBe(200);
    const c = summarizeCapacity([ok(2000), ok(3000), bad(5000, 'generator')], 100);
    expect(c).toMatchObject({ maxRps: 3000, limitedBy: 'generator', lowerBound: true });
    expect(describeKnee(c)).toMatch(/^at least 3000 req\/s — limited by the load generator/);
    expect(describeKnee(summarizeCapacity([ok(1000), ok(2000)], 100, 2000))).toMatch(/limited by --max-rate 2000 req\/s, not a knee of the service/);
    expect(describeKnee(summarizeCapacity([ok(100), bad(150)], 100))).toBe("100 req/s (the service's knee: above it, latency)");
  });

  it('reads the generator as saturated from its CPU or its late sends (a fifth of the threshold)', () => {
    expect(generatorSaturation(idle, 100)).toBeNull();
    expect(generatorSaturation({ ...idle, cpuShare: 0.97 }, 100)).toMatch(/97 % of a CPU core/);
    expect(generatorSaturation({ ...idle, eventLoopDelayP99Ms: 30 }, 100)).toBeNull();
    expect(generatorSaturation({ ...idle, sendLagMs: { ...idle.sendLagMs, p95: 12 } }, 100)).toBeNull();
    expect(generatorSaturation({ ...idle, sendLagMs: { ...idle.sendLagMs, p95: 25 } }, 100)).toMatch(/25 ms late at p95 \(> 20 ms\)/);
  });

  it('warns when the generator\'s send lag is a real part of the corrected p95', () => {
    expect(generatorLagWarning(idle, 10)).toBeNull();
    // +4 ms of send lag in a 12 ms corrected p95: a third of it is perf's own.
    expect(generatorLagWarning({ ...idle, sendLagMs: { ...idle.sendLagMs, p95: 4 } }, 12)).toMatch(/send lag is 4 ms at p95 \(n = 500\), 33 % of the corrected p95 12 ms/);
    expect(generatorLagWarning({ ...idle, sendLagMs: { ...idle.sendLagMs, p95: 4 } }, 200)).toBeNull();
  });

  it('caps the planned rates at --max-rate', () => {
    expect(plannedRates(12_700, undefined, 2000)).toEqual([2000]);
    expect(plannedRates(2000, undefined, 2000)).toEqual([500, 1000, 1400, 1700, 2000]);
  });
});

describe('the sample-size rule', () => {
  it('needs 1 / (1 − q) samples: p50 2, p90 10, p95 20, p99 100, p99.9 1,000', () => {
    expect([50, 90, 95, 99, 99.9].map(minSamplesFor)).toEqual([2, 10, 20, 100, 1000]);
    expect(supportsPercentile(12, 95)).toBe(false);
    expect(supportsPercentile(100, 99)).toBe(true);
    expect(fmtPercentileMs(147, 12, 99)).toBe('n/a (n = 12)');
    expect(fmtPercentileMs(3.3, 2000, 99)).toBe('3.3 ms');
  });

  it('never puts a percentile above the maximum (HDR buckets round up)', () => {
    const h = newHistogram();
    for (let i = 0; i < 200; i++) recordMs(h, 100 + i * 0.001);
    recordMs(h, 387.262);
    // p99.9 of 201 samples lands in the max's bucket, whose upper edge (387.327) is above the max.
    const s = latencyStats(h);
    expect(s.max).toBe(387.262);
    expect(s.p999).toBe(387.262);
    expect(s.p50).toBeGreaterThanOrEqual(s.min);
    // Read back from an encoding (a k6 result), the max is known to its bucket: never below p99.
    const k6 = newHistogram();
    for (let i = 0; i < 12; i++) recordMs(k6, 140 + i * 0.6);
    const d = latencyStats(decodeHistogram(encodeHistogram(k6)));
    expect(d.p99).toBeLessThanOrEqual(d.max);
  });
});
