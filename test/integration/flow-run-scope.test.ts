import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BottlenecksPayload } from '../../analyzers/bottlenecks/types.js';
import { runFlow } from '../../app/flow/run-flow.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { parseConfig } from '../../core/config/load.js';
import type { PerfConfig } from '../../core/config/types.js';
import { syntheticLoadtest } from '../fixtures/report/synthetic.js';

let server: Server;
let config: PerfConfig;

beforeAll(async () => {
  server = createServer((_req, res) => setTimeout(() => res.end('ok'), 1));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  config = parseConfig(
    `target: { baseUrl: "http://127.0.0.1:${(server.address() as { port: number }).port}" }\njourneys:\n  - { name: list, steps: [{ path: /items }] }\n`,
    join(tmpdir(), 'scope.perf.config.yaml'),
  );
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('perf flow reads only this run’s artifacts', () => {
  it('ignores a load test and a summary left by an earlier command, and never claims them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-scope-'));
    const out = join(dir, '.aiwg');
    // An earlier standalone run left a load test with a breaking point and an optimisation summary.
    const earlier = new ArtifactStore(out, '20260101T000000Z-0bad');
    const { schema: _s, runId: _r, generatedAt: _g, tool: _t, ...old } = syntheticLoadtest({ windows: 3 });
    earlier.writeReport('loadtest', { ...old, breakingPoint: { rps: 12, atMs: 4000, reason: 'pool saturated' } }, '# old load test');
    earlier.writeReport('summary', { verdict: 'improved' }, '# old summary');

    const lines: string[] = [];
    const store = new ArtifactStore(out);
    const result = await runFlow({ config, store, trigger: 'proactive', after: false, quick: true, connections: 2, durationMs: 1500, capacity: false, skipLoadtest: true, say: (l) => lines.push(l) });
    const analysis = store.readThisRun<BottlenecksPayload>('bottlenecks')!;
    expect(analysis.breakingPoint).toBeNull();
    expect(analysis.bottlenecks.some((b) => b.rule === 'pool-saturation')).toBe(false);
    expect(analysis.gaps.join('\n')).toMatch(/loadtest\.json is from an earlier run \(20260101T000000Z-0bad\)/);
    const text = lines.join('\n');
    expect(text).not.toMatch(/12 req\/s|Breaking point at 12/);
    expect(text).toMatch(/Load test results: not written/);
    // The summary is this run's own (pending: no after-run yet), never the earlier command's.
    const summary = readFileSync(join(out, 'reports/optimization-summary.md'), 'utf8');
    expect(summary).not.toContain('# old summary');
    expect(summary).toMatch(/\*\*Status: PENDING\*\*/);
    expect(summary).toMatch(/No load test ran in this run/);
    // The archive holds this run's files only.
    expect(readFileSync(join(result.archive, 'reports/optimization-summary.md'), 'utf8')).toBe(summary);
    expect(existsSync(join(result.archive, 'testing/load-test-results.md'))).toBe(false);
    expect(existsSync(join(result.archive, 'reports/performance-baseline.md'))).toBe(true);
  });
});

describe('perf flow refreshes the analysis after its load test', () => {
  it('re-analyses with this run’s load test, so the analysis names this run’s load-test file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-scope-'));
    const store = new ArtifactStore(join(dir, '.aiwg'));
    const lines: string[] = [];
    await runFlow({ config, store, trigger: 'proactive', after: false, quick: true, quickTotalMs: 6000, connections: 2, durationMs: 1500, capacity: false, scenarios: ['baseline'], say: (l) => lines.push(l) });
    const loadtest = store.readThisRun('loadtest');
    expect(loadtest, lines.join('\n')).toBeDefined();
    expect(lines.join('\n')).toMatch(/Bottleneck analysis refreshed with this run's load test/);
    const analysis = store.readThisRun<BottlenecksPayload>('bottlenecks')!;
    expect(analysis.inputs.loadtest).toMatch(/loadtest\.json$/);
  });
});
