import { basename } from 'node:path';
import type {
  GaugeSeries,
  K6AbortLine,
  K6SummaryLine,
  K6WindowLine,
  K6WindowsHeader,
  K6WindowsLine,
} from '../../core/artifacts/k6-windows.js';
import type { RunnerRecord } from '../../core/contract/artifacts.js';
import { UserError } from '../../core/errors.js';
import { encodeSeriesSet, mergeSeriesSets, SeriesSetSum, SeriesTable, type TrendHistogramState } from '../parsers/k6-aggregate.js';
import { parseSegment, segmentsOverlap, WHOLE_TEST, type SegmentRange } from './segments.js';

/**
 * The merge home of scale-out runs: the perf.k6-windows/v1 streams of several k6 runners of ONE test
 * (execution segments of one sequence, same run id, same window size) become ONE ordinary
 * perf.k6-windows/v1 stream every reader already understands. Within a window, the runners' series
 * merge as the contract says (core/artifacts/k6-windows.ts: Trends add histograms, counters and rates
 * sum), except gauges: runners run side by side, so their values add up (2 runners × 10 VUs = 20 VUs;
 * the max is the sum of the runners' maxima, an upper bound), while across time a gauge keeps its latest
 * value and its max as usual.
 *
 * Windows line up exactly when every runner wrote `alignedWindows` (boundaries at multiples of windowMs
 * since the epoch). Older, unaligned files are re-binned: each runner window goes to the merged window
 * its midpoint falls in, on a grid from the earliest runner's start, so alignment is only within ±window/2
 * (a warning says so).
 *
 * One code path for both uses: `LiveMerge` (runners' lines arrive interleaved, merged windows are handed
 * out once every live runner has closed them) and `mergeRunners` (files after the fact) feeding it.
 */

export interface RunnerInput {
  /** The runner's name (header `runner`, else e.g. the file name). */
  runner: string;
  /** Its k6 execution segment ("0:1/2"), null when unsegmented or not recorded (see the header). */
  segment: string | null;
  lines: K6WindowsLine[];
  /** Where the lines came from (a file), for messages. */
  source?: string;
}

/** One runner as the merge recorded it: its declaration is the contract's (perf.loadtest/v1 `runners`). */
export type { RunnerRecord };

/**
 * The merged window a runner window of these files goes to, as LiveMerge puts it when the files are
 * merged (every header known first): the epoch grid when all are aligned, else the grid from the earliest
 * start, by the window's midpoint.
 */
export function bucketOfWindow(headers: readonly K6WindowsHeader[], startMs: number, endMs: number): number {
  const aligned = headers.every((h) => h.alignedWindows === true);
  const origin = aligned ? 0 : Math.min(...headers.map((h) => h.startMs));
  return Math.floor(((startMs + endMs) / 2 - origin) / headers[0]!.windowMs);
}

/**
 * A stream perf merged from runners' streams (LiveMerge's header): a segment sequence, but no runner and
 * no segment of its own. The perf output writes its runner and segment with every segment sequence, so
 * no runner's file reads this way. Merging such a stream with its runners would count them twice.
 */
export const isMergedStream = (h: K6WindowsHeader): boolean => h.segmentSequence !== undefined && h.segment === undefined && h.runner === undefined;

/** A runner file's runner: its header's `runner`, else the file's name. */
export const runnerNameOf = (h: K6WindowsHeader, file: string): string => h.runner ?? basename(file);

/** The record of a runner that sent nothing (never pushed, or its k6 wrote no results): short by definition. */
export function silentRunner(runner: string, segment: string | null, shortReason: string): RunnerRecord {
  return { runner, segment, requests: 0, windows: 0, complete: false, aborted: null, lastEndMs: 0, short: true, shortReason };
}

/** A runner process's end as the OS reports it: its exit code, or the signal that killed it. */
export interface RunnerExit {
  code: number | null;
  signal: string | null;
}

