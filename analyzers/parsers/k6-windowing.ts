import type { K6Run, K6WindowLine, SeriesTags } from '../../core/artifacts/k6-windows.js';
import { UserError } from '../../core/errors.js';
import { emptyTotals, WindowAccumulator, type MetricType } from './k6-accumulator.js';

/**
 * Buckets samples into fixed windows from `startMs` with the contract's rule (core/artifacts/k6-windows.ts),
 * the same as the Go output's Aggregator (xk6/aggregate.go; test/fixtures/k6/merge-vectors.json): a
 * sample counts in the window its timestamp falls in while that window is open; once a window is
 * closed, a sample for it counts in the oldest open window and in `late`. Closed windows are final.
 */
export class WindowedRun {
  readonly closed: K6WindowLine[] = [];
  readonly totals = new WindowAccumulator();
  /** Samples whose window had already closed. */
  late = 0;
  /** Index of the oldest window not closed yet. */
  private next = 0;
  private readonly open = new Map<number, WindowAccumulator>();

  constructor(
    readonly startMs: number,
    readonly windowMs: number,
  ) {}

  indexOf(atMs: number): number {
    return atMs > this.startMs ? Math.floor((atMs - this.startMs) / this.windowMs) : 0;
  }

  add(type: MetricType, key: string | number, metric: string, tags: SeriesTags, value: number, atMs: number): void {
    let index = this.indexOf(atMs);
    if (index < this.next) {
      index = this.next;
      this.late++;
    }
    let acc = this.open.get(index);
    if (!acc) this.open.set(index, (acc = new WindowAccumulator()));
    acc.add(type, key, metric, tags, value, atMs);
  }

  /** Closes, in order, every window that ended at or before `atMs` (empty ones too: windows are contiguous). */
  closeUntil(atMs: number): void {
    while (this.windowStart(this.next + 1) <= atMs) this.closeNext(this.windowStart(this.next + 1));
  }

  /** Closes every remaining window at the end of the run; the last one ends at `stopMs` unless it is complete. */
  closeAll(stopMs: number): void {
    this.closeUntil(stopMs);
    let last = -1;
    for (const index of this.open.keys()) if (index > last) last = index;
    if (stopMs > this.windowStart(this.next) && this.next > last) last = this.next;
    while (this.next <= last) {
      let end = this.windowStart(this.next + 1);
      if (stopMs < end && this.next === last) end = stopMs;
      this.closeNext(end);
    }
  }

  private windowStart(index: number): number {
    return this.startMs + index * this.windowMs;
  }

  private closeNext(endMs: number): void {
    const index = this.next;
    const acc = this.open.get(index) ?? new WindowAccumulator();
    this.open.delete(index);
    this.totals.absorb(acc);
    this.closed.push(acc.toWindow(index, this.windowStart(index), endMs));
    this.next++;
  }
}

/**
 * Windows still accepting points behind the newest one (k6 flushes points slightly out of order); a point
 * older than that is late: it counts in the oldest open window (the contract's rule, as in the Go output).
 */
const OPEN_WINDOWS_GRACE = 2;
/** Guard against absurd spans (broken timestamps): more windows than a 100-day run at 1 min. */
const MAX_WINDOWS = 150_000;

/** What a stream of points came to: its span, its windows and its totals. */
export interface StreamWindowsResult {
  startMs: number;
  endMs: number;
  windows: K6WindowLine[];
  totals: K6Run['totals'];
}

/**
 * The windows of a stream of points in (nearly) time order, such as a k6 `--out json` file: the first
 * point starts the first window, windows more than OPEN_WINDOWS_GRACE behind the newest point are
 * closed as the stream goes, and the last window ends at the last point.
 */
export class StreamWindows {
  private run: WindowedRun | null = null;
  private startMs = Number.NaN;
  private minMs = Number.POSITIVE_INFINITY;
  private maxMs = Number.NEGATIVE_INFINITY;
  private maxIndex = -1;

  /** `file` names the input in the error for a span of broken timestamps. */
  constructor(
    private readonly file: string,
    readonly windowMs: number,
  ) {
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
      throw new UserError(`window width must be a positive duration, got ${windowMs} ms`, { fix: 'pass a window such as 10s' });
    }
  }

  add(type: MetricType, key: string | number, metric: string, tags: SeriesTags, value: number, atMs: number): void {
    this.windowsFor(atMs).add(type, key, metric, tags, value, atMs);
  }

  /** Closes the remaining windows: the run as windows and totals ({0, 0, no windows} without a point). */
  finish(): StreamWindowsResult {
    const run = this.run;
    if (!run) return { startMs: 0, endMs: 0, windows: [], totals: emptyTotals() };
    run.closeAll(this.maxMs);
    const windows = run.closed;
    // The last window ends at the last point (a run rarely fills its final window).
    const last = windows[windows.length - 1];
    if (last && last.endMs <= last.startMs) last.endMs = last.startMs + 1;
    return { startMs: Math.min(this.minMs, this.startMs), endMs: this.maxMs, windows, totals: windows.length > 0 ? run.totals.toTotals() : emptyTotals() };
  }

  /** The warning for points that came after their window had closed, or null. */
  lateWarning(): string | null {
    const late = this.run?.late ?? 0;
    return late > 0 ? `${this.file}: ${late} point(s) arrived after their window had closed (more than ${OPEN_WINDOWS_GRACE} windows out of order); counted in the oldest open window` : null;
  }

  private windowsFor(t: number): WindowedRun {
    if (!this.run) {
      this.startMs = t;
      this.run = new WindowedRun(t, this.windowMs);
    }
    const run = this.run;
    const index = run.indexOf(t);
    if (index > MAX_WINDOWS) {
      throw new UserError(
        `points span more than ${MAX_WINDOWS} windows of ${this.windowMs} ms (from ${new Date(this.startMs).toISOString()} to ${new Date(t).toISOString()}): the timestamps look broken, or the window is too small`,
        { where: this.file, fix: 'check the file, or pass a larger window (--window 1m)' },
      );
    }
    if (t < this.minMs) this.minMs = t;
    if (t > this.maxMs) this.maxMs = t;
    if (index > this.maxIndex) {
      this.maxIndex = index;
      run.closeUntil(this.startMs + (index - OPEN_WINDOWS_GRACE) * this.windowMs);
    }
    return run;
  }
}
