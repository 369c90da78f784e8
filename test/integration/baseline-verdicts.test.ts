// Verdicts of `perf baseline`, against small loopback servers written
// for the test (test/fixtures/verdicts/servers.mjs), each in its own process.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBaseline } from '../../capture/baseline/run-baseline.js';
import type { BaselinePayload } from '../../core/artifacts/schemas.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { parseConfig } from '../../core/config/load.js';
import { RuntimeFailure } from '../../core/errors.js';
import { startChildServer, type ChildServer } from '../fixtures/verdicts/start.js';

let server: ChildServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function setup(url: string, yaml: string): { config: ReturnType<typeof parseConfig>; store: ArtifactStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'perf-verdicts-'));
  const config = parseConfig(`target: { baseUrl: "${url}" }\n${yaml}`, join(dir, 'perf.config.yaml'));
  return { config, store: new ArtifactStore(join(dir, '.aiwg')), dir };
}

const oneJourney = 'journeys:\n  - { name: get, steps: [{ path: /x }] }\n';

describe('warm-up (item 1): a server that is slow only while it warms up', () => {
  it('keeps the cold start out of the figures, and shows it when warm-up is turned off', async () => {
    // 250 ms per request for the first 1.5 s after its first request, then at once.
    server = await startChildServer('cold', '1500', '250');
    const { config, store } = setup(server.url, oneJourney);
    const warm = await runBaseline({ config, store, capacity: false, rateRps: 40, durationMs: 2000, warmupMs: 2500 });
    expect(warm.artifact.warmupMs).toBe(2500);
    expect(warm.artifact.overall.latencyMs.p95).toBeLessThan(60);
    expect(readFileSync(warm.markdownPath, 'utf8')).toMatch(/after a 3s warm-up \(excluded; the same warm-up precedes the probe/);
    await server.stop();

    server = await startChildServer('cold', '1500', '250');
    const cold = setup(server.url, `${oneJourney}warmup: 0s\n`);
    const r = await runBaseline({ ...cold, capacity: false, rateRps: 40, durationMs: 2000 });
    expect(r.artifact.warmupMs).toBe(0);
    expect(r.artifact.overall.latencyMs.p95).toBeGreaterThan(200);
  });
});

describe('per-journey baselines (item 3) and sample sizes (item 4)', () => {
  it('gives each journey its share of --duration at the mix rate, and prints n/a where n cannot support a percentile', async () => {
    server = await startChildServer('cpu', '0');
    const { config, store } = setup(server.url, 'journeys:\n  - { name: a, weight: 9, steps: [{ path: /a }] }\n  - { name: b, weight: 1, steps: [{ path: /b }] }\n');
    const r = await runBaseline({ config, store, capacity: false, rateRps: 60, durationMs: 4000, warmupMs: 300 });
    const [a, b] = ['a', 'b'].map((n) => r.artifact.journeys.find((j) => j.name === n)!);
    // 4 s / 2 journeys = 2 s each at 60/s ≈ 120 samples each: enough for p99, not for p99.9
    // (before: b ran at max(5, 60 × 1/10) = 6/s for 2.5 s = 15 samples, so p95 = p99 = max).
    expect(a!.requests).toBeGreaterThanOrEqual(100);
    expect(b!.requests).toBeGreaterThanOrEqual(100);
    expect(b!.durationMs).toBe(2000);
    const md = readFileSync(r.markdownPath, 'utf8');
    expect(md).toMatch(/\| b \| \d+ \|.*\| n\/a \(n = \d+\) \|/);
    expect(md).toContain('p99 ≥ 100, p99.9 ≥ 1,000');
    expect(md).toContain('--duration split across 2 journeys');
    for (const f of [...r.artifact.journeys, r.artifact.overall]) {
      expect(f.latencyMs.p99).toBeLessThanOrEqual(f.latencyMs.max);
      expect(f.latencyMs.p999).toBeLessThanOrEqual(f.latencyMs.max);
    }
  });
});

describe('capacity search that knows its limits (item 5): a CPU-bound server with a known limit', () => {
  // 5 ms of CPU per request on one thread: the service cannot exceed 200 requests/s.
  const slo = 'slos:\n  - { name: p95, sli: latency, objective: 95, percentile: p95, thresholdMs: 60 }\n';

  it('finds a knee below the known limit, confirmed by repeated trials, with the generator recorded', async () => {
    server = await startChildServer('cpu', '5');
    const { config, store } = setup(server.url, oneJourney + slo);
    const r = await runBaseline({ config, store, quick: true, durationMs: 1500, warmupMs: 500 });
    const c = r.artifact.capacity!;
    // Never above what the service can do (200/s; 215 allows for a step's rounding); on a quiet
    // machine around 150-200/s, lower on a busy one, never 0.
    expect(c.maxRps).toBeGreaterThan(0);
    expect(c.maxRps).toBeLessThanOrEqual(215);
    if (c.limitedBy === 'generator') {
      // A busy host: perf's own sends left late, so the search stopped and says so.
      expect(c.lowerBound).toBe(true);
      expect(readFileSync(r.markdownPath, 'utf8')).toContain('limited by the load generator');
    } else {
      expect(['latency', 'plateau']).toContain(c.limitedBy);
      expect(c.lowerBound).toBe(false);
      // The knee ran at least twice (search + repeats) and passed a majority.
      expect(c.steps.filter((s) => s.rateRps === c.maxRps).length).toBeGreaterThanOrEqual(2);
      expect(c.confirmation).toMatch(new RegExp(`^${c.maxRps}/s passed \\d of \\d trials`));
    }
    expect(c.steps.every((s) => s.generator !== undefined && s.requests !== undefined)).toBe(true);
    expect(r.artifact.generator?.cpuShare).toBeGreaterThan(0);
    expect(readFileSync(r.markdownPath, 'utf8')).toMatch(/\| generator CPU \| send lag p95 \|/);
  });

  it('--max-rate caps the probe and the search, and the knee says it is limited by --max-rate', async () => {
    server = await startChildServer('cpu', '0');
    // A lax SLO: a fast service that only --max-rate 60/s can stop, even on a busy host.
    const { config, store } = setup(server.url, `${oneJourney}slos:\n  - { name: p95, sli: latency, objective: 95, percentile: p95, thresholdMs: 1000 }\n`);
    const r = await runBaseline({ config, store, quick: true, durationMs: 1000, warmupMs: 300, maxRateRps: 60 });
    const c = r.artifact.capacity!;
    expect(Math.max(...c.steps.map((s) => s.rateRps))).toBeLessThanOrEqual(60);
    expect(c).toMatchObject({ maxRps: 60, limitedBy: 'max-rate', lowerBound: true, maxRateRps: 60 });
    const md = readFileSync(r.markdownPath, 'utf8');
    expect(md).toContain('at least 60 req/s — limited by --max-rate 60 req/s, not a knee of the service');
    // The measured rate says it rests on a lower bound, not a knee.
    expect(md).toContain('arrival rate 30/s = half of 60 req/s, a lower bound of the capacity (limited by max-rate)');
  });

  it('--capacity N is taken instead of measuring: no probe, no search, the open-model rate is half of N and says so', async () => {
    server = await startChildServer('cpu', '0');
    const { config, store } = setup(server.url, `${oneJourney}slos:\n  - { name: p95, sli: latency, objective: 95, percentile: p95, thresholdMs: 1000 }\n`);
    const phases: string[] = [];
    const r = await runBaseline({ config, store, quick: true, capacityRps: 80, durationMs: 1000, warmupMs: 300, onProgress: (p) => phases.push(p.phase) });
    expect(r.artifact.capacity).toBeNull();
    expect(phases).not.toContain('probe');
    expect(phases).not.toContain('capacity');
    expect(r.artifact.model).toMatchObject({ kind: 'open', rateRps: 40 });
    expect(r.artifact.notes).toContain('Open model chosen because a latency SLO exists; arrival rate 40/s = half of the --capacity 80 req/s you gave (not measured: no probe, no capacity search) (pass --rate to choose it).');
  });

  it('without a capacity search, the open-model rate says it is a quarter of what the closed-model probe reached', async () => {
    server = await startChildServer('cpu', '0');
    const { config, store } = setup(server.url, `${oneJourney}slos:\n  - { name: p95, sli: latency, objective: 95, percentile: p95, thresholdMs: 1000 }\n`);
    const r = await runBaseline({ config, store, quick: true, capacity: false, durationMs: 1000, warmupMs: 300, maxRateRps: 80 });
    expect(r.artifact.capacity).toBeNull();
    const note = r.artifact.notes?.find((n) => n.startsWith('Open model chosen')) ?? '';
    const m = /arrival rate (\d+)\/s = half of ([\d,.]+) req\/s, taken as the knee estimate: half the ([\d,.]+) req\/s a closed-model probe reached \(no capacity search\)/.exec(note);
    expect(m, note).not.toBeNull();
    const [rate, knee, probe] = [m![1], m![2], m![3]].map((x) => Number(String(x).replace(/,/g, '')));
    expect(Math.abs((knee as number) - (probe as number) / 2)).toBeLessThanOrEqual(1);
    expect(Math.abs((rate as number) - (knee as number) / 2)).toBeLessThanOrEqual(1);
    expect(r.artifact.model).toMatchObject({ kind: 'open', rateRps: rate });
  });

  it('a knee of 0 is a clear runtime error with the failing step, and the steps are kept in the report', async () => {
    server = await startChildServer('fail');
    const { config, store } = setup(server.url, oneJourney + slo);
    const err = await runBaseline({ config, store, quick: true, durationMs: 1000, warmupMs: 200, maxRateRps: 40 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeFailure);
    expect((err as Error).message).toMatch(/found no rate the service handles: every step failed, the lowest at \d+ req\/s offered → .* errors 100\.00 % \[errors\]/);
    const saved = store.readLatest<BaselinePayload>('baseline');
    expect(saved?.capacity?.maxRps).toBe(0);
    expect(saved?.capacity?.steps.length).toBeGreaterThan(1);
  });
});
