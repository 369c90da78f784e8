/**
 * The perf.k6-windows/v1 files of several runners of one run (given one by one, or as folders of
 * them), read and merged through `mergeRunners` into one K6Run every reader already understands,
 * with the record of each runner. A single file given as a file is NOT merged: callers keep their
 * single-file path (`isRunnerSet`).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { K6AbortLine, K6Run, K6SummaryLine, K6WindowLine, K6WindowsHeader, K6WindowsLine } from '../../core/artifacts/k6-windows.js';
import type { RunnerRecord } from '../../core/contract/artifacts.js';
import { UserError } from '../../core/errors.js';
import { k6RunOfLines } from '../../analyzers/parsers/k6-windows.js';
import { isMergedStream, LiveMerge, mergeRunners, runnerNameOf, type MergedRunners } from '../../analyzers/merge/runners.js';
import { openHead } from './file-lines.js';
import { K6_WINDOWS_SCHEMA, readK6WindowsLines, streamK6WindowsFile, type K6WindowsSink, type ReadK6WindowsOptions } from './k6-files.js';

export interface MergedRunnerFiles {
  run: K6Run;
  /** The merged perf.k6-windows/v1 stream (header, windows, aborts, summary when every runner finished). */
  lines: K6WindowsLine[];
  runners: RunnerRecord[];
  files: string[];
  /** How the inputs are named in messages and reports: "a.ndjson + b.ndjson", or the folder. */
  label: string;
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** True when the inputs are runners to merge: more than one path, or a folder. */
export function isRunnerSet(paths: readonly string[]): boolean {
  return paths.length > 1 || (paths.length === 1 && isDir(paths[0]!));
}

/** The runner files of the paths given, and what was left out of a folder, in words (for the warnings). */
export interface RunnerFileSet {
  files: string[];
  leftOut: string[];
}

/**
 * The perf.k6-windows/v1 files a folder holds (by their first line, not their name), sorted by name. A
 * stream perf merged from the folder's runner files (perf loadtest --parallel writes it beside them) is
 * left out when runner files are there: with them, it would count every request twice.
 */
async function windowsFilesIn(dir: string): Promise<RunnerFileSet> {
  const found: { path: string; merged: boolean }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (!statSync(p).isFile()) continue;
    const first = (await openHead(p)).split('\n', 1)[0] ?? '';
    if (!first.includes(`"${K6_WINDOWS_SCHEMA}"`)) continue;
    found.push({ path: p, merged: headerIsMerged(first) });
  }
  if (found.length === 0) {
    throw new UserError(`the folder holds no perf.k6-windows/v1 file`, { where: dir, fix: 'pass the folder the runners wrote their "k6 run --out perf=…" files to, or the files themselves' });
  }
  const runners = found.filter((f) => !f.merged);
  if (runners.length === 0 || runners.length === found.length) return { files: found.map((f) => f.path), leftOut: [] };
  const merged = found.filter((f) => f.merged).map((f) => f.path);
  return {
    files: runners.map((f) => f.path),
    leftOut: [`${merged.join(', ')}: left out, perf's merge of the ${runners.length} runner file(s) beside it (merged again with them, every request would count twice)`],
  };
}

/** Whether a file's first line is the header of a stream perf merged (isMergedStream); false when it does not parse. */
function headerIsMerged(line: string): boolean {
  try {
    const h: unknown = JSON.parse(line);
    return typeof h === 'object' && h !== null && isMergedStream(h as K6WindowsHeader);
  } catch {
    return false;
  }
}

/** Files and folders as given → the runner files, each once. */
export async function runnerFilesOf(paths: readonly string[]): Promise<RunnerFileSet> {
  const files: string[] = [];
  const leftOut: string[] = [];
  for (const p of paths) {
    if (!isDir(p)) {
      files.push(p);
      continue;
    }
    const inDir = await windowsFilesIn(p);
    files.push(...inDir.files);
    leftOut.push(...inDir.leftOut);
  }
  const seen = new Set<string>();
  for (const f of files) {
    const abs = resolve(f);
    if (seen.has(abs)) throw new UserError('the same runner file is given twice', { where: f, fix: 'pass each runner file once (a folder already includes its files)' });
    seen.add(abs);
  }
  return { files, leftOut };
}

/**
 * Reads and merges the runners' files. Mismatches (different run ids, segment sequences or window
 * sizes, overlapping segments, a file that is not perf.k6-windows/v1) are one UserError naming the files.
 * The files are read side by side and merged window by window as they are read (a runner window is
 * released once every runner has passed its merged window), so memory holds about a chunk of each file,
 * not the files; files whose windows are out of order take the read-then-merge path.
 */