/** `exit 0`, `killed by SIGKILL`: a process's end in words; `n/a` when not recorded. */
export function describeExit(exit: RunnerExit | undefined): string {
  if (!exit) return 'exit n/a';
  return exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code ?? 'unknown'}`;
}

/**
 * Runners grouped by `key`, in runner order, a group's runners named once: 16 runners that stopped the
 * same way read as one group ("r0, r1, r2, r3, r4 … r15"), not 16 repeats of the same words.
 */
function groupBy(runners: readonly RunnerRecord[], key: (r: RunnerRecord) => string): { runners: RunnerRecord[]; key: string }[] {
  const groups = new Map<string, RunnerRecord[]>();
  for (const r of runners) {
    const k = key(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups].map(([k, rs]) => ({ runners: rs, key: k }));
}

/** Names of a group's runners: all up to 6, else the first five and the last. */
function namesOf(runners: readonly RunnerRecord[]): string {
  const names = runners.map((r) => r.runner);
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 5).join(', ')} … ${names.at(-1)!}`;
}

/** The runners that fell short, in one sentence for a verdict; null when every runner ran its whole share. */
export function shortLoad(runners: readonly RunnerRecord[]): string | null {
  const short = runners.filter((r) => r.short);
  if (short.length === 0) return null;
  const how = (r: RunnerRecord): string => `${r.exitStatus ? `, ${describeExit(r.exitStatus)}` : ''}: ${r.shortReason ?? 'short'}`;
  const parts = groupBy(short, how).map(({ runners: rs, key }) =>
    rs.length === 1 ? `runner ${rs[0]!.runner}${rs[0]!.segment ? ` (segment ${rs[0]!.segment})` : ''}${key}` : `${rs.length} runners (${namesOf(rs)})${key}`,
  );
  return `${short.length} of ${runners.length} runners fell short (${parts.join('; ')})`;
}

export interface MergedRunners {
  /** One perf.k6-windows/v1 stream: header, windows, abort lines, and a summary when every runner finished. */
  lines: K6WindowsLine[];
  runners: RunnerRecord[];
  warnings: string[];
  /** With the `windowTotals` option: mergeSeriesSets of the merged windows, summed as they were merged. */
  windowTotals?: SeriesSet;
}

export interface LiveMergeOptions {
  /** Hold merged windows back until this many runners have sent their header (default: no wait). */
  expectedRunners?: number;
  /** Origin of the grid for unaligned runners (default: the first header's start). */
  originMs?: number;
  /**
   * Sum the merged windows' series as they are merged (the run's totals when no summary line), without
   * decoding the merged histograms again; the value names the inputs in messages, as mergeSeriesSets' `file`.
   */
  windowTotals?: string;
  /**
   * This merge is one part of a larger one over the same runners' files, split in time: it takes the
   * runner windows of merged windows [from, to) of the grid (-Infinity: from the first; Infinity: through
   * the last) and emits exactly the merged windows the whole merge would there, for `absorb` to join in
   * order. A runner window outside the part is a MergePartMismatch.
   */
  part?: MergePartRange;
}

export interface MergePartRange {
  from: number;
  to: number;
}

/** A part of a merge (LiveMergeOptions.part) as `partial()` hands it over: plain data, for another thread. */
export interface MergePart {
  windows: K6WindowLine[];
  /** What each runner (in header order) sent in the part. */
  runners: { windows: number; requests: number; firstStartMs: number; lastEndMs: number }[];
  /** Runner windows that arrived after their merged window was closed. */
  late: number;
  /** With the `windowTotals` option: the merged windows' trend histograms summed (null: one on the library path). */
  totals: TrendHistogramState[] | null;
}

/**
 * The parts of a split merge do not join up as the whole merge would (a runner window outside its part,
 * windows out of order across parts, late windows): the caller merges the whole instead.
 */
export class MergePartMismatch extends Error {}

type SeriesSet = Pick<K6WindowLine, 'trends' | 'counters' | 'rates' | 'gauges'>;

interface RunnerState {
  runner: string;
  segment: string | null;
  range: SegmentRange | null;
  header: K6WindowsHeader;
  source: string;
  windows: number;
  requests: number;
  lastEndMs: number;
  firstStartMs: number;
  summary: K6SummaryLine | null;
  aborted: { reason: string; atMs: number } | null;
  /** Dead: finished (summary) or given up on by the caller. */
  dead: boolean;
  deadReason: string | null;
}

interface Bucket {
  /** Runner windows in the bucket, by runner. */
  parts: Map<string, K6WindowLine[]>;
  minStart: number;
  maxEnd: number;
}

