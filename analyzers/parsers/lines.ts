import { Interrupted, UserError } from '../../core/errors.js';

/**
 * A stream of text lines the parsers read — a file (capture/results/file-lines.ts), a socket, a
 * test's buffers — so the parsers themselves open nothing.
 */
export interface LineSource {
  /** Names the stream in messages: a file's path, so errors say file:line. */
  readonly name: string;
  /** The stream's bytes, read `chunkBytes` at a time where the source can choose. */
  chunks(opts?: { chunkBytes?: number }): AsyncIterable<Buffer>;
  /** The first `bytes` as text (format detection), without reading the rest. */
  head(bytes: number): Promise<string>;
}

export interface LineReadOptions {
  signal?: AbortSignal;
  chunkBytes?: number;
  maxLineBytes?: number;
}

export interface LinesRead {
  lines: number;
  endedWithNewline: boolean;
  bytes: number;
}

/**
 * The lines of a source as text (without the trailing `\r\n`/`\n`) with their 1-based numbers;
 * empty lines are skipped. Never holds the whole stream.
 */
export function forEachLineOf(src: LineSource, onLine: (line: string, lineNo: number) => void, opts: LineReadOptions = {}): Promise<LinesRead> {
  return forEachLineBytesOf(src, (buf, start, end, lineNo) => onLine(buf.toString('utf8', start, end), lineNo), { ...opts, chunkBytes: opts.chunkBytes ?? 1 << 20 });
}

/**
 * The lines of a source as byte ranges (for hot paths: a caller can skip lines without decoding
 * them); the buffer is only valid during the call.
 */
export function forEachLineBytesOf(src: LineSource, onLine: (buf: Buffer, start: number, end: number, lineNo: number) => void, opts: LineReadOptions = {}): Promise<LinesRead> {
  return forEachLineOfChunks(src.chunks(opts.chunkBytes !== undefined ? { chunkBytes: opts.chunkBytes } : {}), src.name, onLine, opts);
}

/** A source over bytes already in memory (tests, a pushed batch), split into `chunkBytes` pieces. */
export function bufferLines(name: string, data: Buffer | string, chunkBytes = 1 << 20): LineSource {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  return {
    name,
    async *chunks(o = {}) {
      const step = o.chunkBytes ?? chunkBytes;
      for (let i = 0; i < buf.length; i += step) yield buf.subarray(i, i + step);
    },
    head: async (bytes) => buf.subarray(0, bytes).toString('utf8'),
  };
}

/**
 * Splits a byte stream (a file's chunks, a socket, a test's buffers) into lines, PURE: `onLine` as in
 * forEachLineBytes; `source` names the stream in messages (file:line). A line longer than
 * `maxLineBytes` is an input error; an abort stops at the next chunk (Interrupted: nothing evaluated).
 */
