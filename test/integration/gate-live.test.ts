// A gate that cannot pass a run that did not happen, against real loopback servers written here:
// one that accepts every connection and never answers, and one that dies 2.5 s into the baseline.
// `perf baseline` and `perf slo-check` on its result both exit 1 with the reason, never "MET".
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'cli/bin/run.js');
let dir: string;
let holder: Server;
let holdAll = false;
const held: Socket[] = [];

function perf(cwd: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, timeout: 120_000, env: { ...process.env, CI: 'true' } }, (err, stdout, stderr) => {
      done({ status: err ? ((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) : 0, stdout, stderr });
    });
  });
}


const SLOS = `slos:
  - { name: p95-fast, sli: latency, percentile: p95, thresholdMs: 200, objective: 99, window: 1h }
  - { name: availability, sli: availability, objective: 99, window: 1h }
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'perf-gate-live-'));
  // Accepts every connection and request; answers only the readiness probe (GET /), holds every
  // other request's socket open without a byte of answer.
  holder = createServer((req, res) => {
    if (req.url === '/' && !holdAll) return res.end('ok');
    held.push(req.socket);
    req.resume();
  });
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise<void>((r) => holder.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the gate fails runs that did not happen (live loopback servers)', () => {
  it('a server that holds every socket, the readiness probe too: perf baseline exits 3 before any load, naming the target', async () => {
    const cwd = join(dir, 'holds-all');
    mkdirSync(cwd, { recursive: true });
    const port = (holder.address() as { port: number }).port;
    writeFileSync(join(cwd, 'perf.config.yaml'), `target: { baseUrl: "http://127.0.0.1:${port}" }\njourneys:\n  - { name: api, steps: [{ path: /api }] }\n${SLOS}`);
    holdAll = true;
    try {
      const b = await perf(cwd, ['baseline', '--rate', '5', '--no-capacity', '--quick', '--duration', '1s', '--warmup', '0s']);
      expect(b.status, b.stderr).toBe(3);
      expect(b.stderr).toMatch(/target\.baseUrl: the target http:\/\/127\.0\.0\.1:\d+ is not reachable/);
      expect(b.stderr + b.stdout).not.toMatch(/\bMET\b/);
    } finally {
      holdAll = false;
    }
  }, 180_000);

  it('a server that answers its probe but holds every request of the journey: perf baseline and slo-check exit 1, zero answered', async () => {
    const cwd = join(dir, 'holder');
    const port = (holder.address() as { port: number }).port;
    rmSync(cwd, { recursive: true, force: true });
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'perf.config.yaml'), `target: { baseUrl: "http://127.0.0.1:${port}" }\njourneys:\n  - { name: api, steps: [{ path: /api }] }\n${SLOS}`);
    const b = await perf(cwd, ['baseline', '--rate', '5', '--no-capacity', '--quick', '--duration', '1s', '--warmup', '0s']);
    expect(b.status, b.stderr).toBe(1);
    expect(b.stderr).toMatch(/every request failed|zero completed requests/);
    expect(b.stderr + b.stdout).not.toMatch(/\bMET\b/);
    const s = await perf(cwd, ['slo-check', '.aiwg/working/performance/baseline.json']);
    expect(s.status, s.stderr + s.stdout).toBe(1);
    expect(s.stderr + s.stdout).toMatch(/every request failed|zero completed requests/);
    expect(s.stderr + s.stdout).not.toMatch(/\bMET\b/);
  }, 180_000);

  it('a server that exits 2.5 s into the baseline: exit 1 with "the target exited", never MET', async () => {
    const cwd = join(dir, 'dies');
    mkdirSync(cwd, { recursive: true });
    const port = await freePort();
    // Serves fast answers, then exits 2.5 s after it started listening (perf starts it, waits for readyPath).
    writeFileSync(
      join(cwd, 'server.mjs'),
      `import { createServer } from 'node:http';
const s = createServer((_q, r) => r.end('ok'));
s.listen(${port}, '127.0.0.1', () => setTimeout(() => process.exit(0), 2500));
`,
    );
    writeFileSync(
      join(cwd, 'perf.config.yaml'),
      `target:\n  baseUrl: "http://127.0.0.1:${port}"\n  start: { command: "node server.mjs", readyPath: / }\njourneys:\n  - { name: api, steps: [{ path: /api }] }\n${SLOS}`,
    );
    const b = await perf(cwd, ['baseline', '--rate', '20', '--no-capacity', '--duration', '4s', '--warmup', '0.5s']);
    expect(b.status, b.stderr).toBe(1);
    expect(b.stderr).toMatch(/the target exited during the run/);
    expect(b.stderr + b.stdout).not.toMatch(/\bMET\b/);
    const s = await perf(cwd, ['slo-check', '.aiwg/working/performance/baseline.json']);
    expect(s.status, s.stderr + s.stdout).toBe(1);
    expect(s.stderr + s.stdout).toMatch(/the target exited during the run/);
    expect(s.stderr + s.stdout).not.toMatch(/\bMET\b/);
  }, 180_000);
});
