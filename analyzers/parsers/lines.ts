import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Interrupted, PerfError, UserError } from '../../core/errors.js';

/**
 * Streams a text file line by line without ever holding the whole file. `onLine` gets the line text
 * (without the trailing `\r\n`/`\n`) and its 1-based line number; empty lines are skipped.
 *
 * Returns the number of lines seen and whether the file ended with a newline.
 */
export function forEachLine(
  file: string,
  onLine: (line: string, lineNo: number) => void,
  opts: { signal?: AbortSignal; chunkBytes?: number; maxLineBytes?: number } = {},
): Promise<{ lines: number; endedWithNewline: boolean; bytes: number }> {
  return forEachLineBytes(file, (buf, start, end, lineNo) => onLine(buf.toString('utf8', start, end), lineNo), {
    ...opts,
    chunkBytes: opts.chunkBytes ?? 1 << 20,
  });
}

/**
 * Streams a file line by line as byte ranges (the mechanism under forEachLine), for hot paths: `onLine(buf, start, end, lineNo)` sees each
 * non-empty line as a byte range (without `\r\n`), so a caller can skip lines it does not need
 * without decoding them. The buffer is only valid during the call.
 * Opening the file is the only side effect here; the splitting is forEachLineOfChunks.
 */
export async function forEachLineBytes(
  file: string,
  onLine: (buf: Buffer, start: number, end: number, lineNo: number) => void,
  opts: { signal?: AbortSignal; chunkBytes?: number; maxLineBytes?: number } = {},
): Promise<{ lines: number; endedWithNewline: boolean; bytes: number }> {
  await assertReadableFile(file);
  const stream = createReadStream(file, { highWaterMark: opts.chunkBytes ?? 4 << 20 });
  try {
    return await forEachLineOfChunks(stream as AsyncIterable<Buffer>, file, onLine, opts);
  } catch (err) {
    if (err instanceof PerfError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code) throw new UserError(`cannot read ${file}: ${e.code}`, { where: file, fix: 'check the path and its permissions' });
    throw err;
  } finally {
    stream.destroy();
  }
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
): Promise<{ lines: number; endedWithNewline: boolean; bytes: number }> {
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

export async function assertReadableFile(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new UserError(`${file} is not a file`, { where: file, fix: 'pass the path of a result file' });
    return s.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UserError(code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file} (${code})`, {
      where: file,
      fix: code === 'ENOENT' ? 'check the path of the result file' : 'check the file permissions',
    });
  }
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
