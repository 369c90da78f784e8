/// <reference lib="dom" />
// perf report end to end: the CLI writes the HTML report from JSON artifacts; Debian's Chromium
// (/usr/bin/chromium, driven by playwright-core, no browser download) opens it from a file:// URL
// with the network off, and the charts' drawn points are checked against the JSON.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../analyzers/histogram.js';
import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import { syntheticBaseline, syntheticLoadtest, syntheticProfile, syntheticSlo } from '../fixtures/report/synthetic.js';

const root = new URL('../..', import.meta.url).pathname;
const runJs = join(root, 'cli/bin/run.js');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface ChartPoint {
  x: number;
  y: number;
}

let work: string;
let context: BrowserContext;
let page: Page;
let report: { html: string; svg: string[]; charts: Array<{ id: string; title: string; summary: string }>; missing: unknown[] };
const before = syntheticLoadtest({ runId: 'before-run', slowdown: 1.6, seed: 21 });
const lt = syntheticLoadtest({ runId: 'after-run' });
const slo = syntheticSlo(lt, 'after-run');
const baseline = syntheticBaseline('after-run');
const profile = syntheticProfile('after-run');
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { env: { ...process.env, PERF_BUILD_LENIENT: '1' }, stdio: 'ignore' });
  work = mkdtempSync(join(tmpdir(), 'perf-report-e2e-'));
  const files: Record<string, unknown> = { 'baseline.json': baseline, 'profiling.json': profile, 'before.json': before, 'loadtest.json': lt, 'slo.json': slo };
  for (const [name, a] of Object.entries(files)) writeFileSync(join(work, name), JSON.stringify(a));
  const r = spawnSync(process.execPath, [runJs, 'report', '--json', '--out-dir', '.aiwg', '--from', ...Object.keys(files)], { cwd: work, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  report = JSON.parse(r.stdout);

  expect(existsSync(CHROMIUM), `Debian chromium missing at ${CHROMIUM}: apt-get install -y chromium`).toBe(true);
  context = await chromium.launchPersistentContext(join(work, 'chromium-profile'), { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1000, height: 900 } });
  // Network off: offline mode, and every request that is not the file itself is aborted and recorded.
  await context.setOffline(true);
  context.on('request', (req) => requests.push(req.url()));
  await context.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(pathToFileURL(report.html).href, { waitUntil: 'load' });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A series' drawn points, mapped back to data values through the plot's axis box (in the browser). */
async function drawnPoints(chart: string, series: string): Promise<ChartPoint[]> {
  return page.evaluate(
    ([chartId, key]) => {
      const svg = document.querySelector(`svg[data-chart="${chartId}"]`);
      const plot = svg?.querySelector('g.plot') as SVGGElement | null;
      const line = svg?.querySelector(`polyline[data-series="${key}"]`) as SVGPolylineElement | null;
      if (!plot || !line) return [];
      const d = (k: string): number => Number(plot.dataset[k]);
      const ax = line.dataset.axis === 'right' ? 'y2' : 'y';
      const [x0, x1, y0, y1] = [d('xMin'), d('xMax'), d(`${ax}Min`), d(`${ax}Max`)];
      const [l, r, t, b] = [d('left'), d('right'), d('top'), d('bottom')];
      return Array.from(line.points, (p) => ({ x: x0 + ((p.x - l) / (r - l)) * (x1 - x0), y: y0 + ((b - p.y) / (b - t)) * (y1 - y0) }));
    },
    [chart, series] as const,
  );
}

/** Tolerance of a drawn value: a pixel and a half of the y axis range (pixels are rounded to 0.1). */
async function tolerance(chart: string, axis: 'y' | 'y2' = 'y'): Promise<number> {
  return page.evaluate(
    ([chartId, ax]) => {
      const plot = document.querySelector(`svg[data-chart="${chartId}"] g.plot`) as SVGGElement;
      const d = (k: string): number => Number(plot.dataset[k]);
      return (1.5 * (d(`${ax}Max`) - d(`${ax}Min`))) / (d('bottom') - d('top'));
    },
    [chart, axis] as const,
  );
}

describe('perf report in headless Chromium', () => {
  it('renders from a file:// URL with the network off, making no request and logging no error', async () => {
    expect(page.url()).toMatch(/^file:\/\//);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    expect(await page.title()).toBe('Performance report');
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(requests.filter((u) => u.startsWith('file:'))).toHaveLength(1); // the page itself, nothing else
    expect(consoleErrors).toEqual([]);
    const shot = join(root, 'test-results/report/report.png');
    mkdirSync(join(root, 'test-results/report'), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
  });

  it('renders every chart visibly, each named by its title and text alternative for screen readers', async () => {
    expect(report.charts.map((c) => c.id)).toEqual([
      'latency-over-time',
      'latency-over-time--browse',
      'latency-over-time--checkout',
      'throughput-errors',
      'vus-dropped',
      'latency-distribution',
      'error-budget-burn-down',
      'hot-functions',
      'capacity-search',
    ]);
    for (const c of report.charts) {
      const img = page.getByRole('img', { name: new RegExp(c.title.replace(/[()]/g, '\\$&')) });
      await expect(img.count()).resolves.toBe(1);
      const box = await img.boundingBox();
      expect(box!.width).toBeGreaterThan(500);
      expect(box!.height).toBeGreaterThan(150);
      // The caption gives lynx and screen-reader users the same key figures.
      const caption = await page.locator(`figure#${c.id} figcaption`).innerText();
      expect(caption).toContain(c.summary);
      // Every data series was actually laid out by the browser, not just present in the markup.
      const sizes = await page.$$eval(`svg[data-chart="${c.id}"] .series, svg[data-chart="${c.id}"] .bar rect`, (els) =>
        els.map((e) => (e as SVGGraphicsElement).getBBox()).map((b) => b.width + b.height),
      );
      expect(sizes.length).toBeGreaterThan(0);
      for (const s of sizes) expect(s).toBeGreaterThan(0);
    }
  });

  it('draws latency per window at the p50/p95/p99 the JSON holds', async () => {
    for (const k of ['p50', 'p95', 'p99'] as const) {
      const pts = await drawnPoints('latency-over-time', k);
      const tol = await tolerance('latency-over-time');
      expect(pts).toHaveLength(lt.windows.length);
      lt.windows.forEach((w, i) => {
        expect(Math.abs(pts[i]!.y - w.latencyMs[k])).toBeLessThan(tol);
        expect(Math.abs(pts[i]!.x - w.startMs)).toBeLessThan(lt.durationMs / 400);
      });
    }
    // The checkout p95 SLO bounds checkout's requests: its line is on checkout's chart, against p95, and nowhere else.
    expect(await page.locator('svg[data-chart="latency-over-time"] .refline').count()).toBe(0);
    const ref = page.locator('svg[data-chart="latency-over-time--checkout"] .refline');
    expect(await ref.getAttribute('data-value')).toBe(String(slo.slos[1]!.target));
    expect(await ref.getAttribute('data-series')).toBe('p95');
  });

  it('lays out every text of every chart apart: no label overprints another', async () => {
    const overlaps = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.flatMap((svg) => {
        const boxes = Array.from(svg.querySelectorAll('text'), (t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() })).filter((b) => b.r.width > 0);
        const hits: string[] = [];
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i]!.r;
            const b = boxes[j]!.r;
            // A pixel of slack: glyph boxes of stacked rows touch.
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) hits.push(`${svg.getAttribute('data-chart')}: "${boxes[i]!.text}" × "${boxes[j]!.text}"`);
          }
        }
        return hits;
      }),
    );
    expect(overlaps).toEqual([]);
  });

  it('shows the run header: target, scenario, run id, UTC time, k6 and perf versions', async () => {
    const dd = async (id: string): Promise<string> => page.locator(`#${id}`).innerText();
    expect(await dd('header-scenario')).toBe('stress');
    expect(await dd('header-run')).toContain('after-run');
    expect(await dd('header-time')).toContain(lt.startedAt);
    expect(await dd('header-k6')).toContain(lt.k6.version);
    expect(await dd('header-perf')).toMatch(/report by perf \d+\.\d+\.\d+/);
    expect(await dd('header-target')).toBe(baseline.target.baseUrl);
  });

  it('draws throughput and error rate per window, with the stage boundaries', async () => {
    const rps = await drawnPoints('throughput-errors', 'rps');
    const err = await drawnPoints('throughput-errors', 'error-rate');
    const [tolL, tolR] = [await tolerance('throughput-errors'), await tolerance('throughput-errors', 'y2')];
    lt.windows.forEach((w, i) => {
      expect(Math.abs(rps[i]!.y - w.rps)).toBeLessThan(tolL);
      expect(Math.abs(err[i]!.y - w.errorRate * 100)).toBeLessThan(tolR);
    });
    const marks = await page.$$eval('svg[data-chart="throughput-errors"] .vmark', (els) => els.map((e) => Number(e.getAttribute('data-x'))));
    expect(marks).toEqual(lt.stages.map((s) => s.startMs));
  });

  it('overlays before and after on the percentile axis at the values of the HDR histograms', async () => {
    const tol = await tolerance('latency-distribution');
    for (const [key, a] of [['loadtest-1', before], ['loadtest-2', lt]] as Array<[string, LoadTestPayload]>) {
      const h = decodeHistogram(a.overall.histogram);
      const pts = await drawnPoints('latency-distribution', key);
      for (const [x, p] of [[0, 0], [1, 90], [2, 99], [3, 99.9]] as const) {
        const pt = pts.find((q) => Math.abs(q.x - x) < 0.01);
        expect(pt, `${key} has a point at ${p}%`).toBeDefined();
        expect(Math.abs(pt!.y - h.getValueAtPercentile(p) / 1000)).toBeLessThan(tol);
      }
    }
    const ticks = await page.$$eval('svg[data-chart="latency-distribution"] .x-ticks text', (els) => els.map((e) => e.textContent));
    expect(ticks.slice(0, 4)).toEqual(['0%', '90%', '99%', '99.9%']);
    await expect(page.locator('svg[data-chart="latency-distribution"] .legend').textContent()).resolves.toMatch(/before[^]*after/);
  });

  it('draws the availability budget consumed from 0 up to the figure perf slo-check reports', async () => {
    const pts = await drawnPoints('error-budget-burn-down', 'availability');
    expect(pts).toHaveLength(lt.windows.length + 1);
    expect(Math.abs(pts[0]!.y)).toBeLessThan(await tolerance('error-budget-burn-down'));
    const end = slo.slos[0]!.errorBudget.consumedPct;
    expect(end).toBeGreaterThan(0);
    expect(Math.abs(pts[pts.length - 1]!.y - end)).toBeLessThan(await tolerance('error-budget-burn-down'));
  });

  it('draws the hot functions as bars as long as their self time', async () => {
    const bars = await page.$$eval('svg[data-chart="hot-functions"] g.bar', (els) =>
      els.map((g) => ({ label: g.getAttribute('data-label'), value: Number(g.getAttribute('data-value')), width: (g.querySelector('rect') as SVGRectElement).getBBox().width })),
    );
    const expected = profile.hotFunctions.filter((f) => f.category !== 'idle' && f.category !== 'program').sort((a, b) => b.selfMs - a.selfMs);
    expect(bars.map((b) => b.label)).toEqual(expected.map((f) => f.functionName));
    expect(bars.map((b) => b.value)).toEqual(expected.map((f) => f.selfMs));
    const perMs = bars[0]!.width / bars[0]!.value;
    for (const b of bars) expect(Math.abs(b.width - b.value * perMs)).toBeLessThan(1);
  });

  it('draws each capacity step at its achieved rate and p95', async () => {
    const achieved = await drawnPoints('capacity-search', 'achieved');
    const p95 = await drawnPoints('capacity-search', 'p95');
    const steps = baseline.capacity!.steps;
    steps.forEach((s, i) => {
      expect(Math.abs(achieved[i]!.x - s.rateRps)).toBeLessThan(2);
      expect(Math.abs(achieved[i]!.y - s.achievedRps)).toBeLessThan(3);
      expect(Math.abs(p95[i]!.y - s.p95Ms)).toBeLessThan(10);
    });
  });

  it('shows SLO status by word and symbol as well as colour, and the per-journey table', async () => {
    const statuses = await page.locator('table .status').allInnerTexts();
    expect(statuses).toEqual(slo.slos.map((s) => `${{ PASS: '✓', PARTIAL: '◐', FAIL: '✗' }[s.status]} ${s.status}`));
    const colours = await page.locator('table .status').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    if (new Set(slo.slos.map((s) => s.status)).size > 1) expect(new Set(colours).size).toBeGreaterThan(1);
    const rows = await page.locator('#journeys-stress ~ table').first().locator('tbody tr td:first-child').allInnerTexts();
    expect(rows).toEqual(['browse', 'checkout', 'overall']);
  });

  it('writes the same charts as .svg files that render on their own', async () => {
    expect(report.svg).toHaveLength(report.charts.length);
    const p = await context.newPage();
    const errors: string[] = [];
    p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    for (const file of report.svg) {
      await p.goto(pathToFileURL(file).href);
      const box = await p.locator('svg').boundingBox();
      expect(box!.width).toBeGreaterThan(500);
    }
    expect(errors).toEqual([]);
    await p.close();
  });
});

