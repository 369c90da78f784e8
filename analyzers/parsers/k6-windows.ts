import type { K6AbortLine, K6Run, K6SummaryLine, K6WindowLine, K6WindowsHeader, K6WindowsLine } from '../../core/artifacts/k6-windows.js';
import { UserError } from '../../core/errors.js';
import { emptyTotals, mergeSeriesSets } from './k6-aggregate.js';
import { DURATION_TREND, EVENT_COUNTER, FIGURE_DOMAIN, figureProblem, outOfRange, type FigureKind } from './figures.js';
import { CorruptLineTracker, excerpt, forEachLineOf, mixedFormats, type LineSource } from './lines.js';

export const K6_WINDOWS_SCHEMA = 'perf.k6-windows/v1';

export interface ReadK6WindowsOptions {
  /** Count and skip corrupt lines in the middle instead of failing on the first. */
  lenient?: boolean;
  signal?: AbortSignal;
  /** Bytes read at a time (default: forEachLineOf's); files read side by side take less, so fewer lines wait for the slowest. */
  chunkBytes?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Why a parsed series-set line does not match the contract, or null when it does. */
function seriesProblem(o: Record<string, unknown>): string | null {
  for (const k of ['trends', 'counters', 'rates', 'gauges'] as const) {
    const arr = o[k];
    if (arr === undefined || arr === null) continue;
    if (!Array.isArray(arr)) return `"${k}" is not an array`;
    for (const s of arr) {
      if (!isObj(s) || typeof s.metric !== 'string') return `a "${k}" entry has no metric name`;
      if (s.tags !== undefined && !isObj(s.tags)) return `a "${k}" entry has non-object tags`;
      if (k === 'trends' && (!isNum(s.count) || typeof s.histogram !== 'string' || !isNum(s.min) || !isNum(s.max) || !isNum(s.sum))) {
        return `trend "${s.metric}" lacks count/min/max/sum/histogram`;
      }
      if (k === 'counters' && !isNum(s.value)) return `counter "${s.metric}" has no numeric value`;
      if (k === 'rates' && (!isNum(s.trues) || !isNum(s.total))) return `rate "${s.metric}" lacks trues/total`;
      if (k === 'gauges' && (!isNum(s.value) || !isNum(s.max))) return `gauge "${s.metric}" lacks value/max`;
    }
  }
  return null;
}


/**
 * Throws an out-of-range input error for a figure outside its domain (a well-formed line with impossible
 * numbers). Every figure of every line passes here: the message's names are built only for a bad one.
 */
function checkSeriesRanges(o: Record<string, unknown>, file: string, lineNo: number, line: string): void {
  const fail = (k: string, i: number, s: Record<string, unknown>, f: string, why: string): never => {
    throw outOfRange(`${file}:${lineNo}`, `${line}.${k}[${i}] (${String(s.metric)}).${f}`, why);
  };
  const check = (v: unknown, kind: FigureKind, k: string, i: number, s: Record<string, unknown>, f: string): number => {
    const problem = figureProblem(v, kind);
    if (problem !== null) fail(k, i, s, f, `${problem}, not ${FIGURE_DOMAIN[kind]}`);
    return v as number;
  };
  const trends = o.trends;
  if (Array.isArray(trends)) {
    for (let i = 0; i < trends.length; i++) {
      const s = trends[i] as Record<string, unknown>;
      check(s.count, 'count', 'trends', i, s, 'count');
      if (DURATION_TREND.test(String(s.metric))) {
        check(s.min, 'duration', 'trends', i, s, 'min');
        check(s.max, 'duration', 'trends', i, s, 'max');
        check(s.sum, 'duration', 'trends', i, s, 'sum');
      }
      if ((s.count as number) > 0 && (s.min as number) > (s.max as number)) fail('trends', i, s, 'min', `(${String(s.min)}) is above max (${String(s.max)})`);
    }
  }
  const counters = o.counters;
  if (Array.isArray(counters)) {
    for (let i = 0; i < counters.length; i++) {
      const s = counters[i] as Record<string, unknown>;
      check(s.value, EVENT_COUNTER.test(String(s.metric)) ? 'count' : 'amount', 'counters', i, s, 'value');
    }
  }
  const rates = o.rates;
  if (Array.isArray(rates)) {
    for (let i = 0; i < rates.length; i++) {
      const s = rates[i] as Record<string, unknown>;
      const trues = check(s.trues, 'count', 'rates', i, s, 'trues');
      const total = check(s.total, 'count', 'rates', i, s, 'total');
      if (trues > total) fail('rates', i, s, 'trues', `(${trues}) is above total (${total})`);
    }
  }
}

function normaliseSeries<T extends { tags?: unknown }>(arr: unknown): T[] {
  if (!Array.isArray(arr)) return [];
  const series = arr as T[];
  // Series written by the perf output all carry tags: the parsed array is kept as it is.
  return series.every((s) => s.tags) ? series : series.map((s) => (s.tags ? s : { ...s, tags: {} }));
}

/** The lines of one perf.k6-windows/v1 file as read (header first), and what reading them noticed. */
export interface K6WindowsFile {
  file: string;
  header: K6WindowsHeader;
  lines: K6WindowsLine[];
  warnings: string[];
}

/**
 * Reads our `perf.k6-windows/v1` NDJSON (written by `k6 run --out perf=…`) line by line, never the
 * whole file. A truncated last line (k6 killed mid-write) is skipped with a warning; a corrupt line in
 * the middle is a UserError naming file:line unless `lenient`.
 */
export async function parseK6Windows(src: LineSource, opts: ReadK6WindowsOptions = {}): Promise<K6Run> {
  const read = await parseK6WindowsLines(src, opts);
  return k6RunOfLines(read.lines, src.name, read.warnings);
}

/** The checked lines of a perf.k6-windows/v1 file, in file order (windows sorted by start), for merging runners. */
export async function parseK6WindowsLines(src: LineSource, opts: ReadK6WindowsOptions = {}): Promise<K6WindowsFile> {
  const windows: K6WindowLine[] = [];
  const aborts: K6AbortLine[] = [];
  let summary: K6SummaryLine | null = null;
  const { header, warnings } = await streamK6Windows(src, opts, {
    header: () => {},
    window: (w) => windows.push(w),
    abort: (a) => aborts.push(a),
    summary: (s) => (summary = s),
  });
  windows.sort((a, b) => a.startMs - b.startMs);
  const s = summary as K6SummaryLine | null;
  return { file: src.name, header, lines: [header, ...windows, ...aborts, ...(s ? [s] : [])], warnings };
}

/** Where streamK6Windows hands each checked line, as it is read. */
export interface K6WindowsSink {
  header(h: K6WindowsHeader): void;
  window(w: K6WindowLine): void;
  abort(a: K6AbortLine): void;
  summary(s: K6SummaryLine): void;
}

/**
 * The one checking reader of perf.k6-windows/v1: each line checked and handed to `sink` as it is read
 * (windows in file order, not sorted), so a caller can merge several files without holding them.
 */
export async function streamK6Windows(src: LineSource, opts: ReadK6WindowsOptions, sink: K6WindowsSink): Promise<{ header: K6WindowsHeader; warnings: string[] }> {
  const file = src.name;
  const checker = new K6WindowsLineChecker(file, opts.lenient ?? false, sink);
  await forEachLineOf(src, (line, lineNo) => checker.line(line, lineNo), {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.chunkBytes !== undefined ? { chunkBytes: opts.chunkBytes } : {}),
  });
  return checker.finish();
}

