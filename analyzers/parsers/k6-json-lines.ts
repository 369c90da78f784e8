import type { SeriesTags } from '../../core/artifacts/k6-windows.js';
import { UserError } from '../../core/errors.js';
import type { MetricType } from './k6-accumulator.js';
import { pickTags } from './k6-series.js';
import type { TagRegions } from './k6-json-tags.js';
import { type CorruptLineTracker, excerpt, mixedFormats } from './lines.js';
import { latin1, Rfc3339Clock } from './rfc3339-clock.js';

/**
 * The line decoder of stock `k6 run --out json` NDJSON: each line → a declared metric, a point, a
 * warm-up point, or a corrupt line (counted by the tracker). Point lines in k6's own layout are read
 * straight from their bytes (no line string, no JSON.parse), and those of metrics not wanted are skipped
 * without decoding; any unusual line falls back to JSON.parse. What the points mean is the sink's job.
 */

/** Where the decoded lines go. */
export interface K6JsonSink {
  /** A Metric line: its type, and whether a trend holds durations (`contains: "time"`). */
  declare(metric: string, type: MetricType, time: boolean): void;
  /** A Point line of a wanted metric; `series` when the decoder already knows it. */
  point(metric: string, atMs: number, value: number, tags: SeriesTags, lineNo: number, series?: { id: number; tags: SeriesTags }): void;
  /** A point of the script's warm-up (tag phase=warmup). */
  warmup(): void;
}

const METRIC_TYPES = new Set<string>(['trend', 'counter', 'rate', 'gauge']);

const POINT_PREFIX = '{"metric":"';
const POINT_MID = '","type":"Point","data":{"time":"';
const VALUE_MID = '","value":';
const TAGS_MID = ',"tags":';

const bytesOf = (x: string): Uint8Array => Uint8Array.from(Buffer.from(x, 'latin1'));
const PREFIX_B = bytesOf(POINT_PREFIX);
const MID_B = bytesOf(POINT_MID);
const VALUE_MID_B = bytesOf(VALUE_MID);
const TAGS_MID_B = bytesOf(TAGS_MID);

const matchAt = (buf: Buffer, at: number, end: number, pat: Uint8Array): boolean => {
  const n = pat.length;
  if (at + n > end) return false;
  for (let i = 0; i < n; i++) if (buf[at + i] !== pat[i]) return false;
  return true;
};

/** The decoder of one file read: it keeps that file's clock (the last second parsed) and wanted metrics. */
export class K6JsonLines {
  /** Whether a line was seen (the first one is checked to be k6 --out json). */
  started = false;
  private readonly clock = new Rfc3339Clock();
  private readonly wantedList: string[] | null;
  private readonly wantedBytes: Uint8Array[] | null;

  constructor(
    private readonly file: string,
    private readonly wanted: ReadonlySet<string> | undefined,
    private readonly tracker: CorruptLineTracker,
    private readonly tags: TagRegions,
    private readonly sink: K6JsonSink,
  ) {
    this.wantedList = wanted ? [...wanted] : null;
    this.wantedBytes = this.wantedList ? this.wantedList.map(bytesOf) : null;
  }

  /** One line as the byte range buf[start, end): the entry point for forEachLineBytes. */
  bytes(buf: Buffer, start: number, end: number, lineNo: number): void {
    if (this.started && end - start > PREFIX_B.length && matchAt(buf, start, end, PREFIX_B)) {
      const nameStart = start + PREFIX_B.length;
      let q = nameStart;
      while (q < end && buf[q] !== 34 /* " */) q++;
      let metric: string | null = null;
      const { wantedBytes, wantedList } = this;
      if (wantedBytes && wantedList) {
        const len = q - nameStart;
        for (let w = 0; w < wantedBytes.length; w++) {
          const wb = wantedBytes[w]!;
          if (wb.length === len && matchAt(buf, nameStart, q, wb)) {
            metric = wantedList[w]!;
            break;
          }
        }
        if (metric === null) {
          // Skipped without decoding; still catch a line cut short in the middle of the file.
          if (buf[end - 1] !== 125 /* } */) this.tracker.corrupt(lineNo, `line is cut short: ${excerpt(buf.toString('utf8', start, Math.min(end, start + 200)))}`);
          else this.tracker.ok();
          return;
        }
      } else if (q < end) metric = latin1(buf, nameStart, q);
      if (metric !== null && this.fastPoint(buf, end, lineNo, q, metric)) return;
    }
    this.line(buf.toString('utf8', start, end), lineNo);
  }

