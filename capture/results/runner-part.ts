/**
 * One part of a split runner merge over files: each file's byte range read by a FileRangeLines, merged
 * by mergePart. Runs on a worker thread (runner-merge-worker.ts), or on the main thread a step at a time
 * (one part there, and every part where no compiled worker exists: the sources under a TypeScript loader).
 */
import { mergePart, PartMerge, type PartResult } from '../../analyzers/merge/part.js';
import type { K6WindowLine } from '../../core/artifacts/k6-windows.js';
import { MergePartMismatch, type MergePartRange } from '../../analyzers/merge/runners.js';
import { FileRangeLines } from './range-lines.js';

/** What a part is given: plain data, for another thread. */
export interface PartJob {
  files: string[];
  headerLines: string[];
  bytes: { from: number; to: number }[];
  range: MergePartRange;
  lenient: boolean;
}

export function runPartJob(job: PartJob): PartResult {
  const lines = job.files.map((f, i) => new FileRangeLines(f, job.bytes[i]!.from, job.bytes[i]!.to));
  try {
    return mergePart({ files: job.files, headers: job.headerLines, lines, part: job.range, lenient: job.lenient });
  } finally {
    for (const l of lines) l.close();
  }
}

/** How many runner windows the main thread's part merges between two turns of its event loop (~50 ms). */
const STEP_WINDOWS = 2000;

/** runPartJob on a thread that has other work: a step at a time, yielding between steps; stops when `signal` aborts. */
export async function runPartJobStepwise(job: PartJob, signal: AbortSignal): Promise<PartResult> {
  const lines = job.files.map((f, i) => new FileRangeLines(f, job.bytes[i]!.from, job.bytes[i]!.to));
  try {
    const part = new PartMerge({ files: job.files, headers: job.headerLines, lines, part: job.range, lenient: job.lenient });
    while (!part.step(STEP_WINDOWS)) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal.aborted) throw new MergePartMismatch('stopped');
    }
    return part.result();
  } finally {
    for (const l of lines) l.close();
  }
}

/**
 * A part's result as a thread posts it: its merged windows as one JSON text (a string is copied whole,
 * and JSON.parse reads it back in about half the time the structured clone of the objects takes to
 * rebuild them on the receiving thread, which waits for it: bench/merge), the rest as it is.
 */
export interface PackedPartResult {
  result: PartResult;
  windowsJson: string;
}

export function packPartResult(r: PartResult): PackedPartResult {
  return { result: { ...r, merge: { ...r.merge, windows: [] } }, windowsJson: JSON.stringify(r.merge.windows) };
}

export function unpackPartResult(p: PackedPartResult): PartResult {
  return { ...p.result, merge: { ...p.result.merge, windows: JSON.parse(p.windowsJson) as K6WindowLine[] } };
}
