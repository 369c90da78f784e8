import { describe, expect, it } from 'vitest';
import { buildLoadProfile, QUICK_BUDGET_MS, targetAt } from '../../profiles/index.js';
import { UserError } from '../../core/errors.js';
import type { ScenarioName } from '../../core/config/types.js';

const noOverrides = { scenarios: {} };
const peakOf = (s: ScenarioName, capacityRps: number): number => buildLoadProfile(s, { config: noOverrides, capacityRps }).peak;

describe('load profiles from the baseline capacity', () => {
  it('baseline ramps to about half of capacity, holds, and ramps down to zero', () => {
    const p = buildLoadProfile('baseline', { config: noOverrides, capacityRps: 200 });
    expect(p.peak).toBe(100);
    // warm-up at a quarter of the peak (excluded from results), then ramp, hold, ramp down.
    expect(p.stages.map((s) => s.target)).toEqual([25, 100, 100, 0]);
    expect(p.model).toBe('arrival-rate');
    expect(p.rateSource).toBe('capacity');
  });

  it('stress climbs a staircase to 200 % of capacity', () => {
    const p = buildLoadProfile('stress', { config: noOverrides, capacityRps: 100 });
    const holds = p.stages.filter((s) => s.label.startsWith('hold')).map((s) => s.target);
    expect(holds).toEqual([50, 100, 150, 200]);
    expect(p.stages.at(-1)?.target).toBe(0);
  });

  it('spike jumps to 300 % for one minute and then watches the recovery', () => {
    const p = buildLoadProfile('spike', { config: noOverrides, capacityRps: 100 });
    const spike = p.stages.find((s) => s.label === 'spike')!;
    expect(spike.target).toBe(300);
    expect(spike.durationMs).toBe(60_000);
    expect(p.stages.at(-1)?.label).toBe('recovery');
    // 10 s warm-up + 30 s base load, then 5 s jump + 60 s spike.
    expect(p.spike).toEqual({ startMs: 40_000, endMs: 105_000 });
  });

  it('soak holds about 80 % of capacity for an hour by default, and as long as asked', () => {
    expect(peakOf('soak', 100)).toBe(80);
    expect(buildLoadProfile('soak', { config: noOverrides, capacityRps: 100 }).stages[2]?.durationMs).toBe(3_600_000);
    expect(buildLoadProfile('soak', { config: noOverrides, capacityRps: 100, durationMs: 4 * 3_600_000 }).stages[2]?.durationMs).toBe(4 * 3_600_000);
  });

  it('breakpoint is one climbing stage whose thresholds abort the test', () => {
    const p = buildLoadProfile('breakpoint', { config: noOverrides, capacityRps: 100 });
    expect(p.stages.filter((s) => !s.warmup)).toHaveLength(1);
    expect(p.abortOnThresholds).toBe(true);
    expect(p.peak).toBeGreaterThan(100);
  });
});

describe('overrides and missing rates', () => {
  it('a configured rate wins over capacity, and --rate wins over both', () => {
    const config = { scenarios: { baseline: { rate: 40 } } };
    expect(buildLoadProfile('baseline', { config, capacityRps: 1000 }).peak).toBe(40);
    expect(buildLoadProfile('baseline', { config, capacityRps: 1000, rate: 7 }).peak).toBe(7);
  });

  it('a capacityFactor in the config changes the share of capacity', () => {
    expect(buildLoadProfile('soak', { config: { scenarios: { soak: { capacityFactor: 0.5 } } }, capacityRps: 100 }).peak).toBe(50);
  });

  it('without a baseline and without a rate it refuses to guess', () => {
    expect(() => buildLoadProfile('stress', { config: noOverrides, capacityRps: null })).toThrow(UserError);
    expect(() => buildLoadProfile('stress', { config: noOverrides, capacityRps: null })).toThrow(/no request rate for scenario "stress"/);
  });

  it('the closed model needs vus and uses them as the peak', () => {
    expect(() => buildLoadProfile('baseline', { config: { scenarios: { baseline: { executor: 'vus' } } }, capacityRps: 100 })).toThrow(/sets no vus/);
    const p = buildLoadProfile('baseline', { config: { scenarios: { baseline: { executor: 'vus', vus: 12 } } }, capacityRps: null });
    expect(p.model).toBe('vus');
    expect(p.peak).toBe(12);
  });

  it('--quick scales every duration to the budget and keeps rates and the shape', () => {
    for (const s of ['baseline', 'stress', 'spike', 'soak', 'breakpoint'] as const) {
      const full = buildLoadProfile(s, { config: noOverrides, capacityRps: 100 });
      const quick = buildLoadProfile(s, { config: noOverrides, capacityRps: 100, quick: true });
      expect(quick.totalMs).toBeLessThanOrEqual(QUICK_BUDGET_MS + quick.stages.length * 1000);
      expect(quick.totalMs).toBeLessThan(120_000);
      expect(quick.stages.map((x) => x.target)).toEqual(full.stages.map((x) => x.target));
      expect(quick.stages.map((x) => x.label)).toEqual(full.stages.map((x) => x.label));
    }
  });
});

