/**
 * The runner files of one scale-out run read and merged over the machine's cores: the same result as
 * runner-files-serial.ts readRunnerFiles (the serial merge, the reference), in a fraction of the time on a big
 * run. The files are cut in time (runner-split.ts), each part merged on a worker thread
 * (runner-merge-worker.ts), and the parts joined in order (LiveMerge.absorb): merging is per merged
 * window, so a part merges exactly what the whole merge would there, in the same order. Whenever the
 * parts cannot vouch for the input (a corrupt or truncated line, windows out of order, any reader
 * warning, an input error) the serial merge runs instead and reports it exactly.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PartResult } from '../../analyzers/merge/part.js';
import { readRunnerFiles as readRunnerFilesSerially, runnerFilesOf, runnerSetLabel, type MergedRunnerFiles } from './runner-files-serial.js';
import { LiveMerge, MergePartMismatch, runnerNameOf } from '../../analyzers/merge/runners.js';
import { encodeSeriesSet, SeriesSetSum, type TrendHistogramState } from '../../analyzers/parsers/k6-aggregate.js';
import { k6RunOfLines, type ReadK6WindowsOptions } from '../../analyzers/parsers/k6-windows.js';
import type { K6WindowsLine } from '../../core/artifacts/k6-windows.js';
import { UserError } from '../../core/errors.js';
import { runPartJobStepwise, unpackPartResult, type PackedPartResult, type PartJob } from './runner-part.js';
import { planSplit, type SplitPlan } from './runner-split.js';

export { isRunnerSet, runnerFilesOf, type MergedRunnerFiles } from './runner-files-serial.js';

export interface ReadRunnerFilesOptions extends ReadK6WindowsOptions {
  /** Parts to merge side by side (default: the cores, up to 4); 1 merges serially. */
  parts?: number;
  /** Inputs smaller than this merge serially: threads cost more than they save (default 16 MB). */
  minBytes?: number;
}

const DEFAULT_MIN_BYTES = 16 << 20;
const MAIN_PART_WEIGHT = 1.1;
/**
 * A part's objects die young (a runner window is merged and let go within about a window of the others):
 * a small young generation holds them as well and keeps the thread's memory down (bench/merge: peak RSS
 * ~215 → ~190 MB, same time).
 */
const WORKER_YOUNG_MB = 8;
const WORKER = new URL('./runner-merge-worker.js', import.meta.url);

/** The merge, and how many parts it ran in (1: serially). */
export type SplitMergedRunnerFiles = MergedRunnerFiles & { parts: number };

/** readRunnerFiles of runner-files-serial.ts, over the cores (see above). */
export async function readRunnerFiles(paths: readonly string[], opts: ReadRunnerFilesOptions = {}): Promise<SplitMergedRunnerFiles> {
  const { parts: wanted, minBytes, ...readOpts } = opts;
  const { files, leftOut } = await runnerFilesOf(paths);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const parts = wanted ?? (bytes >= (minBytes ?? DEFAULT_MIN_BYTES) ? Math.min(4, availableParallelism()) : 1);
  if (parts > 1 && !readOpts.signal?.aborted) {
    const merged = await mergeInParts(files, runnerSetLabel(paths, files), parts, readOpts, leftOut).catch((err: unknown) => {
      if (err instanceof MergePartMismatch || err instanceof UserError || readOpts.signal?.aborted) return null;
      throw err;
    });
    if (merged) return merged;
  }
  return { ...(await readRunnerFilesSerially(paths, readOpts)), parts: 1 };
}

