import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStat, parseProcStatus, type ProcStat } from '../../analyzers/resources/proc.js';
import { readPrometheusProcess } from '../../analyzers/resources/prometheus.js';
import { detectLeak } from '../../analyzers/resources/leak.js';
import type { ResourceSample, ResourceSeries } from '../../core/contract/artifacts.js';
import { NodeRuntimeReader } from './node-runtime.js';

/**
 * Samples a target's resources every `intervalMs` until stop(): its process tree from /proc (pid),
 * or the service's own Prometheus endpoint (metricsUrl). A sample that cannot be read (process gone,
 * endpoint down) is skipped and counted in the notes; the sampler never throws into the run.
 */
export type ResourceSource = { kind: 'proc'; pid: number; runtimeDir?: string } | { kind: 'prometheus'; url: string };

/** The process perf started (capture/target RunningTarget): its pid and its preload's runtime dir. */
export interface StartedTarget {
  pid: number;
  runtimeDir?: string | undefined;
}

export interface ResourceSampler {
  stop(): Promise<ResourceSeries>;
}

export const DEFAULT_INTERVAL_MS = 1000;
const MB = 1024 * 1024;

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100; // Linux's USER_HZ on every mainstream architecture.
    }
  }
  return clockTicks;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `pid` and its descendants, from the ppid field of every /proc/<n>/stat. */
export function processTree(root: number): ProcStat[] {
  const all = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const text = readText(`/proc/${name}/stat`);
    const st = text ? parseProcStat(text) : undefined;
    if (st) all.set(st.pid, st);
  }
  if (!all.has(root)) return [];
  const children = new Map<number, number[]>();
  for (const st of all.values()) children.set(st.ppid, [...(children.get(st.ppid) ?? []), st.pid]);
  const out: ProcStat[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    const st = all.get(pid);
    if (!st) continue;
    out.push(st);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

function countFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null; // another user's process, or gone
  }
}

