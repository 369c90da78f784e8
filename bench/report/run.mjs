// Benchmark of `perf report` on a 24-hour soak: 8,640 windows of 10 s (generated test data with
// real HDR histograms per window and per journey). Prints the HTML size and the time Chromium takes
// to render the report from file:// (budgets: < 5 MB, < 3 s), and, side by side in the same run,
// the reference of drawing one chart with all 8,640 points instead of min/max buckets.
// Run: node scripts/build.mjs && node bench/report/run.mjs [--windows 8640] [--rate 50] [--keep]
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = new URL('../..', import.meta.url).pathname;
const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const { newHistogram, recordMs, encodeHistogram, mergeHistograms, latencyStats, percentileMs } = await dist('analyzers/histogram.js');
const { ArtifactStore } = await dist('core/artifacts/store.js');
const { writeHtmlReport, inputsFromFiles } = await dist('report/index.js');
const { renderLineChart } = await dist('report/svg/line-chart.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const WINDOWS = arg('windows', 8640);
const WINDOW_MS = 10_000;
const RATE = arg('rate', 50);
const BUDGET_MS = 3000;
const BUDGET_BYTES = 5 * 1024 * 1024;
const CHROMIUM = '/usr/bin/chromium';

const { seededRandom } = await dist('core/random.js');
const rand = seededRandom(42);
const envelope = (schema) => ({ schema, runId: 'soak-24h', generatedAt: new Date().toISOString(), tool: { name: 'perf', version: 'bench' } });

function figures(name, h, errors, durationMs) {
  return {
    name, requests: h.totalCount, errors, errorRate: errors / h.totalCount, statusCodes: { 200: h.totalCount - errors, 503: errors },
    throughputRps: h.totalCount / (durationMs / 1000), durationMs, latencyMs: latencyStats(h), histogram: encodeHistogram(h),
  };
}

/** A 24 h soak: slow memory-leak drift in latency, a daily traffic wave, a few stalls and error bursts. */
function soakArtifact() {
  const journeys = ['browse', 'checkout'];
  const totals = { browse: newHistogram(), checkout: newHistogram() };
  const errs = { browse: 0, checkout: 0 };
  const windows = [];
  for (let i = 0; i < WINDOWS; i++) {
    const day = i / WINDOWS;
    const wave = 0.75 + 0.25 * Math.sin(day * 2 * Math.PI);
    const stall = i % 1440 === 700; // one stalled window every 4 h
    const drift = 1 + day * 0.6;
    const wj = {};
    const hs = [];
    let werr = 0;
    for (const j of journeys) {
      const h = newHistogram();
      const n = Math.round(((RATE * WINDOW_MS) / 1000) * wave * (j === 'browse' ? 0.8 : 0.2));
      const base = j === 'browse' ? 12 : 40;
      let e = 0;
      for (let k = 0; k < n; k++) {
        const u = rand();
        recordMs(h, base * drift * (0.5 + rand()) * (u > 0.999 ? 20 : u > 0.99 ? 4 : 1) * (stall ? 15 : 1));
        if ((stall && u < 0.3) || u < 0.0005) e++;
      }
      wj[j] = { requests: h.totalCount, errors: e, histogram: encodeHistogram(h) };
      totals[j].add(h);
      errs[j] += e;
      werr += e;
      hs.push(h);
    }
    const w = mergeHistograms(hs);
    windows.push({
      startMs: i * WINDOW_MS, endMs: (i + 1) * WINDOW_MS, requests: w.totalCount, errors: werr, rps: w.totalCount / (WINDOW_MS / 1000),
      errorRate: werr / w.totalCount, latencyMs: { p50: percentileMs(w, 50), p95: percentileMs(w, 95), p99: percentileMs(w, 99) },
      vus: 20, histogram: encodeHistogram(w), journeys: wj, droppedIterations: stall ? 12 : 0, checks: { passes: w.totalCount - werr, fails: werr },
    });
  }
  const durationMs = WINDOWS * WINDOW_MS;
  const overallH = mergeHistograms(Object.values(totals));
  const overall = figures('overall', overallH, errs.browse + errs.checkout, durationMs);
  return {
    ...envelope('perf.loadtest/v1'), scenario: 'soak', partial: false, quick: false,
    startedAt: '2026-11-22T00:00:00.000Z', endedAt: '2026-11-23T00:00:00.000Z', durationMs,
    k6: { binary: 'bin/k6', version: 'bench', extension: true }, rawArtifact: 'loadtest.perf.ndjson',
    journeys: journeys.map((j) => figures(j, totals[j], errs[j], durationMs)), overall, windowMs: WINDOW_MS, windows,
    stages: [
      { startMs: 0, endMs: 300_000, target: RATE, label: 'ramp up' },
      { startMs: 300_000, endMs: durationMs - 300_000, target: RATE, label: 'hold 23h50m' },
      { startMs: durationMs - 300_000, endMs: durationMs, target: 0, label: 'ramp down' },
    ],
    droppedIterations: 0, checks: { passes: 0, fails: 0, byName: {} }, breakingPoint: null, recovery: null,
    endpoints: journeys.map((j) => figures(j === 'browse' ? 'GET /products' : 'POST /checkout', totals[j], errs[j], durationMs)),
    resources: resourceSeries(durationMs),
    drift: { firstP95Ms: windows[0].latencyMs.p95, lastP95Ms: windows[WINDOWS - 1].latencyMs.p95, changePct: 0, note: '' }, aborted: null,
  };
}

/** The target's resources over the soak, one sample a second (86,400 for 24 h): CPU with the traffic wave, RSS and heap creeping up. */
function resourceSeries(durationMs) {
  const samples = [];
  for (let t = 1000; t <= durationMs; t += 1000) {
    const day = t / durationMs;
    samples.push({ tMs: t, cpuPct: Math.round((35 + 15 * Math.sin(day * 2 * Math.PI) + rand() * 8) * 10) / 10, rssMb: Math.round((90 + day * 40 + rand()) * 100) / 100, heapUsedMb: Math.round((40 + day * 25 + rand() * 3) * 100) / 100, fds: 24, threads: 11, processes: 1 });
  }
  return {
    source: 'proc', pid: 4242, intervalMs: 1000, startedAt: '2026-11-22T00:00:00.400Z', samples,
    leak: { suspected: true, slopeMbPerHour: 1.67, ci95: [1.66, 1.68], basis: 'bench data', series: 'rssMb' },
  };
}

function sloArtifact(lt) {
  const slo = (name, sli, objective, target, events, journey) => {
    const allowed = 1 - objective / 100;
    const badFraction = events.bad / events.total;
    return {
      name, sli, ...(journey ? { journey } : {}), ...(sli === 'latency' ? { percentile: 99 } : {}), objective, actual: null, target, status: badFraction <= allowed ? 'PASS' : 'FAIL',
      errorBudget: { allowedBadFraction: allowed, badFraction, consumedPct: (100 * badFraction) / allowed, remainingPct: 100 - (100 * badFraction) / allowed },
      burnRate: badFraction / allowed, alerts: [], events,
    };
  };
  return {
    ...envelope('perf.slo/v1'), status: 'PARTIAL', source: { file: 'loadtest.json', format: 'perf.loadtest/v1' }, runDurationMs: lt.durationMs,
    resourceLimits: [{ name: 'cpuPct', limit: 80, observed: null, statistic: 'p95', status: 'n/a', evidence: '' }, { name: 'rssMb', limit: 120, observed: null, statistic: 'peak', status: 'n/a', evidence: '' }],
    slos: [
      slo('availability', 'availability', 99.9, 99.9, { total: lt.overall.requests, bad: lt.overall.errors }),
      slo('checkout-latency', 'latency', 99, 150, { total: lt.journeys[1].requests, bad: 0 }, 'checkout'),
    ],
  };
}

async function renderTimes(context, url, runs = 3) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'load' });
    // Force layout of every SVG so "rendered" means laid out, not just parsed.
    const n = await page.evaluate(() => Array.from(document.querySelectorAll('svg')).reduce((s, e) => s + e.getBBox().width, 0));
    const wall = performance.now() - t0;
    const nav = await page.evaluate(() => {
      const t = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { loadEventEnd: t.loadEventEnd, fcp: fcp ? fcp.startTime : null };
    });
    if (errors.length || !(n > 0)) throw new Error(`render problem: ${errors.join('; ') || 'no svg laid out'}`);
    out.push({ wall, ...nav });
    await page.close();
  }
  out.sort((a, b) => a.wall - b.wall);
  return out[Math.floor(out.length / 2)];
}

