/**
 * `perf slo-check` and `perf report` on the runners of one scale-out run: several perf.k6-windows/v1
 * files, or a folder of them, merged and judged as ONE run — the built CLI as a real process.
 * Needs a build (node scripts/build.mjs).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ndjson, requestsOf, runnerProject, runnerStream, type RunnerStreamSpec } from '../support/runner-streams.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'run.js');
const T0 = Date.UTC(2026, 0, 2, 3, 4, 0);

const workdir = (): string => runnerProject('perf-slo-runners-');

const base = { runId: 'run-7', sequence: '0,1/2,1', startMs: T0, windowMs: 1000, seconds: 20, rate: 25 };
const spec = (i: number, extra: Partial<RunnerStreamSpec> = {}): RunnerStreamSpec => ({ ...base, runner: `r${i}`, segment: i === 0 ? '0:1/2' : '1/2:1', seed: i + 1, ...extra });

function writeRunners(dir: string, specs: RunnerStreamSpec[], sub = 'runners'): { folder: string; files: string[]; requests: number } {
  const folder = join(dir, sub);
  mkdirSync(folder, { recursive: true });
  let requests = 0;
  const files = specs.map((s) => {
    const lines = runnerStream(s);
    requests += requestsOf(lines);
    const f = join(folder, `${s.runner}.perf.ndjson`);
    writeFileSync(f, ndjson(lines));
    return f;
  });
  return { folder, files, requests };
}

function perf(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('perf slo-check on the runners of one run', () => {
  it('merges two runner files: the events are the sum of both runners, and the verdict names 2 runners, none short', () => {
    const dir = workdir();
    const { files, requests } = writeRunners(dir, [spec(0), spec(1)]);
    const r = perf(dir, ['slo-check', ...files, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe('PASS');
    expect(doc.slos[0].events.total).toBe(requests);
    expect(requests).toBe(1000);
    expect(doc.runners.map((x: { runner: string; requests: number; short: boolean }) => [x.runner, x.requests, x.short])).toEqual([
      ['r0', 500, false],
      ['r1', 500, false],
    ]);
    expect(r.stderr).toMatch(/merged 2 runners \(r0 0:1\/2, r1 1\/2:1\), none short/);
    expect(readFileSync(join(dir, '.aiwg', 'reports', 'slo-compliance.md'), 'utf8')).toMatch(/Merged k6 runners: 2 runners/);
  });

  it('takes a folder of runner files; a runner killed 8 s in makes the run short: exit 1 naming the runner', () => {
    const dir = workdir();
    const { folder, requests } = writeRunners(dir, [spec(0), spec(1, { seconds: 8, summary: false })]);
    const r = perf(dir, ['slo-check', folder, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.slos[0].events.total).toBe(requests);
    expect(doc.runners.find((x: { runner: string }) => x.runner === 'r1')).toMatchObject({ short: true, complete: false });
    expect(doc.runInvalid.join(' ')).toMatch(/the load was short: 1 of 2 runners fell short \(runner r1 \(segment 1\/2:1\): no summary line/);
  });

  it('refuses runner files of different runs: exit 2, one message naming both files', () => {
    const dir = workdir();
    const a = writeRunners(dir, [spec(0)], 'a').files[0]!;
    const b = writeRunners(dir, [spec(1, { runId: 'run-8' })], 'b').files[0]!;
    const r = perf(dir, ['slo-check', a, b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('runners of different runs');
    expect(r.stderr).toContain(a);
    expect(r.stderr).toContain(b);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('refuses runners of different segment sequences (exit 2)', () => {
    const dir = workdir();
    const { files } = writeRunners(dir, [spec(0), spec(1, { sequence: '0,1/3,2/3,1' })]);
    const r = perf(dir, ['slo-check', ...files]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/different segment sequences/);
  });

  it('keeps one file as before: no runners record', () => {
    const dir = workdir();
    const { files } = writeRunners(dir, [spec(0)]);
    const r = perf(dir, ['slo-check', files[0]!, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.runners).toBeUndefined();
    expect(doc.source.file).toBe(files[0]);
    expect(doc.slos[0].events.total).toBe(500);
  });
});

describe('perf report on the runners of one run', () => {
  it('--from a folder: one merged load test whose header names the runners', () => {
    const dir = workdir();
    const { folder } = writeRunners(dir, [spec(0), spec(1)]);
    const r = perf(dir, ['report', '--from', folder, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, '.aiwg', 'reports', 'index.html'), 'utf8');
    expect(html).toMatch(/id="header-runners">2 runners \(r0 0:1\/2, r1 1\/2:1\), none short/);
  });
});