const requestsOf = (set: SeriesSet): number => set.counters.reduce((n, c) => (c.metric === 'http_reqs' ? n + c.value : n), 0);

function mismatch(what: string, where: string, fix: string): UserError {
  return new UserError(what, { where, fix });
}

/** Merges live: runners' lines arrive in any interleaving (each runner's own lines in its file order). */
export class LiveMerge {
  private readonly state = new Map<string, RunnerState>();
  private first: K6WindowsHeader | null = null;
  private originMs: number | null;
  private aligned = true;
  private readonly buckets = new Map<number, Bucket>();
  /** Index of the oldest merged window not handed out yet; null before the first. */
  private next: number | null = null;
  private readonly emitted: K6WindowLine[] = [];
  private taken = 0;
  private readonly aborts: K6AbortLine[] = [];
  private late = new Map<string, number>();
  private readonly notes = new Set<string>();
  private finished = false;
  private readonly totals: SeriesSetSum | null;
  /** Where a merged stream (isMergedStream) came from, when one was added. */
  private mergedSource: string | null = null;

  constructor(private readonly opts: LiveMergeOptions = {}) {
    this.originMs = opts.originMs ?? null;
    this.totals = opts.windowTotals !== undefined ? new SeriesSetSum(opts.windowTotals) : null;
  }

  /** Adds one line of `runner`'s stream; the header must come first. Mismatches throw a UserError (exit 2). */
  add(runner: string, line: K6WindowsLine, source = `runner "${runner}"`): void {
    if (this.finished) throw new Error('LiveMerge.add after finish');
    const st = this.state.get(runner);
    if (line.type === 'header') {
      if (st) {
        throw mismatch(`two streams of runner "${runner}" (${st.source} and ${source})`, source, 'pass each runner once; give runners distinct names (k6 --out perf=…,runner=NAME)');
      }
      this.addHeader(runner, line, source);
      return;
    }
    if (!st) throw mismatch(`runner "${runner}" sent a ${line.type} line before its header`, source, 'send the stream from its first line (the header)');
    switch (line.type) {
      case 'window':
        return this.addWindow(st, line);
      case 'abort':
        st.aborted ??= { reason: line.reason, atMs: line.atMs };
        this.aborts.push({ ...line, reason: `${runner}: ${line.reason}` });
        return;
      case 'summary':
        st.summary = line;
        st.aborted = line.aborted ?? st.aborted;
        st.requests = requestsOf(line);
        st.dead = true;
        st.deadReason = null;
        return;
    }
  }

  /** The caller gave up on a runner (it timed out or its process died): merged windows no longer wait for it. */
  markDead(runner: string, reason = 'stopped sending'): void {
    const st = this.state.get(runner);
    if (!st || st.dead) return;
    st.dead = true;
    st.deadReason = reason;
  }

  /** Every merged window closed so far, in order; a window once here never changes. */
  closed(): readonly K6WindowLine[] {
    this.release(false);
    return this.emitted;
  }

  /** The merged windows closed since the previous call. */
  takeClosed(): K6WindowLine[] {
    this.release(false);
    const out = this.emitted.slice(this.taken);
    this.taken = this.emitted.length;
    return out;
  }

  runners(): RunnerRecord[] {
    // By name (r0, r1, …), not by who pushed first: the same run reads the same way every time.
    const states = [...this.state.values()].sort((a, b) => a.runner.localeCompare(b.runner, 'en', { numeric: true }));
    const maxEnd = states.reduce((m, s) => Math.max(m, s.lastEndMs), Number.NEGATIVE_INFINITY);
    const windowMs = this.first?.windowMs ?? 0;
    return states.map((s) => {
      let shortReason: string | null = null;
      if (!s.summary && s.dead) shortReason = `no summary line (${s.deadReason ?? 'stopped'}): its load ended early`;
      else if (!s.summary && this.finished) shortReason = 'no summary line: k6 stopped before finishing';
      // A runner a guard's verdict stopped (its summary records the abort) ended early on purpose: it is
      // "stopped", as its `aborted` says, not a runner that fell behind the others.
      else if (!(s.summary && s.aborted) && s.lastEndMs < maxEnd - windowMs) {
        shortReason = `its last window ends ${Math.round((maxEnd - s.lastEndMs) / 1000)} s before the other runners' last`;
      }
      return {
        runner: s.runner,
        segment: s.segment,
        requests: s.requests,
        windows: s.windows,
        complete: s.summary !== null,
        aborted: s.aborted,
        lastEndMs: s.lastEndMs,
        short: shortReason !== null,
        shortReason,
      };
    });
  }