const work = mkdtempSync(join(tmpdir(), 'perf-report-bench-'));
try {
  let t = performance.now();
  const lt = soakArtifact();
  const genMs = performance.now() - t;
  writeFileSync(join(work, 'loadtest.json'), JSON.stringify(lt));
  writeFileSync(join(work, 'slo.json'), JSON.stringify(sloArtifact(lt)));
  const inputBytes = statSync(join(work, 'loadtest.json')).size;

  t = performance.now();
  const store = new ArtifactStore('.aiwg', 'bench', work);
  const written = writeHtmlReport(store, inputsFromFiles([join(work, 'loadtest.json'), join(work, 'slo.json')]));
  const reportMs = performance.now() - t;
  const htmlBytes = statSync(written.htmlPath).size;

  // Reference, same run: the latency chart with every window drawn vs min/max buckets.
  const x = lt.windows.map((w) => w.startMs);
  const spec = (buckets) => ({
    id: 'ref', title: 'ref', description: 'ref', x: { kind: 'time', label: 't' }, y: { label: 'ms' }, buckets,
    series: ['p50', 'p95', 'p99'].map((k) => ({ key: k, label: k, colour: '#0072B2', x, y: lt.windows.map((w) => w.latencyMs[k]) })),
  });
  const page = (svg) => `<!doctype html><meta charset="utf-8"><title>ref</title>${svg}`;
  writeFileSync(join(work, 'naive.html'), page(renderLineChart(spec(1e9))));
  writeFileSync(join(work, 'buckets.html'), page(renderLineChart(spec(undefined))));

  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await context.setOffline(true);
  const full = await renderTimes(context, pathToFileURL(written.htmlPath).href);
  const naive = await renderTimes(context, pathToFileURL(join(work, 'naive.html')).href);
  const bucketed = await renderTimes(context, pathToFileURL(join(work, 'buckets.html')).href);
  await context.close();

  const mb = (b) => `${(b / 1024 / 1024).toFixed(2)} MB`;
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  const ms = (v) => `${Math.round(v)} ms`;
  const naiveBytes = statSync(join(work, 'naive.html')).size;
  const bucketBytes = statSync(join(work, 'buckets.html')).size;
  console.log(`perf report bench: ${WINDOWS} windows of ${WINDOW_MS / 1000} s (${(WINDOWS * WINDOW_MS) / 3_600_000} h soak), ${lt.overall.requests.toLocaleString('en-US')} requests, 2 journeys`);
  console.log(`  generated soak artifact       ${mb(inputBytes)} JSON in ${ms(genMs)}`);
  console.log(`  perf report (server side)     ${ms(reportMs)} for ${written.charts.length} charts (decodes ${WINDOWS} window histograms per journey for the per-journey latency charts and the burn-down; ${lt.resources.samples.length.toLocaleString('en-US')} resource samples)`);
  console.log(`  HTML size                     ${kb(htmlBytes)}  = ${(htmlBytes / BUDGET_BYTES).toFixed(4)} of the 5 MB budget  ${htmlBytes < BUDGET_BYTES ? 'OK' : 'OVER BUDGET'}`);
  console.log(`  Chromium render (median of 3) ${ms(full.wall)} to load + layout (loadEventEnd ${ms(full.loadEventEnd)}, first paint ${full.fcp === null ? 'n/a' : ms(full.fcp)})  = ${(full.wall / BUDGET_MS).toFixed(3)} of the 3 s budget  ${full.wall < BUDGET_MS ? 'OK' : 'OVER BUDGET'}`);
  console.log(`  reference, same run: the latency chart alone, 3 series × ${WINDOWS} windows`);
  console.log(`    all points drawn            ${kb(naiveBytes)}, render ${ms(naive.wall)}`);
  console.log(`    min/max buckets (ours)      ${kb(bucketBytes)}, render ${ms(bucketed.wall)}  → ${(naiveBytes / bucketBytes).toFixed(1)}× smaller, ${(naive.wall / bucketed.wall).toFixed(2)}× faster`);
  process.exitCode = htmlBytes < BUDGET_BYTES && full.wall < BUDGET_MS ? 0 : 1;
} finally {
  if (process.argv.includes('--keep')) console.log(`  kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
