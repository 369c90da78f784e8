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
  server = createServer((_req, res) => setTimeout(() => res.end('ok'), 2));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
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
