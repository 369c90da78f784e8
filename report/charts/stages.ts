import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import { fmtNum } from '../../core/format.js';
import type { VMark } from '../svg/line-chart.js';
import { offsetOf } from './time.js';

/** The load stages (and the breaking point) as vertical marks, the same on every chart over a run's time. */
export function stageMarks(lt: Pick<LoadTestPayload, 'stages' | 'breakingPoint'>, origin: number): VMark[] {
  const marks: VMark[] = [];
  const stages = Array.isArray(lt.stages) ? lt.stages : [];
  if (stages.length > 1) stages.forEach((s, i) => marks.push({ x: offsetOf(s.startMs, origin), label: s.label ?? `stage ${i + 1} → ${fmtNum(s.target)}` }));
  if (lt.breakingPoint) marks.push({ x: offsetOf(lt.breakingPoint.atMs, origin), label: `breaking point ${fmtNum(lt.breakingPoint.rps)} rps` });
  return marks;
}