export async function readRunnerFiles(paths: readonly string[], opts: ReadK6WindowsOptions = {}): Promise<MergedRunnerFiles> {
  const { files, leftOut } = await runnerFilesOf(paths);
  const label = runnerSetLabel(paths, files);
  const { merged, warnings } = (await mergeAsRead(files, label, opts)) ?? (await readThenMerge(files, opts));
  const run = k6RunOfLines(merged.lines, label, [...leftOut, ...warnings, ...merged.warnings], merged.windowTotals);
  return { run, lines: merged.lines, runners: merged.runners, files, label };
}

/** How the runner files of `paths` are named in messages and reports: the folder given, or the files. */
export function runnerSetLabel(paths: readonly string[], files: readonly string[]): string {
  return paths.length === 1 ? paths[0]! : files.join(' + ');
}

interface Merged {
  merged: MergedRunners;
  /** The files' own warnings, in file order. */
  warnings: string[];
}

async function readThenMerge(files: string[], opts: ReadK6WindowsOptions): Promise<Merged> {
  const read = [];
  for (const file of files) read.push(await readK6WindowsLines(file, opts));
  const merged = mergeRunners(read.map((r) => ({ runner: runnerNameOf(r.header, r.file), segment: null, lines: r.lines, source: r.file })));
  return { merged, warnings: read.flatMap((r) => r.warnings) };
}

/**
 * Bytes each runner file is read by at a time when the files are read side by side: a runner's windows
 * wait in the merge until every runner has passed them, so a smaller read keeps fewer of them held.
 */
const SIDE_BY_SIDE_CHUNK = 256 << 10;

/** A runner's windows are not in time order: only the sorting reader can merge them. */
class OutOfOrder extends Error {}

/**
 * The merge of mergeRunners, fed as the files are read: headers first (in file order, as mergeRunners
 * adds them), then windows as they arrive, then each runner's abort and summary lines in file order.
 * The merged windows are summed as they are merged (`label` names the inputs in messages), so the run's
 * totals need no second decode. Null when a file's windows are out of order.
 */
async function mergeAsRead(files: string[], label: string, opts: ReadK6WindowsOptions): Promise<Merged | null> {
  const n = files.length;
  const headers: (K6WindowsHeader | undefined)[] = new Array<K6WindowsHeader | undefined>(n);
  const names: string[] = new Array<string>(n);
  const early: K6WindowLine[][] = files.map(() => []);
  const tails: { aborts: K6AbortLine[]; summary: K6SummaryLine | null }[] = files.map(() => ({ aborts: [], summary: null }));
  const lastStart = files.map(() => Number.NEGATIVE_INFINITY);
  let merge: LiveMerge | null = null;
  let headersSeen = 0;
  let fed = 0;
  const feed = (m: LiveMerge, i: number, line: K6WindowsLine): void => {
    m.add(names[i]!, line, files[i]!);
    // Merge the windows every runner has passed, so their runner windows are released as we go.
    if (line.type === 'window' && ++fed % 64 === 0) m.closed();
  };
  const start = (): LiveMerge => {
    const hs = headers as K6WindowsHeader[];
    const aligned = hs.every((h) => h.alignedWindows === true);
    const m = new LiveMerge(aligned ? { windowTotals: label } : { originMs: Math.min(...hs.map((h) => h.startMs)), windowTotals: label });
    hs.forEach((h, i) => m.add(names[i]!, h, files[i]!));
    early.forEach((ws, i) => ws.forEach((w) => feed(m, i, w)));
    early.length = 0;
    return m;
  };
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const sinkOf = (i: number): K6WindowsSink => ({
    header: (h) => {
      headers[i] = h;
      names[i] = runnerNameOf(h, files[i]!);
      if (++headersSeen === n) merge = start();
    },
    window: (w) => {
      if (w.startMs < lastStart[i]!) throw new OutOfOrder();
      lastStart[i] = w.startMs;
      if (merge) feed(merge, i, w);
      else early[i]!.push(w);
    },
    abort: (a) => tails[i]!.aborts.push(a),
    summary: (s) => (tails[i]!.summary = s),
  });
  let results: { warnings: string[] }[];
  try {
    results = await Promise.all(
      files.map((file, i) =>
        streamK6WindowsFile(file, { ...opts, signal, chunkBytes: SIDE_BY_SIDE_CHUNK }, sinkOf(i)).catch((err: unknown) => {
          stop.abort();
          throw err;
        }),
      ),
    );
  } catch (err) {
    if (err instanceof OutOfOrder) return null;
    throw err;
  }
  const m = merge as LiveMerge | null;
  if (!m) throw new Error('every runner file has a header, yet the merge did not start');
  tails.forEach((t, i) => {
    for (const a of t.aborts) m.add(names[i]!, a, files[i]!);
    if (t.summary) m.add(names[i]!, t.summary, files[i]!);
  });
  return { merged: m.finish(), warnings: results.flatMap((r) => r.warnings) };
}
