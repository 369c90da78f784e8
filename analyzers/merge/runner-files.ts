/**
 * The perf.k6-windows/v1 files of several runners of one run (given one by one, or as folders of
 * them), read and merged through `mergeRunners` into one K6Run every reader already understands,
 * with the record of each runner. A single file given as a file is NOT merged: callers keep their
 * single-file path (`isRunnerSet`).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { K6Run, K6WindowsLine } from '../../core/artifacts/k6-windows.js';
import type { RunnerRecord } from '../../core/contract/artifacts.js';
import { UserError } from '../../core/errors.js';
import { K6_WINDOWS_SCHEMA, k6RunOfLines, readK6WindowsLines } from '../parsers/k6-windows.js';
import { openHead } from '../parsers/sniff.js';
import { mergeRunners } from './runners.js';

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

/** The perf.k6-windows/v1 files a folder holds (by their first line, not their name), sorted by name. */
async function windowsFilesIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (!statSync(p).isFile()) continue;
    const head = await openHead(p, 4096);
    if ((head.split('\n', 1)[0] ?? '').includes(`"${K6_WINDOWS_SCHEMA}"`)) out.push(p);
  }
  if (out.length === 0) {
    throw new UserError(`the folder holds no perf.k6-windows/v1 file`, { where: dir, fix: 'pass the folder the runners wrote their "k6 run --out perf=…" files to, or the files themselves' });
  }
  return out;
}

/** Files and folders as given → the runner files, each once. */
export async function runnerFilesOf(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) files.push(...(isDir(p) ? await windowsFilesIn(p) : [p]));
  const seen = new Set<string>();
  for (const f of files) {
    const abs = resolve(f);
    if (seen.has(abs)) throw new UserError('the same runner file is given twice', { where: f, fix: 'pass each runner file once (a folder already includes its files)' });
    seen.add(abs);
  }
  return files;
}

/**
 * Reads and merges the runners' files. Mismatches (different run ids, segment sequences or window
 * sizes, overlapping segments, a file that is not perf.k6-windows/v1) are one UserError naming the files.
 */
export async function readRunnerFiles(paths: readonly string[], opts: { lenient?: boolean; signal?: AbortSignal } = {}): Promise<MergedRunnerFiles> {
  const files = await runnerFilesOf(paths);
  const read = [];
  for (const file of files) read.push(await readK6WindowsLines(file, opts));
  const merged = mergeRunners(read.map((r) => ({ runner: r.header.runner ?? basename(r.file), segment: null, lines: r.lines, source: r.file })));
  const label = paths.length === 1 ? paths[0]! : files.join(' + ');
  const run = k6RunOfLines(merged.lines, label, [...read.flatMap((r) => r.warnings), ...merged.warnings]);
  return { run, lines: merged.lines, runners: merged.runners, files, label };
}
