/**
 * Reliability of the CLI as real processes: nothing perf starts
 * outlives it (SIGKILL mid-baseline and mid-loadtest), a closed stdout is an interrupt, the out-dir is
 * checked before any load, Ctrl-C of a baseline marks it partial, and what the target prints is redacted.
 * Real bin/k6, real loopback servers (test/fixtures/reliability/server.mjs). Needs a build.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'run.js');
const SERVER = join(ROOT, 'test', 'fixtures', 'reliability', 'server.mjs');

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'ignore' });
});


async function project(opts: { mode?: string; env?: string; readyTimeoutMs?: number } = {}): Promise<{ dir: string; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'perf-rel-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'perf.config.yaml'),
    `target:
  baseUrl: "http://127.0.0.1:${port}"
  start:
    command: "node ${SERVER} ${port} ${opts.mode ?? 'ok'}"
    readyPath: /health
    readyTimeoutMs: ${opts.readyTimeoutMs ?? 15000}
${opts.env ? `    env: ${opts.env}\n` : ''}journeys:
  - name: browse
    steps:
      - { name: home, method: GET, path: /, expectStatus: 200 }
slos:
  - { name: p95, sli: latency, percentile: p95, thresholdMs: 100, objective: 99, window: 1h }
  - { name: availability, sli: availability, objective: 99, window: 1h }
`,
  );
  return { dir, port };
}

/** Every live descendant pid of `pid` (from /proc), zombies excluded. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until perf (pid) has descendants matching every pattern; returns the descendants seen then. */
async function waitForChildren(pid: number, patterns: RegExp[], timeoutMs = 60_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const d = descendants(pid);
    if (patterns.every((p) => d.some((x) => p.test(cmdline(x))))) return d;
    await sleep(200);
  }
  throw new Error(`perf never started ${patterns.join(', ')}`);
}

function startPerf(dir: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out })));
  return { child, exited };
}

describe('no process perf started outlives it, even on SIGKILL', () => {
  it('kill -9 of perf mid-loadtest leaves neither k6 nor the target alive 3 s later', async () => {
    const { dir, port } = await project();
    const { child, exited } = startPerf(dir, ['loadtest', '--scenario', 'soak', '--rate', '10', '--duration', '60s']);
    const started = await waitForChildren(child.pid!, [/\bk6 run\b/, /server\.mjs/]);
    await sleep(1500);
    child.kill('SIGKILL');
    await exited;
    await sleep(3000);
    expect(started.filter(alive).map(cmdline)).toEqual([]);
    // and the port is free for the next run (once: "port already in use")
    const again = await new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    expect(again).toBe(true);
  });

  it('kill -9 of perf mid-baseline leaves the started target dead 3 s later', async () => {
    const { dir } = await project();
    const { child, exited } = startPerf(dir, ['baseline', '--rate', '20', '--no-capacity', '--duration', '30s']);
    const started = await waitForChildren(child.pid!, [/server\.mjs/]);
    await sleep(2500);
    child.kill('SIGKILL');
    await exited;
    await sleep(3000);
    expect(started.filter(alive).map(cmdline)).toEqual([]);
  });
});

describe('a closed output pipe is an interrupt', () => {
  it('perf loadtest … 2>&1 | head -2: partial report, exit 130, target stopped', async () => {
    const { dir } = await project();
    const child = spawn(process.execPath, [BIN, 'loadtest', '--scenario', 'baseline', '--quick', '--rate', '10'], {
      cwd: dir,
      env: { ...process.env, PERF_QUICK_TOTAL: '60s' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // head -2: read two lines from the merged output, then close the pipe.
    let seen = '';
    const started: number[] = [];
    await new Promise<void>((resolve) => {
      const onData = (c: Buffer): void => {
        seen += c.toString();
        if (seen.split('\n').length > 2) {
          started.push(...descendants(child.pid!));
          child.stdout.destroy();
          child.stderr.destroy();
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const t0 = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(40_000); // it stopped; it did not run the remaining minute
    await sleep(500);
    expect(started.filter(alive).map(cmdline)).toEqual([]);
    const twin = JSON.parse(readFileSync(join(dir, '.aiwg/working/performance/loadtest.json'), 'utf8'));
    expect(twin.partial).toBe(true);
  });
});

describe('before any load', () => {
  it('an --out-dir under a regular file is exit 2 at once, and no target was started', async () => {
    const { dir, port } = await project();
    writeFileSync(join(dir, 'afile'), 'x');
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'baseline', '--out-dir', 'afile/out', '--quick'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('the output directory is not writable');
    expect(r.stderr).toContain(join(dir, 'afile', 'out'));
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.stderr).not.toContain('starting the target');
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    expect(free).toBe(true);
  });

  it('a target answering 500 to readyPath is told as such, with what it answered', async () => {
    const { dir } = await project({ mode: 'ready500', readyTimeoutMs: 1500 });
    const r = spawnSync(process.execPath, [BIN, 'baseline', '--quick', '--no-capacity', '--rate', '5'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('answered HTTP 500 at http://127.0.0.1:');
    expect(r.stderr).toContain('database not migrated');
    expect(r.stderr).not.toContain('did not answer');
  });

  it('a secret printed by a failing start command is redacted in the stderr tail', async () => {
    const { dir } = await project({ mode: 'secret', env: '{ DB_PASSWORD: "${TEST_DB_PASSWORD}" }' });
    const r = spawnSync(process.execPath, [BIN, 'baseline', '--quick'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TEST_DB_PASSWORD: 'hunter2-very-secret' } });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('connecting with password [REDACTED]');
    expect(r.stderr + r.stdout).not.toContain('hunter2-very-secret');
  });
});

describe('Ctrl-C of a baseline', () => {
  it('writes partial: true and slo-check notes it instead of a silent PASS', async () => {
    const { dir } = await project();
    const { child, exited } = startPerf(dir, ['baseline', '--rate', '20', '--no-capacity', '--duration', '20s']);
    await waitForChildren(child.pid!, [/server\.mjs/]);
    await sleep(4000);
    child.kill('SIGINT');
    const r = await exited;
    expect(r.code, r.out).toBe(130);
    const twin = JSON.parse(readFileSync(join(dir, '.aiwg/working/performance/baseline.json'), 'utf8'));
    expect(twin.partial).toBe(true);
    const check = spawnSync(process.execPath, [BIN, 'slo-check', '.aiwg/working/performance/baseline.json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
    expect(check.stdout).toContain('note: the baseline was partial');
    expect(check.stdout).toContain('measured on a partial run');
    expect(existsSync(join(dir, '.aiwg/reports/slo-compliance.md'))).toBe(true);
  });
});
