/**
 * One part of a split runner merge over files: each file's byte range read by a FileRangeLines, merged
 * by mergePart. Runs on a worker thread (runner-merge-worker.ts), or on the main thread a step at a time
 * (one part there, and every part where no compiled worker exists: the sources under a TypeScript loader).
 */
import { mergePart, PartMerge, type PartResult } from '../../analyzers/merge/part.js';
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
