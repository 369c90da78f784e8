import { decodeHistogram, percentileMs, type Histogram } from '../../analyzers/histogram.js';
import { minSamplesFor } from '../../analyzers/sample-size.js';
import { percentileLabel } from '../../analyzers/slo/model.js';
import type { LoadTestPayload, SloPayload, SloResult } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtMs, fmtNum } from '../../core/format.js';
import { renderLineChart, type LineSeries, type RefLine } from '../svg/line-chart.js';
import { OKABE_ITO, SERIES_DASHES } from '../svg/palette.js';
import { formatOffset } from '../svg/scale.js';
import { offsetOf, runOrigin } from './time.js';
import type { ChartOutcome, ChartPlacement } from './types.js';

export const LATENCY_CHART = { id: 'latency-over-time', title: 'Latency over time (p50 / p95 / p99 per window)' } as const;

/** The percentiles every latency chart draws, with their colour; an SLO on another percentile adds its own series. */
const DRAWN: ReadonlyArray<{ p: number; colour: string }> = [
  { p: 50, colour: OKABE_ITO.blue },
  { p: 95, colour: OKABE_ITO.orange },
  { p: 99, colour: OKABE_ITO.vermillion },
];
const EXTRA_COLOURS = [OKABE_ITO.bluishGreen, OKABE_ITO.skyBlue, OKABE_ITO.black];
const UNKNOWN_PERCENTILE_COLOUR = OKABE_ITO.reddishPurple;

/** Axis ends shared by the charts of several scenarios, so they read on one scale. */
export interface ScaleHint {
  yMax?: number;
}

/** One window's latency as a chart reads it: its request count and any percentile. */
interface WindowLatency {
  x: number;
  n: number;
  at(p: number): number;
}

/**
 * The latency SLOs a chart shows: on a journey's chart the SLOs of that journey and the global ones,
 * on the overall chart only the global ones (a journey's threshold says nothing about the mix).
 */
export function slosForChart(slo: Pick<SloPayload, 'slos'> | undefined, journey: string | undefined): SloResult[] {
  return (slo?.slos ?? []).filter((s) => s.sli === 'latency' && Number.isFinite(s.target) && (s.journey === undefined || s.journey === journey));
}

/** The journeys that get a chart of their own: every journey when there are several, or when an SLO is scoped to one. */
export function chartedJourneys(lt: LoadTestPayload, slo: Pick<SloPayload, 'slos'> | undefined): string[] {
  const names = Array.isArray(lt.journeys) ? lt.journeys.map((j) => j.name) : [];
  const scoped = (slo?.slos ?? []).some((s) => s.sli === 'latency' && s.journey !== undefined);
  return names.length > 1 || scoped ? names : [];
}

/** The overall latency chart and one per journey (see chartedJourneys). */
export function latencyCharts(lt: Artifact<LoadTestPayload>, slo: Artifact<SloPayload> | undefined, place: ChartPlacement = {}, scale: ScaleHint = {}): ChartOutcome[] {
  const origin = runOrigin(lt);
  const windows = Array.isArray(lt.windows) ? lt.windows.filter((w) => w.requests > 0) : [];
  const base = { id: `${LATENCY_CHART.id}${place.idSuffix ?? ''}`, title: LATENCY_CHART.title, ...scenarioOf(place) };
  if (windows.length === 0) return [{ ...base, reason: 'the load-test artifact has no windows with requests' }];
  const overall: WindowLatency[] = windows.map((w) => {
    let h: Histogram | undefined;
    const stored: Record<number, number> = { 50: w.latencyMs.p50, 95: w.latencyMs.p95, 99: w.latencyMs.p99 };
    return { x: offsetOf(w.startMs, origin), n: w.requests, at: (p) => stored[p] ?? percentileMs((h ??= decodeHistogram(w.histogram, 'a window histogram')), p) };
  });
  const out: ChartOutcome[] = [
    latencyChart({ ...base, lt, windows: overall, whole: lt.overall.latencyMs, slos: slosForChart(slo, undefined), scope: 'all requests', scale }),
  ];
  const used = new Set<string>([base.id]);
  for (const j of chartedJourneys(lt, slo)) {
    const id = uniqueId(`${LATENCY_CHART.id}--${slug(j)}${place.idSuffix ?? ''}`, used);
    const title = `Latency over time of journey ${j} (p50 / p95 / p99 per window)`;
    const jw: WindowLatency[] = [];
    for (const w of lt.windows) {
      const src = w.journeys?.[j];
      if (!src || src.requests === 0 || !src.histogram) continue;
      const h = decodeHistogram(src.histogram, `a window histogram of journey ${j}`);
      jw.push({ x: offsetOf(w.startMs, origin), n: src.requests, at: (p) => percentileMs(h, p) });
    }
    if (jw.length === 0) {
      out.push({ id, title, ...scenarioOf(place), reason: `no window has requests of journey ${j}` });
      continue;
    }
    const whole = lt.journeys.find((f) => f.name === j)?.latencyMs;
    out.push(latencyChart({ id, title, ...scenarioOf(place), lt, windows: jw, whole, slos: slosForChart(slo, j), scope: `journey ${j}`, scale }));
  }
  return out;
}

