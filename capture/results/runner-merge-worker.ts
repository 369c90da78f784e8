/**
 * The worker thread of one part of a split runner merge (runner-files.ts starts it): runs the job in
 * its workerData and posts back the part (packPartResult), or why it failed — `mismatch` (the parts cannot vouch for the
 * input: the caller merges the whole serially) or `error` (a bug, passed on).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MergePartMismatch } from '../../analyzers/merge/runners.js';
import { UserError } from '../../core/errors.js';
import { packPartResult, runPartJob, type PartJob } from './runner-part.js';

try {
  parentPort!.postMessage({ ok: true, packed: packPartResult(runPartJob(workerData as PartJob)) });
} catch (err) {
  const mismatch = err instanceof MergePartMismatch || err instanceof UserError;
  parentPort!.postMessage({ ok: false, mismatch, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
