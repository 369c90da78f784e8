import { decodeHistogram, type Histogram } from '../../analyzers/histogram.js';
import type { SloPayload } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtMs, fmtNum } from '../../core/markdown.js';
import { kindOfSchema, type ReportInputs } from '../inputs.js';
import { renderLineChart, type LineSeries } from '../svg/line-chart.js';
import { SERIES_COLOURS, SERIES_DASHES } from '../svg/palette.js';
import { percentileToX, xToPercentile } from '../svg/scale.js';
import { sloThresholdLines } from './latency.js';
import type { ChartOutcome } from './types.js';

export const DISTRIBUTION_CHART = { id: 'latency-distribution', title: 'Latency by percentile (HdrHistogram)' } as const;

/** One latency distribution to plot: a label and an encoded HDR histogram. */
export interface NamedHistogram {
  key: string;
  label: string;
  histogram: string;
  runId: string;
}

/** Steps along the log percentile axis: 20 points per decade (90 %, 99 %, …). */
const X_STEP = 0.05;
/** The axis stops at 99.9999 % even for huge runs: beyond that the HDR buckets are the max. */
const X_LIMIT = 6;

/** Points of the HdrHistogram plotter curve: x = log10(1/(1-p)), y = value at p in ms. */
export function percentileCurve(h: Histogram): { x: number[]; y: number[]; percentiles: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  const percentiles: number[] = [];
  if (h.totalCount === 0) return { x, y, percentiles };
  // No point plotting finer than one sample: the last step is where 1/(1-p) reaches the count.
  const xMax = Math.min(X_LIMIT, Math.log10(Math.max(10, h.totalCount)));
  for (let i = 0; i * X_STEP <= xMax + 1e-9; i++) {
    const xv = i * X_STEP;
    const p = xToPercentile(xv);
    x.push(xv);
    percentiles.push(p);
    y.push(h.getValueAtPercentile(p) / 1000);
  }
  // Like the HdrHistogram plotter, the curve ends at the max (100 %), drawn at the last x.
  const max = h.maxValue / 1000;
  if (max > (y[y.length - 1] as number)) {
    x.push(x[x.length - 1] as number);
    y.push(max);
    percentiles.push(100);
  }
  return { x, y, percentiles };
}

/**
 * Distributions to overlay: the two runs a comparison compared, when they are found, else every
 * baseline and load-test run given (several of a kind read as before → after).
 */
export function distributionsOf(inputs: ReportInputs): NamedHistogram[] {
  const c = inputs.compared;
  const hist = (a: Record<string, unknown> | undefined): string | undefined => {
    const h = (a?.overall as { histogram?: unknown } | undefined)?.histogram;
    return typeof h === 'string' && h !== '' ? h : undefined;
  };
  const hb = hist(c?.before);
  const ha = hist(c?.after);
  if (c?.before && c.after && hb && ha) {
    const label = (side: string, a: { schema: string; runId: string }): string => `${side}: ${kindOfSchema(a.schema) ?? a.schema} ${a.runId}`;
    return [
      { key: 'before', label: label('before', c.before), histogram: hb, runId: c.before.runId },
      { key: 'after', label: label('after', c.after), histogram: ha, runId: c.after.runId },
    ];
  }
  const out: NamedHistogram[] = [];
  const push = (kind: 'baseline' | 'loadtest', list: { artifact: { runId: string; overall?: { histogram?: string }; scenario?: string } }[]): void => {
    list.forEach((l, i) => {
      const h = l.artifact.overall?.histogram;
      if (typeof h !== 'string' || h === '') return;
      const name = kind === 'baseline' ? 'baseline' : `load test (${l.artifact.scenario ?? 'run'})`;
      // Before → after reads only among runs of one scenario; other scenarios are just named.
      const same = list.filter((o) => o.artifact.scenario === l.artifact.scenario);
      const j = same.indexOf(l);
      const when = same.length > 1 ? (j === 0 ? ' — before' : j === same.length - 1 ? ' — after' : ` — run ${j + 1}`) : '';
      out.push({ key: `${kind}-${i + 1}`, label: `${name}${when}`, histogram: h, runId: l.artifact.runId });
    });
  };
  push('baseline', inputs.baseline);
  push('loadtest', inputs.loadtest);
  return out;
}

export function distributionChart(inputs: ReportInputs, slo: Artifact<SloPayload> | undefined): ChartOutcome {
  const dists = distributionsOf(inputs);
  if (dists.length === 0) return { ...DISTRIBUTION_CHART, reason: 'no baseline, load-test or comparison artifact with a latency histogram' };
  const series: LineSeries[] = [];
  const figures: string[] = [];
  dists.forEach((d, i) => {
    const h = decodeHistogram(d.histogram);
    const c = percentileCurve(h);
    series.push({ key: d.key, label: d.label, colour: SERIES_COLOURS[i % SERIES_COLOURS.length] as string, dash: SERIES_DASHES[i % SERIES_DASHES.length] as string, x: c.x, y: c.y });
    const at = (p: number): string => fmtMs(h.getValueAtPercentile(p) / 1000);
    figures.push(`${d.label}: ${fmtNum(h.totalCount)} requests, p50 ${at(50)}, p90 ${at(90)}, p99 ${at(99)}, p99.9 ${at(99.9)}, max ${fmtMs(h.maxValue / 1000)}`);
  });
  const missing = dists[0]?.key !== 'before' && inputs.compared?.missing.length ? ` Comparison runs not overlaid: ${inputs.compared.missing.join('; ')}.` : '';
  const summary = `${figures.join('. ')}.${missing}`;
  const svg = renderLineChart({
    id: DISTRIBUTION_CHART.id,
    title: DISTRIBUTION_CHART.title,
    description: summary,
    x: { kind: 'percentile', label: 'percentile (log scale: each step is ten times rarer)', min: percentileToX(0) },
    y: { label: 'latency (ms)' },
    series,
    refLines: sloThresholdLines(slo),
  });
  const kind = dists[0]?.key === 'before' ? 'summary' : inputs.loadtest.length ? 'loadtest' : 'baseline';
  return { ...DISTRIBUTION_CHART, svg, summary, kind, runId: dists[dists.length - 1]?.runId ?? '' };
}
