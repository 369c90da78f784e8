/**
 * `perf collect` as a real process on a loopback port the OS chose: two runners push their windows by
 * HTTP as the perf output would (core/artifacts/k6-push.ts), and the collector writes the merged load
 * test and the global verdict. Needs a build (node scripts/build.mjs).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { K6WindowsLine } from '../../core/artifacts/k6-windows.js';
import { requestsOf, runnerProject, runnerStream, type RunnerStreamSpec } from '../support/runner-streams.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'run.js');
const T0 = Date.UTC(2026, 0, 2, 3, 4, 0);

const workdir = (): string => runnerProject('perf-collect-');

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

interface Collector {
  url: string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `perf collect --listen 127.0.0.1:0`; resolves once it prints the address it bound. */
function startCollector(dir: string, args: string[]): Promise<Collector> {
  const child = spawn(process.execPath, [BIN, 'collect', '--listen', '127.0.0.1:0', ...args], { cwd: dir, env: { ...process.env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return new Promise((resolve, reject) => {
    // Human lines go to stdout, or to stderr under --json.
    const seen = (): void => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout + stderr);
      if (m) resolve({ url: `${m[1]}/push`, done });
    };
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      seen();
    });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      seen();
    });
    void done.then((r) => reject(new Error(`perf collect exited ${r.code} before listening: ${r.stderr}`)));
  });
}

async function push(url: string, runId: string, runner: string, seq: number, lines: readonly K6WindowsLine[]): Promise<{ status: number; body: { stop?: boolean; reason?: string; error?: string } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', 'x-perf-run': runId, 'x-perf-runner': runner, 'x-perf-seq': String(seq) },
    body: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
  });
  return { status: res.status, body: (await res.json()) as { stop?: boolean; reason?: string; error?: string } };
}

const base = { runId: 'run-7', sequence: '0,1/2,1', startMs: T0, windowMs: 1000, seconds: 20 };
const spec = (i: number, extra: Partial<RunnerStreamSpec> = {}): RunnerStreamSpec => ({ ...base, runner: `r${i}`, segment: i === 0 ? '0:1/2' : '1/2:1', rate: 25, seed: i + 1, ...extra });

/** Pushes the runners' streams interleaved, `per` lines a batch (each batch sent twice: a retry); the replies. */
async function pushAll(url: string, streams: K6WindowsLine[][], per = 3) {
  const replies: Array<{ runner: string; seq: number; status: number; body: { stop?: boolean; reason?: string } }> = [];
  const longest = Math.max(...streams.map((s) => s.length));
  for (let i = 0, seq = 1; i < longest; i += per, seq++) {
    for (const [r, s] of streams.entries()) {
      const part = s.slice(i, i + per);
      if (part.length === 0) continue;
      const a = await push(url, 'run-7', `r${r}`, seq, part);
      const retry = await push(url, 'run-7', `r${r}`, seq, part);
      expect(retry.status).toBe(200);
      replies.push({ runner: `r${r}`, seq, ...a });
    }
  }
  return replies;
}

describe('perf collect', () => {
  it('merges two runners pushed by HTTP: the merged request count is the sum, the verdict is global (exit 0)', async () => {
    const dir = workdir();
    const c = await startCollector(dir, ['--run', 'run-7', '--runners', '2', '--timeout', '30s', '--json']);
    const streams = [runnerStream(spec(0)), runnerStream(spec(1))];
    const wrong = await push(c.url, 'run-8', 'r0', 1, streams[0]!.slice(0, 1));
    expect(wrong.status).toBe(409);
    expect(wrong.body.error).toMatch(/run "run-7", not "run-8"/);
    const replies = await pushAll(c.url, streams);
    expect(replies.every((r) => r.status === 200 && r.body.stop === false)).toBe(true);
    const r = await c.done;
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    const sum = requestsOf(streams[0]!) + requestsOf(streams[1]!);
    expect(sum).toBe(1000);
    expect(doc.overall.requests).toBe(sum);
    expect(doc.runners.map((x: { runner: string; requests: number; short: boolean }) => [x.runner, x.requests, x.short])).toEqual([
      ['r0', 500, false],
      ['r1', 500, false],
    ]);
    expect(doc.slo.status).toBe('PASS');
    expect(doc.slo.slos[0].events.total).toBe(sum);
    const loadtest = JSON.parse(readFileSync(join(dir, '.aiwg', 'working', 'performance', 'loadtest.json'), 'utf8'));
    expect(loadtest.schema).toBe('perf.loadtest/v1');
    expect(loadtest.runners).toHaveLength(2);
    expect(readFileSync(join(dir, '.aiwg', 'testing', 'load-test-results.md'), 'utf8')).toMatch(/k6 runners \(merged: one verdict\)/);
  });

  it('replies stop:true to both runners on a fast burn only the merged windows show, and exits 1', async () => {
    const dir = workdir();
    const c = await startCollector(dir, ['--run', 'run-7', '--runners', '2', '--timeout', '30s']);
    // 12 requests/s each, all failing from 10 s on: one runner alone has 12 events per 1 s window,
    // under the guard's 20; merged, 24. Default rule (no guard in the headers): 60 s long / 5 s short,
    // 14.4x: at 15 s the short window is 120/120 bad, the long 120/360 → 33x. Trips.
    const streams = [0, 1].map((i) => runnerStream(spec(i, { rate: 12, failShare: 1, failFromS: 10 })));
    const replies = await pushAll(c.url, streams, 2);
    const firstStop = replies.findIndex((r) => r.body.stop === true);
    expect(firstStop).toBeGreaterThan(0);
    // Every reply after the trip says stop, to both runners.
    const after = replies.slice(firstStop);
    expect(new Set(after.map((r) => r.runner))).toEqual(new Set(['r0', 'r1']));
    expect(after.every((r) => r.body.stop === true && /merged runners/.test(r.body.reason ?? ''))).toBe(true);
    const r = await c.done;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/stopped: .*burns its error budget/);
    expect(r.stdout).toMatch(/SLO compliance \(global\): FAIL/);
  });

  it('ends after --timeout of silence: the runner that stopped pushing is short (exit 1)', async () => {
    const dir = workdir();
    const c = await startCollector(dir, ['--run', 'run-7', '--runners', '2', '--timeout', '2s', '--json']);
    const streams = [runnerStream(spec(0)), runnerStream(spec(1, { seconds: 8, summary: false }))];
    await pushAll(c.url, streams);
    const r = await c.done;
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    expect(doc.ended).toBe('timeout');
    expect(doc.runners.find((x: { runner: string }) => x.runner === 'r1')).toMatchObject({ short: true, complete: false });
    expect(doc.slo.runInvalid.join(' ')).toMatch(/the load was short: 1 of 2 runners fell short \(runner r1 \(segment 1\/2:1\): no summary line \(silent for 2 s\)/);
  });
});