  /**
   * The hot path: a Point line in k6's own layout parsed straight from bytes. Returns false when the
   * line is unusual in any way; the caller then takes the string path.
   */
  private fastPoint(buf: Buffer, end: number, lineNo: number, nameEnd: number, metric: string): boolean {
    if (!matchAt(buf, nameEnd, end, MID_B)) return false;
    if (buf[end - 1] !== 125 || buf[end - 2] !== 125 || buf[end - 3] !== 125) return false;
    const ts = nameEnd + MID_B.length;
    let te = ts;
    while (te < end && buf[te] !== 34) te++;
    if (!matchAt(buf, te, end, VALUE_MID_B)) return false;
    const t = this.clock.atBytes(buf, ts, te);
    if (Number.isNaN(t)) return false;
    // value: [-]digits[.digits]; anything else (exponents) via Number()
    const vs = te + VALUE_MID_B.length;
    let p = vs;
    let neg = false;
    if (buf[p] === 45) {
      neg = true;
      p++;
    }
    let mant = 0;
    let digits = 0;
    let fracDigits = 0;
    let seenDot = false;
    for (; p < end; p++) {
      const c = buf[p]!;
      if (c >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        digits++;
        if (seenDot) fracDigits++;
      } else if (c === 46 && !seenDot) seenDot = true;
      else break;
    }
    let value: number;
    if (buf[p] === 44 /* , */ && digits > 0 && digits <= 15 && fracDigits <= 22) {
      value = fracDigits > 0 ? mant / 10 ** fracDigits : mant;
      if (neg) value = -value;
    } else {
      let q = p;
      while (q < end && buf[q] !== 44) q++;
      value = Number(latin1(buf, vs, q));
      if (!Number.isFinite(value) || q === vs) return false;
      p = q;
    }
    if (!matchAt(buf, p, end, TAGS_MID_B)) return false;
    const rs = p + TAGS_MID_B.length;
    const re = end - 2;
    if (buf[rs] !== 123) return false;
    const key = latin1(buf, rs, re);
    const info = this.tags.lookup(metric, key) ?? this.tags.learn(metric, key, buf.toString('utf8', rs, re));
    if (!info) return false;
    if (info.warmup) {
      this.warmup();
      return true;
    }
    this.sink.point(metric, t, value, info.tags, lineNo, this.tags.series(info, metric));
    return true;
  }

  /** One line as text: the first line's format check, then Point lines in k6's layout without JSON.parse. */
  private line(line: string, lineNo: number): void {
    if (!this.started) {
      this.started = true;
      if (!line.startsWith('{"type":"Metric"') && !line.startsWith(POINT_PREFIX)) {
        let o: unknown = null;
        try {
          o = JSON.parse(line);
        } catch {
          /* described below */
        }
        const t = (o as { type?: unknown } | null)?.type;
        if (t !== 'Metric' && t !== 'Point') throw notK6Json(this.file, line, o);
      }
    }
    if (!line.startsWith(POINT_PREFIX)) return this.parsed(line, lineNo);
    const nameEnd = line.indexOf('"', POINT_PREFIX.length);
    if (nameEnd === -1 || !line.startsWith(POINT_MID, nameEnd)) return this.parsed(line, lineNo);
    const metric = line.slice(POINT_PREFIX.length, nameEnd);
    if (this.wanted && !this.wanted.has(metric)) {
      // Skipped cheaply; still catch a line cut short in the middle of the file.
      if (line.charCodeAt(line.length - 1) !== 125 /* } */) this.tracker.corrupt(lineNo, `line is cut short: ${excerpt(line)}`);
      else this.tracker.ok();
      return;
    }
    const timeStart = nameEnd + POINT_MID.length;
    const timeEnd = line.indexOf('"', timeStart);
    if (timeEnd === -1 || !line.startsWith(VALUE_MID, timeEnd)) return this.parsed(line, lineNo);
    const valueStart = timeEnd + VALUE_MID.length;
    const valueEnd = line.indexOf(TAGS_MID, valueStart);
    if (valueEnd === -1 || !line.endsWith('}}}')) return this.parsed(line, lineNo);
    const c0 = line.charCodeAt(valueStart);
    const value = Number(line.slice(valueStart, valueEnd));
    if (!(c0 === 45 || (c0 >= 48 && c0 <= 57)) || !Number.isFinite(value)) return this.parsed(line, lineNo);
    const region = line.slice(valueEnd + TAGS_MID.length, line.length - 2);
    const info = this.tags.lookup(metric, region) ?? (region.charCodeAt(0) === 123 /* { */ ? this.tags.learn(metric, region, region) : null);
    if (!info) return this.parsed(line, lineNo);
    if (info.warmup) return this.warmup();
    this.sink.point(metric, this.clock.at(line, timeStart, timeEnd), value, info.tags, lineNo, this.tags.series(info, metric));
  }

