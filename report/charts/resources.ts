import { checkLimits, type LimitResult } from '../../analyzers/resources/limits.js';
import type { BaselinePayload, LeakVerdict, LoadTestPayload, ResourceSample, ResourceSeries } from '../../core/contract/artifacts.js';
import type { ResourceLimits } from '../../core/contract/config.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtNum } from '../../core/format.js';
import { renderLineChart, type LineSeries, type RefLine } from '../svg/line-chart.js';
import { OKABE_ITO, SERIES_COLOURS, SERIES_DASHES } from '../svg/palette.js';
import { formatOffset } from '../svg/scale.js';
import { stageMarks } from './stages.js';
import { runOrigin } from './time.js';
import { placed, type ChartOutcome, type ChartPlacement } from './types.js';

export const RESOURCES_CHART = { id: 'target-resources', title: "Target CPU and memory over time (the service's process tree)" } as const;
export const BASELINE_RESOURCES_CHART = { id: 'baseline-resources', title: 'Target CPU and memory during the baseline' } as const;

/** A numeric sample field drawn on the memory axis: every `…Mb` field the sampler recorded (RSS, heap used, heap total, …). */
const isMemoryKey = (k: string): boolean => /Mb$/.test(k);
const MEMORY_LABEL: Record<string, string> = { rssMb: 'RSS', heapUsedMb: 'heap used', heapTotalMb: 'heap total' };
const LIMIT_AXIS: Record<keyof ResourceLimits, 'left' | 'right' | undefined> = { cpuPct: 'left', rssMb: 'right', heapMb: 'right', fds: undefined };

export const NOT_RECORDED = 'no resource samples in this artifact (perf samples the target when it starts it, or from target.pid / target.metricsUrl)';

/** The target's CPU (left axis, % of one core) and memory series (right axis, MB), on the load test's time axis with its stages. */
export function resourcesChart(lt: Artifact<LoadTestPayload>, place: ChartPlacement = {}): ChartOutcome {
  const { id, ...scenario } = placed(RESOURCES_CHART.id, place);
  const r = lt.resources;
  if (!r || r.samples.length === 0) return { ...RESOURCES_CHART, id, ...scenario, reason: r ? `the resource series has no samples${r.notes?.length ? ` (${r.notes.join('; ')})` : ''}` : NOT_RECORDED };
  const { shift, note: alignment, origin } = alignResources(lt);
  return drawResources({ id, title: RESOURCES_CHART.title, runId: lt.runId, what: `${lt.scenario} run`, r, shift, xMax: lt.durationMs, vMarks: stageMarks(lt, origin), limits: place.limits, kind: 'loadtest', note: alignment, ...scenario });
}

/**
 * Where the samples sit on the load test's time axis: `tMs` counts from `startedAt` (when sampling
 * began, a moment before k6 started). An older series without it is drawn from the run start, and says so.
 */
export function alignResources(lt: Artifact<LoadTestPayload>): { shift: number; note: string; origin: number } {
  const origin = runOrigin(lt);
  const started = lt.resources?.startedAt !== undefined ? Date.parse(lt.resources.startedAt) : Number.NaN;
  if (Number.isFinite(started)) return { shift: started - origin, note: '', origin };
  return { shift: 0, origin, note: ' The series does not record when sampling started, so its start is drawn at the run start (it may lead the load by k6 start-up, about a second).' };
}

/** The same chart for a baseline's resources (the time axis is the sampler's: warm-up, mix run and capacity search). */
export function baselineResourcesChart(b: Artifact<BaselinePayload>, limits?: ResourceLimits): ChartOutcome {
  const r = b.resources;
  if (!r || r.samples.length === 0) return { ...BASELINE_RESOURCES_CHART, reason: r ? 'the resource series has no samples' : NOT_RECORDED };
  return drawResources({ id: BASELINE_RESOURCES_CHART.id, title: BASELINE_RESOURCES_CHART.title, runId: b.runId, what: 'baseline', r, shift: 0, xMax: undefined, vMarks: [], limits, kind: 'baseline', note: '' });
}

interface DrawInput {
  id: string;
  title: string;
  runId: string;
  what: string;
  r: ResourceSeries;
  shift: number;
  xMax: number | undefined;
  vMarks: ReturnType<typeof stageMarks>;
  limits: ResourceLimits | undefined;
  kind: 'loadtest' | 'baseline';
  note: string;
  scenario?: string;
}

