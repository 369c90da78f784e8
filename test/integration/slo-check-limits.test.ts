import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { syntheticLoadtest } from '../fixtures/report/synthetic.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'run.js');

function workdir(limits: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'perf-limits-'));
  writeFileSync(
    join(dir, 'perf.config.yaml'),
    `target:\n  baseUrl: http://127.0.0.1:18931\njourneys:\n  - name: browse\n    steps: [{ path: /fast }]\nslos:\n  - { name: availability, sli: availability, objective: 1, window: 30d }\nlimits: ${limits}\n`,
  );
  const lt = syntheticLoadtest();
  // A target that used ~100 % of a core and at most 120 MB over 10 one-second samples.
  lt.resources = {
    source: 'proc',
    pid: 4242,
    intervalMs: 1000,
    samples: Array.from({ length: 10 }, (_, i) => ({ tMs: (i + 1) * 1000, cpuPct: 95 + (i % 3) * 2, rssMb: 111 + i, fds: 30, threads: 11 })),
    leak: { suspected: false, slopeMbPerHour: null, ci95: null, basis: 'n/a: too short', series: 'rssMb' },
  };
  const file = join(dir, 'loadtest.json');
  writeFileSync(file, JSON.stringify(lt));
  return { dir, file };
}

const perf = (dir: string, args: string[]) => spawnSync(process.execPath, [BIN, 'slo-check', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });

describe('perf slo-check with resource limits', () => {
  it('exits 1 and reports the limit FAIL beside the SLOs when the target used more CPU than limits.cpuPct', () => {
    const { dir, file } = workdir('{ cpuPct: 50, rssMb: 512 }');
    const r = perf(dir, [file, '--json']);
    expect(r.status, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.resourceLimits.map((l: { name: string; status: string }) => [l.name, l.status])).toEqual([
      ['cpuPct', 'FAIL'],
      ['rssMb', 'PASS'],
    ]);
    expect(r.stderr).toMatch(/resource limits FAIL: cpuPct 99 > 50/);
    const md = readFileSync(join(dir, '.aiwg', 'reports', 'slo-compliance.md'), 'utf8');
    expect(md).toMatch(/## Resource limits[\s\S]*cpuPct \| 50 \| 99 \(p95\) \| \*\*FAIL\*\*/);
  });

  it('exits 0 when every limit holds', () => {
    const { dir, file } = workdir('{ cpuPct: 150, rssMb: 512, fds: 1024 }');
    const r = perf(dir, [file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/limit cpuPct: PASS/);
  });

  it('rejects a limit that is not a number > 0 before reading any result', () => {
    const { dir, file } = workdir('{ cpuPct: -5 }');
    const r = perf(dir, [file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/limits\.cpuPct/);
  });
});
