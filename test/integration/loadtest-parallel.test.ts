// `perf loadtest --parallel N` on one machine, with the real bin/k6: the same arrival-rate test as one
// process and as two execution segments against a loopback server (written here) whose latencies are
// known by construction, so the merged figures can be held to the single run's; and a runner killed
// mid-test, which must make the verdict say the load was short (exit 1) and leave no k6 behind.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromConfigSlo } from '../../analyzers/slo/model.js';
import { runSloCheck } from '../../capture/results/slo-check.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import { parseConfig } from '../../core/config/load.js';
import { runLoadtest } from '../../k6-scripts/src/loadtest.js';
import { processesMatching } from '../support/processes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'cli/bin/run.js');
let dir: string;
let server: ChildProcess;
let url: string;

/**
 * The target, in its own process so the test's own work (perf merging in-process) does not delay its
 * timers. Latency by construction: the n-th request of a journey waits lo + (n·37 mod 100)/100 · (hi − lo)
 * ms, an even spread over [lo, hi) whatever the arrival order — fast 5–45 ms, slow 50–150 ms. /flaky
 * fails every other request (HTTP 500).
 */
const SERVER_JS = `
const SPREAD = { '/fast': [5, 45], '/slow': [50, 150] };
const served = { '/fast': 0, '/slow': 0 };
let flaky = 0;
const s = require('node:http').createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/flaky') { res.statusCode = flaky++ % 2 ? 500 : 200; return res.end('x'); }
  const spread = SPREAD[path];
  if (!spread) return res.end('ok');
  const n = served[path]++;
  setTimeout(() => res.end('ok'), spread[0] + (((n * 37) % 100) / 100) * (spread[1] - spread[0]));
});
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'perf-parallel-'));
  server = spawn(process.execPath, ['-e', SERVER_JS], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((done) => server.stdout!.once('data', (d: Buffer) => done(d.toString().trim())));
  url = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const CONFIG = (): string => `target: { baseUrl: "${url}" }
journeys:
  - { name: fast, weight: 3, steps: [{ path: /fast }] }
  - { name: slow, weight: 1, steps: [{ path: /slow }] }
slos:
  - { name: fast-p95, sli: latency, journey: fast, objective: 95, percentile: p95, thresholdMs: 100 }
  - { name: slow-p95, sli: latency, journey: slow, objective: 95, percentile: p95, thresholdMs: 90 }
  - { name: availability, sli: availability, objective: 99 }