export function startResourceSampler(source: ResourceSource, opts: { intervalMs?: number } = {}): ResourceSampler {
  const intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  const samples: ResourceSample[] = [];
  const notes: string[] = [];
  let missed = 0;
  const t0 = Date.now();
  let prevTicks = new Map<number, number>();
  let prevCpuSeconds: number | undefined;
  let prevAt = t0;
  // A target perf started carries its Node preload: heap, event-loop delay and GC come from there.
  const runtime = source.kind === 'proc' && source.runtimeDir ? new NodeRuntimeReader(source.runtimeDir) : undefined;

  const sampleProc = (pid: number): void => {
    const tree = processTree(pid);
    if (tree.length === 0) {
      missed++;
      return;
    }
    const now = Date.now();
    const ticks = new Map(tree.map((p) => [p.pid, p.cpuTicks] as [number, number]));
    let delta = 0;
    // A process new since the last sample ran within this interval: count all its ticks.
    for (const [p, t] of ticks) delta += t - (prevTicks.get(p) ?? 0);
    const dt = (now - prevAt) / 1000;
    let rssKb = 0;
    let fds = 0;
    let threads = 0;
    for (const p of tree) {
      const status = parseProcStatus(readText(`/proc/${p.pid}/status`) ?? '');
      rssKb += status.rssKb ?? 0;
      threads += status.threads ?? p.threads;
      fds += countFds(p.pid) ?? 0;
    }
    const first = prevTicks.size === 0;
    prevTicks = ticks;
    prevAt = now;
    const node = runtime?.read(tree.map((p) => p.pid)) ?? {};
    if (first) return; // the first read is the CPU baseline
    samples.push({
      ...node,
      tMs: now - t0,
      cpuPct: dt > 0 ? Math.round(((delta / ticksPerSecond()) / dt) * 1000) / 10 : null,
      rssMb: Math.round((rssKb / 1024) * 100) / 100,
      fds,
      threads,
      processes: tree.length,
    });
  };

  const samplePrometheus = async (url: string): Promise<void> => {
    let text: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(200, intervalMs - 100)) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch {
      missed++;
      return;
    }
    const now = Date.now();
    const m = readPrometheusProcess(text);
    const dt = (now - prevAt) / 1000;
    const cpuPct = m.cpuSeconds !== undefined && prevCpuSeconds !== undefined && dt > 0 ? Math.round(((m.cpuSeconds - prevCpuSeconds) / dt) * 1000) / 10 : null;
    prevCpuSeconds = m.cpuSeconds;
    prevAt = now;
    samples.push({
      tMs: now - t0,
      cpuPct,
      rssMb: m.rssBytes !== undefined ? Math.round((m.rssBytes / MB) * 100) / 100 : null,
      ...(m.heapUsedBytes !== undefined ? { heapUsedMb: Math.round((m.heapUsedBytes / MB) * 100) / 100 } : {}),
      ...(m.fds !== undefined ? { fds: m.fds } : {}),
      ...(m.threads !== undefined ? { threads: m.threads } : {}),
    });
  };

  let inFlight: Promise<void> = Promise.resolve();
  const tick = (): void => {
    inFlight = inFlight.then(() => (source.kind === 'proc' ? sampleProc(source.pid) : samplePrometheus(source.url))).catch(() => {
      missed++;
    });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();

  return {
    async stop(): Promise<ResourceSeries> {
      clearInterval(timer);
      await inFlight;
      runtime?.close();
      if (missed > 0) notes.push(`${missed} sample(s) could not be read (${source.kind === 'proc' ? 'process gone' : 'endpoint did not answer'})`);
      const afterGc = samples.some((s) => typeof s.heapAfterGcMb === 'number');
      const heap = samples.some((s) => typeof s.heapUsedMb === 'number');
      const nodePids = runtime?.nodePids() ?? [];
      return {
        source: source.kind,
        ...(source.kind === 'proc' ? { pid: source.pid } : { metricsUrl: source.url }),
        intervalMs,
        startedAt: new Date(t0).toISOString(),
        samples,
        leak: detectLeak(samples, 'rssMb'),
        // Heap-after-GC is the live heap; heap used (all a metrics endpoint has) includes garbage.
        ...(afterGc || nodePids.length > 0 ? { heapLeak: detectLeak(samples, 'heapAfterGcMb') } : heap ? { heapLeak: detectLeak(samples, 'heapUsedMb') } : {}),
        runtime: runtimeStatus(source, nodePids, heap),
        ...(notes.length > 0 ? { notes } : {}),
      };
    },
  };
}

function runtimeStatus(source: ResourceSource, nodePids: number[], heap: boolean): NonNullable<ResourceSeries['runtime']> {
  if (source.kind === 'prometheus') {
    return heap
      ? { recorded: true, note: `heap used from ${source.url} (no heap-after-GC, event-loop delay or GC series)` }
      : { recorded: false, note: `not recorded (${source.url} has no Node heap metric)` };
  }
  if (!source.runtimeDir) return { recorded: false, note: 'not recorded (perf did not start the target, so its Node preload is not in it)' };
  if (nodePids.length === 0) return { recorded: false, note: 'not recorded (not a Node target)' };
  return {
    recorded: true,
    note: `perf's Node preload in ${nodePids.length} Node process${nodePids.length > 1 ? 'es' : ''} (pid ${nodePids.join(', ')})${nodePids.length > 1 ? ': heap summed, event-loop delay of the worst' : ''}`,
  };
}

/**
 * The source for a run: the process perf started, else `target.pid`, else `target.metricsUrl`;
 * undefined when there is nothing to sample.
 */
export function resourceSourceFor(target: { pid?: number | undefined; metricsUrl?: string | undefined }, started?: StartedTarget): ResourceSource | undefined {
  if (started !== undefined && started.pid > 0) return { kind: 'proc', pid: started.pid, ...(started.runtimeDir ? { runtimeDir: started.runtimeDir } : {}) };
  if (target.pid !== undefined) return { kind: 'proc', pid: target.pid };
  if (target.metricsUrl !== undefined) return { kind: 'prometheus', url: target.metricsUrl };
  return undefined;
}
