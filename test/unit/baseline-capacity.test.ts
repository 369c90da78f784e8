import { describe, expect, it } from 'vitest';
import { capacityThresholdMs, DEFAULT_LATENCY_THRESHOLD_MS, fallbackRates, judgeStep, latencyBreaches, plannedRates, summarizeCapacity } from '../../analyzers/baseline/capacity.js';
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
    expect(summarizeCapacity(steps.slice(0, 2), 100).limitedBy).toBe('max-rate');
    expect(summarizeCapacity([{ ...steps[2]!, verdict: 'errors' }], 100).maxRps).toBe(0);
  });

  it('plans increasing distinct rates around the probe throughput', () => {
    const r = plannedRates(1000);
    expect(r[0]).toBe(250);
    expect(r).toEqual([...r].sort((a, b) => a - b));
    expect(new Set(plannedRates(2)).size).toBe(plannedRates(2).length);
  });
});