  /** Closes every window and returns the one merged stream; the LiveMerge takes no more lines. */
  finish(): MergedRunners {
    if (!this.first) throw mismatch('no runner stream to merge', 'the inputs', 'pass at least one perf.k6-windows/v1 file or stream');
    this.release(true);
    this.finished = true;
    const states = [...this.state.values()];
    const header = this.mergedHeader(states);
    const lines: K6WindowsLine[] = [header, ...this.emitted, ...[...this.aborts].sort((a, b) => a.atMs - b.atMs)];
    if (states.every((s) => s.summary)) lines.push(this.mergedSummary(states, header));
    const runners = this.runners();
    const merged: MergedRunners = { lines, runners, warnings: this.warnings(runners) };
    if (this.totals) merged.windowTotals = encodeSeriesSet(this.totals.open());
    return merged;
  }

  private warnings(runners: RunnerRecord[]): string[] {
    const out = [...this.notes];
    if (!this.aligned && this.state.size > 1) {
      out.push(
        `the runners' windows are not aligned (files written without align=epoch): each runner window was put in the merged window its midpoint falls in, so merged windows are only aligned within ±${this.first!.windowMs / 2000} s`,
      );
    }
    for (const [runner, n] of this.late) out.push(`${n} window(s) of runner "${runner}" arrived after their merged window was closed; they count in the next merged window`);
    for (const { runners: rs, key } of groupBy(runners.filter((r) => r.short), (r) => r.shortReason ?? 'short')) {
      const who = rs.length === 1 ? `runner "${rs[0]!.runner}"${rs[0]!.segment ? ` (segment ${rs[0]!.segment})` : ''} is` : `${rs.length} runners (${namesOf(rs)}) are`;
      out.push(`${who} short: ${key}; the merged load is short of the test's`);
    }
    return out;
  }

  private addHeader(runner: string, h: K6WindowsHeader, source: string): void {
    const f = this.first;
    if (isMergedStream(h)) this.mergedSource ??= source;
    if (f && this.mergedSource !== null) {
      throw mismatch(
        `perf's merge of runner files (its header has a segment sequence but no runner) given with other runner files: their requests would count twice`,
        this.mergedSource,
        'pass the runner files without it, or the merged file alone',
      );
    }
    if (f) {
      const firstSource = [...this.state.values()][0]!.source;
      if (h.windowMs !== f.windowMs) {
        throw mismatch(`runners have different window sizes: ${firstSource} has ${f.windowMs} ms windows, ${source} ${h.windowMs} ms`, source, 'merge only the runners of one test (one k6 script, one perf output configuration)');
      }
      if (h.runId !== undefined && f.runId !== undefined && h.runId !== f.runId) {
        throw mismatch(`runners of different runs: ${firstSource} is run "${f.runId}", ${source} run "${h.runId}"`, source, 'merge only the files of one run (same run= id)');
      }
      const seq = this.sequence();
      if (h.segmentSequence !== undefined && seq !== undefined && (h.segmentSequence ?? null) !== seq) {
        throw mismatch(
          `runners of different segment sequences: "${seq ?? 'none'}" and "${h.segmentSequence ?? 'none'}" (${source})`,
          source,
          'run every runner with the same --execution-segment-sequence',
        );
      }
      if (h.k6Version !== f.k6Version) this.notes.add(`the runners ran different k6 versions (${f.k6Version}, ${h.k6Version})`);
    } else {
      this.first = h;
      this.originMs ??= h.startMs;
    }
    if (h.alignedWindows !== true) this.aligned = false;
    const segment = h.segment !== undefined ? h.segment : null;
    let range: SegmentRange | null = null;
    if (h.segment === undefined) {
      this.notes.add('some runners did not record their execution segment (older perf output): overlapping segments could not be checked');
    } else {
      range = segment === null ? WHOLE_TEST : parseSegment(segment);
      if (!range) throw mismatch(`runner "${runner}" has an invalid execution segment "${segment}"`, source, 'use k6 segments such as "0:1/2" (from:to, fractions of the test)');
      for (const other of this.state.values()) {
        if (other.range && segmentsOverlap(range, other.range)) {
          throw mismatch(
            `runners "${other.runner}" (${other.segment ?? 'unsegmented'}) and "${runner}" (${segment ?? 'unsegmented'}) ran overlapping parts of the test`,
            source,
            'merge runners of distinct execution segments of one sequence (each file once); an unsegmented run is the whole test',
          );
        }
      }
    }
    this.state.set(runner, {
      runner,
      segment,
      range,
      header: h,
      source,
      windows: 0,
      requests: 0,
      lastEndMs: h.startMs,
      firstStartMs: Number.NaN,
      summary: null,
      aborted: null,
      dead: false,
      deadReason: null,
    });
  }

