/**
 * The lines of a byte range of a file, read synchronously a chunk at a time: what one part of a split
 * runner merge reads (analyzers/merge/part.ts), on its own thread. Lines as forEachLine gives them
 * (no `\r\n`/`\n`, empty lines skipped); a line longer than MAX_LINE_BYTES is a MergePartMismatch (the
 * serial merge then says so, naming file:line).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { MergePartMismatch } from '../../analyzers/merge/runners.js';
import type { PartLines } from '../../analyzers/merge/part.js';
import { MAX_LINE_BYTES } from '../../analyzers/parsers/lines.js';

/** Bytes read at a time: a part reads every runner file side by side, so this times the files is held (256 KB: ~180 windows). */
const CHUNK = 256 << 10;

export class FileRangeLines implements PartLines {
  private fd: number | null;
  private pos: number;
  private buf = Buffer.allocUnsafe(CHUNK);
  /** The unread bytes: buf[start, len). */
  private start = 0;
  private len = 0;

  /** Lines of file[from, to): `from` is a line's start, `to` a line's start or the file's end. */
  constructor(
    file: string,
    from: number,
    private readonly to: number,
  ) {
    this.fd = openSync(file, 'r');
    this.pos = from;
  }

  next(): string | null {
    for (;;) {
      const { buf, start, len } = this;
      // Bytes past len are stale: a newline found there is none.
      const nl = start < len ? buf.indexOf(10, start) : -1;
      if (nl >= 0 && nl < len) {
        this.start = nl + 1;
        const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        if (end > start) return buf.toString('utf8', start, end);
        continue;
      }
      if (this.fill()) continue;
      // The range's last line, without a newline (the file's end).
      const rest = this.start;
      const last = this.len;
      this.start = this.len;
      const end = last > rest && this.buf[last - 1] === 13 ? last - 1 : last;
      if (end > rest) return this.buf.toString('utf8', rest, end);
      this.close();
      return null;
    }
  }

  /** Reads more of the range after the unread bytes; false at the range's end. */
  private fill(): boolean {
    if (this.fd === null || this.pos >= this.to) return false;
    const unread = this.len - this.start;
    if (unread > MAX_LINE_BYTES) throw new MergePartMismatch('a line longer than any result-file line');
    if (unread + CHUNK > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, unread + CHUNK));
      this.buf.copy(grown, 0, this.start, this.len);
      this.buf = grown;
    } else this.buf.copy(this.buf, 0, this.start, this.len);
    this.start = 0;
    this.len = unread;
    const want = Math.min(this.buf.length - unread, this.to - this.pos);
    const got = readSync(this.fd, this.buf, unread, want, this.pos);
    if (got <= 0) {
      this.pos = this.to;
      return false;
    }
    this.pos += got;
    this.len += got;
    return true;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
