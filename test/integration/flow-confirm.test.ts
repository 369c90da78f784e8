import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../../analyzers/compare/compare.js';
import { runBaseline } from '../../capture/baseline/run-baseline.js';
import { confirmRegressions } from '../../cli/flow/confirm.js';
import { readRun } from '../../cli/flow/steps.js';
import type { BaselinePayload } from '../../core/artifacts/schemas.js';
import { ArtifactStore, readArtifactFile } from '../../core/artifacts/store.js';
import { parseConfig } from '../../core/config/load.js';
import type { PerfConfig } from '../../core/config/types.js';

// A loopback server whose /slow journey can be made slower on demand: a real regression that comes
// and goes, to check that the flow confirms a regression before it reports one.
let delayMs = 0;
let server: Server;
let config: PerfConfig;

beforeAll(async () => {
  server = createServer((req, res) => {
    const wait = req.url?.startsWith('/slow') ? delayMs : 0;
    setTimeout(() => res.end('ok'), wait);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  config = parseConfig(
    `target: { baseUrl: "http://127.0.0.1:${port}" }
journeys:
  - { name: slow, steps: [{ path: /slow }] }
  - { name: steady, steps: [{ path: /steady }] }
`,
    join(tmpdir(), 'confirm.perf.config.yaml'),
  );
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function measure(dir: string, name: string): Promise<string> {
  const run = await runBaseline({ config, store: new ArtifactStore(join(dir, name)), quick: true, connections: 2, durationMs: 1500, capacity: false });
  return run.jsonPath;
}

async function confirm(dir: string, before: string, after: string, say: (l: string) => void = () => undefined) {
  const comparison = compareRuns(readRun(before, 'before'), readRun(after, 'after'));
  const store = new ArtifactStore(join(dir, 'after'));
  const baselineOpts = { config, store, quick: true, connections: 2, durationMs: 1500, capacity: false };
  return { comparison, confirmation: await confirmRegressions({ store, comparison, beforeFile: before, afterFile: after, baselineOpts, say }) };
}

describe('perf flow confirms a regression before reporting it', () => {
  it('re-measures a journey that regressed only in one measurement and reports it as not confirmed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-confirm-'));
    delayMs = 0;
    const before = await measure(dir, 'before');
    delayMs = 25; // a transient slowdown during the after-measurement only
    const after = await measure(dir, 'after');
    delayMs = 0; // gone again by the time the flow re-measures
    const lines: string[] = [];
    const { comparison, confirmation } = await confirm(dir, before, after, (l) => lines.push(l));
    expect(comparison.regressions).toContain('slow');
    expect(lines.join('\n')).toMatch(/Confirming the slow regression/);
    expect(confirmation).not.toBeNull();
    expect(confirmation!.notes.join('\n')).toMatch(/slow: the first after-measurement looked like a regression .* not confirmed/);
    const merged = readArtifactFile<BaselinePayload>(confirmation!.file, 'perf.baseline/v1');
    expect(merged.journeys.find((j) => j.name === 'slow')!.latencyMs.p50).toBeLessThan(20);
    // The after-run's own artifact is untouched: both measurements stay on record.
    const original = readArtifactFile<BaselinePayload>(after, 'perf.baseline/v1');
    expect(original.journeys.find((j) => j.name === 'slow')!.latencyMs.p50).toBeGreaterThanOrEqual(25);
    const recompared = compareRuns(readRun(before, 'before'), readRun(confirmation!.file, 'after'));
    expect(recompared.regressions).not.toContain('slow');
  });

  it('keeps a regression that shows again on the second measurement', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-confirm-'));
    delayMs = 0;
    const before = await measure(dir, 'before');
    delayMs = 25; // a real regression: it stays
    const after = await measure(dir, 'after');
    const { confirmation } = await confirm(dir, before, after);
    expect(confirmation!.notes.join('\n')).toMatch(/slow: regression confirmed by a second measurement/);
    const merged = readArtifactFile<BaselinePayload>(confirmation!.file, 'perf.baseline/v1');
    expect(compareRuns(readRun(before, 'before'), readRun(confirmation!.file, 'after')).regressions).toContain('slow');
    expect(merged.journeys.find((j) => j.name === 'slow')!.latencyMs.p50).toBeGreaterThanOrEqual(25);
  });
});