  /** The full JSON.parse path: Metric lines, and Point lines in any other layout. */
  private parsed(line: string, lineNo: number): void {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      this.tracker.corrupt(lineNo, `not valid JSON: ${excerpt(line)}`);
      return;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      this.tracker.corrupt(lineNo, `not a JSON object: ${excerpt(line)}`);
      return;
    }
    const rec = o as { type?: unknown; metric?: unknown; data?: unknown; schema?: unknown };
    const data = (typeof rec.data === 'object' && rec.data !== null ? rec.data : {}) as Record<string, unknown>;
    if (rec.type === 'Metric') {
      const name = typeof rec.metric === 'string' ? rec.metric : typeof data.name === 'string' ? data.name : null;
      const type = typeof data.type === 'string' ? data.type : null;
      if (!name || !type || !METRIC_TYPES.has(type)) {
        this.tracker.corrupt(lineNo, `Metric line without a name and a known type: ${excerpt(line)}`);
        return;
      }
      this.tracker.ok();
      this.sink.declare(name, type as MetricType, type === 'trend' && data.contains === 'time');
      return;
    }
    if (rec.type === 'Point') {
      const metric = rec.metric;
      const value = data.value;
      const time = data.time;
      if (typeof metric !== 'string' || typeof value !== 'number' || !Number.isFinite(value) || typeof time !== 'string') {
        this.tracker.corrupt(lineNo, `Point line without metric/time/value: ${excerpt(line)}`);
        return;
      }
      if (this.wanted && !this.wanted.has(metric)) {
        this.tracker.ok();
        return;
      }
      const rawTags = typeof data.tags === 'object' && data.tags !== null ? (data.tags as Record<string, unknown>) : null;
      if (rawTags?.phase === 'warmup') return this.warmup();
      this.sink.point(metric, this.clock.parse(time), value, pickTags(metric, rawTags), lineNo);
      return;
    }
    const foreign = foreignLine(rec);
    if (foreign) throw mixedFormats(this.file, lineNo, foreign, 'k6 --out json');
    // Other line types (newer k6 versions) carry nothing we aggregate.
    this.tracker.ok();
  }

  private warmup(): void {
    this.sink.warmup();
    this.tracker.ok();
  }
}

/** What a line of another perf/k6 format looks like, or null: a file of two formats concatenated. */
function foreignLine(rec: { type?: unknown; schema?: unknown }): string | null {
  if (typeof rec.schema === 'string') return `a "${rec.schema}" header`;
  if (rec.type === 'header' || rec.type === 'window' || rec.type === 'summary' || rec.type === 'abort') return `a perf.k6-windows/v1 "${rec.type}" line`;
  return null;
}

function notK6Json(file: string, line: string, parsed: unknown): UserError {
  return new UserError(`${file} is not k6 --out json output: its first line is ${excerpt(line)}`, {
    where: `${file}:1`,
    fix: parsed === null ? 'pass the NDJSON file written by "k6 run --out json=<file>"' : 'pass the file written by "k6 run --out json=<file>", or let perf detect the format (drop --format)',
  });
}
