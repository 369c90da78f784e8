// The figures of a load test the HTML report draws are in the perf.loadtest/v1 artifact itself:
// k6's dropped iterations and checks per window, figures per endpoint (the k6 name tag), and the
// perf extension's version from the output's header.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readK6Run } from '../../capture/results/k6-files.js';
import { encodeHistogram, newHistogram, recordMs } from '../../analyzers/histogram.js';
import type { K6Run, K6WindowLine } from '../../core/artifacts/k6-windows.js';
import { buildLoadTestPayload } from '../../k6-scripts/src/results.js';
import { buildLoadProfile } from '../../profiles/index.js';

const T0 = 1_700_000_000_000;

/** Windows of 1 s: `n` requests to GET /a at 10 ms and n/10 to POST /b at 50 ms, `dropped` iterations, one check. */
function run(spec: Array<{ n: number; dropped: number; failedChecks: number }>): K6Run {
  const windows: K6WindowLine[] = spec.map((s, i) => {
    const trends = [];
    const counters = [];
    for (const [name, n, ms] of [['GET /a', s.n, 10], ['POST /b', Math.round(s.n / 10), 50]] as const) {
      const h = newHistogram();
      recordMs(h, ms, n);
      trends.push({ metric: 'http_req_duration', tags: { journey: 'shop', name, status: '200' }, count: n, min: ms, max: ms, sum: ms * n, histogram: encodeHistogram(h) });
      counters.push({ metric: 'http_reqs', tags: { journey: 'shop', name, status: '200' }, value: n });
    }
    if (s.dropped) counters.push({ metric: 'dropped_iterations', tags: {}, value: s.dropped });
    const rates = [{ metric: 'checks', tags: { journey: 'shop', check: 'status is 200' }, trues: s.n - s.failedChecks, total: s.n }];
    return { type: 'window', index: i, startMs: T0 + i * 1000, endMs: T0 + (i + 1) * 1000, trends, counters, rates, gauges: [{ metric: 'vus', tags: {}, value: 2, max: 3 }] };
  });
  return {
    format: 'perf.k6-windows/v1',
    startMs: T0,
    endMs: T0 + spec.length * 1000,
    windowMs: 1000,
    windows,
    totals: { trends: windows.flatMap((w) => w.trends), counters: windows.flatMap((w) => w.counters), rates: windows.flatMap((w) => w.rates), gauges: [] },
    aborted: null,
    complete: true,
    warnings: [],
    versions: { k6: 'v2.0.0', extension: 'v0.7.1' },
  };
}

describe('perf.loadtest/v1 for the HTML report', () => {
  const profile = buildLoadProfile('baseline', { config: { scenarios: { baseline: { rate: 40, rampUp: '1s', duration: '2s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 0 });
  const p = buildLoadTestPayload(run([{ n: 100, dropped: 0, failedChecks: 0 }, { n: 100, dropped: 4, failedChecks: 2 }, { n: 50, dropped: 9, failedChecks: 1 }, { n: 100, dropped: 0, failedChecks: 0 }]), {
    profile,
    partial: false,
    k6: { binary: 'bin/k6', version: 'v2.0.0', extension: true },
    rawArtifact: 'x.ndjson',
    requestsPerIteration: 1,
    latencyLimits: [{ percentile: 95, thresholdMs: 100 }],
    errorLimit: 0.05,
  });

  it('keeps the dropped iterations and checks of every window', () => {
    expect(p.windows.map((w) => w.droppedIterations)).toEqual([0, 4, 9, 0]);
    expect(p.windows.map((w) => w.checks)).toEqual([{ passes: 100, fails: 0 }, { passes: 98, fails: 2 }, { passes: 49, fails: 1 }, { passes: 100, fails: 0 }]);
  });

  it('has figures per endpoint, by the k6 name tag', () => {
    expect(p.endpoints?.map((e) => [e.name, e.requests, Math.round(e.latencyMs.p50)])).toEqual([
      ['GET /a', 350, 10],
      ['POST /b', 35, 50],
    ]);
  });

  it("names the perf extension's version from the output's header", async () => {
    expect(p.k6).toEqual({ binary: 'bin/k6', version: 'v2.0.0', extension: true, extensionVersion: 'v0.7.1' });
    const dir = mkdtempSync(join(tmpdir(), 'perf-versions-'));
    const file = join(dir, 'run.perf.ndjson');
    const header = { schema: 'perf.k6-windows/v1', type: 'header', startMs: T0, windowMs: 1000, k6Version: 'v2.0.0', extensionVersion: 'v0.7.1', slos: [], guard: null };
    const summary = { type: 'summary', startMs: T0, endMs: T0 + 1000, windows: 0, trends: [], counters: [], rates: [], gauges: [], aborted: null };
    writeFileSync(file, `${JSON.stringify(header)}\n${JSON.stringify(summary)}\n`);
    expect((await readK6Run(file, { windowMs: 1000 })).versions).toEqual({ k6: 'v2.0.0', extension: 'v0.7.1' });
    rmSync(dir, { recursive: true, force: true });
  });
});
