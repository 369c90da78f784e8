import type { ActivitySample, ActivitySummary } from './types.js';

/** Summarises pg_stat_activity samples: connections in use, a full pool, waits and lock contention. */
export function summariseActivity(samples: ActivitySample[], intervalMs: number, maxConnections: number): ActivitySummary | null {
  if (samples.length === 0) return null;
  const activeSamples = samples.reduce((a, s) => a + s.active, 0);
  const waits: Record<string, number> = {};
  for (const s of samples) for (const [k, n] of Object.entries(s.waits)) waits[k] = (waits[k] ?? 0) + n;
  const waitShares: Record<string, number> = {};
  let lock = 0;
  for (const [k, n] of Object.entries(waits)) {
    waitShares[k] = activeSamples > 0 ? n / activeSamples : 0;
    if (k.startsWith('Lock:')) lock += n;
  }
  return {
    samples: samples.length,
    intervalMs,
    maxConnections,
    maxTotal: Math.max(...samples.map((s) => s.total)),
    maxActive: Math.max(...samples.map((s) => s.active)),
    meanActive: activeSamples / samples.length,
    allBusyShare: samples.filter((s) => s.total > 0 && s.active >= s.total).length / samples.length,
    waitShares,
    lockWaitShare: activeSamples > 0 ? lock / activeSamples : 0,
  };
}
