import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { mergeNodeRuntime, parseRuntimeLine, type NodeRuntimeLine } from '../../analyzers/resources/node-runtime.js';
import type { ResourceSample } from '../../core/contract/artifacts.js';

/**
 * Reads the runtime series perf's Node preload writes (`runtime-<pid>.ndjson` in the target's
 * runtime dir, capture/profile/monitor-source.ts): each read returns the lines the processes of the
 * tree wrote since the previous read, merged into the optional Node fields of one resource sample.
 */
export class NodeRuntimeReader {
  private readonly offsets = new Map<number, { fd: number; offset: number; rest: string }>();
  constructor(private readonly dir: string) {}

  private readonly latest = new Map<number, NodeRuntimeLine>();

  read(pids: readonly number[]): Partial<ResourceSample> {
    const interval: NodeRuntimeLine[] = [];
    for (const pid of pids) {
      for (const text of this.newLines(pid)) {
        const line = parseRuntimeLine(text);
        if (!line) continue;
        interval.push(line);
        this.latest.set(pid, line);
      }
    }
    // Processes that left the tree no longer count.
    const latest = pids.map((p) => this.latest.get(p)).filter((l): l is NodeRuntimeLine => l !== undefined);
    return mergeNodeRuntime(latest, interval);
  }

  /** Pids that ever wrote a line: the Node processes of the tree. */
  nodePids(): number[] {
    return [...this.latest.keys()];
  }

  close(): void {
    for (const f of this.offsets.values()) closeSync(f.fd);
    this.offsets.clear();
  }

  private newLines(pid: number): string[] {
    let f = this.offsets.get(pid);
    if (!f) {
      const file = join(this.dir, `runtime-${pid}.ndjson`);
      if (!existsSync(file)) return [];
      try {
        f = { fd: openSync(file, 'r'), offset: 0, rest: '' };
      } catch {
        return [];
      }
      this.offsets.set(pid, f);
    }
    const size = fstatSync(f.fd).size;
    if (size <= f.offset) return [];
    const buf = Buffer.alloc(size - f.offset);
    const n = readSync(f.fd, buf, 0, buf.length, f.offset);
    f.offset += n;
    const text = f.rest + buf.subarray(0, n).toString('utf8');
    const parts = text.split('\n');
    // A line being written right now stays for the next read.
    f.rest = parts.pop() ?? '';
    return parts.filter((p) => p.trim() !== '');
  }
}
