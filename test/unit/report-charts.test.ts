import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countAboveEncodedMs, countAboveMs, decodeHistogram } from '../../analyzers/histogram.js';
import { burnDown } from '../../report/charts/burn-down.js';
import { burnRate, consumedPct } from '../../analyzers/slo/error-budget.js';
import { distributionsOf, percentileCurve } from '../../report/charts/distribution.js';
import { buildCharts, isChart, type Chart } from '../../report/charts/index.js';
import { topHotFunctions } from '../../report/charts/hot-functions.js';
import { emptyInputs, resolveComparedRuns, type ReportInputs } from '../../report/inputs.js';
import { percentileToX } from '../../report/svg/scale.js';
import { polylineValues } from '../fixtures/report/svg-points.js';
import { syntheticBaseline, syntheticLoadtest, syntheticProfile, syntheticSlo } from '../fixtures/report/synthetic.js';

const lt = syntheticLoadtest();
const slo = syntheticSlo(lt);

function inputsWith(parts: Partial<ReportInputs>): ReportInputs {
  return { ...emptyInputs(), ...parts };
}
const all = inputsWith({
  baseline: [{ artifact: syntheticBaseline(), file: 'baseline.json' }],
  profile: [{ artifact: syntheticProfile(), file: 'profiling.json' }],
  loadtest: [{ artifact: lt, file: 'loadtest.json' }],
  slo: [{ artifact: slo, file: 'slo.json' }],
});
const chart = (id: string, inputs = all): Chart => {
  const c = buildCharts(inputs).find((x) => x.id === id);
  if (!c || !isChart(c)) throw new Error(`chart ${id} not drawn: ${c && !isChart(c) ? c.reason : 'absent'}`);
  return c;
};

describe('latency over time', () => {
  it('plots p50/p95/p99 of every window, matching the JSON', () => {
    const c = chart('latency-over-time');
    for (const k of ['p50', 'p95', 'p99'] as const) {
      const pts = polylineValues(c.svg, k);
      expect(pts).toHaveLength(lt.windows.length);
      const tol = (Math.max(...lt.windows.map((w) => w.latencyMs.p99)) / 200) * 1.5; // ~1.5 px of the y range
      lt.windows.forEach((w, i) => expect(Math.abs((pts[i] as { y: number }).y - w.latencyMs[k])).toBeLessThan(tol));
    }
  });

  it('draws the checkout SLO threshold on the checkout chart only, and names the worst window in its text alternative', () => {
    // checkout-p95 is scoped to the checkout journey: it bounds checkout's p95, not the mix's.
    expect(chart('latency-over-time--checkout').svg).toMatch(/class="refline" data-value="100" data-axis="left" data-key="checkout-p95" data-series="p95"/);
    expect(chart('latency-over-time--browse').svg).not.toContain('class="refline"');
    const c = chart('latency-over-time');
    expect(c.svg).not.toContain('class="refline"');
    const worst = Math.max(...lt.windows.map((w) => w.latencyMs.p99));
    expect(c.summary).toContain(`Highest window p99 ${Math.round(worst)} ms`);
    expect(c.svg).toContain('<desc id="latency-over-time-desc">');
  });
});

describe('throughput and errors', () => {
  it('puts throughput on the left axis, error rate in percent on the right, and marks the stages', () => {
    const c = chart('throughput-errors');
    const rps = polylineValues(c.svg, 'rps');
    const err = polylineValues(c.svg, 'error-rate');
    lt.windows.forEach((w, i) => {
      expect(Math.abs((rps[i] as { y: number }).y - w.rps)).toBeLessThan(0.2);
      expect(Math.abs((err[i] as { y: number }).y - w.errorRate * 100)).toBeLessThan(0.3);
    });
    expect(c.svg.match(/class="vmark"/g)).toHaveLength(3);
    expect(c.svg).toContain('ramp to 100');
  });
});

