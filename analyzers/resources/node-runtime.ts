import type { ResourceSample } from '../../core/contract/artifacts.js';

/**
 * One line of perf's Node preload runtime series (capture/profile/monitor-source.ts): figures of one
 * process over one interval. Bytes and ms as the preload measured them.
 */
export interface NodeRuntimeLine {
  t: number;
  pid: number;
  heapUsed: number;
  heapTotal: number;
  /** Heap used right after the last major GC so far; null before the first one. */
  heapAfterGc: number | null;
  eld: { p50: number; p99: number; max: number };
  gcMs: number;
  gcCount: number;
}

const MB = 1024 * 1024;
const mb = (bytes: number): number => Math.round((bytes / MB) * 100) / 100;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function parseRuntimeLine(text: string): NodeRuntimeLine | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const eld = o.eld as Record<string, unknown> | undefined;
  if (![o.t, o.pid, o.heapUsed, o.heapTotal, o.gcMs, o.gcCount].every(isNum) || !eld || ![eld.p50, eld.p99, eld.max].every(isNum)) return undefined;
  if (o.heapAfterGc !== null && !isNum(o.heapAfterGc)) return undefined;
  return o as unknown as NodeRuntimeLine;
}

/**
 * The Node fields of one resource sample. `latest`: each Node process's most recent line (this
 * interval's or an earlier one — the preload and the sampler tick on their own clocks); `interval`:
 * the lines written during the interval. Heap figures are summed over the processes like RSS (a start
 * command like `npm start` is two Node processes); GC time and count are the interval's sums;
 * event-loop delay is the worst process's, null when no line arrived in the interval. Empty when no
 * Node process ever wrote a line.
 */
export function mergeNodeRuntime(latest: readonly NodeRuntimeLine[], interval: readonly NodeRuntimeLine[]): Partial<ResourceSample> {
  if (latest.length === 0) return {};
  const afterGc = latest.filter((l) => l.heapAfterGc !== null);
  return {
    heapUsedMb: mb(latest.reduce((a, l) => a + l.heapUsed, 0)),
    heapTotalMb: mb(latest.reduce((a, l) => a + l.heapTotal, 0)),
    // Only when every Node process has had a major GC: a partial sum would look like a jump.
    heapAfterGcMb: afterGc.length === latest.length ? mb(afterGc.reduce((a, l) => a + (l.heapAfterGc as number), 0)) : null,
    eventLoopDelayMs:
      interval.length === 0
        ? null
        : { p50: Math.max(...interval.map((l) => l.eld.p50)), p99: Math.max(...interval.map((l) => l.eld.p99)), max: Math.max(...interval.map((l) => l.eld.max)) },
    gcMs: Math.round(interval.reduce((a, l) => a + l.gcMs, 0) * 1000) / 1000,
    gcCount: interval.reduce((a, l) => a + l.gcCount, 0),
  };
}