interface LatencyChartInput {
  id: string;
  title: string;
  scenario?: string;
  lt: Artifact<LoadTestPayload>;
  windows: WindowLatency[];
  whole: { p50: number; p95: number; p99: number } | undefined;
  slos: SloResult[];
  scope: string;
  scale: ScaleHint;
}

function latencyChart(c: LatencyChartInput): ChartOutcome {
  const { lt, windows } = c;
  const x = windows.map((w) => w.x);
  const extra = [...new Set(c.slos.map((s) => s.percentile).filter((p): p is number => p !== undefined && !DRAWN.some((d) => d.p === p)))].sort((a, b) => a - b);
  const drawn = [...DRAWN, ...extra.map((p, i) => ({ p, colour: EXTRA_COLOURS[i % EXTRA_COLOURS.length] as string }))];
  const series: LineSeries[] = drawn.map((d, i) => ({
    key: percentileLabel(d.p),
    label: percentileLabel(d.p),
    colour: d.colour,
    dash: SERIES_DASHES[i % SERIES_DASHES.length] as string,
    x,
    y: windows.map((w) => w.at(d.p)),
  }));
  const refLines: RefLine[] = [];
  const verdicts: string[] = [];
  for (const s of c.slos) {
    const p = s.percentile;
    const d = drawn.find((e) => e.p === p);
    if (p === undefined || !d) {
      refLines.push({ value: s.target, key: s.name, label: `SLO ${s.name}: ${fmtMs(s.target)} (percentile not recorded)`, colour: UNKNOWN_PERCENTILE_COLOUR });
      verdicts.push(`SLO ${s.name} (${fmtMs(s.target)}) is drawn without a comparison: its artifact does not name the percentile`);
      continue;
    }
    const pl = percentileLabel(p);
    refLines.push({ value: s.target, key: s.name, series: pl, label: `SLO ${s.name}: ${pl} ≤ ${fmtMs(s.target)}`, colour: d.colour });
    const min = minSamplesFor(p);
    const judged = windows.filter((w) => w.n >= min);
    const over = judged.filter((w) => w.at(p) > s.target).length;
    verdicts.push(
      `${over} of ${judged.length} windows with at least ${fmtNum(min)} requests had ${pl} above SLO ${s.name} (${fmtMs(s.target)})` +
        (judged.length < windows.length ? `; ${windows.length - judged.length} windows had too few requests to judge ${pl}` : ''),
    );
  }
  const p99 = windows.map((w) => w.at(99));
  let peak = 0;
  for (let i = 1; i < p99.length; i++) if ((p99[i] as number) > (p99[peak] as number)) peak = i;
  const o = c.whole;
  const summary =
    `${lt.scenario} run, ${c.scope}: ${windows.length} window${windows.length === 1 ? '' : 's'} of ${formatOffset(lt.windowMs)}. ` +
    (o ? `Whole run: p50 ${fmtMs(o.p50)}, p95 ${fmtMs(o.p95)}, p99 ${fmtMs(o.p99)}. ` : '') +
    `Highest window p99 ${fmtMs(p99[peak])} at ${formatOffset(x[peak] as number)}.` +
    (verdicts.length ? ` ${verdicts.join('. ')}.` : '');
  const svg = renderLineChart({
    id: c.id,
    title: c.title,
    description: summary,
    x: { kind: 'time', label: 'time since start', min: 0, max: lt.durationMs },
    y: { label: 'latency (ms)', ...(c.scale.yMax !== undefined ? { max: c.scale.yMax } : {}) },
    series,
    refLines,
  });
  return { id: c.id, title: c.title, svg, summary, kind: 'loadtest', runId: lt.runId, ...(c.scenario ? { scenario: c.scenario } : {}) };
}

/** The highest value the latency charts of these runs draw (p99 of any window, any latency SLO threshold). */
export function latencyScaleMax(runs: ReadonlyArray<Pick<LoadTestPayload, 'windows'>>, slo: Pick<SloPayload, 'slos'> | undefined): number {
  let max = 0;
  for (const r of runs) for (const w of r.windows ?? []) if (w.requests > 0 && w.latencyMs.p99 > max) max = w.latencyMs.p99;
  for (const s of slo?.slos ?? []) if (s.sli === 'latency' && Number.isFinite(s.target) && s.target > max) max = s.target;
  return max;
}

function scenarioOf(place: ChartPlacement): { scenario?: string } {
  return place.scenario ? { scenario: place.scenario } : {};
}

/** A file-name-safe id part: "Checkout & pay" → "checkout-pay". */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'journey';
}

function uniqueId(id: string, used: Set<string>): string {
  let out = id;
  for (let i = 2; used.has(out); i++) out = `${id}-${i}`;
  used.add(out);
  return out;
}

/**
 * The global latency SLOs as threshold lines for a chart of all requests that is not over time (the
 * distribution): journey-scoped SLOs are left out, since they bound another population.
 */
export function sloThresholdLines(slo: Pick<SloPayload, 'slos'> | undefined): RefLine[] {
  return slosForChart(slo, undefined).map((s) => ({
    value: s.target,
    key: s.name,
    ...(s.percentile !== undefined ? { series: percentileLabel(s.percentile) } : {}),
    label: `SLO ${s.name}: ${s.percentile !== undefined ? `${percentileLabel(s.percentile)} ≤ ` : ''}${fmtMs(s.target)}`,
    colour: UNKNOWN_PERCENTILE_COLOUR,
  }));
}
