/**
 * Where to cut the runner files of one run so that parts of their merge can run side by side: merged
 * windows [from, to) of the grid per part, and in every file the byte range holding its runner windows
 * of those merged windows. The cut is found by bisecting each file on the windows' start (files whose
 * windows are in order, as the perf output writes them; a part finds out otherwise, and the caller
 * merges the whole). Null when the files cannot be cut (an unreadable header, different window sizes, too
 * few windows): the serial merge handles, and reports, those.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { bucketOfWindow, type MergePartRange } from '../../analyzers/merge/runners.js';
import { K6_WINDOWS_SCHEMA } from '../../analyzers/parsers/k6-windows.js';
import type { K6WindowsHeader } from '../../core/artifacts/k6-windows.js';

export interface SplitPlan {
  /** Each file's first line (its header), and the header it holds. */
  headerLines: string[];
  headers: K6WindowsHeader[];
  parts: { range: MergePartRange; bytes: { from: number; to: number }[] }[];
}

/** Reads a file's lines at arbitrary offsets, a small chunk at a time. */
class Probe {
  readonly size: number;
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(64 << 10);

  constructor(file: string) {
    this.fd = openSync(file, 'r');
    this.size = fstatSync(this.fd).size;
  }

  /** The line starting at `at` (a line start): its text and the next line's start; null at the end. */
  lineAt(at: number): { text: string; next: number } | null {
    let want = this.buf.length;
    for (;;) {
      if (at >= this.size) return null;
      if (this.buf.length < want) this.buf = Buffer.allocUnsafe(want);
      const got = readSync(this.fd, this.buf, 0, Math.min(want, this.size - at), at);
      const nl = this.buf.subarray(0, got).indexOf(10);
      if (nl >= 0 || at + got >= this.size) {
        const end = nl >= 0 ? nl : got;
        return { text: this.buf.toString('utf8', 0, end > 0 && this.buf[end - 1] === 13 ? end - 1 : end), next: nl >= 0 ? at + nl + 1 : this.size };
      }
      if (want >= 64 << 20) return null;
      want *= 2;
    }
  }

  /** The start of the first line at or after `at`. */
  lineStartFrom(at: number): number {
    if (at <= 0) return 0;
    const prev = this.lineAt(at - 1);
    return prev ? prev.next : this.size;
  }

  close(): void {
    closeSync(this.fd);
  }
}

class Unplannable extends Error {}

/** The merged window of the first runner window starting at or after byte `at` (a line start), and its line's start; Infinity past the last. */
function firstWindowFrom(p: Probe, at: number, headers: K6WindowsHeader[]): { bucket: number; lineStart: number } {
  for (let pos = at; ; ) {
    const line = p.lineAt(pos);
    if (!line) return { bucket: Number.POSITIVE_INFINITY, lineStart: p.size };
    if (line.text.length > 0) {
      let o: unknown;
      try {
        o = JSON.parse(line.text);
      } catch {
        throw new Unplannable();
      }
      const w = o as { type?: unknown; startMs?: unknown; endMs?: unknown };
      if (w.type === 'window') {
        if (typeof w.startMs !== 'number' || typeof w.endMs !== 'number') throw new Unplannable();
        return { bucket: bucketOfWindow(headers, w.startMs, w.endMs), lineStart: pos };
      }
    }
    pos = line.next;
  }
}

/** The first line start in [from, size] whose first window at or after it lies in merged window `bucket` or later. */
function cutAt(p: Probe, from: number, bucket: number, headers: K6WindowsHeader[]): number {
  let lo = from;
  let hi = p.size;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const found = firstWindowFrom(p, p.lineStartFrom(mid), headers);
    if (found.bucket >= bucket) hi = mid;
    else lo = mid + 1;
  }
  return firstWindowFrom(p, p.lineStartFrom(lo), headers).lineStart;
}

/**
 * The plan of `parts` parts (fewer when the windows do not spread that far), or null; `weights` (one a
 * part) share the bytes out unevenly, for parts whose threads have other work too.
 */
export function planSplit(files: readonly string[], parts: number, weights: readonly number[] = []): SplitPlan | null {
  const probes: Probe[] = [];
  try {
    for (const f of files) probes.push(new Probe(f));
    const headerLines: string[] = [];
    const headers: K6WindowsHeader[] = [];
    const bodyStart: number[] = [];
    for (const p of probes) {
      const line = p.lineAt(0);
      if (!line) return null;
      let h: unknown;
      try {
        h = JSON.parse(line.text);
      } catch {
        return null;
      }
      const o = h as Partial<K6WindowsHeader>;
      if (typeof h !== 'object' || h === null || o.schema !== K6_WINDOWS_SCHEMA || o.type !== 'header' || typeof o.startMs !== 'number' || typeof o.windowMs !== 'number') return null;
      if (headers.length > 0 && o.windowMs !== headers[0]!.windowMs) return null;
      headerLines.push(line.text);
      headers.push(h as K6WindowsHeader);
      bodyStart.push(line.next);
    }
    // The cuts: merged windows of the largest file's windows at even byte fractions of it.
    let largest = 0;
    probes.forEach((p, i) => {
      if (p.size > probes[largest]!.size) largest = i;
    });
    const big = probes[largest]!;
    const cuts: number[] = [];
    const weight = (k: number): number => weights[k] ?? 1;
    let whole = 0;
    for (let k = 0; k < parts; k++) whole += weight(k);
    let before = 0;
    for (let k = 1; k < parts; k++) {
      before += weight(k - 1);
      const at = big.lineStartFrom(bodyStart[largest]! + Math.floor(((big.size - bodyStart[largest]!) * before) / whole));
      const { bucket } = firstWindowFrom(big, at, headers);
      if (Number.isFinite(bucket) && (cuts.length === 0 || bucket > cuts[cuts.length - 1]!)) cuts.push(bucket);
    }
    if (cuts.length === 0) return null;
    const offsets = probes.map((p, i) => cuts.map((b) => cutAt(p, bodyStart[i]!, b, headers)));
    // The ranges must tile each file (windows out of order can bisect anywhere): then every line is in one part.
    if (offsets.some((o, i) => o.some((x, k) => x < (k === 0 ? bodyStart[i]! : o[k - 1]!)))) return null;
    const bounds = [Number.NEGATIVE_INFINITY, ...cuts, Number.POSITIVE_INFINITY];
    return {
      headerLines,
      headers,
      parts: bounds.slice(0, -1).map((from, k) => ({
        range: { from, to: bounds[k + 1]! },
        bytes: probes.map((p, i) => ({ from: k === 0 ? bodyStart[i]! : offsets[i]![k - 1]!, to: k === cuts.length ? p.size : offsets[i]![k]! })),
      })),
    };
  } catch (err) {
    if (err instanceof Unplannable) return null;
    throw err;
  } finally {
    for (const p of probes) p.close();
  }
}
