import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real CLI against a loopback server in this process (async spawn: the server must keep serving).
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'cli/bin/run.js');
let server: Server;
let dir: string;
let url = '';
/** Extra delay of every response: a transient slowdown of the host while one side is measured. */
let hiccupMs = 0;

function perf(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, timeout: 90_000, env: { ...process.env, CI: 'true' } }, (err, stdout, stderr) => {
      done({ status: err ? ((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) : 0, stdout, stderr });
    });
  });
}

const baseline = async (name: string, rate: number): Promise<string> => {
  const out = join(dir, name);
  const r = await perf(['baseline', '--rate', String(rate), '--no-capacity', '--quick', '--duration', '2s', '--out-dir', out]);
  expect(r.status, r.stderr).toBe(0);
  return join(out, 'working/performance/baseline.json');
};

beforeAll(async () => {
  server = createServer((_req, res) => setTimeout(() => res.end('ok'), 2 + hiccupMs));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = mkdtempSync(join(tmpdir(), 'perf-compare-cli-'));
  writeFileSync(
    join(dir, 'perf.config.yaml'),
    `target: { baseUrl: "http://127.0.0.1:${(server.address() as { port: number }).port}" }\njourneys:\n  - { name: list, steps: [{ path: /items }] }\n`,
  );
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('perf compare refuses unfair comparisons', () => {
  it('exits 2 for a file compared with itself, and for runs at different offered load unless --allow-mismatch', async () => {
    const at20 = await baseline('a20', 20);
    const at30 = await baseline('b30', 30);
    const self = await perf(['compare', at20, at20]);
    expect(self.status).toBe(2);
    expect(self.stderr).toMatch(/not a fair comparison: both sides are the same run/);
    const load = await perf(['compare', at20, at30]);
    expect(load.status).toBe(2);
    expect(load.stderr).toMatch(/different offered load: 20 req\/s before, 30 req\/s after/);
    expect(load.stderr).toMatch(/--allow-mismatch/);
    const forced = await perf(['compare', at20, at30, '--allow-mismatch', '--json']);
    expect(forced.status, forced.stderr).toBe(0);
    const payload = JSON.parse(forced.stdout) as { fairness: { comparable: boolean; issues: Array<{ kind: string }> } };
    expect(payload.fairness.comparable).toBe(false);
    expect(payload.fairness.issues.map((i) => i.kind)).toContain('offered-load');
    expect(forced.stderr).toMatch(/not a fair comparison \(--allow-mismatch\)/);
  });
});

describe('perf compare --confirm re-measures both sides interleaved (A B A B)', () => {
  it('does not claim a regression that was a transient slowdown of one run, and keeps every measurement', async () => {
    const before = await baseline('c-before', 20);
    hiccupMs = 30; // the host hiccups while the after side is measured; the service never changes
    const after = await baseline('c-after', 20);
    hiccupMs = 0;
    const single = await perf(['compare', before, after, '--json', '--out-dir', join(dir, 'c-single')]);
    expect(single.status, single.stderr).toBe(0);
    expect((JSON.parse(single.stdout) as { regressions: string[] }).regressions).toContain('list');
    const r = await perf(['compare', before, after, '--confirm', '--before-url', url, '--json', '--out-dir', join(dir, 'c-confirmed')]);
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as { verdict: string; regressions: string[]; measurementsPerSide: number; confirmations: Array<{ journey: string; held: boolean; measurements: Array<{ side: string }> }> };
    expect(c.regressions).toEqual([]);
    expect(c.verdict).not.toMatch(/^(improved|regressed|mixed)$/);
    expect(c.measurementsPerSide).toBe(3);
    const list = c.confirmations.find((x) => x.journey === 'list');
    expect(list?.held).toBe(false);
    expect(list?.measurements.map((m) => m.side)).toEqual(['before', 'after', 'before', 'after']);
    expect(r.stderr).toMatch(/Confirming list .*A B A B/);
  });

  it('exits 2 before any load when --confirm has no way to run the before version', async () => {
    const a = join(dir, 'a20/working/performance/baseline.json');
    const b = join(dir, 'b30/working/performance/baseline.json');
    const r = await perf(['compare', a, b, '--confirm', '--allow-mismatch']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--confirm needs a way to run the before version now/);
    expect(r.stderr).toMatch(/--before-env KEY=VALUE/);
  });
});
