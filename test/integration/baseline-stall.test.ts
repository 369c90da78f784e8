import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type LoadResult } from '../../capture/load/run-load.js';
import type { Journey } from '../../core/config/types.js';
// @ts-expect-error plain JS fixture without types
import { startTestServer } from '../fixtures/baseline/servers.mjs';

// A loopback server that stalls for 1 s every 3 s (like a long GC pause or a blocked event loop).
const stallJourney: Journey[] = [
  { name: 'stall', weight: 1, steps: [{ name: 'get', method: 'GET', path: '/stall', headers: {}, expectStatus: [200], thinkTimeMs: 0 }] },
];

function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] as number;
}

describe('coordinated omission on a server that stalls 1 s every 3 s', () => {
  let server: { url: string; close(): Promise<void> };
  let open: LoadResult;
  let closed: LoadResult;
  const openSamples: number[] = [];
  const serviceSamples: number[] = [];

  beforeAll(async () => {
    server = await startTestServer({ stallEveryMs: 3000, stallMs: 1000 });
    open = await runLoad({
      baseUrl: server.url,
      journeys: stallJourney,
      headers: {},
      model: { kind: 'open', rateRps: 200, connections: 10 },
      durationMs: 6000,
      warmupMs: 300,
      onSample: (_j, serviceMs, correctedMs) => {
        openSamples.push(Math.max(1, Math.round((correctedMs as number) * 1000)) / 1000);
        serviceSamples.push(Math.max(1, Math.round(serviceMs * 1000)) / 1000);
      },
    });
    closed = await runLoad({
      baseUrl: server.url,
      journeys: stallJourney,
      headers: {},
      model: { kind: 'closed', connections: 10 },
      durationMs: 6000,
      warmupMs: 300,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('reports p99 from the intended send time, so the stalls show (open model)', () => {
    const f = open.overall.figures(open.durationMs, true);
    expect(f.requests).toBeGreaterThan(1000);
    // A third of the time, requests wait up to 1 s: p99 is most of a second.
    expect(f.latencyMs.p99).toBeGreaterThan(700);
    expect(f.latencyMs.p90).toBeGreaterThan(300);
  });

  it('the closed-loop (uncorrected) p99 hides the same stalls', () => {
    const f = closed.overall.figures(closed.durationMs, false);
    expect(f.requests).toBeGreaterThan(2000);
    expect(f.latencyMs.p99).toBeLessThan(100);
    expect(f.latencyMs.max).toBeGreaterThan(700); // the stall happened, only the percentile hides it
  });

  it('keeps the uncorrected service-time view beside the corrected one', () => {
    const f = open.overall.figures(open.durationMs, true);
    expect(f.latencyMsUncorrected).toBeDefined();
    expect(f.latencyMsUncorrected!.p90).toBeLessThan(f.latencyMs.p90);
  });

  it('agrees with an exact sort of the same recorded samples within 0.1 %', () => {
    const f = open.overall.figures(open.durationMs, true);
    const sorted = [...openSamples].sort((a, b) => a - b);
    const ssorted = [...serviceSamples].sort((a, b) => a - b);
    expect(sorted.length).toBe(f.requests);
    for (const [p, key] of [[50, 'p50'], [90, 'p90'], [95, 'p95'], [99, 'p99'], [99.9, 'p999']] as const) {
      const exact = nearestRank(sorted, p);
      expect(Math.abs(f.latencyMs[key] - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.0005);
      const sexact = nearestRank(ssorted, p);
      expect(Math.abs(f.latencyMsUncorrected![key] - sexact)).toBeLessThanOrEqual(sexact * 0.001 + 0.0005);
    }
  });
});
