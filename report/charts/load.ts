import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtNum } from '../../core/format.js';
import { renderLineChart, type LineSeries } from '../svg/line-chart.js';
import { OKABE_ITO, SERIES_DASHES } from '../svg/palette.js';
import { formatOffset } from '../svg/scale.js';
import { stageMarks } from './stages.js';
import { offsetOf, runOrigin } from './time.js';
import { placed, type ChartOutcome, type ChartPlacement } from './types.js';

export const LOAD_CHART = { id: 'vus-dropped', title: 'Virtual users and dropped iterations over time' } as const;

/**
 * What k6 itself did: the VUs it ran (gauge `vus`, the window's maximum: busy VUs; and `vus_max`, the
 * VUs allocated, when the artifact records it) and the iterations it
 * dropped (counter `dropped_iterations`: the open model had no free VU to start them on time).
 */
export function loadChart(lt: Artifact<LoadTestPayload>, place: ChartPlacement = {}): ChartOutcome {
  const { id, ...scenario } = placed(LOAD_CHART.id, place);
  const windows = Array.isArray(lt.windows) ? lt.windows : [];
  if (windows.length === 0) return { ...LOAD_CHART, id, ...scenario, reason: 'the load-test artifact has no windows' };
  const origin = runOrigin(lt);
  const x = windows.map((w) => offsetOf(w.startMs, origin));
  const vus = windows.map((w) => w.vus);
  const perWindowDropped = windows.every((w) => typeof w.droppedIterations === 'number');
  const allocated = windows.every((w) => typeof w.vusMax === 'number') ? windows.map((w) => w.vusMax ?? 0) : null;
  const series: LineSeries[] = [{ key: 'vus', label: allocated ? 'VUs busy, vus (left axis)' : 'VUs (left axis)', colour: OKABE_ITO.blue, dash: SERIES_DASHES[0], x, y: vus }];
  if (allocated) series.push({ key: 'vus-max', label: 'VUs allocated, vus_max (left axis)', colour: OKABE_ITO.skyBlue, dash: SERIES_DASHES[2], x, y: allocated });
  if (perWindowDropped) {
    series.push({ key: 'dropped', label: 'dropped iterations per window (right axis)', colour: OKABE_ITO.vermillion, dash: SERIES_DASHES[1], axis: 'right', x, y: windows.map((w) => w.droppedIterations ?? 0) });
  }
  const peakVus = Math.max(...vus);
  const peakAt = vus.indexOf(peakVus);
  const dropped = perWindowDropped ? windows.reduce((n, w) => n + (w.droppedIterations ?? 0), 0) : null;
  const firstDrop = perWindowDropped ? windows.findIndex((w) => (w.droppedIterations ?? 0) > 0) : -1;
  const iterations = typeof lt.iterations === 'number' ? ` of ${fmtNum(lt.iterations + lt.droppedIterations)} scheduled` : '';
  const summary =
    `${lt.scenario} run: up to ${fmtNum(peakVus)} ${allocated ? 'busy ' : ''}VUs (at ${formatOffset(x[peakAt] as number)})` +
    (allocated ? ` of up to ${fmtNum(Math.max(...allocated))} allocated (k6's vus and vus_max gauges, sampled once a second; under an arrival rate a VU is busy only during an iteration). ` : '. ') +
    `${fmtNum(lt.droppedIterations)} iterations dropped in the measured part${iterations}` +
    (dropped === null
      ? '; the artifact does not record dropped iterations per window (an older perf), so only VUs are drawn.'
      : firstDrop >= 0
        ? `; the first drops at ${formatOffset(x[firstDrop] as number)}, ${fmtNum(dropped)} over all windows (warm-up included).`
        : '; none in any window.');
  const svg = renderLineChart({
    id,
    title: LOAD_CHART.title,
    description: summary,
    x: { kind: 'time', label: 'time since start', min: 0, max: lt.durationMs },
    y: { label: 'VUs' },
    ...(perWindowDropped ? { y2: { label: 'dropped iterations' } } : {}),
    series,
    vMarks: stageMarks(lt, origin),
  });
  return { ...LOAD_CHART, id, ...scenario, svg, summary, kind: 'loadtest', runId: lt.runId };
}
