import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFigures, compareRuns, DEFAULT_COMPARE_OPTIONS, type CompareInput, type JourneyComparison } from '../../analyzers/compare/compare.js';
import { applyConfirmations, judgeInterleaved, notConfirmable } from '../../analyzers/compare/confirm.js';
import { fairnessIssues, type RunLoad } from '../../analyzers/compare/fairness.js';
import { bootstrapPercentileChange, mannWhitney, rankTest } from '../../analyzers/compare/stats.js';
import { COMPARE_BATCHES } from '../../analyzers/compare/batches.js';
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

describe('fair comparisons', () => {
  const load = (over: Partial<RunLoad> = {}): RunLoad => ({ file: '/a.json', runId: 'r1', generatedAt: 't1', tool: 'baseline', model: { kind: 'open', rateRps: 20 }, journeyRates: {}, durationMs: 10_000, ...over });

  it('refuses a file compared with itself, and a copy of the same run', () => {
    expect(fairnessIssues(load(), load()).map((i) => [i.kind, i.severity])).toEqual([['same-run', 'refuse']]);
    expect(fairnessIssues(load(), load({ file: '/copy.json' }))[0]?.kind).toBe('same-run');
  });

  it('refuses runs at different offered load (20 vs 30 req/s), and accepts 20 vs 21', () => {
    const other = { file: '/b.json', runId: 'r2', generatedAt: 't2' };
    expect(fairnessIssues(load(), load({ ...other, model: { kind: 'open', rateRps: 30 } }))[0]).toMatchObject({ kind: 'offered-load', severity: 'refuse' });
    expect(fairnessIssues(load(), load({ ...other, model: { kind: 'open', rateRps: 21 } }))).toEqual([]);
  });

  it('refuses an autocannon baseline against a k6 load test, and different load models', () => {
    const other = { file: '/b.json', runId: 'r2', generatedAt: 't2' };
    expect(fairnessIssues(load(), load({ ...other, tool: 'k6', model: null, scenario: 'baseline' }))[0]?.kind).toBe('tool');
    expect(fairnessIssues(load(), load({ ...other, model: { kind: 'closed', connections: 10 } }))[0]?.kind).toBe('load-model');
    expect(fairnessIssues(load({ model: { kind: 'closed', connections: 10 } }), load({ ...other, model: { kind: 'closed', connections: 20 } }))[0]?.kind).toBe('offered-load');
  });

  it('records the fairness of the pair in the comparison', () => {
    const side = (l: RunLoad, seed: number): CompareInput => ({
      ref: { file: l.file, schema: 'perf.baseline/v1', runId: l.runId },
      journeys: [figures('browse', latencies(400, 20, seed))],
      overall: figures('overall', latencies(400, 20, seed)),
      load: l,
    });
    const r = compareRuns(side(load(), 1), side(load({ file: '/b.json', runId: 'r2', generatedAt: 't2', model: { kind: 'open', rateRps: 30 } }), 2));
    expect(r.fairness.comparable).toBe(false);
    expect(r.measurementsPerSide).toBe(1);
  });

  it('needs a 10% median shift, not only a significant test, to claim a distribution change', () => {
    // 4% slower across the board on 5,000 requests: significant, but too small to claim.
    const c = compareFigures(figures('browse', latencies(5000, 50, 31)), figures('browse', latencies(5000, 52, 32)));
    expect(c.mannWhitney!.pValue).toBeLessThan(0.01);
    expect(c.verdict).toBe('no-significant-change');
  });
});

/** Figures of a run whose measured period is cut into COMPARE_BATCHES time batches, batch i around medians[i] ms. */
function batched(name: string, medians: number[], perBatch: number, seed: number): LoadFigures {
  const all: number[] = [];
  const series = medians.map((m, i) => {
    const ms = latencies(perBatch, m, seed + i);
    all.push(...ms);
    const h = newHistogram();
    for (const v of ms) recordMs(h, v);
    const st = latencyStats(h);
    return { requests: perBatch, errors: 0, p50Ms: st.p50, p95Ms: perBatch >= 20 ? st.p95 : null };
  });
  return { ...figures(name, all), batches: { ms: 1000, series } };
}

