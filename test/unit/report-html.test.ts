// What a reader sees in the HTML report of a constructed run: escaping, the header, SLO lines on
// the right chart against the right percentile, labels that never overprint, k6's own figures
// (VUs, dropped iterations, checks, endpoints), the target's resources and several scenarios.
import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordMs } from '../../analyzers/histogram.js';
import { evaluateSlos } from '../../analyzers/slo/evaluate.js';
import { sloInputFromDocument } from '../../analyzers/slo/inputs.js';
import type { EvalSlo } from '../../analyzers/slo/model.js';
import type { LoadFigures, LoadTestPayload, SloPayload } from '../../core/artifacts/schemas.js';
import type { ResourceSeries } from '../../core/contract/artifacts.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { buildCharts, isChart, type Chart } from '../../report/charts/index.js';
import { emptyInputs, type ReportInputs } from '../../report/inputs.js';
import { html, raw } from '../../templates/html/safe.js';
import { renderHtmlReport } from '../../templates/html-report.js';
import { polylineValues } from '../fixtures/report/svg-points.js';
import { syntheticLoadtest } from '../fixtures/report/synthetic.js';

const DAY = 86_400_000;

function render(inputs: ReportInputs): string {
  return renderHtmlReport({ inputs, charts: buildCharts(inputs), generatedAt: '2026-11-23T10:00:00.000Z', toolVersion: '9.9.9' });
}

function inputsOf(parts: Partial<ReportInputs>): ReportInputs {
  return { ...emptyInputs(), ...parts };
}

/** The SLO check of a load test for the given SLOs, by the real evaluator. */
function sloOf(lt: Artifact<LoadTestPayload>, slos: EvalSlo[]): Artifact<SloPayload> {
  return {
    schema: 'perf.slo/v1',
    runId: lt.runId,
    generatedAt: lt.generatedAt,
    tool: lt.tool,
    ...evaluateSlos(slos, sloInputFromDocument(lt, 'perf.loadtest/v1', 'lt.json')),
    source: { file: 'lt.json', format: 'perf.loadtest/v1' },
    runDurationMs: lt.durationMs,
  };
}

const latencySlo = (name: string, percentile: number, thresholdMs: number, journey?: string): EvalSlo => ({
  name,
  sli: 'latency',
  objective: percentile,
  percentile,
  thresholdMs,
  window: '30d',
  windowMs: 30 * DAY,
  ...(journey ? { journey } : {}),
});

function chartOf(inputs: ReportInputs, id: string): Chart {
  const c = buildCharts(inputs).find((x) => x.id === id);
  if (!c || !isChart(c)) throw new Error(`chart ${id} not drawn: ${c && !isChart(c) ? c.reason : 'absent'}`);
  return c;
}

/** The figure of one chart in the page (its SVG and caption). */
function figure(page: string, id: string): string {
  const m = new RegExp(`<figure id="${id}"[^]*?</figure>`).exec(page);
  if (!m) throw new Error(`no figure ${id}`);
  return m[0];
}

describe('escaping by default', () => {
  it('escapes every interpolation of the html tag and passes only raw() markup through', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(String(html`<td>${name}</td>`)).toBe('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(String(html`<p>${raw('<b>ok</b>')} ${['<i>', html`<i>`]}</p>`)).toBe('<p><b>ok</b> &lt;i&gt;<i></p>');
    expect(String(html`<p>${null}${undefined}${false}${0}</p>`)).toBe('<p>0</p>');
  });

  it('shows a journey named <script> as text, in the tables and on its own chart, never as a script element', () => {
    const lt = syntheticLoadtest({ runId: 'evil', windows: 12 });
    const evil = '<script>alert("x")</script>';
    lt.journeys[0]!.name = evil;
    for (const w of lt.windows) {
      w.journeys[evil] = w.journeys.browse!;
      delete w.journeys.browse;
    }
    const page = render(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }] }));
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>');
    expect(page).toContain('Latency over time of journey &lt;script&gt;');
  });
});

