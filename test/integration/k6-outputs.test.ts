// perf loadtest open to k6's own outputs: `--k6-out experimental-prometheus-rw` into a real Prometheus
// (started here on loopback, remote-write receiver on), K6_OUT honoured, extra k6 args after `--`,
// all beside perf's own `--out perf`; the series are queried back through Prometheus's HTTP API.
import { type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStarterConfig, STARTER_DEFAULTS } from '../../core/config/starter.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { freshServiceRepo, ROOT, run, startService } from '../support/installed-package.js';

const CLI = join(ROOT, 'cli/bin/run.js');
let prom: RunningPrometheus;
let repo: string;
let service: ChildProcess | undefined;

beforeAll(async () => {
  prom = await startPrometheus();
  repo = freshServiceRepo('perf-k6out-');
  const s = await startService(repo);
  service = s.child;
  writeFileSync(join(repo, 'perf.config.yaml'), renderStarterConfig({ ...STARTER_DEFAULTS, baseUrl: `http://127.0.0.1:${s.port}` }));
}, 60_000);

afterAll(async () => {
  service?.kill('SIGTERM');
  await prom?.stop();
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('perf loadtest --k6-out', () => {
  it('lands k6 series in Prometheus by remote write, K6_OUT too, beside perf\'s own output', async () => {
    const testid = `perf-${Date.now()}`;
    const csv = join(repo, 'k6-samples.csv');
    const r = await run(process.execPath, [CLI, 'loadtest', '--scenario', 'baseline', '--quick', '--rate', '20', '--warmup', '0s', '--k6-out', 'experimental-prometheus-rw', '--', '--tag', `testid=${testid}`], {
      cwd: repo,
      env: {
        ...process.env,
        PERF_QUICK_TOTAL: '8s',
        K6_PROMETHEUS_RW_SERVER_URL: `${prom.url}/api/v1/write`,
        K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),count',
        K6_OUT: `csv=${csv}`,
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('extra k6 output: --out experimental-prometheus-rw');
    const l = JSON.parse(readFileSync(join(repo, '.aiwg/working/performance/loadtest.json'), 'utf8'));
    expect(l.k6.extension).toBe(true);
    expect(l.overall.requests).toBeGreaterThan(0);

    // No warm-up (--warmup 0s): perf's figures exclude a warm-up, k6's own outputs never do.
    // K6_OUT: k6's csv output wrote one row per http_reqs sample, each tagged by the extra `--tag`.
    expect(existsSync(csv)).toBe(true);
    const rows = readFileSync(csv, 'utf8').split('\n').filter((line) => line.startsWith('http_reqs,'));
    expect(rows.length).toBe(l.overall.requests);

    // Remote write: the same request count, queried back from Prometheus.
    const reqs = await prom.query(`sum(k6_http_reqs_total{testid="${testid}"})`);
    expect(reqs).toHaveLength(1);
    expect(Number(reqs[0]!.value[1])).toBe(l.overall.requests);
    const p95 = await prom.query(`max(k6_http_req_duration_p95{testid="${testid}"})`);
    expect(Number(p95[0]!.value[1])).toBeGreaterThan(0);
  });

  it('--parallel 2 into one Prometheus: each runner tags its samples, so the series sum to the whole test', async () => {
    const testid = `perf-par-${Date.now()}`;
    const r = await run(process.execPath, [CLI, 'loadtest', '--scenario', 'baseline', '--quick', '--rate', '20', '--warmup', '0s', '--parallel', '2', '--k6-out', 'experimental-prometheus-rw', '--', '--tag', `testid=${testid}`], {
      cwd: repo,
      env: { ...process.env, PERF_QUICK_TOTAL: '8s', K6_PROMETHEUS_RW_SERVER_URL: `${prom.url}/api/v1/write` },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('each runner tags its samples runner=r0, runner=r1');
    const l = JSON.parse(readFileSync(join(repo, '.aiwg/working/performance/loadtest.json'), 'utf8')) as { overall: { requests: number }; runners: Array<{ runner: string; requests: number }> };
    expect(l.runners.map((x) => x.runner)).toEqual(['r0', 'r1']);
    // Without the tag both runners write the same series and Prometheus keeps one runner's counter, not the sum.
    const per = await prom.query(`sum by (runner) (k6_http_reqs_total{testid="${testid}"})`);
    expect(per.map((s) => s.metric.runner).sort()).toEqual(['r0', 'r1']);
    for (const s of per) expect(Number(s.value[1]), `runner ${s.metric.runner}`).toBe(l.runners.find((x) => x.runner === s.metric.runner)!.requests);
    const all = await prom.query(`sum(k6_http_reqs_total{testid="${testid}"})`);
    expect(Number(all[0]!.value[1])).toBe(l.overall.requests);
  });

  it('ships a Grafana dashboard whose Prometheus queries name series that the run landed', async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'docs/grafana/perf-k6-dashboard.json'), 'utf8')) as { panels: Array<{ targets?: Array<{ expr?: string }> }> };
    const names = new Set(await prom.metricNames());
    const used = new Set(dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => [...(t.expr ?? '').matchAll(/\b(k6_[a-z0-9_]+)/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(3);
    for (const n of used) expect(names, `dashboard metric ${n}`).toContain(n);
  });

  it('rejects a stray argument before "--" with a usage error', async () => {
    const r = await run(process.execPath, [CLI, 'loadtest', '--scenario', 'baseline', 'oops'], { cwd: repo, env: process.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unexpected argument "oops"');
  });
});
