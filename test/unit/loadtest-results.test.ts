import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordMs } from '../../analyzers/histogram.js';
import type { K6Run, K6WindowLine } from '../../core/artifacts/k6-windows.js';
import { buildLoadTestPayload, type ResultContext } from '../../k6-scripts/src/results.js';
import { buildLoadProfile, type LoadProfile } from '../../profiles/index.js';
import { renderLoadTestResults } from '../../templates/loadtest-results.js';

const T0 = 1_700_000_000_000;

interface WindowSpec {
  /** Latency of every request in this window (ms), per journey. */
  ms: number;
  requests: number;
  failed?: number;
  dropped?: number;
  /** k6's `vus` gauge maximum in the window (default 4) and its `vus_max` (absent when not given). */
  busyVus?: number;
  allocatedVus?: number;
}

/** A K6Run of 1 s windows, two journeys splitting each window's requests 3:1. */
function run(specs: WindowSpec[], complete = true): K6Run {
  const windows: K6WindowLine[] = specs.map((s, i) => {
    const trends = [];
    const counters = [];
    const rates = [];
    for (const [journey, share] of [['browse', 0.75], ['checkout', 0.25]] as const) {
      const n = Math.round(s.requests * share);
      const h = newHistogram();
      if (n > 0) recordMs(h, s.ms, n);
      trends.push({ metric: 'http_req_duration', tags: { journey, status: '2xx' }, count: n, min: s.ms, max: s.ms, sum: s.ms * n, histogram: encodeHistogram(h) });
      counters.push({ metric: 'http_reqs', tags: { journey, status: '2xx' }, value: n });
      const bad = Math.round((s.failed ?? 0) * share);
      rates.push({ metric: 'http_req_failed', tags: { journey }, trues: bad, total: n });
      rates.push({ metric: 'checks', tags: { journey, check: `${journey} ok` }, trues: n - bad, total: n });
    }
    if (s.dropped) counters.push({ metric: 'dropped_iterations', tags: {}, value: s.dropped });
    return { type: 'window', index: i, startMs: T0 + i * 1000, endMs: T0 + (i + 1) * 1000, trends, counters, rates, gauges: [{ metric: 'vus', tags: {}, value: 0, max: s.busyVus ?? 4 }, ...(s.allocatedVus ? [{ metric: 'vus_max', tags: {}, value: s.allocatedVus, max: s.allocatedVus }] : [])] };
  });
  const all = windows.flatMap((w) => w);
  return {
    format: 'perf.k6-windows/v1',
    startMs: T0,
    endMs: T0 + specs.length * 1000,
    windowMs: 1000,
    windows,
    totals: { trends: all.flatMap((w) => w.trends), counters: all.flatMap((w) => w.counters), rates: all.flatMap((w) => w.rates), gauges: [] },
    aborted: null,
    complete,
    warnings: [],
  };
}

function ctx(profile: LoadProfile, partial = false): ResultContext {
  return {
    profile,
    partial,
    k6: { binary: 'bin/k6', version: 'v2.2.0', extension: true },
    rawArtifact: 'x.ndjson',
    requestsPerIteration: 1,
    latencyLimits: [{ percentile: 95, thresholdMs: 100 }],
    errorLimit: 0.05,
  };
}

const flat = (n: number, spec: WindowSpec): WindowSpec[] => Array.from({ length: n }, () => spec);

