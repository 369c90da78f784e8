import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS fixture without types
import { startTestServer } from '../fixtures/baseline/servers.mjs';
import { freePort } from '../support/free-port.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const runJs = join(root, 'cli/bin/run.js');
const serverMjs = join(root, 'test/fixtures/baseline/servers.mjs');

function perf(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [runJs, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

function project(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'perf-baseline-'));
  writeFileSync(join(dir, 'perf.config.yaml'), config);
  return dir;
}


const journeys = (path: string) => `journeys:
  - name: home
    steps:
      - { method: GET, path: "${path}", expectStatus: 200 }
`;

describe('perf baseline on bad input', () => {
  let server: { url: string; port: number; close(): Promise<void> };

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { env: { ...process.env, PERF_BUILD_LENIENT: '1' }, stdio: 'ignore' });
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('fails with exit 3 and a clear message when the target is unreachable', async () => {
    const port = await freePort();
    const dir = project(`target:\n  baseUrl: "http://127.0.0.1:${port}"\n${journeys('/ok')}`);
    const r = await perf(['baseline', '--quick', '--no-capacity'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/is not reachable \(ECONNREFUSED\)/);
    expect(r.stderr).toContain('fix:');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('fails with exit 3 and the tail of its stderr when the start command exits', async () => {
    const port = await freePort();
    const dir = project(`target:
  baseUrl: "http://127.0.0.1:${port}"
  start: { command: "echo 'cannot open database shop.db' >&2; exit 7", readyPath: "/ok", readyTimeoutMs: 5000 }
${journeys('/ok')}`);
    const r = await perf(['baseline', '--quick', '--no-capacity'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('exited with code 7 before it became ready');
    expect(r.stderr).toContain('| cannot open database shop.db');
  });

  it('refuses to start the target when its port is already in use (exit 3)', async () => {
    const dir = project(`target:
  baseUrl: "${server.url}"
  start: { command: "node ${serverMjs} ${server.port}", readyPath: "/ok", readyTimeoutMs: 5000 }
${journeys('/ok')}`);
    const r = await perf(['baseline', '--quick', '--no-capacity'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/already answers at .* \(port already in use\)/);
  });

  it('exits 3 with the stderr tail when the ready path never answers in time', async () => {
    const port = await freePort();
    const dir = project(`target:
  baseUrl: "http://127.0.0.1:${port}"
  start: { command: "echo starting >&2; sleep 30", readyPath: "/ok", readyTimeoutMs: 1000 }
${journeys('/ok')}`);
    const t = Date.now();
    const r = await perf(['baseline', '--quick', '--no-capacity'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('did not answer');
    expect(r.stderr).toContain('| starting');
    expect(Date.now() - t).toBeLessThan(15_000); // the sleep was killed with its process group
  });

  it('reports a journey that only gets 500s instead of crashing (errors in the report; exit 1: a baseline of a failing service)', async () => {
    const dir = project(`target:\n  baseUrl: "${server.url}"\n${journeys('/fail')}slos:\n  - { name: availability, sli: availability, objective: 99.9, window: 30d }\n`);
    const r = await perf(['baseline', '--quick', '--duration', '2s', '--json'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the baseline did not measure a working service: every request failed \(\d+ of \d+\)/);
    const a = JSON.parse(r.stdout);
    expect(a.schema).toBe('perf.baseline/v1');
    expect(a.journeys[0].errorRate).toBe(1);
    expect(a.journeys[0].statusCodes['500']).toBe(a.journeys[0].requests);
    expect(a.capacity.limitedBy).toBe('errors');
    expect(r.stderr).toContain('warning: journey "home"');
    const md = readFileSync(join(dir, '.aiwg/reports/performance-baseline.md'), 'utf8');
    expect(md).toMatch(/\*\*home\*\*: [\d,]+ of [\d,]+ requests failed \(100\.00%\); status codes 500×/);
    expect(md).toContain('**SLO — availability**: FAIL');
  });

  it('names an unknown --journey with exit 2', async () => {
    const dir = project(`target:\n  baseUrl: "${server.url}"\n${journeys('/ok')}`);
    const r = await perf(['baseline', '--journey', 'nope', '--quick'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no journey named "nope"');
  });

  it('measures a started target, writes the JSON twin with figures and capacity, and stops the target', async () => {
    const port = await freePort();
    const dir = project(`target:
  baseUrl: "http://127.0.0.1:${port}"
  headers: { Authorization: "Bearer \${PERF_TEST_TOKEN}" }
  start: { command: "node ${serverMjs} ${port}", readyPath: "/ok", readyTimeoutMs: 10000 }
journeys:
  - { name: fast, weight: 3, steps: [{ method: GET, path: "/ok", expectStatus: 200 }] }
  - { name: slow, weight: 1, steps: [{ method: GET, path: "/slow?ms=30", expectStatus: 200 }] }
slos:
  - { name: p95, sli: latency, percentile: p95, thresholdMs: 200, objective: 99, window: 30d }
`);
    const r = await perf(['baseline', '--quick', '--duration', '2s'], dir, { PERF_TEST_TOKEN: 'sekrit-token-123' });
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, '.aiwg/working/performance/baseline.json'), 'utf8'));
    expect(a.model.kind).toBe('open'); // a latency SLO exists
    expect(a.journeys.map((j: { name: string }) => j.name)).toEqual(['fast', 'slow']);
    expect(a.journeys[1].latencyMs.p50).toBeGreaterThan(29);
    expect(a.journeys[0].latencyMsUncorrected).toBeDefined();
    expect(typeof a.overall.histogram).toBe('string');
    expect(a.capacity.maxRps).toBeGreaterThan(0);
    expect(a.capacity.steps.length).toBeGreaterThan(0);
    // perf started the target: its process tree was sampled every second during the run.
    expect(a.resources.source).toBe('proc');
    expect(a.resources.samples.length).toBeGreaterThanOrEqual(2);
    expect(a.resources.samples.every((s: { rssMb: number; fds: number }) => s.rssMb > 5 && s.fds > 0)).toBe(true);
    // The compact table: one row per journey (worst p99 first) and the overall row last.
    expect(r.stdout).toMatch(/^journey +requests +req\/s +errors +p50 +p95 +p99 +max$/m);
    expect(r.stdout).toMatch(/^(slow|fast) .*\n(slow|fast) .*\noverall /m);
    const all = readFileSync(join(dir, '.aiwg/working/performance/baseline.json'), 'utf8') + readFileSync(join(dir, '.aiwg/reports/performance-baseline.md'), 'utf8');
    expect(all).not.toContain('sekrit-token-123');
    // The target was stopped: its port is free again.
    const probe = await fetch(`http://127.0.0.1:${port}/ok`).then(() => 'up', () => 'down');
    expect(probe).toBe('down');
  });

  it('still reports load figures for a target that is not Node, with a clear note instead of a profile', async () => {
    const port = await freePort();
    const dir = project(`target:
  baseUrl: "http://127.0.0.1:${port}"
  start: { command: "exec python3 -m http.server ${port} --bind 127.0.0.1", readyPath: "/", readyTimeoutMs: 10000 }
${journeys('/')}`);
    const r = await perf(['profile', '--quick', '--duration', '2s', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.schema).toBe('perf.profile/v1');
    expect(a.profiled).toBe(false);
    expect(a.skippedReason).toMatch(/does not look like a Node\.js process/);
    expect(a.load.requests).toBeGreaterThan(0);
    expect(r.stderr).toContain('profiling skipped');
  });

  it('profiles only a target it starts: without target.start the load figures come with a note', async () => {
    const dir = project(`target:\n  baseUrl: "${server.url}"\n${journeys('/ok')}`);
    const r = await perf(['profile', '--quick', '--duration', '1s', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.profiled).toBe(false);
    expect(a.skippedReason).toContain('no target.start');
    expect(a.load.statusCodes['200']).toBe(a.load.requests);
  });
});