describe('HDR percentile distribution', () => {
  it('plots the value at each percentile on the log axis, ending at the max', () => {
    const h = decodeHistogram(lt.overall.histogram);
    const curve = percentileCurve(h);
    const at99 = curve.x.findIndex((x) => Math.abs(x - percentileToX(99)) < 1e-9);
    expect(curve.y[at99]).toBeCloseTo(h.getValueAtPercentile(99) / 1000, 6);
    expect(curve.y[0]).toBeCloseTo(h.minNonZeroValue / 1000, 1);
    expect(Math.max(...curve.x)).toBeLessThanOrEqual(Math.log10(h.totalCount) + 1e-9);
    expect(curve.y[curve.y.length - 1]).toBe(h.maxValue / 1000);
    expect(curve.percentiles[curve.percentiles.length - 1]).toBe(100);
  });

  it('overlays before and after when two load tests are given', () => {
    const before = syntheticLoadtest({ runId: 'before', slowdown: 1.5, seed: 11 });
    const inputs = inputsWith({ loadtest: [{ artifact: before, file: 'a.json' }, { artifact: lt, file: 'b.json' }] });
    expect(distributionsOf(inputs).map((d) => d.label)).toEqual(['load test (stress) — before', 'load test (stress) — after']);
    const c = chart('latency-distribution', inputs);
    expect(c.svg).toContain('data-series="loadtest-1"');
    expect(c.svg).toContain('data-series="loadtest-2"');
  });

  it('overlays the two runs a comparison compared, found by run id, and says when one is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-report-cmp-'));
    const beforeRun = syntheticLoadtest({ runId: 'before', slowdown: 2, seed: 5 });
    writeFileSync(join(dir, 'before.json'), JSON.stringify(beforeRun));
    writeFileSync(join(dir, 'after.json'), JSON.stringify(lt));
    const compare = (afterFile: string) => ({
      schema: 'perf.compare/v1', runId: 'cmp', generatedAt: '', tool: { name: 'perf' as const, version: '0' },
      before: { file: 'before.json', schema: 'perf.loadtest/v1', runId: 'before' },
      after: { file: afterFile, schema: 'perf.loadtest/v1', runId: lt.runId },
    });
    const inputs = inputsWith({ summary: [{ artifact: compare('after.json'), file: join(dir, 'compare.json') }] });
    inputs.compared = resolveComparedRuns(inputs);
    expect(distributionsOf(inputs).map((d) => d.label)).toEqual(['before: loadtest before', `after: loadtest ${lt.runId}`]);
    expect(chart('latency-distribution', inputs).kind).toBe('summary');

    const gone = inputsWith({ summary: [{ artifact: compare('missing.json'), file: join(dir, 'compare.json') }] });
    gone.compared = resolveComparedRuns(gone);
    expect(gone.compared!.missing[0]).toMatch(/^after: run run-loadtest not found/);
    expect(isChart(buildCharts(gone).find((c) => c.id === 'latency-distribution')!)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('error budget burn-down', () => {
  it('spends the availability budget by the errors of each window and ends at the budget consumed of the whole run', () => {
    const s = slo.slos[0]!;
    const b = burnDown(lt, s, 0)!;
    expect(b.x).toHaveLength(lt.windows.length + 1);
    expect(b.consumedPct[0]).toBe(0);
    // Burn rate = (errors / requests) / 0.01; consumed = burn × run / 30 d × 100, as perf slo-check computes it.
    const rate = burnRate(lt.overall.errors, lt.overall.requests, 0.01);
    expect(b.burnRate).toBe(rate);
    expect(b.consumedPct[b.consumedPct.length - 1]).toBe(consumedPct(rate, lt.durationMs, 30 * 86_400_000));
    // Budget consumed only goes up.
    for (let i = 1; i < b.consumedPct.length; i++) expect(b.consumedPct[i]!).toBeGreaterThanOrEqual(b.consumedPct[i - 1]!);
  });

  it('counts failed and slow requests of the SLO journey from the window histograms for a latency SLO', () => {
    const s = slo.slos[1]!;
    const b = burnDown(lt, s, 0)!;
    const bad = lt.windows.reduce((n, w) => {
      const j = w.journeys.checkout!;
      return n + Math.min(j.requests, j.errors + countAboveMs(decodeHistogram(j.histogram), 100));
    }, 0);
    expect(b.badEvents).toBe(bad);
    expect(b.totalEvents).toBe(lt.journeys[1]!.requests);
  });

  it('says why there is no burn-down without an SLO artifact', () => {
    const c = buildCharts(inputsWith({ loadtest: [{ artifact: lt, file: 'x' }] })).find((x) => x.id === 'error-budget-burn-down')!;
    expect(isChart(c)).toBe(false);
    expect(!isChart(c) && c.reason).toMatch(/no SLO artifact/);
  });
});

describe('hot functions and capacity', () => {
  it('ranks functions by self time and leaves out idle and (program)', () => {
    const top = topHotFunctions(syntheticProfile());
    expect(top.map((f) => f.functionName)).toEqual(['fibonacci', 'JSON.stringify', 'renderTemplate', '(garbage collector)', 'parse']);
    const c = chart('hot-functions');
    expect(c.svg).toMatch(/<g class="bar" data-label="fibonacci" data-value="612.5">/);
    expect(c.svg).toContain('· app');
  });

  it('plots each capacity step with a shape per verdict and the knee', () => {
    const c = chart('capacity-search');
    const achieved = polylineValues(c.svg, 'achieved');
    expect(achieved.map((p) => Math.round(p.y))).toEqual([100, 199, 397, 512]);
    expect(c.svg).toContain('capacity 400 req/s');
    expect(c.summary).toContain('limited by latency');
    expect(c.svg).toMatch(/<g class="markers" data-series="achieved">\s*<circle[^]*?<path d="M[^"]*Z"/); // ● ok … ▲ latency
  });

  it('turns every chart without data into a note with a reason', () => {
    const outcomes = buildCharts(inputsWith({ profile: [{ artifact: syntheticProfile(), file: 'p' }] }));
    expect(outcomes.filter(isChart).map((c) => c.id)).toEqual(['hot-functions']);
    for (const o of outcomes.filter((x) => !isChart(x))) expect('reason' in o && o.reason.length).toBeGreaterThan(10);
  });
});

describe('count of slow requests', () => {
  it('gives the same count on a decoded histogram as on the recorded one, for any latencies and threshold', async () => {
    const fc = await import('fast-check');
    const { newHistogram, recordMs, encodeHistogram } = await import('../../analyzers/histogram.js');
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 60_000, noNaN: true }), { maxLength: 300 }), fc.double({ min: 0, max: 70_000, noNaN: true }), (lat, thr) => {
        const h = newHistogram();
        for (const v of lat) recordMs(h, v);
        const enc = encodeHistogram(h);
        expect(countAboveMs(decodeHistogram(enc), thr)).toBe(countAboveMs(h, thr));
        expect(countAboveMs(decodeHistogram(enc, 'test', { resizable: false }), thr)).toBe(countAboveMs(h, thr));
        // … and counted from the encoding, without decoding it (what slo-check does for every window).
        expect(countAboveEncodedMs(enc, thr)).toBe(countAboveMs(h, thr));
      }),
      { numRuns: 200 },
    );
  });
});