describe('perf.loadtest/v1 from a k6 run', () => {
  it('has per-journey figures with the baseline latency keys, windows, dropped iterations and checks', () => {
    const profile = buildLoadProfile('baseline', { config: { scenarios: { baseline: { rate: 40, rampUp: '2s', duration: '4s', rampDown: '2s' } } }, capacityRps: null, warmupMs: 0 });
    const p = buildLoadTestPayload(run([...flat(7, { ms: 10, requests: 40 }), { ms: 10, requests: 40, failed: 4, dropped: 2 }]), ctx(profile));
    expect(p.journeys.map((j) => j.name)).toEqual(['browse', 'checkout']);
    expect(Object.keys(p.overall.latencyMs).sort()).toEqual(['max', 'mean', 'min', 'p50', 'p90', 'p95', 'p99', 'p999']);
    expect(p.overall.requests).toBe(320);
    expect(p.overall.throughputRps).toBe(40);
    expect(p.overall.errors).toBe(4);
    expect(p.windows).toHaveLength(8);
    expect(p.windows[0]).toMatchObject({ startMs: 0, endMs: 1000, requests: 40, rps: 40 });
    expect(p.windows[0]!.journeys.browse!.requests).toBe(30);
    expect(p.droppedIterations).toBe(2);
    expect(p.checks.passes + p.checks.fails).toBe(320);
    expect(p.checks.byName['browse ok']!.fails).toBe(3);
    expect(p.stages.map((s) => [s.startMs, s.endMs])).toEqual([[0, 2000], [2000, 6000], [6000, 8000]]);
    expect(p.breakingPoint).toBeNull();
    expect(p.recovery).toBeNull();
  });

  it('names the stress breaking point at the first window whose p95 exceeds the limit', () => {
    const profile = buildLoadProfile('stress', { config: { scenarios: { stress: { rate: 200, rampUp: '1s', duration: '8s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 0 });
    // Stages: up 0-1 s, hold 50 @ 1-3 s, up 3-4, hold 100 @ 4-6 s, up 6-7, hold 150 @ 7-9 s, …
    const windows = [...flat(6, { ms: 20, requests: 50 }), { ms: 20, requests: 100 }, { ms: 250, requests: 100 }, ...flat(5, { ms: 400, requests: 100 })];
    const p = buildLoadTestPayload(run(windows), ctx(profile));
    expect(p.breakingPoint).not.toBeNull();
    expect(p.breakingPoint!.atMs).toBe(7000);
    // The achieved rate (100 requests in the 1 s window), with the stage target beside it.
    expect(p.breakingPoint!.rps).toBe(100);
    expect(p.breakingPoint!.targetRps).toBe(150);
    expect(p.breakingPoint!.span).toEqual({ startMs: 7000, endMs: 10_000, windows: 3 });
    expect(p.breakingPoint!.evidence).toHaveLength(3);
    expect(p.breakingPoint!.reason).toMatch(/p95 250(\.\d+)? ms > 100 ms \(n = 100\) for 3 consecutive windows from 7 s, at 100 req\/s achieved \(target 150 req\/s\)/);
    expect(renderLoadTestResults(p)).toContain('## Breaking point');
  });

  it('judges a journey-filtered latency SLO on that journey\'s requests only', () => {
    const profile = buildLoadProfile('stress', { config: { scenarios: { stress: { rate: 200, rampUp: '1s', duration: '8s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 0 });
    // 400 requests a window, 100 of them checkout's: just enough for p99.
    const windows = flat(12, { ms: 40, requests: 400 });
    const strict = { ...ctx(profile), latencyLimits: [{ journey: 'checkout', percentile: 99, thresholdMs: 30 }] };
    expect(buildLoadTestPayload(run(windows), strict).breakingPoint?.reason).toMatch(/^checkout p99 40(\.\d+)? ms > 30 ms/);
    const other = { ...ctx(profile), latencyLimits: [{ journey: 'nope', percentile: 99, thresholdMs: 30 }] };
    expect(buildLoadTestPayload(run(windows), other).breakingPoint).toBeNull();
  });

  it('does not call a slow warm-up (a cold start) a breaking point, and leaves it out of the figures', () => {
    const profile = buildLoadProfile('stress', { config: { scenarios: { stress: { rate: 200, rampUp: '1s', duration: '8s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 3000 });
    // Cold for the 3 s warm-up (p95 800 ms), then fine at every level.
    const windows = [...flat(3, { ms: 800, requests: 40 }), ...flat(10, { ms: 12, requests: 100 })];
    const p = buildLoadTestPayload(run(windows), ctx(profile));
    expect(p.breakingPoint).toBeNull();
    expect(p.overall.requests).toBe(1000);
    expect(p.overall.latencyMs.max).toBeLessThan(13);
    expect(p.warmup).toMatchObject({ ms: 3000, excluded: true });
    expect(p.stages[0]).toMatchObject({ startMs: 0, endMs: 3000, warmup: true });
    expect(renderLoadTestResults(p)).toMatch(/warm-up/i);
  });

  it('a violation that lasts one or two windows is not a breaking point', () => {
    const profile = buildLoadProfile('stress', { config: { scenarios: { stress: { rate: 200, rampUp: '1s', duration: '8s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 0 });
    const windows = [...flat(4, { ms: 10, requests: 100 }), ...flat(2, { ms: 300, requests: 100 }), ...flat(4, { ms: 10, requests: 100 }), { ms: 300, requests: 100 }];
    expect(buildLoadTestPayload(run(windows), ctx(profile)).breakingPoint).toBeNull();
    // The report states the rule the run was judged by, not a fixed "3".
    expect(renderLoadTestResults(buildLoadTestPayload(run(windows), ctx(profile)))).toContain('no violation lasted 3 consecutive windows');
    expect(renderLoadTestResults(buildLoadTestPayload(run(windows), { ...ctx(profile), sustainWindows: 5 }))).toContain('no violation lasted 5 consecutive windows');
    // With sustainWindows: 2 the same run breaks at 4 s.
    expect(buildLoadTestPayload(run(windows), { ...ctx(profile), sustainWindows: 2 }).breakingPoint?.atMs).toBe(4000);
  });

  it('windows with too few samples for the percentile (12 requests for a p99) never make a breaking point', () => {
    const profile = buildLoadProfile('breakpoint', { config: { scenarios: { breakpoint: { rate: 100, duration: '10s' } } }, capacityRps: null, warmupMs: 0 });
    const windows = flat(10, { ms: 135, requests: 12 });
    const p99 = { ...ctx(profile), latencyLimits: [{ percentile: 99, thresholdMs: 100 }] };
    expect(buildLoadTestPayload(run(windows), p99).breakingPoint).toBeNull();
    // 120 per window supports p99: now it is one.
    expect(buildLoadTestPayload(run(flat(10, { ms: 135, requests: 120 })), p99).breakingPoint?.reason).toMatch(/p99 135(\.\d+)? ms > 100 ms \(n = 120\)/);
  });

  it('prints "n/a (n = 0)" for an empty window, never 0.000 ms', () => {
    const profile = buildLoadProfile('baseline', { config: { scenarios: { baseline: { rate: 40, rampUp: '1s', duration: '2s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 0 });
    const md = renderLoadTestResults(buildLoadTestPayload(run([{ ms: 10, requests: 40 }, { ms: 10, requests: 0 }, { ms: 10, requests: 12 }, { ms: 10, requests: 40 }]), ctx(profile)));
    expect(md).not.toContain('0.000 ms');
    expect(md).toContain('n/a (n = 0)');
    // 12 requests support p50 and p90 but not p95 or p99.
    expect(md).toMatch(/\| 2s \| 12 \|.*\| 10\.0 ms \| n\/a \(n = 12\) \| n\/a \(n = 12\) \|/);
  });

  it('names a breaking point when the open model falls behind its target rate and drops iterations', () => {
    const profile = buildLoadProfile('breakpoint', { config: { scenarios: { breakpoint: { rate: 100, duration: '10s' } } }, capacityRps: null, warmupMs: 0 });
    const windows = [...flat(6, { ms: 20, requests: 0 }).map((w, i) => ({ ...w, requests: i * 10 + 5 })), ...flat(4, { ms: 30, requests: 40, dropped: 20 })];
    const p = buildLoadTestPayload(run(windows), ctx(profile));
    expect(p.breakingPoint?.reason).toMatch(/throughput 40 req\/s < 85% of the target/);
    expect(p.breakingPoint?.atMs).toBe(6000);
  });

  it('reports the spike recovery time from the end of the spike until p95 is back near the pre-spike level', () => {
    const profile = buildLoadProfile('spike', { config: { scenarios: { spike: { rate: 120, rampUp: '1s', duration: '4s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 0 });
    // base 0-2 s, jump 2-3, spike 3-7 (spike.endMs = 7000), drop 7-8, recovery 8-16.
    expect(profile.spike).toEqual({ startMs: 2000, endMs: 7000 });
    const windows = [...flat(2, { ms: 10, requests: 20 }), ...flat(5, { ms: 300, requests: 80 }), ...flat(3, { ms: 200, requests: 20 }), ...flat(6, { ms: 11, requests: 20 })];
    const p = buildLoadTestPayload(run(windows), ctx(profile));
    expect(p.recovery).toMatchObject({ recoveryTimeMs: 4000, spikeEndMs: 7000 });
    expect(renderLoadTestResults(p)).toContain('Recovery time: **4s**');
  });

  it('measures the spike recovery against the warmed pre-spike state, not the cold warm-up', () => {
    const profile = buildLoadProfile('spike', { config: { scenarios: { spike: { rate: 120, rampUp: '1s', duration: '4s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 2000 });
    // warm-up 0-2 s, base 2-4 s, jump 4-5, spike 5-9, drop 9-10, recovery 10-18.
    expect(profile.spike).toEqual({ startMs: 4000, endMs: 9000 });
    // Cold warm-up at 400 ms would make the 300 ms spike look "never degraded" if it were the reference.
    const windows = [...flat(2, { ms: 400, requests: 20 }), ...flat(2, { ms: 10, requests: 20 }), ...flat(5, { ms: 300, requests: 80 }), ...flat(2, { ms: 200, requests: 20 }), ...flat(7, { ms: 11, requests: 20 })];
    const p = buildLoadTestPayload(run(windows), ctx(profile));
    expect(p.recovery).toMatchObject({ recoveryTimeMs: 3000, spikeEndMs: 9000 });
    expect(p.recovery!.note).toMatch(/warmed pre-spike 10(\.\d+)? ms from 40 requests/);
  });

  it('pools the pre-spike windows for the reference, so a short base load of small windows still has one', () => {
    const profile = buildLoadProfile('spike', { config: { scenarios: { spike: { rate: 120, rampUp: '1s', duration: '4s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 2000 });
    // warm-up 0-2 s, base 2-4 s with 12 requests a window: 24 pooled >= the 20 that p95 needs.
    const windows = [...flat(2, { ms: 400, requests: 12 }), ...flat(2, { ms: 10, requests: 12 }), ...flat(5, { ms: 300, requests: 80 }), ...flat(2, { ms: 200, requests: 20 }), ...flat(7, { ms: 11, requests: 20 })];
    const p = buildLoadTestPayload(run(windows), ctx(profile));
    expect(p.recovery).toMatchObject({ recoveryTimeMs: 3000, spikeEndMs: 9000 });
    expect(p.recovery!.note).toMatch(/from 24 requests/);
  });

  it('gives no recovery time when the pre-spike state has fewer requests than p95 needs', () => {
    const profile = buildLoadProfile('spike', { config: { scenarios: { spike: { rate: 120, rampUp: '1s', duration: '4s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 2000 });
    const windows = [...flat(2, { ms: 400, requests: 12 }), ...flat(2, { ms: 10, requests: 5 }), ...flat(5, { ms: 300, requests: 80 }), ...flat(9, { ms: 11, requests: 20 })];
    const p = buildLoadTestPayload(run(windows), ctx(profile));
    expect(p.recovery?.recoveryTimeMs).toBeNull();
    expect(p.recovery?.note).toMatch(/10 requests between the warm-up and the spike \(p95 needs ≥ 20\)/);
  });

  it('says so when the service never recovered', () => {
    const profile = buildLoadProfile('spike', { config: { scenarios: { spike: { rate: 120, rampUp: '1s', duration: '4s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 0 });
    const windows = [...flat(2, { ms: 10, requests: 20 }), ...flat(14, { ms: 300, requests: 20 })];
    const p = buildLoadTestPayload(run(windows), ctx(profile));
    expect(p.recovery?.recoveryTimeMs).toBeNull();
    expect(p.recovery?.note).toMatch(/not recovered/);
  });

  it('shows soak drift as p95 of the first vs the last part of the run', () => {
    const profile = buildLoadProfile('soak', { config: { scenarios: { soak: { rate: 20, rampUp: '1s', duration: '7s', rampDown: '1s' } } }, capacityRps: null, warmupMs: 0 });
    const windows = [...flat(3, { ms: 10, requests: 20 }), ...flat(3, { ms: 15, requests: 20 }), ...flat(3, { ms: 20, requests: 20 })];
    const p = buildLoadTestPayload(run(windows), ctx(profile));
    // HDR histograms are exact to 3 significant digits.
    expect(p.drift?.firstP95Ms).toBeCloseTo(10, 1);
    expect(p.drift?.lastP95Ms).toBeCloseTo(20, 1);
    expect(p.drift?.changePct).toBeCloseTo(100, 0);
  });

  it('marks an interrupted run (or a k6 file without its summary) as partial', () => {
    const profile = buildLoadProfile('baseline', { config: { scenarios: { baseline: { rate: 10 } } }, capacityRps: null, warmupMs: 0 });
    expect(buildLoadTestPayload(run(flat(3, { ms: 5, requests: 10 })), ctx(profile, true)).partial).toBe(true);
    expect(buildLoadTestPayload(run(flat(3, { ms: 5, requests: 10 }), false), ctx(profile)).partial).toBe(true);
    expect(renderLoadTestResults(buildLoadTestPayload(run(flat(3, { ms: 5, requests: 10 })), ctx(profile, true)))).toContain('PARTIAL');
  });

  it('shows busy and allocated VUs per window when k6 sent vus_max, and what each means', () => {
    const profile = buildLoadProfile('baseline', { config: { scenarios: { baseline: { rate: 10 } } }, capacityRps: null, warmupMs: 0 });
    const p = buildLoadTestPayload(run(flat(3, { ms: 5, requests: 10, busyVus: 0, allocatedVus: 2 })), ctx(profile));
    expect(p.windows.map((w) => [w.vus, w.vusMax])).toEqual([[0, 2], [0, 2], [0, 2]]);
    const md = renderLoadTestResults(p);
    expect(md).toContain('| VUs busy / allocated |');
    expect(md).toMatch(/\| 0 \/ 2 \|/);
    expect(md).toContain('allocated = `vus_max`');
    const older = buildLoadTestPayload(run(flat(3, { ms: 5, requests: 10 })), ctx(profile));
    expect(older.windows[0]?.vusMax).toBeUndefined();
    expect(renderLoadTestResults(older)).not.toContain('VUs busy / allocated');
  });
});