describe('time batches as the unit of replication', () => {
  it('gives the exact Mann–Whitney p for small samples without ties', () => {
    // 5 vs 5 fully separated: 2 of C(10,5) = 252 arrangements are as extreme → p = 2/252.
    expect(rankTest([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).pValue).toBeCloseTo(2 / 252, 10);
    // 10 vs 10 fully separated: p = 2 / C(20,10) = 2 / 184,756.
    expect(rankTest([...Array(10).keys()], [...Array(10).keys()].map((x) => x + 10)).pValue).toBeCloseTo(2 / 184_756, 12);
    // Interleaved samples: nothing to see.
    expect(rankTest([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]).pValue).toBeGreaterThan(0.5);
  });

  it('does not claim a change when the host drifts within the runs, though a test over requests would', () => {
    // The same service, host load wandering from batch to batch (medians 20–34 ms) on both sides;
    // the after run happened to catch more of the slow batches: pooled median ~+14%.
    const before = batched('search', [20, 22, 21, 20, 26, 21, 20, 30, 22, 21], 200, 100);
    const after = batched('search', [21, 34, 22, 29, 21, 33, 22, 24, 30, 23], 200, 200);
    expect(before.batches!.series).toHaveLength(COMPARE_BATCHES);
    const byRequests = compareFigures(before, after, { ...DEFAULT_COMPARE_OPTIONS, replication: 'requests' });
    expect(byRequests.verdict).toBe('regressed');
    const byBatches = compareFigures(before, after);
    expect(byBatches.verdict).toBe('no-significant-change');
    expect(byBatches.batchTests!.median!.pValue).toBeGreaterThan(0.01);
    expect(byBatches.reasons.join(' ')).toMatch(/time batches/);
  });

  it('claims a change that every batch shows (a fix from 186 to 7 ms), with the batch test as evidence', () => {
    const c = compareFigures(batched('product-detail', Array(10).fill(186), 50, 300), batched('product-detail', Array(10).fill(7), 50, 400));
    expect(c.verdict).toBe('improved');
    expect(c.batchTests!.median!.pValue).toBeLessThan(0.001);
    expect(c.reasons.join(' ')).toMatch(/batch medians lower \(Mann–Whitney across 10 vs 10 time batches/);
  });

  it('falls back to requests, and says so, for runs without batches (an older artifact)', () => {
    const c = compareFigures(figures('search', latencies(800, 60, 5)), figures('search', latencies(800, 30, 6)));
    expect(c.verdict).toBe('improved');
    expect(c.batchTests).toBeNull();
    expect(c.reasons.join(' ')).toMatch(/every request as an independent sample/);
  });
});

describe('interleaved confirmation (A B A B)', () => {
  const claim = (before: number[], after: number[]): JourneyComparison => compareFigures(figures('search', before), figures('search', after));

  it('keeps a change that holds in both interleaved rounds', () => {
    const first = claim(latencies(600, 60, 41), latencies(600, 30, 42));
    expect(first.verdict).toBe('improved');
    const r = judgeInterleaved(first, [
      { before: figures('search', latencies(600, 60, 43)), after: figures('search', latencies(600, 30, 44)) },
      { before: figures('search', latencies(600, 61, 45)), after: figures('search', latencies(600, 31, 46)) },
    ]);
    expect(r).toMatchObject({ held: true, verdict: 'improved', pairs: ['improved', 'improved'] });
    expect(r.measurements.map((m) => `${m.order}${m.side[0]}`)).toEqual(['1b', '2a', '3b', '4a']);
  });

  it('does not claim a change that the re-measurement does not reproduce (a cold first run)', () => {
    const first = claim(latencies(600, 120, 51), latencies(600, 40, 52)); // the before run was cold
    const r = judgeInterleaved(first, [
      { before: figures('search', latencies(600, 40, 53)), after: figures('search', latencies(600, 40, 54)) },
      { before: figures('search', latencies(600, 40, 55)), after: figures('search', latencies(600, 40, 56)) },
    ]);
    expect(r.held).toBe(false);
    expect(r.verdict).toBe('unconfirmed');
  });

  it('does not claim a change when one side differs from itself (the host drifted)', () => {
    const first = claim(latencies(600, 30, 61), latencies(600, 60, 62));
    // Both pairs say "regressed", but the host slows down steadily: A1 30, B1 60, A2 90, B2 180.
    const r = judgeInterleaved(first, [
      { before: figures('search', latencies(600, 30, 63)), after: figures('search', latencies(600, 60, 64)) },
      { before: figures('search', latencies(600, 90, 65)), after: figures('search', latencies(600, 180, 66)) },
    ]);
    expect(r.pairs).toEqual(['regressed', 'regressed']);
    expect(r.held).toBe(false);
    expect(r.reason).toMatch(/drift of a side against itself/);
  });

  it('turns unconfirmed claims into "no change claimed" for the whole run', () => {
    const side = (ms: number, seed: number): CompareInput => ({
      ref: { file: `${seed}.json`, schema: 'perf.baseline/v1', runId: String(seed) },
      journeys: [figures('search', latencies(600, ms, seed))],
      overall: figures('overall', latencies(600, ms, seed + 1)),
    });
    const c = compareRuns(side(120, 71), side(40, 73));
    expect(c.verdict).toBe('improved');
    const after = applyConfirmations(c, [notConfirmable(c.journeys[0]!, 'the before version cannot be run now')]);
    expect(after.verdict).toBe('unconfirmed');
    expect(after.improvements).toEqual([]);
    expect(after.overall.verdict).toBe('unconfirmed');
  });
});
