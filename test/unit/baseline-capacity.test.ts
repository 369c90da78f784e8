import { describe, expect, it } from 'vitest';
import { capacityThresholdMs, DEFAULT_LATENCY_THRESHOLD_MS, judgeStep, plannedRates, summarizeCapacity } from '../../analyzers/baseline/capacity.js';
import type { CapacityStep } from '../../core/artifacts/schemas.js';
import type { Slo } from '../../core/config/types.js';

const slo = (over: Partial<Slo>): Slo => ({ name: 's', sli: 'latency', objective: 99, window: '30d', windowMs: 1, percentile: 'p95', thresholdMs: 100, ...over });

describe('capacity search criteria', () => {
  it('uses the tightest latency SLO threshold', () => {
    const t = capacityThresholdMs([slo({ name: 'a', thresholdMs: 300 }), slo({ name: 'b', thresholdMs: 50 }), slo({ name: 'c', sli: 'availability', thresholdMs: undefined })]);
    expect(t).toEqual({ thresholdMs: 50, fromSlo: 'b' });
  });

  it('falls back to a default threshold without a latency SLO', () => {
    expect(capacityThresholdMs([])).toEqual({ thresholdMs: DEFAULT_LATENCY_THRESHOLD_MS, fromSlo: null });
  });

  it('stops on errors above 1 %, then on p95 above the threshold, then when throughput stops rising', () => {
    expect(judgeStep({ rateRps: 100, achievedRps: 100, p95Ms: 500, errorRate: 0.02 }, undefined, 100)).toBe('errors');
    expect(judgeStep({ rateRps: 100, achievedRps: 100, p95Ms: 101, errorRate: 0.01 }, undefined, 100)).toBe('latency');
    expect(judgeStep({ rateRps: 100, achievedRps: 80, p95Ms: 10, errorRate: 0 }, undefined, 100)).toBe('plateau');
    const prev: CapacityStep = { rateRps: 100, achievedRps: 100, p95Ms: 5, errorRate: 0, verdict: 'ok' };
    expect(judgeStep({ rateRps: 110, achievedRps: 99.5, p95Ms: 10, errorRate: 0 }, prev, 100)).toBe('plateau');
    expect(judgeStep({ rateRps: 110, achievedRps: 109, p95Ms: 10, errorRate: 0 }, prev, 100)).toBe('ok');
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