describe('targetAt', () => {
  it('interpolates ramps linearly and holds between them', () => {
    const p = { startTarget: 0, stages: [{ durationMs: 10_000, target: 100, label: 'up' }, { durationMs: 10_000, target: 100, label: 'hold' }] };
    expect(targetAt(p, 5_000)).toBe(50);
    expect(targetAt(p, 15_000)).toBe(100);
    expect(targetAt(p, 99_000)).toBe(100);
  });
});

describe('warm-up before every k6 scenario', () => {
  it('every scenario starts with a warm-up stage that the results exclude, 10 s by default', () => {
    for (const s of ['baseline', 'stress', 'spike', 'soak', 'breakpoint'] as const) {
      const p = buildLoadProfile(s, { config: noOverrides, capacityRps: 100 });
      expect(p.stages[0]?.warmup).toBe(true);
      expect(p.warmupMs).toBe(10_000);
      expect(p.stages.filter((x) => x.warmup)).toHaveLength(1);
      expect(p.notes.some((n) => n.startsWith('warm-up: 10s'))).toBe(true);
    }
  });

  it('--warmup wins over warmup: in the config, and 0 turns it off', () => {
    const config = { scenarios: {}, warmupMs: 20_000 };
    expect(buildLoadProfile('stress', { config, capacityRps: 100 }).warmupMs).toBe(20_000);
    expect(buildLoadProfile('stress', { config, capacityRps: 100, warmupMs: 4000 }).stages[0]?.durationMs).toBe(4000);
    const off = buildLoadProfile('stress', { config, capacityRps: 100, warmupMs: 0 });
    expect(off.warmupMs).toBe(0);
    expect(off.stages.some((x) => x.warmup)).toBe(false);
  });

  it('stress warms up at its first level and spike at its base load, so the warmed state is the reference', () => {
    const stress = buildLoadProfile('stress', { config: noOverrides, capacityRps: 100 });
    expect(stress.stages[0]?.target).toBe(50);
    const spike = buildLoadProfile('spike', { config: noOverrides, capacityRps: 100 });
    expect(spike.stages[0]?.target).toBe(50);
    expect(spike.stages[1]?.label).toBe('base load');
  });

  it('--quick keeps the warm-up inside the budget', () => {
    const p = buildLoadProfile('soak', { config: noOverrides, capacityRps: 100, quick: true });
    expect(p.warmupMs).toBe(3000);
    expect(p.totalMs).toBeLessThanOrEqual(QUICK_BUDGET_MS + 3000);
  });
});

describe("breakpoint's abort waits for the warm-up and for enough samples", () => {
  it('delays abortOnFail past the warm-up until 5 × the p99 minimum (500 requests) have been sent', () => {
    const config = { scenarios: {}, slos: [{ name: 'p99', sli: 'latency' as const, objective: 99, window: '30d', windowMs: 1, percentile: 'p99' as const, thresholdMs: 100 }] };
    const p = buildLoadProfile('breakpoint', { config, capacityRps: 100 });
    expect(p.abort?.minSamples).toBe(500);
    // warm-up: 10 s at 20 req/s = 200 requests; then a 10-minute climb from 20 to 400 req/s adds
    // 300 more within about 14 s (20·t + 0.317·t²/2 = 300 → t ≈ 13.5 s).
    expect(p.abort?.delayAbortEvalMs).toBeGreaterThanOrEqual(23_000);
    expect(p.abort?.delayAbortEvalMs).toBeLessThanOrEqual(25_000);
    expect(buildLoadProfile('stress', { config, capacityRps: 100 }).abort).toBeNull();
  });
});