`;

function project(name: string, text = CONFIG()): { cwd: string; config: ReturnType<typeof parseConfig>; store: ArtifactStore } {
  const cwd = join(dir, name);
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'perf.config.yaml'), text);
  return { cwd, config: parseConfig(text, join(cwd, 'perf.config.yaml')), store: new ArtifactStore(join(cwd, '.aiwg')) };
}

function perf(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, timeout: 60_000, env: { ...process.env, CI: 'true', ...env } }, (err, stdout, stderr) => {
      done({ status: err ? ((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) : 0, stdout, stderr });
    });
  });
}

/** Pids of k6 processes whose command line mentions `needle` (this test's own directories). */
const k6Pids = (needle: string, extra = ''): number[] => processesMatching(/(^|\/)k6$/, needle, extra);

const LOAD = { scenario: 'baseline' as const, quick: true, quickBudgetMs: 12_000, rate: 100, warmupMs: 0 };
const share = (p: LoadTestPayload, journey: string): number => (p.journeys.find((j) => j.name === journey)?.requests ?? 0) / p.overall.requests;

describe('perf loadtest --parallel 2 against a server of known latency', () => {
  it('the merged run has the single run\'s requests, mix, per-journey p50/p95/p99 and SLO verdict; merged = sum of the runners', async () => {
    const one = project('single');
    const single = (await runLoadtest({ ...one, ...LOAD })).payload;
    const two = project('parallel');
    const merged = (await runLoadtest({ ...two, ...LOAD, parallel: 2 })).payload;

    // Two runners, one segment each, both complete; the merged count is exactly their sum.
    expect(merged.runners?.map((r) => [r.runner, r.segment, r.complete, r.short, r.exitStatus?.code])).toEqual([
      ['r0', '0:1/2', true, false, 0],
      ['r1', '1/2:1', true, false, 0],
    ]);
    const sum = merged.runners!.reduce((n, r) => n + r.requests, 0);
    expect(merged.overall.requests).toBe(sum);
    const runnerCounts = merged.runners!.map((r) => `${r.runner} ${r.requests}`).join(', ');
    console.log(`runners: ${runnerCounts}, dropped ${merged.droppedIterations}, iterations ${merged.iterations}`);
    // Each runner ran about half (k6 splits arrival-rate iterations exactly; the ends may cut a few).
    for (const r of merged.runners!) expect(Math.abs(r.requests - sum / 2), runnerCounts).toBeLessThanOrEqual(Math.max(3, sum * 0.01));
    // Same arrival-rate test: the same offered load; requests differ only by iterations cut at the end or
    // dropped (each runner has half the VUs) — within 2 %. A lost or doubled runner is 50 % or 100 %.
    const counts = `single ${single.overall.requests} requests (${single.droppedIterations} dropped), merged ${merged.overall.requests} (${merged.droppedIterations} dropped)`;
    console.log(counts);
    expect(Math.abs(merged.overall.requests - single.overall.requests), counts).toBeLessThanOrEqual(Math.max(4, single.overall.requests * 0.02));
    expect(single.overall.requests).toBeGreaterThan(800);
    expect(merged.windows.reduce((n, w) => n + w.requests, 0)).toBe(merged.overall.requests);

    // The mix (3:1 by weight) agrees within sampling noise (σ of a share ≈ 1.4 % at ~1000 requests).
    for (const j of ['fast', 'slow']) expect(Math.abs(share(merged, j) - share(single, j))).toBeLessThan(0.05);
    // Per-journey percentiles: HDR precision (3 digits, 0.1 %) plus run-to-run noise on a shared 2-core
    // machine — 10 % + 3 ms for p50/p95, 25 % + 10 ms for p99 (the ~8th-slowest of ~750 requests, set by
    // scheduling stalls of whatever else the machine runs). The server makes fast ≈ 25/43/45 ms and slow ≈ 100/145/149 ms: journeys mixed
    // up, a runner's histograms dropped from a journey, or a unit slip move a figure by far more.
    const tolerance = { p50: [0.1, 3], p95: [0.1, 3], p99: [0.25, 10] } as const;
    for (const j of ['fast', 'slow']) {
      const a = single.journeys.find((x) => x.name === j)!.latencyMs;
      const b = merged.journeys.find((x) => x.name === j)!.latencyMs;
      console.log(`${j}: single p50/p95/p99 ${a.p50}/${a.p95}/${a.p99} ms, merged ${b.p50}/${b.p95}/${b.p99} ms`);
      for (const q of ['p50', 'p95', 'p99'] as const) {
        const [rel, abs] = tolerance[q];
        expect(Math.abs(b[q] - a[q]), `${j} ${q}: single ${a[q]} ms, merged ${b[q]} ms`).toBeLessThanOrEqual(rel * a[q] + abs);
      }
    }
    expect(single.journeys.find((j) => j.name === 'fast')!.latencyMs.p50).toBeLessThan(40);
    expect(single.journeys.find((j) => j.name === 'slow')!.latencyMs.p50).toBeGreaterThan(80);

    // The same SLO verdict, SLO by SLO (fast-p95 met, slow-p95 breached: p95 ≈ 145 ms > 90 ms).
    const slos = one.config.slos.map(fromConfigSlo);
    const verdict = async (file: string): Promise<string[]> => {
      const r = await runSloCheck({ file, slos, slosFrom: 'perf.config.yaml' });
      return [r.status, ...r.slos.map((s) => `${s.name}:${s.status}`)];
    };
    const sv = await verdict(resolve(single.rawArtifact));
    expect(sv).toContain('slow-p95:FAIL');
    expect(await verdict(resolve(merged.rawArtifact))).toEqual(sv);
    // Each runner's own file is self-describing: one run id, its segment, the sequence.
    for (const r of ['r0', 'r1']) {
      const h = JSON.parse(readFileSync(resolve(merged.rawArtifact.replace('.perf.ndjson', `.${r}.perf.ndjson`)), 'utf8').split('\n')[0]!);
      expect(h).toMatchObject({ runId: two.store.runId, runner: r, segmentSequence: '0,1/2,1' });
    }
  }, 60_000);

  it('a runner killed mid-test: the verdict says the load was short (exit 1), the dead runner is recorded, no k6 is left', async () => {
    const { cwd } = project('killed');
    const run = perf(cwd, ['loadtest', '--scenario', 'baseline', '--quick', '--rate', '100', '--warmup', '0s', '--parallel', '2'], { PERF_QUICK_TOTAL: '10s' });
    // Kill runner r1's k6 (found by its segment and this test's directory) once it has written windows.
    const deadline = Date.now() + 20_000;
    let killed = false;
    while (!killed && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      const runs = join(cwd, '.aiwg/working/runs');
      const file = existsSync(runs) ? readdirSync(runs).map((d) => join(runs, d, 'baseline.r1.perf.ndjson')).find(existsSync) : undefined;
      if (!file || readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"type":"window"')).length < 3) continue;
      for (const pid of k6Pids(cwd, '1/2:1')) process.kill(pid, 'SIGKILL');
      killed = true;
    }
    expect(killed).toBe(true);
    const res = await run;
    expect(res.status, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/the load was short: 1 of 2 runners fell short \(runner r1 \(segment 1\/2:1\), killed by SIGKILL: no summary line \(its k6 process died\)/);
    expect(res.stdout + res.stderr).toMatch(/runner r1 \(segment 1\/2:1\): \d+ requests, killed by SIGKILL — SHORT/);
    const p = JSON.parse(readFileSync(join(cwd, '.aiwg/working/performance/loadtest.json'), 'utf8')) as LoadTestPayload;
    const [r0, r1] = p.runners!;
    expect(r0).toMatchObject({ runner: 'r0', complete: true, short: false, exitStatus: { code: 0, signal: null } });
    expect(r1).toMatchObject({ runner: 'r1', complete: false, short: true, exitStatus: { code: null, signal: 'SIGKILL' } });
    // The survivor ran its whole share; the merged figures hold both runners' windows, the dead one's fewer.
    expect(r1!.requests).toBeLessThan(r0!.requests * 0.8);
    expect(p.overall.requests).toBe(r0!.requests + r1!.requests);
    const md = readFileSync(join(cwd, '.aiwg/testing/load-test-results.md'), 'utf8');
    expect(md).toMatch(/^# Load-test results: baseline \(SHORT: a runner fell short\)/);
    expect(md).toMatch(/\| r1 \| 1\/2:1 \| \d+ \| \d+ \| killed by SIGKILL \| SHORT: no summary line/);
    expect(k6Pids(cwd)).toEqual([]);
  }, 40_000);

  it('--abort-on-burn: the guard on the merged windows stops both runners on a fast burn (exit 1)', async () => {
    const { cwd } = project('burn', `target: { baseUrl: "${url}" }