  private sequence(): string | null | undefined {
    for (const s of this.state.values()) if (s.header.segmentSequence !== undefined) return s.header.segmentSequence ?? null;
    return undefined;
  }

  private gridStart(i: number): number {
    return (this.aligned ? 0 : this.originMs!) + i * this.first!.windowMs;
  }

  private bucketOf(w: K6WindowLine): number {
    const mid = (w.startMs + w.endMs) / 2;
    return Math.floor((mid - (this.aligned ? 0 : this.originMs!)) / this.first!.windowMs);
  }

  private addWindow(st: RunnerState, w: K6WindowLine): void {
    if (w.endMs < w.startMs) throw mismatch(`runner "${st.runner}" sent a window ending before it starts`, st.source, 'send the lines the perf output wrote, unchanged');
    if (st.windows > 0 && w.startMs < st.lastEndMs) {
      throw mismatch(
        `runner "${st.runner}" sent a window [${w.startMs}, ${w.endMs}) that overlaps its previous one (ending ${st.lastEndMs})`,
        st.source,
        'send each runner\'s windows once, in order',
      );
    }
    // Grid choice is fixed by the first header; an unaligned runner joining an aligned grid is re-binned.
    if (st.header.alignedWindows !== true && this.first!.alignedWindows === true) this.aligned = false;
    let b = this.bucketOf(w);
    if (this.next !== null && b < this.next) {
      this.late.set(st.runner, (this.late.get(st.runner) ?? 0) + 1);
      b = this.next;
    }
    const part = this.opts.part;
    if (part && !(b >= part.from && b < part.to)) throw new MergePartMismatch(`a window of runner "${st.runner}" lies outside the part`);
    let bucket = this.buckets.get(b);
    if (!bucket) this.buckets.set(b, (bucket = { parts: new Map(), minStart: w.startMs, maxEnd: w.endMs }));
    let parts = bucket.parts.get(st.runner);
    if (!parts) bucket.parts.set(st.runner, (parts = []));
    parts.push(w);
    bucket.minStart = Math.min(bucket.minStart, w.startMs);
    bucket.maxEnd = Math.max(bucket.maxEnd, w.endMs);
    if (st.windows++ === 0) st.firstStartMs = w.startMs;
    st.lastEndMs = w.endMs;
    if (!st.summary) st.requests += requestsOf(w);
  }

  /** Hands out, in order, the merged windows every live runner has closed (all of them when `all`). */
  private release(all: boolean): void {
    if (!this.first) return;
    // A part (not the last) ends with the merged window before its `to`, windows or not.
    const part = this.opts.part;
    const through = all && part && part.to !== Number.POSITIVE_INFINITY ? part.to - 1 : null;
    if (this.buckets.size === 0 && (through === null || this.next === null || this.next > through)) return;
    if (!all && this.opts.expectedRunners !== undefined && this.state.size < this.opts.expectedRunners) return;
    const live = [...this.state.values()].filter((s) => !s.dead);
    let last = through ?? Number.NEGATIVE_INFINITY;
    for (const b of this.buckets.keys()) if (b > last) last = b;
    if (this.next === null) {
      let lo = Number.POSITIVE_INFINITY;
      for (const b of this.buckets.keys()) if (b < lo) lo = b;
      this.next = part && part.from !== Number.NEGATIVE_INFINITY ? part.from : lo;
    }
    // The whole merge's last window (cut at the runners' last end) is the last part's, or this merge's.
    const endsTheMerge = !part || part.to === Number.POSITIVE_INFINITY;
    while (this.next <= last) {
      const i = this.next;
      const gridEnd = this.gridStart(i + 1);
      const final = all || live.length === 0;
      if (!final && !live.every((s) => s.lastEndMs >= gridEnd)) return;
      const bucket = this.buckets.get(i);
      this.buckets.delete(i);
      const prev = this.emitted[this.emitted.length - 1];
      // A later part's first window starts where the part before it ended: the grid.
      const startMs = prev ? prev.endMs : part && part.from !== Number.NEGATIVE_INFINITY ? this.gridStart(i) : (bucket?.minStart ?? this.gridStart(i));
      const endMs = final && i === last && endsTheMerge ? Math.max(bucket?.maxEnd ?? gridEnd, startMs) : gridEnd;
      this.emitted.push(mergeBucket(bucket, [...this.state.keys()], this.emitted.length, startMs, endMs, this.totals));
      this.next++;
    }
  }

