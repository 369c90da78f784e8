import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFigures, compareRuns, type CompareInput } from '../../analyzers/compare/compare.js';
import { bootstrapPercentileChange, mannWhitney } from '../../analyzers/compare/stats.js';
import { encodeHistogram, latencyStats, newHistogram, recordMs } from '../../analyzers/histogram.js';
import type { BaselinePayload, LoadFigures } from '../../core/artifacts/schemas.js';
import { loadConfig } from '../../core/config/load.js';

/** Deterministic pseudo-random latencies (log-normal-ish around `median` ms). */
function latencies(n: number, median: number, seed: number): number[] {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: n }, () => {
    const u = Math.max(1e-9, rand());
    const v = rand();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(0.35 * z);
  });
}

function figures(name: string, ms: number[], errors = 0): LoadFigures {
  const h = newHistogram();
  for (const v of ms) recordMs(h, v);
  return {
    name,
    requests: ms.length,
    errors,
    errorRate: errors / ms.length,
    statusCodes: {},
    throughputRps: ms.length / 10,
    durationMs: 10_000,
    latencyMs: latencyStats(h),
    histogram: encodeHistogram(h),
  };
}

describe('Mann–Whitney U from HDR histograms', () => {
  it('matches the pairwise definition of U on a small sample', () => {
    const before = [5, 7, 7, 9, 12, 15, 15, 20];
    const after = [3, 5, 6, 7, 8, 9];
    const hb = newHistogram();
    const ha = newHistogram();
    before.forEach((v) => recordMs(hb, v));
    after.forEach((v) => recordMs(ha, v));
    let pairs = 0;
    for (const a of after) for (const b of before) pairs += a > b ? 1 : a === b ? 0.5 : 0;
    const mw = mannWhitney(hb, ha);
    expect(mw.u).toBeCloseTo(pairs, 9);
    expect(mw.cliffsDelta).toBeCloseTo((2 * pairs) / (before.length * after.length) - 1, 9);
  });

  it('gives p near 1 for identical distributions and tiny p for a doubled latency', () => {
    const same = mannWhitney(
      (() => { const h = newHistogram(); latencies(2000, 40, 1).forEach((v) => recordMs(h, v)); return h; })(),
      (() => { const h = newHistogram(); latencies(2000, 40, 1).forEach((v) => recordMs(h, v)); return h; })(),
    );
    expect(same.pValue).toBeGreaterThan(0.99);
    const doubled = mannWhitney(
      (() => { const h = newHistogram(); latencies(500, 40, 1).forEach((v) => recordMs(h, v)); return h; })(),
      (() => { const h = newHistogram(); latencies(500, 80, 2).forEach((v) => recordMs(h, v)); return h; })(),
    );
    expect(doubled.pValue).toBeLessThan(1e-6);
    expect(doubled.cliffsDelta).toBeGreaterThan(0.5);
  });

  it('bootstraps a p95 interval that contains the true change and is reproducible', () => {
    const hb = newHistogram();
    const ha = newHistogram();
    latencies(3000, 100, 3).forEach((v) => recordMs(hb, v));
    latencies(3000, 50, 4).forEach((v) => recordMs(ha, v));
    const b1 = bootstrapPercentileChange(hb, ha, 95);
    const b2 = bootstrapPercentileChange(hb, ha, 95);
    expect(b1).toEqual(b2);
    expect(b1!.ciLow).toBeLessThan(-0.4);
    expect(b1!.ciHigh).toBeGreaterThan(-0.6);
    expect(b1!.ciHigh).toBeLessThan(0);
  });
});

describe('before/after verdicts', () => {
  it('reports a halved latency as improved with its confidence', () => {
    const c = compareFigures(figures('search', latencies(800, 60, 5)), figures('search', latencies(800, 30, 6)));
    expect(c.verdict).toBe('improved');
    expect(c.confidence).toBeGreaterThan(0.99);
    expect(c.change.p95).toBeLessThan(-0.4);
  });

  it('reports two samples of the same service as no significant change', () => {
    const c = compareFigures(figures('browse', latencies(800, 20, 7)), figures('browse', latencies(800, 20, 8)));
    expect(c.verdict).toBe('no-significant-change');
    expect(c.confidence).toBeNull();
  });

  it('reports a slower service and more errors as regressed', () => {
    const c = compareFigures(figures('checkout', latencies(500, 20, 9), 0), figures('checkout', latencies(500, 35, 10), 40));
    expect(c.verdict).toBe('regressed');
    expect(c.reasons.join(' ')).toMatch(/error rate 0\.00% → 8\.00%/);
  });

  it('refuses to test journeys with too few requests', () => {
    expect(compareFigures(figures('login', [10, 11, 12]), figures('login', [5, 6, 7])).verdict).toBe('insufficient-data');
  });

  it('lists regressions for --fail-on-regression and computes ROI from the effort', () => {
    const side = (browse: number, checkout: number, seed: number): CompareInput => {
      const b = figures('browse', latencies(600, browse, seed));
      const c = figures('checkout', latencies(600, checkout, seed + 1));
      return { ref: { file: `${seed}.json`, schema: 'perf.baseline/v1', runId: String(seed) }, journeys: [b, c], overall: figures('overall', [...latencies(600, browse, seed), ...latencies(600, checkout, seed + 1)]) };
    };
    const r = compareRuns(side(20, 100, 11), side(20, 200, 21), { effortDays: 2 });
    expect(r.regressions).toEqual(['checkout']);
    expect(r.verdict).toBe('regressed');
    expect(r.roi?.effortDays).toBe(2);
  });
});

describe('perf compare on the demo shop (real baselines before and after SHOP_FIXES=1)', () => {
  const FIX = join(__dirname, '../fixtures/synthesis');
  const read = (f: string): CompareInput => {
    const b = JSON.parse(readFileSync(join(FIX, f), 'utf8')) as BaselinePayload & { runId: string; schema: string };
    return { ref: { file: f, schema: b.schema, runId: b.runId }, journeys: b.journeys, overall: b.overall };
  };
  const config = loadConfig(join(__dirname, '../../examples/shop/perf.config.yaml'));

  it('shows a significant improvement on the affected journeys and recovers error budget', () => {
    const r = compareRuns(read('shop-baseline-before.json'), read('shop-baseline-after.json'), { slos: config.slos });
    expect(r.verdict).toBe('improved');
    expect(r.improvements).toEqual(expect.arrayContaining(['product-detail']));
    expect(r.regressions).toEqual([]);
    const checkout = r.slos.find((s) => s.name === 'checkout-p99');
    expect(checkout?.before?.met).toBe(false);
    expect(checkout?.after?.met).toBe(true);
    expect(checkout?.budgetRecoveredPct).toBeGreaterThan(0);
  });
});
