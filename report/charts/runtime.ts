import { checkLimits } from '../../analyzers/resources/limits.js';
import type { LoadTestPayload } from '../../core/contract/artifacts.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtNum } from '../../core/format.js';
import { renderLineChart, type LineSeries, type RefLine } from '../svg/line-chart.js';
import { OKABE_ITO, SERIES_COLOURS, SERIES_DASHES } from '../svg/palette.js';
import { alignResources, limitSentence, sampleValues } from './resources.js';
import { stageMarks } from './stages.js';
import { placed, type ChartOutcome, type ChartPlacement } from './types.js';

export const RUNTIME_CHART = { id: 'target-runtime', title: 'Target runtime over time (event loop, GC, file descriptors, threads: what the sampler recorded)' } as const;

const LABEL: Record<string, string> = { fds: 'open file descriptors', threads: 'threads', eventLoopDelayP99Ms: 'event-loop delay p99', eventLoopDelayMs: 'event-loop delay', gcMs: 'GC time' };
/** Sample fields the CPU and memory chart draws, or that are not a figure over time. */
const ELSEWHERE = new Set(['tMs', 'cpuPct', 'processes']);

/**
 * Every other numeric series of the samples (the sampler's optional fields: fds, threads, Node's
 * event-loop delay and GC time when the target reports them): milliseconds on the left axis,
 * counts on the right; the fds limit as a line. No chart when the samples hold none.
 */
export function runtimeChart(lt: Artifact<LoadTestPayload>, place: ChartPlacement = {}): ChartOutcome | undefined {
  const r = lt.resources;
  if (!r || r.samples.length === 0) return undefined;
  const keys = [...new Set(r.samples.flatMap((s) => Object.entries(s).filter(([k, v]) => typeof v === 'number' && !ELSEWHERE.has(k) && !/Mb$/.test(k)).map(([k]) => k)))];
  if (keys.length === 0) return undefined;
  const { id, ...scenario } = placed(RUNTIME_CHART.id, place);
  const { shift, note, origin } = alignResources(lt);
  const x = r.samples.map((s) => s.tMs + shift);
  const msKeys = keys.filter((k) => /Ms$/.test(k));
  const countAxis = msKeys.length ? 'right' : 'left';
  const series: LineSeries[] = keys.map((k, i) => {
    const ms = /Ms$/.test(k);
    return {
      key: k,
      label: `${LABEL[k] ?? k} (${ms ? 'ms' : 'count'}${msKeys.length && keys.length > msKeys.length ? `, ${ms ? 'left' : 'right'} axis` : ''})`,
      colour: SERIES_COLOURS[i % SERIES_COLOURS.length] as string,
      dash: SERIES_DASHES[i % SERIES_DASHES.length] as string,
      ...(ms ? {} : { axis: countAxis }),
      x,
      y: sampleValues(r.samples, k),
    };
  });
  const verdicts = checkLimits(place.limits?.fds !== undefined ? { fds: place.limits.fds } : undefined, r);
  const refLines: RefLine[] = verdicts.map((v) => ({ value: v.limit, key: v.name, axis: countAxis, label: `limit fds ${fmtNum(v.limit)}: ${v.status}`, colour: v.status === 'FAIL' ? OKABE_ITO.vermillion : OKABE_ITO.bluishGreen }));
  const peaks = keys.map((k) => {
    const finite = sampleValues(r.samples, k).filter(Number.isFinite);
    return finite.length ? `${LABEL[k] ?? k} peak ${fmtNum(Math.max(...finite))}${/Ms$/.test(k) ? ' ms' : ''}` : `${LABEL[k] ?? k}: no value`;
  });
  const summary = `${lt.scenario} run: ${peaks.join(', ')}.${verdicts.map((v) => ` ${limitSentence(v)}`).join('')}${note}`;
  const hasCountsRight = countAxis === 'right';
  const svg = renderLineChart({
    id,
    title: RUNTIME_CHART.title,
    description: summary,
    x: { kind: 'time', label: 'time since start', min: 0, max: lt.durationMs },
    y: { label: msKeys.length ? 'milliseconds' : 'count', min: 0 },
    ...(hasCountsRight ? { y2: { label: 'count', min: 0 } } : {}),
    series,
    refLines,
    vMarks: stageMarks(lt, origin),
  });
  return { ...RUNTIME_CHART, id, ...scenario, svg, summary, kind: 'loadtest', runId: lt.runId };
}
