/**
 * One part of the merge of runner files split in time, PURE (whoever reads the files hands it their
 * lines): the runner windows of merged windows [from, to) of every file, merged by a LiveMerge with the
 * `part` option. Parts of one merge run side by side (threads); `LiveMerge.absorb` joins them in order
 * into the merge of the whole, identical to merging the files at once (capture/results/runner-files.ts).
 *
 * The files' windows are fed oldest first across the files, so a runner window is merged and let go
 * within about one window of the others: a part holds a few windows, not a chunk of each file.
 * Anything a part cannot vouch for (a corrupt or truncated line, windows out of order, a reader warning)
 * is a MergePartMismatch or the reader's UserError: the caller then merges the whole serially, which
 * reports it exactly (file:line, in reading order).
 */
import type { K6AbortLine, K6SummaryLine, K6WindowLine, K6WindowsHeader } from '../../core/artifacts/k6-windows.js';
import { K6WindowsLineChecker } from '../parsers/k6-windows.js';
import { LiveMerge, MergePartMismatch, runnerNameOf, type MergePart, type MergePartRange } from './runners.js';

/** The lines of one runner file's range, in file order: the next line's text (no newline), or null at the range's end. */
export interface PartLines {
  next(): string | null;
}

export interface PartInput {
  files: string[];
  /** Each file's first line: its header. */
  headers: string[];
  /** Each file's lines in the part, after the header line. */
  lines: PartLines[];
  part: MergePartRange;
  lenient: boolean;
}

/** What a part found besides its windows: each file's abort lines and its last summary line, in file order. */
export interface PartTail {
  aborts: K6AbortLine[];
  summary: K6SummaryLine | null;
}

export interface PartResult {
  merge: MergePart;
  tails: PartTail[];
}

/** How many windows are fed between two releases of the merged windows every runner has passed. */
const RELEASE_EVERY = 32;

export function mergePart(input: PartInput): PartResult {
  const { files, lines } = input;
  const n = files.length;
  const headers: K6WindowsHeader[] = new Array<K6WindowsHeader>(n);
  const pending: (K6WindowLine | null)[] = new Array<K6WindowLine | null>(n).fill(null);
  const tails: PartTail[] = files.map(() => ({ aborts: [], summary: null }));
  const checkers = files.map(
    (file, i) =>
      new K6WindowsLineChecker(file, input.lenient, {
        header: (h) => (headers[i] = h),
        window: (w) => (pending[i] = w),
        abort: (a) => tails[i]!.aborts.push(a),
        summary: (s) => (tails[i]!.summary = s),
      }),
  );
  input.headers.forEach((text, i) => checkers[i]!.line(text, 1));
  const names = headers.map((h, i) => runnerNameOf(h, files[i]!));
  const aligned = headers.every((h) => h.alignedWindows === true);
  // The run's totals are the merged windows' sum: each part sums its own (histograms; figures are added
  // again in window order when the parts are joined).
  const opts = { part: input.part, windowTotals: '' };
  const merge = new LiveMerge(aligned ? opts : { ...opts, originMs: Math.min(...headers.map((h) => h.startMs)) });
  headers.forEach((h, i) => merge.add(names[i]!, h, files[i]!));

  // Line numbers count from the range's start: a part's messages never reach the user (see above).
  const lineNo = files.map(() => 1);
  /** Reads file i's lines up to its next window (pending[i]), or to the range's end (null). */
  const pull = (i: number): void => {
    pending[i] = null;
    const source = lines[i]!;
    const checker = checkers[i]!;
    while (pending[i] === null) {
      const text = source.next();
      if (text === null) return;
      checker.line(text, ++lineNo[i]!);
    }
  };
  for (let i = 0; i < n; i++) pull(i);
  const lastStart = files.map(() => Number.NEGATIVE_INFINITY);
  let fed = 0;
  for (;;) {
    let next = -1;
    for (let i = 0; i < n; i++) {
      const w = pending[i];
      if (w && (next < 0 || w.startMs < pending[next]!.startMs)) next = i;
    }
    if (next < 0) break;
    const w = pending[next]!;
    if (w.startMs < lastStart[next]!) throw new MergePartMismatch(`the windows of ${files[next]} are out of order`);
    lastStart[next] = w.startMs;
    merge.add(names[next]!, w, files[next]!);
    if (++fed % RELEASE_EVERY === 0) merge.closed();
    pull(next);
  }
  for (const checker of checkers) {
    if (checker.finish().warnings.length > 0) throw new MergePartMismatch('a reader warning');
  }
  return { merge: merge.partial(), tails };
}