export async function forEachLineOfChunks(
  chunks: AsyncIterable<Buffer>,
  source: string,
  onLine: (buf: Buffer, start: number, end: number, lineNo: number) => void,
  opts: { signal?: AbortSignal; maxLineBytes?: number } = {},
): Promise<LinesRead> {
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  // The unfinished line at a chunk's end: its pieces, joined once when its newline arrives (linear,
  // however many chunks a long line spans).
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let lineNo = 0;
  let bytes = 0;
  let lastByte = -1;
  const tooLong = (): UserError =>
    new UserError(`line ${lineNo + 1} is longer than ${formatBytes(maxLine)}: no result-file line is that long (a binary or NUL-filled file?)`, {
      where: `${source}:${lineNo + 1}`,
      fix: 'pass the result file the tool wrote, unchanged',
    });
  // Lines of buf[from, to); `terminated`: a newline sits at `to`, so an empty last piece is a line too.
  const emit = (buf: Buffer, from: number, to: number, terminated: boolean): void => {
    let start = from;
    while (start < to || (terminated && start === to)) {
      let nl = buf.indexOf(10, start);
      if (nl === -1 || nl > to) nl = to;
      if (nl - start > maxLine) throw tooLong();
      lineNo++;
      let end = nl;
      if (end > start && buf[end - 1] === 13) end--;
      if (end > start) onLine(buf, start, end, lineNo);
      start = nl + 1;
    }
  };
  const keep = (piece: Buffer): void => {
    if (piece.length === 0) return;
    carryBytes += piece.length;
    if (carryBytes > maxLine) throw tooLong();
    carry.push(piece);
  };
  const takeCarry = (tail: Buffer): Buffer => {
    const joined = Buffer.concat([...carry, tail], carryBytes + tail.length);
    carry = [];
    carryBytes = 0;
    return joined;
  };
  for await (const chunk of chunks) {
    if (opts.signal?.aborted) break;
    bytes += chunk.length;
    lastByte = chunk[chunk.length - 1] ?? lastByte;
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl === -1) {
      keep(Buffer.from(chunk));
      continue;
    }
    if (carryBytes > 0) {
      const firstNl = chunk.indexOf(10);
      if (carryBytes + firstNl > maxLine) throw tooLong();
      const joined = takeCarry(chunk.subarray(0, firstNl));
      emit(joined, 0, joined.length, false);
      emit(chunk, firstNl + 1, lastNl, true);
    } else {
      emit(chunk, 0, lastNl, true);
    }
    if (lastNl + 1 < chunk.length) keep(Buffer.from(chunk.subarray(lastNl + 1)));
  }
  if (opts.signal?.aborted) throw new Interrupted(`interrupted while reading ${source}: nothing was evaluated`, { where: source });
  if (carryBytes > 0) {
    const rest = takeCarry(Buffer.alloc(0));
    emit(rest, 0, rest.length, false);
  }
  return { lines: lineNo, endedWithNewline: lastByte === 10, bytes };
}

/** Longest line the NDJSON readers accept (a window line of a high-cardinality run is a few MB). */
export const MAX_LINE_BYTES = 64 << 20;

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MB` : `${Math.round(n / 1024)} KB`;
}

/**
 * Tracks corrupt lines of an NDJSON file: a corrupt line in the middle is an error naming file:line
 * (or is counted and skipped when lenient); a corrupt LAST line is what a killed writer leaves and is
 * skipped with a warning. Call `corrupt()` for a bad line, `ok()` for every good one, `finish()` at EOF.
 */
export class CorruptLineTracker {
  private pending: { lineNo: number; reason: string } | null = null;
  private skipped = 0;
  private firstSkipped: number | null = null;

  constructor(
    private readonly file: string,
    private readonly lenient: boolean,
    private readonly what: string,
  ) {}

  corrupt(lineNo: number, reason: string): void {
    this.flushPending();
    this.pending = { lineNo, reason };
  }

  ok(): void {
    if (this.pending) this.flushPending();
  }

  private flushPending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    if (!this.lenient) {
      throw new UserError(`corrupt line in ${this.what}: ${p.reason}`, {
        where: `${this.file}:${p.lineNo}`,
        fix: 'repair or remove the line, or pass --lenient to count and skip corrupt lines',
      });
    }
    this.skipped++;
    this.firstSkipped ??= p.lineNo;
  }

  /** Warnings to report at the end of the file. */
  finish(): string[] {
    const warnings: string[] = [];
    if (this.pending) {
      warnings.push(`${this.file}:${this.pending.lineNo}: last line is truncated or corrupt (${this.pending.reason}); skipped it (a writer killed mid-line leaves this)`);
      this.pending = null;
    }
    if (this.skipped > 0) {
      warnings.push(`${this.file}: skipped ${this.skipped} corrupt line(s) (--lenient), the first at line ${this.firstSkipped}`);
    }
    return warnings;
  }

  get skippedCount(): number {
    return this.skipped;
  }
}

/** A short, printable excerpt of a line for messages. */
export function excerpt(line: string, max = 60): string {
  const s = line.length > max ? `${line.slice(0, max)}…` : line;
  return JSON.stringify(s);
}

/** A line of another result format inside an NDJSON file: two files were concatenated. */
export function mixedFormats(file: string, lineNo: number, what: string, format: string): UserError {
  return new UserError(`line ${lineNo} is ${what} inside a ${format} file: two result files were concatenated`, {
    where: `${file}:${lineNo}`,
    fix: 'pass each result file on its own (one slo-check per file)',
  });
}