describe('a 24 h soak', () => {
  it('draws 8,640 windows as a few hundred points and keeps the one stalled window', () => {
    const windows = Array.from({ length: 8640 }, (_, i) => ({
      ...lt.windows[0]!,
      startMs: i * 10_000,
      endMs: (i + 1) * 10_000,
      latencyMs: { p50: 10 + (i % 7), p95: 30 + (i % 11), p99: i === 5000 ? 4321 : 60 + (i % 13) },
    }));
    const soak = { ...lt, scenario: 'soak' as const, windowMs: 10_000, durationMs: 86_400_000, windows };
    const c = chart('latency-over-time', inputsWith({ loadtest: [{ artifact: soak, file: 'soak.json' }] }));
    const p99 = polylineValues(c.svg, 'p99');
    expect(c.svg).toMatch(/data-series="p99" data-axis="left" data-points="\d+" data-source-points="8640"/);
    expect(p99.length).toBeLessThan(1000);
    expect(c.svg).toMatch(/data-x-min="0" data-x-max="86400000"/); // the axis spans the whole run, not only the kept points
    const peak = p99.reduce((a, b) => (b.y > a.y ? b : a));
    expect(Math.abs(peak.y - 4321)).toBeLessThan(40);
    expect(Math.abs(peak.x - 50_000_000)).toBeLessThan(300_000);
    expect(c.summary).toContain('Highest window p99 4321 ms at 13h53m20s');
  });
});