/**
 * The line checks of that reader, one line at a time, PURE (whoever reads the file feeds it): the first
 * line must be the header; a window or summary is checked (shape, then ranges) before it reaches `sink`;
 * corrupt lines go through a CorruptLineTracker; `finish()` at the end of the file.
 */
export class K6WindowsLineChecker {
  private readonly tracker: CorruptLineTracker;
  private header: K6WindowsHeader | null = null;
  private windows = 0;
  private firstLine = true;

  constructor(
    private readonly file: string,
    lenient: boolean,
    private readonly sink: K6WindowsSink,
  ) {
    this.tracker = new CorruptLineTracker(file, lenient, 'perf.k6-windows/v1 NDJSON');
  }

  /**
   * A window or summary line's series checked: false (the line counted corrupt) when it breaks the
   * contract (`problem` first, then its series); an out-of-range figure throws; true when it is good.
   */
  private seriesOk(o: Record<string, unknown>, lineNo: number, what: 'window' | 'summary', problem: string | null): boolean {
    const why = problem ?? seriesProblem(o);
    if (why) {
      this.tracker.corrupt(lineNo, why);
      return false;
    }
    checkSeriesRanges(o, this.file, lineNo, what);
    this.tracker.ok();
    return true;
  }

  line(line: string, lineNo: number): void {
    const { file, tracker, sink } = this;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      if (this.firstLine) throw notK6Windows(file, line);
      tracker.corrupt(lineNo, `not valid JSON: ${excerpt(line)}`);
      return;
    }
    if (this.firstLine) {
      this.firstLine = false;
      if (!isObj(o) || o.schema !== K6_WINDOWS_SCHEMA || o.type !== 'header') throw notK6Windows(file, line);
      if (!isNum(o.startMs) || !isNum(o.windowMs) || o.windowMs <= 0) {
        throw new UserError('the perf.k6-windows/v1 header lacks a numeric startMs/windowMs', {
          where: `${file}:${lineNo}`,
          fix: 'the file was not written by a compatible perf k6 extension; update perf-toolkit, or rebuild its k6 with "npx perf k6 build"',
        });
      }
      this.header = o as unknown as K6WindowsHeader;
      sink.header(this.header);
      return;
    }
    if (!isObj(o)) {
      tracker.corrupt(lineNo, `not a JSON object: ${excerpt(line)}`);
      return;
    }
    switch (o.type) {
      case 'window': {
        if (!this.seriesOk(o, lineNo, 'window', !isNum(o.startMs) || !isNum(o.endMs) ? 'window has no numeric startMs/endMs' : null)) return;
        sink.window({
          type: 'window',
          index: isNum(o.index) ? o.index : this.windows,
          startMs: o.startMs as number,
          endMs: o.endMs as number,
          trends: normaliseSeries(o.trends),
          counters: normaliseSeries(o.counters),
          rates: normaliseSeries(o.rates),
          gauges: normaliseSeries(o.gauges),
        });
        this.windows++;
        return;
      }
      case 'abort': {
        tracker.ok();
        sink.abort({
          type: 'abort',
          atMs: isNum(o.atMs) ? o.atMs : 0,
          slo: typeof o.slo === 'string' ? o.slo : '',
          reason: typeof o.reason === 'string' ? o.reason : 'aborted',
          longBurnRate: isNum(o.longBurnRate) ? o.longBurnRate : 0,
          shortBurnRate: isNum(o.shortBurnRate) ? o.shortBurnRate : 0,
        });
        return;
      }
      case 'summary': {
        if (!this.seriesOk(o, lineNo, 'summary', null)) return;
        sink.summary({
          ...(o as unknown as K6SummaryLine),
          trends: normaliseSeries(o.trends),
          counters: normaliseSeries(o.counters),
          rates: normaliseSeries(o.rates),
          gauges: normaliseSeries(o.gauges),
        });
        return;
      }
      case 'header':
        throw mixedFormats(file, lineNo, 'a second perf.k6-windows/v1 header', K6_WINDOWS_SCHEMA);
      case 'Metric':
      case 'Point':
        throw mixedFormats(file, lineNo, `a k6 --out json "${o.type}" line`, K6_WINDOWS_SCHEMA);
      default:
        // Unknown line types are a newer writer's additions: ignore them, they break nothing.
        tracker.ok();
    }
  }

  /** At the end of the file: its header and the tracker's warnings (a file without a header is a UserError). */
  finish(): { header: K6WindowsHeader; warnings: string[] } {
    if (!this.header) {
      throw new UserError(`${this.file} is empty`, { where: this.file, fix: 'pass a perf.k6-windows/v1 file that k6 finished writing at least the header of' });
    }
    return { header: this.header, warnings: this.tracker.finish() };
  }
}

