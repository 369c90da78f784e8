import type { BaselinePayload, CapacityStep } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtMs, fmtNum, fmtPct } from '../../core/markdown.js';
import { renderLineChart } from '../svg/line-chart.js';
import { OKABE_ITO, SERIES_DASHES, type MarkerShape } from '../svg/palette.js';
import type { ChartOutcome } from './types.js';

export const CAPACITY_CHART = { id: 'capacity-search', title: 'Capacity search steps' } as const;

/** Marker per verdict: the reason a step stopped the search is a shape, not only a colour. */
export const VERDICT_SHAPE: Record<CapacityStep['verdict'], MarkerShape> = {
  ok: 'circle',
  latency: 'triangle',
  errors: 'cross',
  plateau: 'square',
  generator: 'diamond',
};

export function capacityChart(b: Artifact<BaselinePayload>): ChartOutcome {
  const cap = b.capacity;
  if (!cap || !Array.isArray(cap.steps) || cap.steps.length === 0) return { ...CAPACITY_CHART, reason: 'the baseline ran without a capacity search' };
  // Refinement and confirmation steps revisit rates: plot in rate order.
  const steps = [...cap.steps].sort((a, b) => a.rateRps - b.rateRps);
  const x = steps.map((s) => s.rateRps);
  const stopped = steps.filter((s) => s.verdict !== 'ok');
  const summary =
    `${steps.length} steps from ${fmtNum(x[0] as number)} to ${fmtNum(x[x.length - 1] as number)} req/s offered. ` +
    `Capacity ${fmtNum(cap.maxRps)} req/s, limited by ${cap.limitedBy} (p95 threshold ${fmtMs(cap.latencyThresholdMs)}).` +
    (stopped.length
      ? ` Stopping step${stopped.length > 1 ? 's' : ''}: ${stopped.map((s) => `${fmtNum(s.rateRps)} req/s offered → ${fmtNum(s.achievedRps)} achieved, p95 ${fmtMs(s.p95Ms)}, errors ${fmtPct(s.errorRate)} (${s.verdict})`).join('; ')}.`
      : '');
  const shapes = steps.map((s) => VERDICT_SHAPE[s.verdict] ?? 'circle');
  const svg = renderLineChart({
    id: CAPACITY_CHART.id,
    title: CAPACITY_CHART.title,
    description: summary,
    x: { kind: 'linear', label: 'offered rate (req/s) — markers: ● ok, ▲ latency, ✕ errors, ■ plateau, ◆ generator' },
    y: { label: 'achieved (req/s)' },
    y2: { label: 'p95 latency (ms)' },
    series: [
      { key: 'achieved', label: 'achieved req/s (left)', colour: OKABE_ITO.blue, dash: SERIES_DASHES[0], x, y: steps.map((s) => s.achievedRps), markers: shapes },
      { key: 'p95', label: 'p95 ms (right)', colour: OKABE_ITO.orange, dash: SERIES_DASHES[1], axis: 'right', x, y: steps.map((s) => s.p95Ms), markers: shapes },
    ],
    refLines: [{ value: cap.latencyThresholdMs, label: `p95 threshold ${fmtMs(cap.latencyThresholdMs)}`, colour: OKABE_ITO.reddishPurple, axis: 'right' }],
    vMarks: [{ x: cap.maxRps, label: `capacity ${fmtNum(cap.maxRps)} req/s` }],
  });
  return { ...CAPACITY_CHART, svg, summary, kind: 'baseline', runId: b.runId };
}