describe('the header', () => {
  it('names the target, scenario, run id, time in UTC, the k6 and perf versions', () => {
    const lt = syntheticLoadtest({ runId: '20261123-090000-ab12', windows: 12 });
    lt.target = { baseUrl: 'http://user:hunter22@127.0.0.1:8080' };
    const page = render(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }] }));
    const dd = (id: string): string => new RegExp(`<dd id="${id}">([^<]*)</dd>`).exec(page)?.[1] ?? '';
    expect(dd('header-target')).toBe('http://user:[REDACTED]@127.0.0.1:8080');
    expect(page).not.toContain('hunter22');
    expect(dd('header-scenario')).toBe('stress');
    expect(dd('header-run')).toBe('20261123-090000-ab12');
    expect(dd('header-time')).toBe('2026-11-23T09:00:00.000Z → 2026-11-23T09:02:00.000Z (2m)');
    expect(dd('header-k6')).toBe('v2.0.0 with the perf extension');
    lt.k6.extensionVersion = 'v0.7.1';
    expect(render(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }] }))).toContain('<dd id="header-k6">v2.0.0 with the perf extension v0.7.1</dd>');
    expect(dd('header-perf')).toBe('artifacts written by perf 0.1.0; report by perf 9.9.9');
  });
});

describe('SLO lines', () => {
  const lt = syntheticLoadtest({ runId: 'slo-lines', windows: 30, perWindow: 400 });
  const slo = sloOf(lt, [latencySlo('checkout-p99', 99, 150, 'checkout'), latencySlo('all-p95', 95, 400)]);
  const inputs = inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }], slo: [{ artifact: slo, file: 'slo.json' }] });

  it('draws a journey-scoped SLO only on its journey chart, and a global one on every chart', () => {
    const page = render(inputs);
    expect(figure(page, 'latency-over-time--checkout')).toContain('data-key="checkout-p99"');
    expect(figure(page, 'latency-over-time--browse')).not.toContain('data-key="checkout-p99"');
    expect(figure(page, 'latency-over-time')).not.toContain('data-key="checkout-p99"');
    for (const id of ['latency-over-time', 'latency-over-time--browse', 'latency-over-time--checkout']) expect(figure(page, id)).toContain('data-key="all-p95"');
  });

  it('compares a p99 SLO with the p99 series: same colour, and the caption counts windows whose p99 is above it', () => {
    const c = chartOf(inputs, 'latency-over-time--checkout');
    const ref = /<g class="refline"[^>]*data-key="checkout-p99"[^>]*>/.exec(c.svg)?.[0] ?? '';
    expect(ref).toContain('data-series="p99"');
    const p99Colour = /<polyline[^>]*data-series="p99"[^>]*stroke="([^"]+)"/.exec(c.svg)?.[1];
    expect(/<g class="refline"[^>]*data-key="checkout-p99"[^>]*><line[^>]*stroke="([^"]+)"/.exec(c.svg)?.[1]).toBe(p99Colour);
    // Checkout has ~100 requests a window: the windows with fewer than 100 cannot judge a p99.
    const p99 = polylineValues(c.svg, 'p99');
    const counts = lt.windows.map((w) => w.journeys.checkout!.requests);
    const judged = counts.filter((n) => n >= 100).length;
    expect(judged).toBeGreaterThan(0);
    const over = lt.windows.filter((w, i) => counts[i]! >= 100 && p99[i]!.y > 150 * 1.02).length;
    expect(c.summary).toMatch(new RegExp(`(\\d+) of ${judged} windows with at least 100 requests had p99 above SLO checkout-p99 \\(150 ms\\)`));
    const said = Number(/(\d+) of \d+ windows with at least 100 requests had p99/.exec(c.summary)?.[1]);
    expect(Math.abs(said - over)).toBeLessThanOrEqual(1); // drawn points are rounded to 0.1 px
    expect(c.summary).not.toMatch(/p95 above SLO checkout-p99/);
  });

  it('adds the series an SLO on another percentile needs (p90) instead of comparing it with p95', () => {
    const s = sloOf(lt, [latencySlo('browse-p90', 90, 30, 'browse')]);
    const c = chartOf(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }], slo: [{ artifact: s, file: 'slo.json' }] }), 'latency-over-time--browse');
    expect(c.svg).toContain('<polyline class="series" data-series="p90"');
    expect(c.svg).toMatch(/data-key="browse-p90" data-series="p90"/);
  });

  it('never overprints the labels of two SLOs with close thresholds: each is drawn apart or left to the legend', () => {
    const close = sloOf(lt, [latencySlo('fast-a', 95, 100), latencySlo('fast-b', 99, 101), latencySlo('fast-c', 95, 102)]);
    const c = chartOf(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }], slo: [{ artifact: close, file: 'slo.json' }] }), 'latency-over-time');
    const labels = [...c.svg.matchAll(/<g class="refline"[^>]*data-key="([^"]+)"[^>]*>.*?(?:<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)"[^>]*>([^<]*)<\/text>)?<\/g>/g)];
    expect(labels.map((l) => l[1])).toEqual(['fast-a', 'fast-b', 'fast-c']);
    const drawn = labels.filter((l) => l[2] !== undefined).map((l) => ({ x: Number(l[2]), y: Number(l[3]), anchor: l[4], text: l[5] as string }));
    // Boxes at 11 px: two labels overlap when their baselines are closer than a line and they share x space.
    for (let i = 0; i < drawn.length; i++) {
      for (let j = i + 1; j < drawn.length; j++) {
        const a = drawn[i]!;
        const b = drawn[j]!;
        expect(a.anchor !== b.anchor || Math.abs(a.y - b.y) >= 11, `${a.text} / ${b.text}`).toBe(true);
      }
    }
    // Every SLO is named in the legend, drawn label or not.
    for (const n of ['fast-a', 'fast-b', 'fast-c']) expect(/<g class="legend"[^]*?<\/g>/.exec(c.svg)?.[0]).toContain(`SLO ${n}:`);
  });
});