/**
 * The K6Run of perf.k6-windows/v1 lines (one file's, or several runners' merged); `label` names them in
 * warnings. `windowTotals`, when the caller summed the windows already (a merge), is mergeSeriesSets of them.
 */
export function k6RunOfLines(lines: readonly K6WindowsLine[], label: string, warnings: string[] = [], windowTotals?: K6Run['totals']): K6Run {
  const h = lines[0] as K6WindowsHeader;
  const windows = lines.filter((l): l is K6WindowLine => l.type === 'window');
  const s = lines.find((l): l is K6SummaryLine => l.type === 'summary') ?? null;
  const lastAbort = lines.filter((l): l is K6AbortLine => l.type === 'abort').at(-1);
  const aborted = lastAbort ? { reason: lastAbort.reason, atMs: lastAbort.atMs } : null;
  const out = [...warnings];
  if (!s) out.push(`${label}: no summary line (k6 stopped before finishing); using the ${windows.length} complete window(s)`);
  const totals = s
    ? { trends: s.trends, counters: s.counters, rates: s.rates, gauges: s.gauges }
    : windows.length > 0
      ? (windowTotals ?? mergeSeriesSets(windows, label))
      : emptyTotals();
  const lastEnd = windows.length > 0 ? windows[windows.length - 1]!.endMs : h.startMs;
  return {
    format: 'perf.k6-windows/v1',
    startMs: s && isNum(s.startMs) ? s.startMs : h.startMs,
    endMs: s && isNum(s.endMs) ? s.endMs : lastEnd,
    windowMs: h.windowMs,
    windows,
    totals,
    aborted: s?.aborted ?? aborted,
    complete: s !== null,
    warnings: out,
    ...(typeof h.k6Version === 'string' && typeof h.extensionVersion === 'string' ? { versions: { k6: h.k6Version, extension: h.extensionVersion } } : {}),
  };
}

function notK6Windows(file: string, line: string): UserError {
  return new UserError(`${file} is not a perf.k6-windows/v1 file: its first line is ${excerpt(line)}`, {
    where: `${file}:1`,
    fix: 'pass the NDJSON written by "k6 run --out perf=<file>", or let perf detect the format (drop --format)',
  });
}