journeys:
  - { name: flaky, steps: [{ path: /flaky }] }
slos:
  - { name: availability, sli: availability, objective: 99 }
`);
    const res = await perf(cwd, ['loadtest', '--scenario', 'baseline', '--quick', '--rate', '60', '--warmup', '0s', '--parallel', '2', '--abort-on-burn'], { PERF_QUICK_TOTAL: '20s' });
    expect(res.status, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/the live SLO guard stopped the test/);
    const p = JSON.parse(readFileSync(join(cwd, '.aiwg/working/performance/loadtest.json'), 'utf8')) as LoadTestPayload;
    // perf's guard (not a runner's: theirs is off) tripped on the merged data, and both runners stopped early.
    expect(p.aborted?.reason).toMatch(/SLO "availability" burns its error budget [\d.]+x .* of the merged runners/);
    expect(p.aborted!.atMs).toBeLessThan(15_000);
    expect(p.runners!.map((r) => [r.runner, r.complete, r.short])).toEqual([['r0', true, false], ['r1', true, false]]);
    // Each runner's record and row say perf's global guard stopped it (its k6 exit alone reads as an abort).
    for (const r of p.runners!) expect(r.aborted?.reason).toMatch(/^global SLO guard: SLO "availability" burns its error budget/);
    const md = readFileSync(join(cwd, '.aiwg/testing/load-test-results.md'), 'utf8');
    expect(md).toMatch(/\| r1 \| 1\/2:1 \| \d+ \| \d+ \| exit \d+ \| stopped: global SLO guard: SLO "availability"/);
    expect(res.stderr).not.toMatch(/the load was short|fell short/);
    expect(p.durationMs).toBeLessThan(17_000);
    expect(k6Pids(cwd)).toEqual([]);
  }, 40_000);

  it('--k6-out csv=FILE: each runner writes its own file (results.r0.csv, results.r1.csv), none shares one', async () => {
    const { cwd } = project('csv');
    const res = await perf(cwd, ['loadtest', '--scenario', 'baseline', '--quick', '--rate', '50', '--warmup', '0s', '--parallel', '2', '--max-dropped', '10', '--k6-out', 'csv=results.csv'], { PERF_QUICK_TOTAL: '5s' });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout + res.stderr).toContain('--out csv=results.csv with --parallel: each runner writes its own file (csv=results.r0.csv, csv=results.r1.csv)');
    expect(existsSync(join(cwd, 'results.csv'))).toBe(false);
    const p = JSON.parse(readFileSync(join(cwd, '.aiwg/working/performance/loadtest.json'), 'utf8')) as LoadTestPayload;
    // Each file holds exactly its runner's requests: one http_reqs row per request.
    for (const r of p.runners!) {
      const rows = readFileSync(join(cwd, `results.${r.runner}.csv`), 'utf8').split('\n').filter((l) => l.startsWith('http_reqs,'));
      expect(rows.length, r.runner).toBe(r.requests);
      expect(r.requests).toBeGreaterThan(0);
    }
  }, 30_000);

  it('--k6-out web-dashboard with --parallel is a usage error (exit 2) before any load', async () => {
    const { cwd } = project('dashboard');
    const res = await perf(cwd, ['loadtest', '--scenario', 'baseline', '--quick', '--rate', '50', '--parallel', '2', '--k6-out', 'web-dashboard']);
    expect(res.status, res.stderr).toBe(2);
    expect(res.stderr).toMatch(/--out web-dashboard cannot run with --parallel: every runner would serve its own dashboard on one port/);
    expect(k6Pids(cwd)).toEqual([]);
    expect(existsSync(join(cwd, '.aiwg/working/performance/loadtest.json'))).toBe(false);
  }, 20_000);

  it('--parallel outside [2, limit] is a usage error (exit 2) before any load', async () => {
    const { cwd } = project('bad-n');
    const res = await perf(cwd, ['loadtest', '--scenario', 'baseline', '--parallel', '1']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/--parallel "1" is not a number of k6 runners in \[2, \d+\]/);
    expect(existsSync(join(cwd, '.aiwg/working/runs'))).toBe(false);
  }, 20_000);
});