describe("k6's own figures", () => {
  it('draws VUs and dropped iterations per window, on the stage marks of the load', () => {
    const lt = syntheticLoadtest({ runId: 'vus', windows: 20 });
    lt.windows.forEach((w, i) => {
      w.droppedIterations = i >= 15 ? (i - 14) * 3 : 0;
    });
    const c = chartOf(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }] }), 'vus-dropped');
    expect(polylineValues(c.svg, 'vus').map((p) => Math.round(p.y))).toEqual(lt.windows.map((w) => w.vus));
    expect(polylineValues(c.svg, 'dropped').map((p) => Math.round(p.y))).toEqual(lt.windows.map((w) => w.droppedIterations));
    expect(c.summary).toContain('the first drops at 2m30s, 45 over all windows');
    expect(c.svg.match(/class="vmark"/g)).toHaveLength(lt.stages.length);
  });

  it('draws the allocated VUs beside the busy ones, so an arrival-rate run of a fast service does not read as "0 VUs"', () => {
    const lt = syntheticLoadtest({ runId: 'alloc', windows: 6 });
    lt.windows.forEach((w) => {
      w.vus = 0;
      w.vusMax = 2;
    });
    const c = chartOf(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }] }), 'vus-dropped');
    expect(polylineValues(c.svg, 'vus-max').map((p) => Math.round(p.y))).toEqual([2, 2, 2, 2, 2, 2]);
    expect(c.summary).toContain('up to 0 busy VUs (at 0s) of up to 2 allocated');
  });

  it('says when an older artifact has no dropped iterations per window, drawing VUs only', () => {
    const lt = syntheticLoadtest({ runId: 'old', windows: 6 });
    const c = chartOf(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }] }), 'vus-dropped');
    expect(c.svg).not.toContain('data-series="dropped"');
    expect(c.summary).toContain('does not record dropped iterations per window');
  });

  it('lists the checks by name with their pass rate', () => {
    const lt = syntheticLoadtest({ runId: 'checks', windows: 6 });
    lt.checks = { passes: 297, fails: 3, byName: { 'status is 200': { passes: 198, fails: 2 }, 'has <body>': { passes: 99, fails: 1 } } };
    const page = render(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }] }));
    const t = /<table class="checks">[^]*?<\/table>/.exec(page)?.[0] ?? '';
    expect(t).toContain('<tr><td>status is 200</td><td class="num">198</td><td class="num">2</td><td class="num">99.00%</td></tr>');
    expect(t).toContain('<td>has &lt;body&gt;</td>');
    expect(t).toContain('<tr><td>all checks</td><td class="num">297</td><td class="num">3</td><td class="num">99.00%</td></tr>');
  });

  it('shows one row per endpoint (k6 name tag), with n/a where too few requests support a percentile', () => {
    const lt = syntheticLoadtest({ runId: 'endpoints', windows: 6 });
    const figures = (name: string, n: number, ms: number): LoadFigures => {
      const h = newHistogram();
      recordMs(h, ms, n);
      return { ...lt.overall, name, requests: n, errors: 1, errorRate: 1 / n, histogram: encodeHistogram(h), latencyMs: { min: ms, p50: ms, p90: ms, p95: ms, p99: ms, p999: ms, max: ms, mean: ms } };
    };
    lt.endpoints = [figures('GET /products', 250, 12), figures('POST /checkout', 40, 80)];
    const page = render(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }] }));
    const t = /<table class="endpoints">[^]*?<\/table>/.exec(page)?.[0] ?? '';
    expect(t).toContain('<tr><td>GET /products</td><td class="num">250</td><td class="num">1</td><td class="num">0.40%</td><td class="num">12.0 ms</td><td class="num">12.0 ms</td><td class="num">12.0 ms</td></tr>');
    // 40 requests: enough for p50 and p95 (≥ 20), not for p99 (≥ 100).
    expect(t).toContain('<tr><td>POST /checkout</td><td class="num">40</td><td class="num">1</td><td class="num">2.50%</td><td class="num">80.0 ms</td><td class="num">80.0 ms</td><td class="num">n/a (n = 40)</td></tr>');
  });

  it('says the per-endpoint figures were not recorded when the artifact has none', () => {
    const page = render(inputsOf({ loadtest: [{ artifact: syntheticLoadtest({ runId: 'old', windows: 6 }), file: 'lt.json' }] }));
    expect(page).toMatch(/data-missing="endpoints">Not recorded/);
  });
});

