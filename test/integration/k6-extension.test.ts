// The k6 extension suite end to end: the built bin/k6 (xk6/build.sh) runs a script using
// k6/x/perf against a loopback server, with --out perf, --out json (raw samples) and
// --summary-export (k6's own end-of-test summary) at once, and the three must agree.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram, mergeHistograms, percentileMs } from '../../analyzers/histogram.js';
import { readK6Windows } from '../../capture/results/k6-files.js';
import type { K6SummaryLine, K6WindowLine, SeriesTags, TrendSeries } from '../../core/artifacts/k6-windows.js';

const root = new URL('../..', import.meta.url).pathname;
const k6 = join(root, 'bin', 'k6');
const ITERATIONS = 400;

let server: ChildProcess;
let base = '';
let dir = '';

function startServer(): Promise<string> {
  return new Promise((resolve, reject) => {
    server = spawn(process.execPath, [join(root, 'test/fixtures/k6/server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    server.once('error', reject);
    server.stdout!.once('data', (d: Buffer) => resolve(`http://127.0.0.1:${d.toString().trim()}`));
  });
}

interface Run {
  code: number | null;
  stderr: string;
}

function runK6(args: string[], opts: { killAfterMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(k6, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    const timer = opts.killAfterMs ? setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs) : undefined;
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

function script(extra = ''): string {
  return `
import http from 'k6/http';
import { check } from 'k6';
import { journey, serverTiming } from 'k6/x/perf';
${extra}
export default function () {
  journey('login', () => {
    const r = http.get('${base}/login');
    serverTiming(r);
    check(r, { 'login ok': (x) => x.status === 200 });
  });
  journey('browse', () => {
    http.get('${base}/items');
    http.get('${base}/items?page=2', { tags: { name: 'items-page' } });
  });
  http.get('${base}/health');
}
`;
}

function lines(file: string): unknown[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
}

const sumWhere = <T extends { tags: SeriesTags }>(xs: T[], f: (x: T) => number, pred: (x: T) => boolean) =>
  xs.filter(pred).reduce((n, x) => n + f(x), 0);

beforeAll(async () => {
  if (!existsSync(k6)) {
    throw new Error(`bin/k6 is missing: build it with "bash xk6/build.sh" (CI does this in setup); this test needs the extension build`);
  }
  dir = mkdtempSync(join(tmpdir(), 'perf-k6ext-'));
  base = await startServer();
});

afterAll(() => {
  server?.kill('SIGTERM');
});

describe('bin/k6 with the perf extensions', () => {
  let header: Record<string, unknown>;
  let windows: K6WindowLine[];
  let summary: K6SummaryLine;
  let k6Summary: { metrics: Record<string, Record<string, number>> };
  let rawDurations: number[];
  let serverCounts: Record<string, number>;

  beforeAll(async () => {
    writeFileSync(
      join(dir, 'exact.js'),
      script(`export const options = { scenarios: { exact: { executor: 'shared-iterations', vus: 4, iterations: ${ITERATIONS}, maxDuration: '60s' } } };`),
    );
    const run = await runK6([
      'run', '-q', '--no-color',
      '--out', 'perf=file=exact.ndjson,window=1s',
      '--out', 'json=exact.json',
      '--summary-export', 'exact-summary.json',
      '--summary-trend-stats', 'min,med,p(50),p(95),p(99),max,count',
      'exact.js',
    ]);
    expect(run.stderr).not.toMatch(/level=error/);
    expect(run.code).toBe(0);
    const all = lines(join(dir, 'exact.ndjson')) as Array<Record<string, unknown>>;
    header = all[0]!;
    windows = all.filter((l) => l.type === 'window') as unknown as K6WindowLine[];
    summary = all.find((l) => l.type === 'summary') as unknown as K6SummaryLine;
    k6Summary = JSON.parse(readFileSync(join(dir, 'exact-summary.json'), 'utf8'));
    rawDurations = readFileSync(join(dir, 'exact.json'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"metric":"http_req_duration"') && l.includes('"type":"Point"'))
      .map((l) => (JSON.parse(l) as { data: { value: number } }).data.value)
      .sort((a, b) => a - b);
    serverCounts = (await (await fetch(`${base}/counts`)).json()) as Record<string, number>;
  });

  it('lists the perf output and the k6/x/perf module in `k6 version`', async () => {
    const child = spawn(k6, ['version']);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    await new Promise((r) => child.on('close', r));
    expect(out).toMatch(/k6 v2\.\d+\.\d+/);
    expect(out).toContain('k6/x/perf [js]');
    expect(out).toContain('perf [output]');
  });

  it('writes a header, contiguous windows and a summary line', () => {
    expect(header).toMatchObject({ schema: 'perf.k6-windows/v1', type: 'header', windowMs: 1000, extensionVersion: expect.any(String) });
    expect(String(header.k6Version)).toMatch(/^v2\./);
    expect(windows.length).toBeGreaterThan(0);
    windows.forEach((w, i) => {
      expect(w.index).toBe(i);
      if (i > 0) expect(w.startMs).toBe(windows[i - 1]!.endMs);
    });
    expect(summary).toMatchObject({ type: 'summary', windows: windows.length, aborted: null });
  });

  it('counts every journey request exactly (artifact = server = k6 summary)', () => {
    const reqs = summary.counters.filter((c) => c.metric === 'http_reqs');
    const byJourney = (j: string | undefined) => sumWhere(reqs, (c) => c.value, (c) => c.tags.journey === j);
    expect(byJourney('login')).toBe(ITERATIONS);
    expect(byJourney('browse')).toBe(2 * ITERATIONS);
    expect(byJourney(undefined)).toBe(ITERATIONS); // /health is outside any journey
    expect(serverCounts).toEqual({ '/login': ITERATIONS, '/items': 2 * ITERATIONS, '/health': ITERATIONS });
    expect(k6Summary.metrics.http_reqs!.count).toBe(4 * ITERATIONS);
    // The windows add up to the summary.
    const windowed = windows.flatMap((w) => w.counters).filter((c) => c.metric === 'http_reqs');
    expect(sumWhere(windowed, (c) => c.value, (c) => c.tags.journey === 'login')).toBe(ITERATIONS);
    // name tags: the URL by default, or the explicit tag.
    expect(new Set(reqs.filter((c) => c.tags.journey === 'browse').map((c) => c.tags.name))).toEqual(new Set([`${base}/items`, 'items-page']));
  });

  it('tags checks with the journey and keeps status classes', () => {
    const checks = summary.rates.filter((r) => r.metric === 'checks');
    expect(checks).toEqual([{ metric: 'checks', tags: { journey: 'login', scenario: 'exact', check: 'login ok' }, trues: ITERATIONS, total: ITERATIONS }]);
    const failed = summary.rates.filter((r) => r.metric === 'http_req_failed');
    expect(sumWhere(failed, (r) => r.total, () => true)).toBe(4 * ITERATIONS);
    expect(sumWhere(failed, (r) => r.trues, () => true)).toBe(0);
    expect(new Set(failed.map((r) => r.tags.status))).toEqual(new Set(['2xx']));
    expect(summary.counters.find((c) => c.metric === 'iterations')!.value).toBe(ITERATIONS);
  });

  it('records Server-Timing components as server_timing_<component> Trends in ms', () => {
    const db = summary.trends.find((t) => t.metric === 'server_timing_db')!;
    const app = summary.trends.find((t) => t.metric === 'server_timing_app')!;
    expect(db.tags).toEqual({ journey: 'login', scenario: 'exact' });
    expect(db.count).toBe(ITERATIONS);
    expect(app.count).toBe(ITERATIONS);
    expect(app.min).toBe(0.25);
    expect(app.max).toBe(0.25);
    expect(db.min).toBeGreaterThanOrEqual(0.5);
    expect(db.max).toBeLessThanOrEqual(2);
    expect(k6Summary.metrics.server_timing_app!.count).toBe(ITERATIONS);
  });

  it('p50/p95/p99 of http_req_duration agree with k6 summary within HDR precision', () => {
    const durations: TrendSeries[] = summary.trends.filter((t) => t.metric === 'http_req_duration');
    const h = mergeHistograms(durations.map((t) => decodeHistogram(t.histogram)));
    const n = rawDurations.length;
    expect(h.totalCount).toBe(4 * ITERATIONS);
    expect(n).toBe(4 * ITERATIONS);
    const k6Trend = k6Summary.metrics.http_req_duration!;
    for (const [p, key] of [[50, 'p(50)'], [95, 'p(95)'], [99, 'p(99)']] as const) {
      const ours = percentileMs(h, p);
      const theirs = k6Trend[key]!;
      // k6 interpolates linearly at rank p·(n-1) between two samples; HDR returns the sample at the
      // nearest rank ceil(p·n), to 3 significant digits. Both must lie in the interval spanned by
      // those samples; where the samples are dense (the usual case) that is the 0.1 % bound itself.
      const i = (p / 100) * (n - 1);
      const nearest = rawDurations[Math.ceil((p / 100) * n) - 1]!;
      const lo = Math.min(rawDurations[Math.floor(i)]!, nearest);
      const hi = Math.max(rawDurations[Math.ceil(i)]!, nearest);
      expect(theirs).toBeGreaterThanOrEqual(lo - 1e-9);
      expect(theirs).toBeLessThanOrEqual(hi + 1e-9);
      const slack = 0.001; // HDR precision (0.1 %) plus the 1 µs recording unit
      expect(ours).toBeGreaterThanOrEqual(lo * (1 - slack) - 0.001);
      expect(ours).toBeLessThanOrEqual(hi * (1 + slack) + 0.001);
      // And against the exact nearest-rank sample, HDR is within 0.1 %.
      expect(Math.abs(ours - nearest)).toBeLessThanOrEqual(nearest * slack + 0.001);
      console.log(`http_req_duration p${p}: perf ${ours} ms, k6 summary ${theirs.toFixed(4)} ms, samples [${lo}, ${hi}]`);
      if ((hi - lo) / lo <= slack) expect(Math.abs(ours - theirs) / theirs).toBeLessThanOrEqual(2 * slack);
    }
    expect(summary.trends.filter((t) => t.metric === 'http_req_duration').reduce((s, t) => s + t.count, 0)).toBe(n);
    const k6Max = k6Trend.max!;
    const ourMax = Math.max(...durations.map((t) => t.max));
    expect(ourMax).toBeCloseTo(k6Max, 6);
  });

  it('reads back through the TypeScript k6-windows reader', async () => {
    const run = await readK6Windows(join(dir, 'exact.ndjson'));
    expect(run.complete).toBe(true);
    expect(run.windows.length).toBe(windows.length);
    expect(run.aborted).toBeNull();
  });
});

describe('robustness', () => {
  it('a SIGKILLed k6 leaves every finished window readable', async () => {
    writeFileSync(join(dir, 'kill.js'), script(`export const options = { vus: 2, duration: '30s' };`));
    const run = await runK6(['run', '-q', '--no-color', '--out', 'perf=file=kill.ndjson,window=1s', 'kill.js'], { killAfterMs: 6000 });
    expect(run.code).toBeNull(); // killed by the signal
    const text = readFileSync(join(dir, 'kill.ndjson'), 'utf8');
    const rows = text.split('\n');
    const complete = rows.slice(0, -1); // drops the '' after the final newline, or a partial last line
    const parsed = complete.map((l) => JSON.parse(l) as { type: string; trends?: TrendSeries[] });
    expect(parsed[0]!.type).toBe('header');
    const ws = parsed.filter((l) => l.type === 'window');
    expect(ws.length).toBeGreaterThanOrEqual(2);
    expect(parsed.some((l) => l.type === 'summary')).toBe(false);
    for (const w of ws) for (const t of w.trends ?? []) expect(decodeHistogram(t.histogram).totalCount).toBe(t.count);
    const read = await readK6Windows(join(dir, 'kill.ndjson'));
    expect(read.complete).toBe(false);
    expect(read.windows.length).toBe(ws.length);
  });

  it('the live SLO guard stops a burning test early with the reason in the log and the artifact', async () => {
    writeFileSync(
      join(dir, 'slos.json'),
      JSON.stringify([{ name: 'availability', sli: 'availability', objective: 99, window: '30d', windowMs: 2_592_000_000 }]),
    );
    writeFileSync(
      join(dir, 'burn.js'),
      `import http from 'k6/http';
export const options = { vus: 2, duration: '60s' };
export default function () { http.get('${base}/fail'); }`,
    );
    const started = Date.now();
    const run = await runK6(['run', '-q', '--no-color', '--out', 'perf=file=burn.ndjson,window=1s,slos=slos.json,guard=on', 'burn.js']);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(40_000); // stopped well before the 60 s
    expect(run.stderr).toContain('perf SLO guard');
    expect(run.code).toBe(99); // as an abortOnFail threshold: a stop on an SLO verdict is not a crash (255)
    const all = lines(join(dir, 'burn.ndjson')) as Array<Record<string, unknown>>;
    expect(all[0]).toMatchObject({ guard: { enabled: true, factor: 14.4 } });
    const abort = all.find((l) => l.type === 'abort')!;
    expect(abort).toMatchObject({ slo: 'availability' });
    expect(Number(abort.longBurnRate)).toBeGreaterThanOrEqual(14.4);
    const summaryLine = all.find((l) => l.type === 'summary') as unknown as K6SummaryLine;
    expect(summaryLine.aborted?.reason).toContain('availability');
  });
});
