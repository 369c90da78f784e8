import type { GeneratorLoad } from '../../core/artifacts/schemas.js';
import type { GeneratorStats } from './run-load.js';
import { percentileMs } from '../../analyzers/histogram.js';

/** The artifact view of a run's generator statistics (send lag only when the open model measured some). */
export function generatorLoad(g: GeneratorStats): GeneratorLoad {
  const n = g.sendLag.totalCount;
  return {
    cpuShare: g.cpuShare,
    eventLoopDelayP99Ms: g.eventLoopDelayP99Ms,
    sendLagMs: n > 0 ? { p50: percentileMs(g.sendLag, 50), p95: percentileMs(g.sendLag, 95), p99: percentileMs(g.sendLag, 99), max: percentileMs(g.sendLag, 100), n } : null,
    backloggedShare: g.sends > 0 ? Math.round((g.backlogged / g.sends) * 1000) / 1000 : 0,
  };
}
