import { frameSite } from './cpuprofile.js';
import type { HeapSite } from '../core/artifacts/schemas.js';

/**
 * The V8 sampling heap profile (`HeapProfiler.stopSampling`'s `profile`, the `.heapprofile` format of
 * Chrome DevTools and `node --heap-prof`): a call tree whose nodes carry the bytes of the sampled
 * allocations made with that stack. Sampled with V8's defaults, it holds only allocations still live
 * when sampling stopped — where the retained memory came from.
 */
export interface HeapProfile {
  head: HeapProfileNode;
  samples?: { size: number; nodeId: number; ordinal: number }[];
}

export interface HeapProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId?: string; url: string; lineNumber: number; columnNumber: number };
  /** Bytes of the sampled allocations with this node on top of the stack. */
  selfSize: number;
  children: HeapProfileNode[];
}

export interface HeapProfileSummary {
  /** Bytes of all sampled allocations in the profile (the denominator of the shares). */
  sampledBytes: number;
  /** Allocation sites (functions) by self bytes descending. */
  sites: HeapSite[];
}

/**
 * Self and total bytes per function (name + file + line). Self: allocations made by the function
 * itself (builtins it calls, like JSON.stringify or Buffer.alloc, are not JS frames, so their
 * allocations count as the caller's). Total: with the function anywhere on the stack, counted once
 * per stack so recursion does not inflate it. `skip(url)` drops frames of perf's own preload.
 */
export function summarizeHeapProfile(profile: HeapProfile, cwd?: string, skip: (url: string) => boolean = () => false): HeapProfileSummary {
  const stats = new Map<string, { frame: HeapProfileNode['callFrame']; self: number; total: number }>();
  const keyOf = (f: HeapProfileNode['callFrame']): string => `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
  let sampledBytes = 0;
  // Iterative walk: total bytes of each subtree, added to every distinct function on the path.
  const subtree = new Map<HeapProfileNode, number>();
  const order: HeapProfileNode[] = [];
  const stack: HeapProfileNode[] = [profile.head];
  while (stack.length > 0) {
    const n = stack.pop() as HeapProfileNode;
    order.push(n);
    stack.push(...n.children);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i] as HeapProfileNode;
    subtree.set(n, n.selfSize + n.children.reduce((a, c) => a + (subtree.get(c) ?? 0), 0));
  }
  const visit = (n: HeapProfileNode, onPath: Set<string>): void => {
    const f = n.callFrame;
    const k = keyOf(f);
    const own = f.functionName !== '(root)' && !skip(f.url);
    if (own) {
      sampledBytes += n.selfSize;
      let s = stats.get(k);
      if (!s) stats.set(k, (s = { frame: f, self: 0, total: 0 }));
      s.self += n.selfSize;
      if (!onPath.has(k)) s.total += subtree.get(n) ?? 0;
    }
    const next = !own || onPath.has(k) ? onPath : new Set(onPath).add(k);
    for (const c of n.children) visit(c, next);
  };
  visit(profile.head, new Set());
  const share = (b: number): number => (sampledBytes > 0 ? Math.round((b / sampledBytes) * 10000) / 10000 : 0);
  const sites: HeapSite[] = [...stats.values()]
    .filter((s) => s.self > 0 || s.total > 0)
    .map((s) => {
      return {
        ...frameSite(s.frame, cwd),
        selfBytes: s.self,
        totalBytes: s.total,
        selfShare: share(s.self),
        totalShare: share(s.total),
      };
    })
    .sort((a, b) => b.selfBytes - a.selfBytes || b.totalBytes - a.totalBytes);
  return { sampledBytes, sites };
}

/** The sites worth showing: the top by self bytes, and the app's own functions by total bytes. */
export function pickHeapSites(sites: readonly HeapSite[], perList = 10): HeapSite[] {
  const bySelf = sites.filter((s) => s.selfBytes > 0).slice(0, perList);
  const appByTotal = sites.filter((s) => s.category === 'app').sort((a, b) => b.totalBytes - a.totalBytes).slice(0, perList);
  const seen = new Set<string>();
  return [...bySelf, ...appByTotal].filter((s) => {
    const k = `${s.functionName}@${s.url}:${s.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }).sort((a, b) => b.selfBytes - a.selfBytes || b.totalBytes - a.totalBytes);
}