describe('perf report on the command line', () => {
  const perf = (cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [runJs, ...args], { cwd, encoding: 'utf8' });

  it('exits 2 with what to run when there is nothing to report on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-report-cli-'));
    const r = perf(dir, ['report']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no artifacts to report on\n {2}fix: run perf baseline, perf loadtest or perf slo-check first/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports one run by id and links its charts from the markdown of that run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-report-cli-'));
    const { ArtifactStore } = await import('../../core/artifacts/store.js');
    const store = new ArtifactStore('.aiwg', 'run-42', dir);
    const { schema: _s, runId: _r, generatedAt: _g, tool: _t, ...payload } = lt;
    store.writeReport('loadtest', payload, '# Load test results\n');
    const r = perf(dir, ['report', '--run', 'run-42']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('wrote .aiwg/reports/index.html (6 charts)');
    expect(r.stdout).toContain('no chart "Top hot functions (self time)": no profile artifact (run perf profile)');
    expect(readFileSync(join(dir, '.aiwg/testing/load-test-results.md'), 'utf8')).toContain('](charts/throughput-errors.svg)');
    const unknown = perf(dir, ['report', '--run', 'run-41']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('fix: pick one of the latest runs: run-42');
    rmSync(dir, { recursive: true, force: true });
  });
});
