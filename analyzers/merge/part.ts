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

/** A part's whole merge at once (on its own thread). */
export function mergePart(input: PartInput): PartResult {
  const part = new PartMerge(input);
  part.step(Number.POSITIVE_INFINITY);
  return part.result();
}

/**
 * A part's merge, a step at a time: `step(n)` feeds up to n more runner windows, so a thread with other
 * work (the main one, answering signals and the other parts) can run a part between its events.
 */
export class PartMerge {
  private readonly files: string[];
  private readonly lines: PartLines[];
  private readonly headers: K6WindowsHeader[];
  private readonly names: string[];
  private readonly pending: (K6WindowLine | null)[];
  private readonly tails: PartTail[];
  private readonly checkers: K6WindowsLineChecker[];
  private readonly merge: LiveMerge;
  /** Line numbers count from the range's start: a part's messages never reach the user (see above). */
  private readonly lineNo: number[];
  private readonly lastStart: number[];
  private fed = 0;
  private done = false;

  constructor(input: PartInput) {
    const files = (this.files = input.files);
    this.lines = input.lines;
    const n = files.length;
    const headers = (this.headers = new Array<K6WindowsHeader>(n));
    const pending = (this.pending = new Array<K6WindowLine | null>(n).fill(null));
    const tails = (this.tails = files.map((): PartTail => ({ aborts: [], summary: null })));
    this.checkers = files.map(
      (file, i) =>
        new K6WindowsLineChecker(file, input.lenient, {
          header: (h) => (headers[i] = h),
          window: (w) => (pending[i] = w),
          abort: (a) => tails[i]!.aborts.push(a),
          summary: (s) => (tails[i]!.summary = s),
        }),
    );
    input.headers.forEach((text, i) => this.checkers[i]!.line(text, 1));
    this.names = headers.map((h, i) => runnerNameOf(h, files[i]!));
    const aligned = headers.every((h) => h.alignedWindows === true);
    // The run's totals are the merged windows' sum: each part sums its own (histograms; figures are added
    // again in window order when the parts are joined).
    const opts = { part: input.part, windowTotals: '' };
    this.merge = new LiveMerge(aligned ? opts : { ...opts, originMs: Math.min(...headers.map((h) => h.startMs)) });
    headers.forEach((h, i) => this.merge.add(this.names[i]!, h, files[i]!));
    this.lineNo = files.map(() => 1);
    this.lastStart = files.map(() => Number.NEGATIVE_INFINITY);
    for (let i = 0; i < n; i++) this.pull(i);
  }

  /** Reads file i's lines up to its next window (pending[i]), or to the range's end (null). */
  private pull(i: number): void {
    const { pending } = this;
    pending[i] = null;
    const source = this.lines[i]!;
    const checker = this.checkers[i]!;
    while (pending[i] === null) {
      const text = source.next();
      if (text === null) return;
      checker.line(text, ++this.lineNo[i]!);
    }
  }

  /** Feeds up to `windows` runner windows, oldest first across the files; true when the part is done. */
  step(windows: number): boolean {
    const { pending, files, lastStart } = this;
    const n = files.length;
    for (let k = 0; k < windows && !this.done; k++) {
      let next = -1;
      for (let i = 0; i < n; i++) {
        const w = pending[i];
        if (w && (next < 0 || w.startMs < pending[next]!.startMs)) next = i;
      }
      if (next < 0) {
        this.done = true;
        break;
      }
      const w = pending[next]!;
      if (w.startMs < lastStart[next]!) throw new MergePartMismatch(`the windows of ${files[next]} are out of order`);
      lastStart[next] = w.startMs;
      this.merge.add(this.names[next]!, w, files[next]!);
      if (++this.fed % RELEASE_EVERY === 0) this.merge.closed();
      this.pull(next);
    }
    return this.done;
  }

  result(): PartResult {
    if (!this.done) throw new Error('PartMerge.result before the part is done');
    for (const checker of this.checkers) {
      if (checker.finish().warnings.length > 0) throw new MergePartMismatch('a reader warning');
    }
    return { merge: this.merge.partial(), tails: this.tails };
  }
}
