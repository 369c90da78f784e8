// Load-test verdicts of `perf loadtest`: real k6 (bin/k6) against a loopback server that is
// slow only while it warms up (test/fixtures/verdicts/servers.mjs, its own process).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { parseConfig } from '../../core/config/load.js';
import { generateScripts } from '../../k6-scripts/src/generate.js';
import { runLoadtest } from '../../k6-scripts/src/loadtest.js';
import { startChildServer, type ChildServer } from '../fixtures/verdicts/start.js';

let server: ChildServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function setup(url: string): { config: ReturnType<typeof parseConfig>; store: ArtifactStore } {
  const dir = mkdtempSync(join(tmpdir(), 'perf-lt-verdicts-'));
  const config = parseConfig(
    `target: { baseUrl: "${url}" }
journeys:
  - { name: list, steps: [{ path: /posts }] }
slos:
  - { name: fast, sli: latency, objective: 95, percentile: p95, thresholdMs: 100 }
`,
    join(dir, 'perf.config.yaml'),
  );
  return { config, store: new ArtifactStore(join(dir, '.aiwg')) };
}

describe('a cold start is not a breaking point (item 1)', () => {
  it('stress --quick: the warm-up stage absorbs a 4 s cold start; without it the cold start is the breaking point', async () => {
    // 300 ms per request for the first 4 s after the first request, then at once.
    server = await startChildServer('cold', '4000', '300');
    const warm = await runLoadtest({ ...setup(server.url), scenario: 'stress', quick: true, quickBudgetMs: 14_000, rate: 160, warmupMs: 5000 });
    // The cold start is there, in the warm-up windows …
    expect(warm.payload.windows.some((w) => w.endMs <= 5000 && w.requests >= 20 && w.latencyMs.p95 > 100)).toBe(true);
    expect(warm.payload.warmup).toMatchObject({ ms: 5000, excluded: true });
    // … but it is not a breaking point, and not in the figures.
    expect(warm.payload.breakingPoint).toBeNull();
    expect(warm.payload.overall.latencyMs.p95).toBeLessThan(100);
    expect(readFileSync(warm.markdownPath, 'utf8')).toMatch(/Warm-up: 5s — the first 5 s \(warm-up stage\) are excluded/);
    await server.stop();

    server = await startChildServer('cold', '4000', '300');
    const cold = await runLoadtest({ ...setup(server.url), scenario: 'stress', quick: true, quickBudgetMs: 14_000, rate: 160, warmupMs: 0 });
    const bp = cold.payload.breakingPoint;
    expect(bp).not.toBeNull();
    expect(bp!.atMs).toBeLessThan(4000);
    // The rate is what was achieved, with the target beside it, over ≥ 3 windows of evidence.
    expect(bp!.targetRps).toBeDefined();
    expect(bp!.span!.windows).toBeGreaterThanOrEqual(3);
    expect(bp!.evidence!.length).toBe(bp!.span!.windows);
  });
});

describe("breakpoint's abort waits (item 2)", () => {
  it('the generated thresholds delay abortOnFail past the warm-up until enough requests were made', async () => {
    server = await startChildServer('cpu', '0');
    const { config, store } = setup(server.url);
    const res = await generateScripts({ config, store, scenarios: ['breakpoint'], rate: 200, writePlan: false });
    const script = res.scripts[0]!;
    const delay = script.profile.abort!.delayAbortEvalMs;
    // 10 s warm-up at 10/s = 100 requests; the p95 rule needs 5 × 20 = 100: just past the warm-up.
    expect(script.profile.abort!.minSamples).toBe(100);
    expect(delay).toBeGreaterThan(10_000);
    const text = readFileSync(script.tsPath, 'utf8');
    expect(text).toMatch(/"?abortOnFail"?: true/);
    expect(text).toMatch(new RegExp(`"?delayAbortEval"?: ["']${delay / 1000}s["']`));
  });
});