describe('target resources', () => {
  const lt = syntheticLoadtest({ runId: 'res', windows: 30 });
  const series = (): ResourceSeries => ({
    source: 'proc',
    pid: 4242,
    intervalMs: 1000,
    startedAt: new Date(Date.parse(lt.startedAt) + 2000).toISOString(),
    samples: Array.from({ length: 290 }, (_, i) => ({ tMs: (i + 1) * 1000, cpuPct: 40 + (i % 10) * 3, rssMb: 80 + i * 0.1, heapUsedMb: 30 + i * 0.05, fds: 20, threads: 11, processes: 1 })),
    leak: { suspected: true, slopeMbPerHour: 360, ci95: [340, 380], basis: '290 samples over 4.8 min after a 1 min warm-up', series: 'rssMb' },
  });

  it('draws CPU and every memory series on the load test time axis, with the limits as lines judged PASS or FAIL and the leak verdict', () => {
    lt.resources = series();
    const inputs = inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }], limits: { cpuPct: 50, rssMb: 200 } });
    const c = chartOf(inputs, 'target-resources');
    const cpu = polylineValues(c.svg, 'cpuPct');
    expect(cpu).toHaveLength(290);
    // Sampling started 2 s after the run: the first sample (tMs 1 s) sits at 3 s on the run's axis.
    expect(Math.abs(cpu[0]!.x - 3000)).toBeLessThan(lt.durationMs / 400);
    expect(polylineValues(c.svg, 'rssMb')[289]!.y).toBeCloseTo(108.9, 0);
    expect(c.svg).toContain('data-series="heapUsedMb"');
    expect(c.svg).toMatch(/data-value="50" data-axis="left" data-key="cpuPct"/);
    expect(c.svg).toMatch(/data-value="200" data-axis="right" data-key="rssMb"/);
    expect(c.summary).toContain('Limit cpuPct 50: FAIL (p95 67 % of a core of 290 samples (proc) vs limit 50).');
    expect(c.summary).toContain('Limit rssMb 200: PASS');
    expect(c.summary).toContain('RSS leak SUSPECTED, +360 MB/h (95% CI 340 to 380)');
    expect(c.svg.match(/class="vmark"/g)).toHaveLength(lt.stages.length);
    const page = render(inputs);
    expect(/<table class="limits">[^]*?<\/table>/.exec(page)?.[0]).toContain('<span class="status status-FAIL">✗ FAIL</span>');
  });

  it("draws the sampler's other series (Node's event-loop delay, fds, threads) with the fds limit, whatever fields the samples carry", () => {
    lt.resources = series();
    lt.resources.samples.forEach((x, i) => Object.assign(x, { eventLoopDelayP99Ms: 5 + (i % 7), fds: 20 + Math.floor(i / 100) }));
    const c = chartOf(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }], limits: { fds: 21 } }), 'target-runtime');
    expect(c.svg).toMatch(/<polyline class="series" data-series="eventLoopDelayP99Ms" data-axis="left"/);
    expect(c.svg).toMatch(/<polyline class="series" data-series="fds" data-axis="right"/);
    expect(c.svg).toMatch(/<polyline class="series" data-series="threads" data-axis="right"/);
    expect(c.svg).toMatch(/data-value="21" data-axis="right" data-key="fds"/);
    expect(c.summary).toContain('event-loop delay p99 peak 11 ms');
    expect(c.summary).toContain('Limit fds 21: FAIL (peak 22 fds of 290 samples (proc) vs limit 21).');
  });

  it('shows a one-line "not recorded" note instead of the chart when the run has no resource samples', () => {
    const bare = syntheticLoadtest({ runId: 'bare', windows: 6 });
    const page = render(inputsOf({ loadtest: [{ artifact: bare, file: 'lt.json' }] }));
    expect(page).not.toContain('<figure id="target-resources"');
    expect(page).toMatch(/<p class="missing" id="target-resources"[^>]*><strong>[^<]+<\/strong> — not shown: no resource samples in this artifact[^<]*<\/p>/);
  });
});

