import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, percentileMs, recordMs } from '../../analyzers/histogram.js';
import type { LoadTestPayload, LoadWindow } from '../../core/artifacts/schemas.js';
import { DEGRADED_CHANGE_PCT, findDrift, MIN_DRIFT_WINDOWS } from '../../k6-scripts/src/results.js';
import { loadTestHeadline, renderLoadTestSuite, type SuiteTest } from '../../templates/load-test-suite.js';
import { syntheticLoadtest } from '../fixtures/report/synthetic.js';

/** `n` windows of 10 s, 100 requests each, every request of window i taking latency(i) ms. */
function windows(n: number, latency: (i: number) => number): LoadWindow[] {
  return Array.from({ length: n }, (_, i) => {
    const h = newHistogram();
    for (let k = 0; k < 100; k++) recordMs(h, latency(i));
    const p95 = percentileMs(h, 95);
    return { startMs: i * 10_000, endMs: (i + 1) * 10_000, requests: 100, errors: 0, rps: 10, errorRate: 0, latencyMs: { p50: p95, p95, p99: p95 }, vus: 5, histogram: encodeHistogram(h), journeys: {} };
  });
}

describe('soak drift: the trend of p95 per window (simple-statistics least squares)', () => {
  it('finds no degradation when p95 stays flat, with the number of windows fitted', () => {
    const d = findDrift(windows(30, () => 20), 300_000)!;
    expect(d.windows).toBe(30);
    expect(d.slopeMsPerHour).toBe(0);
    expect(d.degraded).toBe(false);
  });

  it('calls a p95 that doubles over the soak degraded, with its slope in ms/h', () => {
    // p95 rises 1 ms per 10 s window: 360 ms/h; fitted rise 29 ms over a mean of 34.5 ms, 84 % ≥ DEGRADED_CHANGE_PCT.
    const d = findDrift(windows(30, (i) => 20 + i), 300_000)!;
    expect(d.slopeMsPerHour).toBeGreaterThan(360 * 0.95);
    expect(d.slopeMsPerHour).toBeLessThan(360 * 1.05);
    expect(d.fittedChangePct!).toBeGreaterThan(DEGRADED_CHANGE_PCT);
    expect(d.ci95![0]).toBeGreaterThan(0);
    expect(d.degraded).toBe(true);
  });

  it('calls a steep rise degraded even when the fitted line starts below zero', () => {
    // 1, 1, 1, then 400 ms per window more: the least-squares line starts below 0 ms.
    const d = findDrift(windows(13, (i) => (i < 3 ? 1 : 400 * (i - 2))), 130_000)!;
    expect(d.fittedChangePct!).toBeGreaterThan(DEGRADED_CHANGE_PCT);
    expect(d.degraded).toBe(true);
  });

  it('gives no verdict (null) with fewer windows than the trend needs', () => {
    const d = findDrift(windows(MIN_DRIFT_WINDOWS - 1, () => 20), 40_000)!;
    expect(d.degraded).toBeNull();
    expect(d.note).toMatch(/no trend: 4 window\(s\)/);
  });
});

const payload = (scenario: LoadTestPayload['scenario'], extra: Partial<LoadTestPayload> = {}): LoadTestPayload => ({ ...syntheticLoadtest({ windows: 12 }), scenario, ...extra });
const test = (p: LoadTestPayload, slo: SuiteTest['slo'] = null): SuiteTest => ({ payload: p, file: `working/runs/r/loadtests/${p.scenario}.json`, slo, limits: [] });