  /** Closes a part (option `part`) and hands it over; the LiveMerge takes no more lines. */
  partial(): MergePart {
    if (!this.opts.part) throw new Error('LiveMerge.partial of a merge that is not a part');
    this.release(true);
    this.finished = true;
    let late = 0;
    for (const n of this.late.values()) late += n;
    const runners = [...this.state.values()].map((s) => ({ windows: s.windows, requests: s.requests, firstStartMs: s.firstStartMs, lastEndMs: s.lastEndMs }));
    return { windows: this.emitted, runners, late, totals: this.totals ? this.totals.histogramStates() : null };
  }

  /**
   * Joins the next part of this merge, parts in time order, into this LiveMerge: it holds the runners'
   * headers (the same, in the same order) and no windows of its own. Its windows are then as if merged
   * here; a part that does not join up is a MergePartMismatch.
   */
  absorb(p: MergePart): void {
    if (p.late > 0) throw new MergePartMismatch('a part has late windows');
    const states = [...this.state.values()];
    if (p.runners.length !== states.length || this.buckets.size > 0) throw new MergePartMismatch('a part of other runners');
    const prev = this.emitted[this.emitted.length - 1];
    if (prev && p.windows.length > 0 && p.windows[0]!.startMs !== prev.endMs) throw new MergePartMismatch('parts do not meet');
    p.runners.forEach((r, i) => {
      const st = states[i]!;
      if (r.windows === 0) return;
      // The serial merge would find these out of order, or overlapping: let it say which.
      if (st.windows > 0 && r.firstStartMs < st.lastEndMs) throw new MergePartMismatch(`runner "${st.runner}" overlaps itself across parts`);
      if (st.windows === 0) st.firstStartMs = r.firstStartMs;
      st.windows += r.windows;
      st.requests += r.requests;
      st.lastEndMs = r.lastEndMs;
    });
    for (const w of p.windows) {
      w.index = this.emitted.length;
      this.emitted.push(w);
      this.totals?.add(w);
    }
  }

  private mergedHeader(states: RunnerState[]): K6WindowsHeader {
    const f = this.first!;
    const h: K6WindowsHeader = {
      schema: 'perf.k6-windows/v1',
      type: 'header',
      startMs: Math.min(...states.map((s) => s.header.startMs)),
      windowMs: f.windowMs,
      k6Version: f.k6Version,
      extensionVersion: f.extensionVersion,
      slos: f.slos,
      guard: f.guard,
    };
    const runId = states.find((s) => s.header.runId !== undefined)?.header.runId;
    if (runId !== undefined) h.runId = runId;
    const seq = this.sequence();
    if (seq !== undefined) h.segmentSequence = seq;
    if (states.some((s) => s.header.alignedWindows !== undefined)) h.alignedWindows = this.aligned;
    return h;
  }

  private mergedSummary(states: RunnerState[], header: K6WindowsHeader): K6SummaryLine {
    const summaries = states.map((s) => s.summary!);
    const totals = mergeSeriesSets(summaries);
    totals.gauges = sumGauges(summaries.map((s) => s.gauges));
    const aborted = summaries.map((s) => s.aborted).filter((a) => a !== null).sort((a, b) => a.atMs - b.atMs)[0] ?? null;
    return {
      type: 'summary',
      startMs: header.startMs,
      endMs: Math.max(...summaries.map((s) => s.endMs)),
      windows: this.emitted.length,
      ...totals,
      aborted,
    };
  }
}

