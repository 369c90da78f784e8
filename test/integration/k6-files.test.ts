// A user's own k6 files round-trip through perf: `perf loadtest --script` runs a hand-written script with
// perf's k6 output and evaluation, `perf export --csv` turns the run into spreadsheet rows, and
// `perf report --from` reads what plain `k6 run --out json` and `--summary-export` wrote.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStarterConfig, STARTER_DEFAULTS } from '../../core/config/starter.js';
import { JOURNEY_COLUMNS, WINDOW_COLUMNS } from '../../templates/loadtest-csv.js';
import { freshServiceRepo, ROOT, run, startService } from '../support/installed-package.js';

const CLI = join(ROOT, 'cli/bin/run.js');
const K6 = join(ROOT, 'bin/k6');
let repo: string;
let service: ChildProcess | undefined;
let baseUrl: string;
const perf = (args: string[]) => run(process.execPath, [CLI, ...args], { cwd: repo, env: { ...process.env, PERF_BASE_URL: baseUrl } });

// 20 iterations/s for 4 s, one GET each: 80 requests, tagged with the config's journey so its SLO applies.
const HAND_WRITTEN = `import http from 'k6/http';
import { check } from 'k6';
export const options = { scenarios: { mine: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '4s', preAllocatedVUs: 4 } } };
export default function () {
  const res = http.get(__ENV.PERF_BASE_URL + '/hand', { tags: { journey: 'home' } });
  check(res, { 'status is 200': (r) => r.status === 200 });
}
`;

beforeAll(async () => {
  repo = freshServiceRepo('perf-k6files-');
  const s = await startService(repo);
  service = s.child;
  baseUrl = `http://127.0.0.1:${s.port}`;
  writeFileSync(join(repo, 'perf.config.yaml'), renderStarterConfig({ ...STARTER_DEFAULTS, baseUrl }));
  writeFileSync(join(repo, 'my-script.js'), HAND_WRITTEN);
});
afterAll(() => {
  service?.kill('SIGTERM');
  rmSync(repo, { recursive: true, force: true });
});

const csv = (file: string) => Papa.parse<Record<string, string>>(readFileSync(file, 'utf8').trim(), { header: true });

describe('perf loadtest --script and perf export --csv', () => {
  it('runs a hand-written script with perf\'s k6 output and evaluates it like a generated one', async () => {
    const r = await perf(['loadtest', '--script', 'my-script.js']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`running your script ${join(repo, 'my-script.js')}`);
    const l = JSON.parse(readFileSync(join(repo, '.aiwg/working/performance/loadtest.json'), 'utf8'));
    expect(l.k6.extension).toBe(true);
    expect(l.rawArtifact).toMatch(/\.perf\.ndjson$/);
    expect(l.overall.requests).toBeGreaterThanOrEqual(78);
    expect(l.overall.requests).toBeLessThanOrEqual(81);
    expect(l.checks.passes).toBe(l.overall.requests);
    const slo = await perf(['slo-check']);
    expect(slo.code, slo.stdout + slo.stderr).toBe(0);
    expect(slo.stdout).toContain('SLO compliance: PASS');
  });

  it('exports the run\'s windows and journey figures as CSV that add up to the artifact', async () => {
    const r = await perf(['export', '--csv']);
    expect(r.code, r.stderr).toBe(0);
    const l = JSON.parse(readFileSync(join(repo, '.aiwg/working/performance/loadtest.json'), 'utf8'));
    const windows = csv(join(repo, '.aiwg/working/exports/loadtest-windows.csv'));
    expect(windows.meta.fields).toEqual([...WINDOW_COLUMNS]);
    expect(windows.data).toHaveLength(l.windows.length);
    expect(windows.data.reduce((n, w) => n + Number(w.requests), 0)).toBe(l.overall.requests);
    const journeys = csv(join(repo, '.aiwg/working/exports/loadtest-journeys.csv'));
    expect(journeys.meta.fields).toEqual([...JOURNEY_COLUMNS]);
    const overall = journeys.data.find((j) => j.journey === 'overall')!;
    expect(Number(overall.requests)).toBe(l.overall.requests);
    expect(Number(overall.p95_ms)).toBe(l.overall.latencyMs.p95);
    // The dashboard's CSV panels read columns the export writes.
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'docs/grafana/perf-k6-dashboard.json'), 'utf8')) as { panels: Array<{ targets?: Array<{ type?: string; columns?: Array<{ selector: string }> }> }> };
    const selectors = dashboard.panels.flatMap((p) => p.targets ?? []).filter((t) => t.type === 'csv').flatMap((t) => t.columns ?? []).map((c) => c.selector);
    expect(selectors.length).toBeGreaterThan(3);
    for (const s of selectors) expect(windows.meta.fields).toContain(s);
  });

  it('exits 2 with the command to run when there is no load test to export', async () => {
    const r = await perf(['export', '--csv', '--out-dir', join(repo, 'empty-out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('perf loadtest --scenario baseline');
  });
});

describe('perf report --from plain k6 files', () => {
  it('reads k6 --out json as a load test and a --summary-export with the config\'s SLOs', async () => {
    execFileSync(K6, ['run', '--quiet', '--no-usage-report', '--out', 'json=k6-results.json', '--summary-export', 'k6-summary.json', 'my-script.js'], { cwd: repo, env: { ...process.env, PERF_BASE_URL: baseUrl }, stdio: 'ignore' });
    const r = await perf(['report', '--from', 'k6-results.json', 'k6-summary.json', '--out-dir', 'k6-report', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { skipped: unknown[]; charts: Array<{ id: string }> };
    expect(out.skipped).toEqual([]);
    expect(out.charts.map((c) => c.id)).toEqual(expect.arrayContaining(['latency-over-time', 'throughput-errors', 'latency-distribution']));
    const html = readFileSync(join(repo, 'k6-report/reports/index.html'), 'utf8');
    expect(html).toContain('k6-results.json');
    expect(html).toContain('k6-summary.json');
  });
});
