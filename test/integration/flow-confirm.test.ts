import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsChange } from '../../analyzers/compare/compare.js';
import { runBaseline } from '../../capture/baseline/run-baseline.js';
import type { BeforeTarget } from '../../capture/baseline/confirm.js';
import { runCompare } from '../../app/compare.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { parseConfig } from '../../core/config/load.js';
import type { PerfConfig } from '../../core/config/types.js';

// Two loopback servers: "before" (never slow) and "after", whose /slow journey can be slowed on
// demand — a real regression, or a transient one that is gone by the time perf re-measures.
let afterDelayMs = 0;
const servers: Server[] = [];
let beforeUrl = '';
let config: PerfConfig;

async function listen(delay: () => number): Promise<string> {
  const server = createServer((req, res) => {
    const wait = req.url?.startsWith('/slow') ? delay() : 0;
    setTimeout(() => res.end('ok'), wait);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeAll(async () => {
  beforeUrl = await listen(() => 0);
  const afterUrl = await listen(() => afterDelayMs);
  config = parseConfig(
    `target: { baseUrl: "${afterUrl}" }
journeys:
  - { name: slow, steps: [{ path: /slow }] }
  - { name: steady, steps: [{ path: /steady }] }
`,
    join(tmpdir(), 'confirm.perf.config.yaml'),
  );
});
afterAll(() => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))));

const load = { quick: true, connections: 2, durationMs: 1500, capacity: false } as const;

async function measure(dir: string, name: string, cfg: PerfConfig = config): Promise<string> {
  return (await runBaseline({ ...load, config: cfg, store: new ArtifactStore(join(dir, name)) })).jsonPath;
}

async function compareConfirmed(dir: string, before: string, after: string, beforeTarget?: BeforeTarget, say: (l: string) => void = () => undefined) {
  const store = new ArtifactStore(join(dir, 'out'));
  let first: Awaited<ReturnType<typeof runCompare>>['comparison'] | undefined;
  const r = await runCompare(store, {
    before,
    after,
    confirm: { baselineOpts: { ...load, config, store }, ...(beforeTarget ? { beforeTarget } : {}) },
    onProgress: (e) => {
      if (e.phase === 'compared') first = e.comparison;
      else say(e.line);
    },
  });
  return { first, final: r.comparison };
}

describe('perf flow re-measures both sides interleaved (A B A B) before it claims a change', () => {
  it('claims no change between runs of one unchanged loopback server, even after a transient slowdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-confirm-'));
    afterDelayMs = 0;
    const before = await measure(dir, 'before');
    afterDelayMs = 25; // the host hiccups during the after-measurement only
    const after = await measure(dir, 'after');
    afterDelayMs = 0; // the service is unchanged: both sides are the same code again
    const lines: string[] = [];
    const { first, final } = await compareConfirmed(dir, before, after, { baseUrl: config.target.baseUrl }, (l) => lines.push(l));
    expect(first?.regressions).toContain('slow');
    expect(lines.join('\n')).toMatch(/Confirming slow .*A B A B/);
    for (const j of [...final.journeys, final.overall]) expect(claimsChange(j.verdict), `${j.name}: ${j.verdict}`).toBe(false);
    expect(final.regressions).toEqual([]);
    const slow = final.confirmations!.find((c) => c.journey === 'slow')!;
    expect(slow.held).toBe(false);
    // Every measurement is kept: the first pair plus A B A B.
    expect(slow.measurements.map((m) => m.side)).toEqual(['before', 'after', 'before', 'after']);
    expect(final.measurementsPerSide).toBe(3);
    expect(final.journeys.find((j) => j.name === 'slow')!.after.p95Ms).toBeGreaterThanOrEqual(25);
  });

  it('keeps a regression that holds in both interleaved rounds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-confirm-'));
    afterDelayMs = 25; // a real regression of the after version; the before version stays fast
    const beforeCfg = { ...config, target: { ...config.target, baseUrl: beforeUrl } };
    const before = await measure(dir, 'before', beforeCfg);
    const after = await measure(dir, 'after');
    const { final } = await compareConfirmed(dir, before, after, { baseUrl: beforeUrl });
    expect(final.regressions, JSON.stringify(final.confirmations?.map((c) => [c.journey, c.reason, c.pairs, c.sameSide]))).toContain('slow');
    expect(final.verdict).toBe('regressed');
    const slow = final.confirmations!.find((c) => c.journey === 'slow')!;
    expect(slow.held).toBe(true);
    expect(slow.pairs).toEqual(['regressed', 'regressed']);
    afterDelayMs = 0;
  });

  it('does not claim a one-off difference when the before version cannot be run again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-confirm-'));
    afterDelayMs = 0;
    const before = await measure(dir, 'before');
    afterDelayMs = 25;
    const after = await measure(dir, 'after');
    afterDelayMs = 0;
    const { first, final } = await compareConfirmed(dir, before, after);
    expect(first?.regressions).toContain('slow');
    expect(final.verdict).toBe('unconfirmed');
    expect(final.journeys.find((j) => j.name === 'slow')!.verdict).toBe('unconfirmed');
    expect(final.confirmations!.find((c) => c.journey === 'slow')!.reason).toMatch(/before version cannot be run now/);
  });
});