async function mergeInParts(files: string[], label: string, parts: number, opts: ReadK6WindowsOptions, leftOut: string[]): Promise<SplitMergedRunnerFiles | null> {
  // The main thread's part (the last) is a little bigger: the threads of the others start, and hand
  // their windows over, while it merges.
  const plan = planSplit(files, parts, Array.from({ length: parts }, (_, k) => (k === parts - 1 ? MAIN_PART_WEIGHT : 1)));
  if (!plan) return null;
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  // The last part merges here, between the events of the others (their results arriving): a thread less.
  const threads = existsSync(fileURLToPath(WORKER));
  const last = plan.parts.length - 1;
  const running = plan.parts.map((p, k) => {
    const job: PartJob = { files, headerLines: plan.headerLines, bytes: p.bytes, range: p.range, lenient: opts.lenient ?? false };
    const part = threads && k < last ? runPartOnThread(job, signal) : runPartJobStepwise(job, signal);
    // One part failing stops the others: the serial merge takes over.
    part.catch(() => stop.abort());
    return part;
  });
  try {
    return joinParts(files, label, plan, await Promise.all(running), leftOut);
  } finally {
    stop.abort();
    await Promise.allSettled(running);
  }
}

/** The parts joined in order into the merge of the whole, as the serial merge ends it (aborts, then the summary, file by file). */
function joinParts(files: string[], label: string, plan: SplitPlan, results: PartResult[], leftOut: string[]): SplitMergedRunnerFiles | null {
  const { headers } = plan;
  const names = headers.map((h, i) => runnerNameOf(h, files[i]!));
  const aligned = headers.every((h) => h.alignedWindows === true);
  const m = new LiveMerge(aligned ? {} : { originMs: Math.min(...headers.map((h) => h.startMs)) });
  headers.forEach((h, i) => m.add(names[i]!, h, files[i]!));
  for (const r of results) {
    // A part without windows cannot say where the merge starts or ends: the serial merge can.
    if (r.merge.runners.every((x) => x.windows === 0)) return null;
    m.absorb(r.merge);
  }
  files.forEach((file, i) => {
    for (const r of results) for (const a of r.tails[i]!.aborts) m.add(names[i]!, a, file);
    const summary = results.map((r) => r.tails[i]!.summary).filter((s) => s !== null).at(-1);
    if (summary) m.add(names[i]!, summary, file);
  });
  const merged = m.finish();
  const run = k6RunOfLines(merged.lines, label, [...leftOut, ...merged.warnings], windowTotalsOf(merged.lines, label, results));
  return { run, lines: merged.lines, runners: merged.runners, files, label, parts: results.length };
}

/**
 * The run's totals when it has no summary line, as the serial merge sums them: the merged windows'
 * figures added in window order, their histograms joined from the parts' sums (no decode).
 */
function windowTotalsOf(lines: readonly K6WindowsLine[], label: string, results: PartResult[]): ReturnType<typeof encodeSeriesSet> | undefined {
  if (lines.some((l) => l.type === 'summary')) return undefined;
  const states = results.map((r) => r.merge.totals);
  if (states.some((s) => s === null)) return undefined;
  const sum = new SeriesSetSum(label);
  for (const l of lines) if (l.type === 'window') sum.addFigures(l);
  sum.joinHistograms(states as TrendHistogramState[][]);
  return encodeSeriesSet(sum.open());
}

/** Runs a part on a worker thread (runner-merge-worker.ts). */
function runPartOnThread(job: PartJob, signal: AbortSignal): Promise<PartResult> {
  return new Promise<PartResult>((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    const stop = (): void => void worker.terminate();
    signal.addEventListener('abort', stop, { once: true });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', stop);
      fn();
    };
    worker.once('message', (msg: { ok: true; packed: PackedPartResult } | { ok: false; mismatch: boolean; message: string }) =>
      settle(() => (msg.ok ? resolve(unpackPartResult(msg.packed)) : reject(msg.mismatch ? new MergePartMismatch(msg.message) : new Error(`a merge part failed: ${msg.message}`)))),
    );
    // A thread that dies (out of memory, killed) leaves its part to the serial merge; an error of the part's
    // own code (a bug) is passed on.
    worker.once('error', (err) => settle(() => reject(new MergePartMismatch(`a merge part's thread failed: ${err.message}`))));
    worker.once('exit', (code) => settle(() => reject(new MergePartMismatch(signal.aborted ? 'stopped' : `a merge part's thread exited (${code}) without its part`))));
  });
}
