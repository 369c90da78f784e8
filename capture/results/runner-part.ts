/**
 * One part of a split runner merge over files: each file's byte range read by a FileRangeLines, merged
 * by mergePart. Runs on a worker thread (runner-merge-worker.ts) or, where no compiled worker exists
 * (the sources under a TypeScript loader), in-process.
 */
import { mergePart, type PartResult } from '../../analyzers/merge/part.js';
import type { MergePartRange } from '../../analyzers/merge/runners.js';
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
