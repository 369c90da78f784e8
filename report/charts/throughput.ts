import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtNum, fmtPct } from '../../core/markdown.js';
import { renderLineChart } from '../svg/line-chart.js';
import { stageMarks } from './stages.js';
import { OKABE_ITO, SERIES_DASHES } from '../svg/palette.js';
import { formatOffset } from '../svg/scale.js';
import { offsetOf, runOrigin } from './time.js';
import { placed, type ChartOutcome, type ChartPlacement } from './types.js';

export const THROUGHPUT_CHART = { id: 'throughput-errors', title: 'Throughput and error rate over time' } as const;

export function throughputChart(lt: Artifact<LoadTestPayload>, place: ChartPlacement = {}, scale: { yMax?: number } = {}): ChartOutcome {
  const { id, ...scenario } = placed(THROUGHPUT_CHART.id, place);
  const windows = Array.isArray(lt.windows) ? lt.windows : [];
  if (windows.length === 0) return { ...THROUGHPUT_CHART, id, ...scenario, reason: 'the load-test artifact has no windows' };
  const origin = runOrigin(lt);
  const x = windows.map((w) => offsetOf(w.startMs, origin));
  const rps = windows.map((w) => w.rps);
  const errPct = windows.map((w) => w.errorRate * 100);
  const vMarks = stageMarks(lt, origin);
  const stages = Array.isArray(lt.stages) ? lt.stages : [];
  const peakRps = Math.max(...rps);
  let worst = 0;
  for (let i = 1; i < errPct.length; i++) if ((errPct[i] as number) > (errPct[worst] as number)) worst = i;
  const summary =
    `${lt.scenario} run: ${fmtNum(lt.overall.requests)} requests, ${fmtNum(lt.overall.throughputRps)} req/s on average, peak window ${fmtNum(peakRps)} req/s. ` +
    `Error rate ${fmtPct(lt.overall.errorRate)} overall, worst window ${fmtPct((errPct[worst] as number) / 100)} at ${formatOffset(x[worst] as number)}.` +
    (stages.length > 1 ? ` ${stages.length} load stages marked.` : '') +
    (lt.breakingPoint ? ` Breaking point at ${fmtNum(lt.breakingPoint.rps)} req/s (${lt.breakingPoint.reason}).` : '');
  const svg = renderLineChart({
    id,
    title: THROUGHPUT_CHART.title,
    description: summary,
    x: { kind: 'time', label: 'time since start', min: 0, max: lt.durationMs },
    y: { label: 'throughput (req/s)', ...(scale.yMax !== undefined ? { max: scale.yMax } : {}) },
    y2: { label: 'error rate (%)' },
    series: [
      { key: 'rps', label: 'throughput (req/s, left axis)', colour: OKABE_ITO.blue, dash: SERIES_DASHES[0], x, y: rps },
      { key: 'error-rate', label: 'error rate (%, right axis)', colour: OKABE_ITO.vermillion, dash: SERIES_DASHES[1], axis: 'right', x, y: errPct },
    ],
    vMarks,
  });
  return { ...THROUGHPUT_CHART, id, ...scenario, svg, summary, kind: 'loadtest', runId: lt.runId };
}
