import type { LoadTestPayload, SloPayload } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtMs } from '../../core/markdown.js';
import { renderLineChart, type RefLine } from '../svg/line-chart.js';
import { OKABE_ITO, SERIES_DASHES } from '../svg/palette.js';
import { formatOffset } from '../svg/scale.js';
import { offsetOf, runOrigin } from './time.js';
import type { ChartOutcome } from './types.js';

export const LATENCY_CHART = { id: 'latency-over-time', title: 'Latency over time (p50 / p95 / p99 per window)' } as const;

/** Latency SLO thresholds as reference lines (latency SLOs' `target` is the threshold in ms). */
export function sloThresholdLines(slo: Artifact<SloPayload> | undefined): RefLine[] {
  const seen = new Set<number>();
  const lines: RefLine[] = [];
  for (const s of slo?.slos ?? []) {
    if (s.sli !== 'latency' || !Number.isFinite(s.target) || seen.has(s.target)) continue;
    seen.add(s.target);
    lines.push({ value: s.target, label: `SLO ${s.name}: ${fmtMs(s.target)}`, colour: OKABE_ITO.reddishPurple });
  }
  return lines;
}

export function latencyChart(lt: Artifact<LoadTestPayload>, slo: Artifact<SloPayload> | undefined): ChartOutcome {
  const windows = Array.isArray(lt.windows) ? lt.windows.filter((w) => w.requests > 0) : [];
  if (windows.length === 0) return { ...LATENCY_CHART, reason: 'the load-test artifact has no windows with requests' };
  const origin = runOrigin(lt);
  const x = windows.map((w) => offsetOf(w.startMs, origin));
  const pick = (k: 'p50' | 'p95' | 'p99'): number[] => windows.map((w) => w.latencyMs[k]);
  const p99 = pick('p99');
  let peak = 0;
  for (let i = 1; i < p99.length; i++) if ((p99[i] as number) > (p99[peak] as number)) peak = i;
  const refLines = sloThresholdLines(slo);
  const over = refLines.map((r) => `${windows.filter((w) => w.latencyMs.p95 > r.value).length} of ${windows.length} windows had p95 above ${r.label}`);
  const o = lt.overall.latencyMs;
  const summary =
    `${lt.scenario} run, ${windows.length} window${windows.length === 1 ? '' : 's'} of ${formatOffset(lt.windowMs)}. Whole run: p50 ${fmtMs(o.p50)}, p95 ${fmtMs(o.p95)}, p99 ${fmtMs(o.p99)}. ` +
    `Highest window p99 ${fmtMs(p99[peak])} at ${formatOffset(x[peak] as number)}.` +
    (over.length ? ` ${over.join('; ')}.` : '');
  const svg = renderLineChart({
    id: LATENCY_CHART.id,
    title: LATENCY_CHART.title,
    description: summary,
    x: { kind: 'time', label: 'time since start', min: 0, max: lt.durationMs },
    y: { label: 'latency (ms)' },
    series: [
      { key: 'p50', label: 'p50', colour: OKABE_ITO.blue, dash: SERIES_DASHES[0], x, y: pick('p50') },
      { key: 'p95', label: 'p95', colour: OKABE_ITO.orange, dash: SERIES_DASHES[1], x, y: pick('p95') },
      { key: 'p99', label: 'p99', colour: OKABE_ITO.vermillion, dash: SERIES_DASHES[2], x, y: p99 },
    ],
    refLines,
  });
  return { ...LATENCY_CHART, svg, summary, kind: 'loadtest', runId: lt.runId };
}