describe('several scenarios of one run', () => {
  it('gives each scenario its own section, with the latency and throughput charts on one scale', () => {
    const stress = syntheticLoadtest({ runId: 'flow-1', windows: 20, seed: 1 });
    const spike = { ...syntheticLoadtest({ runId: 'flow-1', windows: 20, seed: 2, slowdown: 3 }), scenario: 'spike' as const };
    const page = render(inputsOf({ loadtest: [{ artifact: stress, file: 'stress.json' }, { artifact: spike, file: 'spike.json' }] }));
    const section = (s: string): string => new RegExp(`<section class="scenario" id="scenario-${s}"[^]*?</section>`).exec(page)?.[0] ?? '';
    expect(section('stress')).toContain('<figure id="latency-over-time--stress"');
    expect(section('spike')).toContain('<figure id="latency-over-time--spike"');
    expect(section('spike')).not.toContain('latency-over-time--stress');
    const yMax = (id: string): string => new RegExp(`<figure id="${id}"[^]*?data-y-max="([^"]+)"`).exec(page)?.[1] ?? '';
    expect(yMax('latency-over-time--stress')).toBe(yMax('latency-over-time--spike'));
    expect(yMax('throughput-errors--stress')).toBe(yMax('throughput-errors--spike'));
    expect(/<dd id="header-scenario">([^<]*)<\/dd>/.exec(page)?.[1]).toBe('stress, spike');
    // Two scenarios are not before and after.
    expect(figure(page, 'latency-distribution')).not.toMatch(/— before|— after/);
  });
});