function drawResources(d: DrawInput): ChartOutcome {
  const { r } = d;
  const x = r.samples.map((s) => s.tMs + d.shift);
  const series: LineSeries[] = [];
  const cpu = sampleValues(r.samples, 'cpuPct');
  if (cpu.some(Number.isFinite)) series.push({ key: 'cpuPct', label: 'CPU (% of one core, left axis)', colour: OKABE_ITO.blue, dash: SERIES_DASHES[0], x, y: cpu });
  const memoryKeys = [...new Set(r.samples.flatMap((s) => Object.keys(s).filter(isMemoryKey)))];
  memoryKeys.forEach((k, i) => {
    const y = sampleValues(r.samples, k);
    if (!y.some(Number.isFinite)) return;
    series.push({ key: k, label: `${MEMORY_LABEL[k] ?? k} (MB, right axis)`, colour: SERIES_COLOURS[(i + 1) % SERIES_COLOURS.length] as string, dash: SERIES_DASHES[(i + 1) % SERIES_DASHES.length] as string, axis: 'right', x, y });
  });
  if (series.length === 0) return { id: d.id, title: d.title, ...(d.scenario ? { scenario: d.scenario } : {}), reason: 'the samples hold neither CPU nor memory figures' };

  const verdicts = checkLimits(d.limits, r);
  const refLines: RefLine[] = [];
  for (const v of verdicts) {
    const axis = LIMIT_AXIS[v.name];
    if (!axis) continue;
    refLines.push({ value: v.limit, key: v.name, axis, label: `limit ${v.name} ${fmtNum(v.limit)}: ${v.status}`, colour: v.status === 'FAIL' ? OKABE_ITO.vermillion : OKABE_ITO.bluishGreen });
  }
  const summary = [
    `${d.what}: ${r.samples.length} samples every ${formatOffset(r.intervalMs)} from ${r.source === 'proc' ? `the process tree of pid ${r.pid ?? '?'}` : `${r.metricsUrl ?? 'the metrics endpoint'}`}.`,
    peak('CPU', cpu, '% of one core'),
    ...memoryKeys.map((k) => peak(MEMORY_LABEL[k] ?? k, sampleValues(r.samples, k), 'MB')),
    ...verdicts.map(limitSentence),
    leakSentence('RSS', r.leak),
    ...(r.heapLeak ? [leakSentence('heap', r.heapLeak)] : []),
  ]
    .filter(Boolean)
    .join(' ');
  const svg = renderLineChart({
    id: d.id,
    title: d.title,
    description: summary + d.note,
    x: { kind: 'time', label: d.kind === 'loadtest' ? 'time since start' : 'time since sampling started', min: 0, ...(d.xMax !== undefined ? { max: d.xMax } : {}) },
    y: { label: 'CPU (% of one core)', min: 0 },
    y2: { label: 'memory (MB)', min: 0 },
    series,
    refLines,
    vMarks: d.vMarks,
  });
  return { id: d.id, title: d.title, svg, summary: summary + d.note, kind: d.kind, runId: d.runId, ...(d.scenario ? { scenario: d.scenario } : {}) };
}

/** One sample field as a series (NaN where a sample lacks it: the line breaks there). */
export function sampleValues(samples: readonly ResourceSample[], key: string): number[] {
  return samples.map((s) => {
    const v = (s as Record<string, unknown>)[key];
    return typeof v === 'number' ? v : Number.NaN;
  });
}

function peak(what: string, ys: number[], unit: string): string {
  const finite = ys.filter(Number.isFinite);
  if (finite.length === 0) return '';
  return `${what} peak ${fmtNum(Math.max(...finite))} ${unit}.`;
}

export function limitSentence(v: LimitResult): string {
  return `Limit ${v.name} ${fmtNum(v.limit)}: ${v.status} (${v.evidence}).`;
}

export function leakSentence(what: string, l: LeakVerdict): string {
  const slope = l.slopeMbPerHour === null ? '' : `, ${l.slopeMbPerHour >= 0 ? '+' : ''}${fmtNum(l.slopeMbPerHour, 2)} MB/h${l.ci95 ? ` (95% CI ${fmtNum(l.ci95[0], 2)} to ${fmtNum(l.ci95[1], 2)})` : ''}`;
  return `${what} leak ${l.suspected ? 'SUSPECTED' : 'not suspected'}${slope}: ${l.basis}.`;
}