describe('load-test-results.md of the flow: one section per test with its headline', () => {
  const slo: SuiteTest['slo'] = {
    status: 'FAIL',
    slos: [
      { name: 'browse-p95', sli: 'latency', journey: 'browse', objective: 99, percentile: 95, actual: 71.2, target: 50, status: 'FAIL', errorBudget: { allowedBadFraction: 0.01, badFraction: 0.2, consumedPct: 3.1, remainingPct: 96.9 }, burnRate: 20, alerts: [], events: { total: 1800, bad: 360 } },
      { name: 'checkout-p99', sli: 'latency', journey: 'checkout', objective: 99, percentile: 99, actual: 120, target: 250, status: 'PASS', errorBudget: { allowedBadFraction: 0.01, badFraction: 0, consumedPct: 0, remainingPct: 100 }, burnRate: 0, alerts: [], events: { total: 600, bad: 0 } },
    ],
  };
  const tests = [
    test(payload('baseline'), slo),
    test(payload('stress', { breakingPoint: { rps: 212.4, targetRps: 240, atMs: 40_000, reason: 'p95 88 ms > 50 ms (n = 2100) for 3 consecutive windows from 40 s, at 212.4 req/s achieved (target 240 req/s)', span: { startMs: 40_000, endMs: 70_000, windows: 3 }, evidence: ['40–50 s: p95 88 ms > 50 ms (n = 2100), achieved 212.4 req/s'] } })),
    test(payload('spike', { recovery: { recoveryTimeMs: 4000, spikeEndMs: 60_000, note: 'p95 back to 14 ms (≤ 1.5× the warmed pre-spike 12 ms from 900 requests)' } })),
    test(payload('soak', { drift: findDrift(windows(12, () => 20), 120_000) })),
  ];
  const md = renderLoadTestSuite(tests, { quickTotalMs: 60_000 });

  it('has four sections in the order the tests ran, each with its headline', () => {
    expect([...md.matchAll(/^## (\w+)$/gm)].map((m) => m[1])).toEqual(['Overall', 'Baseline', 'Stress', 'Spike', 'Soak']);
    expect(md).toContain('**Stress: breaking point at 212.4 RPS**');
    expect(md).toContain('**Spike: recovery time 4 s**');
    expect(md).toMatch(/\*\*Soak: no degradation over 2m\*\*/);
    expect(md).toMatch(/\*\*Baseline: p95 [\d.]+ ms, p99 [\d.]+ ms \(n = [\d,]+\) vs SLO: FAIL \(1 of 2 latency SLOs met\)\*\*/);
  });

  it('gives each headline its evidence: sample size, window and percentile; the regression and its windows', () => {
    expect(md).toMatch(/p95 88 ms \\> 50 ms \(n = 2100\).*3 window\(s\) of 10s from 40s to 1m10s/);
    expect(md).toMatch(/p95 drift slope 0 ms\/h \(simple-statistics linear regression of p95 per window, n = 12 windows/);
    expect(md).toMatch(/browse-p95 \(browse\): p95 71\.2 ms vs < 50 ms — FAIL \(n = 1,800/);
  });

  it('has one overall table with a row per test: rate, requests, p95, p99, error rate, verdict', () => {
    expect(md).toMatch(/\| test \| achieved rate \| requests \| p95 \| p99 \| error rate \| verdict \|/);
    const rows = md.split('\n').filter((l) => /^\| (baseline|stress|spike|soak) \|/.test(l));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/\| FAIL \|$/);
    expect(rows[1]).toMatch(/n\/a \(no SLOs\) \|$/);
  });

  it('puts each test’s full results under its section, one heading level down', () => {
    expect(md).not.toMatch(/^# Load-test results: /m);
    expect(md.match(/^### Per journey$/gm)).toHaveLength(4);
  });

  it('says "no breaking point up to X RPS achieved" and "recovery time n/a" with why, never a guess', () => {
    expect(loadTestHeadline(test(payload('stress'))).line).toMatch(/^Stress: no breaking point up to [\d.]+ RPS achieved$/);
    const spike = loadTestHeadline(test(payload('spike', { recovery: { recoveryTimeMs: null, spikeEndMs: 30_000, note: '12 requests between the warm-up and the spike (p95 needs ≥ 20)' } })));
    expect(spike.line).toBe('Spike: recovery time n/a');
    expect(spike.evidence[0]).toMatch(/p95 needs ≥ 20/);
    expect(loadTestHeadline(test(payload('soak', { drift: findDrift(windows(3, () => 20), 30_000) }))).line).toMatch(/^Soak: degradation n\/a over /);
  });
});
