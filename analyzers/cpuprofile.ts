import { relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HotFunction } from '../core/artifacts/schemas.js';

/** The V8 `.cpuprofile` format written by `node --cpu-prof` (Chrome DevTools Profiler.Profile). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId?: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfileSummary {
  sampleCount: number;
  /** Wall time the profile covers, ms. */
  durationMs: number;
  /** Time in non-idle samples, ms (the denominator of the shares). */
  busyMs: number;
  /** Every function seen in a sample, by self time descending. */
  functions: HotFunction[];
  byCategory: Record<HotFunction['category'], number>;
}

/** Which part of the process a frame belongs to. Pure: depends on the frame only. */
export function categorize(functionName: string, url: string): HotFunction['category'] {
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)' || functionName === '(root)') return 'program';
  // No source (native builtins) or compiled WebAssembly (e.g. sql.js's SQLite): no file:line to fix.
  if (url === '' || url.startsWith('wasm://')) return 'native';
  if (url.startsWith('node:') || (!url.includes('/') && !url.includes('\\'))) return 'node-internal';
  if (/[\\/]node_modules[\\/]/.test(url)) return 'node_modules';
  return 'app';
}

/** `file:line` for display: file paths relative to `cwd` when inside it; `line` is 1-based. */
export function displayLocation(url: string, line: number, cwd?: string): string {
  if (url === '') return '(native)';
  let file = url;
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url);
    } catch {
      file = url;
    }
  }
  if (cwd && isAbsolute(file)) {
    const r = relative(cwd, file);
    if (!r.startsWith('..') && !isAbsolute(r)) file = r;
  }
  return `${file}:${line}`;
}

/** A profile frame (CPU or heap) as a site: display name, `file:line` (1-based), category. */
export function frameSite(frame: { functionName: string; url: string; lineNumber: number }, cwd?: string): Pick<HotFunction, 'functionName' | 'location' | 'url' | 'line' | 'category'> {
  const { functionName, url } = frame;
  const line = frame.lineNumber + 1;
  return { functionName: functionName || '(anonymous)', location: displayLocation(url, line, cwd), url, line, category: categorize(functionName, url) };
}

/**
 * Self and total time per function. Self time: the samples whose top frame is the function.
 * Total time: the samples with the function anywhere on the stack (counted once per sample, so
 * recursion does not inflate it). Sample i lasts until sample i+1 (timeDeltas are µs).
 */
export function summarizeCpuProfile(profile: CpuProfile, cwd?: string): CpuProfileSummary {
  const byId = new Map<number, CpuProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const durationsUs: number[] = new Array<number>(samples.length);
  let t = profile.startTime;
  const stamps: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    stamps.push(t);
  }
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < samples.length ? (stamps[i + 1] as number) : profile.endTime;
    durationsUs[i] = Math.max(0, next - (stamps[i] as number));
  }

  const keyOf = (n: CpuProfileNode): string => `${n.callFrame.functionName}\u0000${n.callFrame.url}\u0000${n.callFrame.lineNumber}\u0000${n.callFrame.columnNumber}`;
  const stats = new Map<string, { node: CpuProfileNode; selfUs: number; totalUs: number }>();
  const entry = (n: CpuProfileNode): { node: CpuProfileNode; selfUs: number; totalUs: number } => {
    const k = keyOf(n);
    let s = stats.get(k);
    if (!s) {
      s = { node: n, selfUs: 0, totalUs: 0 };
      stats.set(k, s);
    }
    return s;
  };
  const byCategoryUs: Record<HotFunction['category'], number> = { app: 0, node_modules: 0, 'node-internal': 0, native: 0, gc: 0, idle: 0, program: 0 };
  let busyUs = 0;
  for (let i = 0; i < samples.length; i++) {
    const top = byId.get(samples[i] as number);
    if (!top) continue;
    const d = durationsUs[i] as number;
    const cat = categorize(top.callFrame.functionName, top.callFrame.url);
    byCategoryUs[cat] += d;
    if (cat !== 'idle') busyUs += d;
    entry(top).selfUs += d;
    const seen = new Set<string>();
    for (let id: number | undefined = top.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      if (!n || n.callFrame.functionName === '(root)') continue;
      const k = keyOf(n);
      if (seen.has(k)) continue;
      seen.add(k);
      entry(n).totalUs += d;
    }
  }

  const ms = (us: number): number => Math.round(us) / 1000;
  const share = (us: number): number => (busyUs > 0 ? Math.round((us / busyUs) * 10000) / 10000 : 0);
  const functions: HotFunction[] = [...stats.values()]
    .filter((s) => s.node.callFrame.functionName !== '(root)')
    .map((s) => {
      return {
        ...frameSite(s.node.callFrame, cwd),
        selfMs: ms(s.selfUs),
        totalMs: ms(s.totalUs),
        selfShare: share(s.selfUs),
        totalShare: share(s.totalUs),
      };
    })
    .sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs);
  const byCategory = Object.fromEntries(Object.entries(byCategoryUs).map(([k, v]) => [k, ms(v)])) as Record<HotFunction['category'], number>;
  return {
    sampleCount: samples.length,
    durationMs: ms(profile.endTime - profile.startTime),
    busyMs: ms(busyUs),
    functions,
    byCategory,
  };
}

/**
 * The functions worth showing: the top by self time, the app's own code by total time (a handler
 * that waits on a database has little self time but a large total), and the top by total overall.
 */
export function pickHotFunctions(functions: readonly HotFunction[], perList = 15): HotFunction[] {
  const real = functions.filter((f) => f.category !== 'idle' && f.category !== 'program');
  const bySelf = [...real].sort((a, b) => b.selfMs - a.selfMs).slice(0, perList);
  const appByTotal = real.filter((f) => f.category === 'app').sort((a, b) => b.totalMs - a.totalMs).slice(0, perList);
  const byTotal = [...real].sort((a, b) => b.totalMs - a.totalMs).slice(0, Math.ceil(perList / 2));
  const seen = new Set<string>();
  const out: HotFunction[] = [];
  for (const f of [...bySelf, ...appByTotal, ...byTotal]) {
    const k = `${f.functionName}@${f.url}:${f.line}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out.sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs);
}