/** Gauges of runners that ran side by side: values add up (VUs of each segment), maxima too (an upper bound). */
function sumGauges(perRunner: GaugeSeries[][]): GaugeSeries[] {
  const out = new SeriesTable<GaugeSeries>();
  for (const gauges of perRunner) {
    out.restart();
    for (const g of gauges) {
      const cur = out.find(g.metric, g.tags);
      if (cur) {
        cur.value += g.value;
        cur.max += g.max;
      } else out.add({ ...g, tags: { ...g.tags } });
    }
  }
  return out.entries;
}

/**
 * Merges a bucket's runner windows, runners in `order` (their join order), so the result does not depend
 * on arrival order; the merged window is added to `totals` when given.
 */
function mergeBucket(bucket: Bucket | undefined, order: string[], index: number, startMs: number, endMs: number, totals: SeriesSetSum | null): K6WindowLine {
  const empty: K6WindowLine = { type: 'window', index, startMs, endMs, trends: [], counters: [], rates: [], gauges: [] };
  if (!bucket) return empty;
  const parts = order.map((r) => bucket.parts.get(r)).filter((ws) => ws !== undefined);
  if (parts.length === 1 && parts[0]!.length === 1) {
    const w = parts[0]![0]!;
    totals?.add(w);
    return { ...w, index, startMs, endMs };
  }
  const sum = new SeriesSetSum();
  for (const ws of parts) for (const w of ws) sum.add(w);
  const set = sum.open();
  // Across time (one runner's windows in the bucket) a gauge keeps its latest value; across runners they add.
  // (A runner's one window with at most one gauge is its own latest: no merge to make.)
  set.gauges = sumGauges(parts.map((ws) => (ws.length === 1 && ws[0]!.gauges.length <= 1 ? ws[0]!.gauges : mergeSeriesSets(ws.map((w) => ({ trends: [], counters: [], rates: [], gauges: w.gauges }))).gauges)));
  totals?.addOpen(set);
  return { type: 'window', index, startMs, endMs, ...encodeSeriesSet(set) };
}

/**
 * Merges the streams of several runners of one run after the fact. Checks first (same run id when
 * recorded, same segment sequence, same window size, distinct runners, non-overlapping segments):
 * a mismatch is a UserError (exit 2) naming both sides.
 */
export function mergeRunners(inputs: RunnerInput[]): MergedRunners {
  if (inputs.length === 0) throw mismatch('no runner stream to merge', 'the inputs', 'pass at least one perf.k6-windows/v1 file');
  const headers = inputs.map((inp) => {
    const h = inp.lines[0];
    if (!h || h.type !== 'header') {
      throw mismatch(`${inp.source ?? `runner "${inp.runner}"`} does not start with a perf.k6-windows/v1 header`, inp.source ?? inp.runner, 'pass the files the perf output wrote, unchanged');
    }
    return h;
  });
  const aligned = headers.every((h) => h.alignedWindows === true);
  const merge = new LiveMerge(aligned ? {} : { originMs: Math.min(...headers.map((h) => h.startMs)) });
  inputs.forEach((inp, i) => {
    const source = inp.source ?? `runner "${inp.runner}"`;
    // The caller's segment wins over the header's (null in the input = take the header's, if any).
    const h = headers[i]!;
    merge.add(inp.runner, inp.segment !== null ? { ...h, segment: inp.segment } : h, source);
    for (const line of inp.lines.slice(1)) merge.add(inp.runner, line, source);
  });
  return merge.finish();
}

/** One line on the runners, for verdicts and reports: "2 runners (r0 0:1/2, r1 1/2:1), none short". */
export function describeRunners(runners: readonly RunnerRecord[]): string {
  const names = runners.map((r) => (r.segment ? `${r.runner} ${r.segment}` : r.runner)).join(', ');
  const short = runners.filter((r) => r.short);
  const groups = groupBy(short, (r) => r.shortReason ?? 'short').map(({ runners: rs, key }) => `${namesOf(rs)} — ${key}`);
  return `${runners.length} runner${runners.length === 1 ? '' : 's'} (${names}), ${short.length === 0 ? 'none short' : `${short.length} short: ${groups.join('; ')}`}`;
}
