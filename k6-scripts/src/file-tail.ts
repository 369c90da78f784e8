/**
 * Reads a file another process is still appending lines to (k6 writing its results): each call
 * returns the complete lines written since the previous one; a half-written last line waits.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export class FileTail {
  private offset = 0;
  private partial = '';

  constructor(readonly file: string) {}

  /** The complete lines appended since the last call (none while the file does not exist). */
  newLines(): string[] {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return [];
    }
    if (size <= this.offset) return [];
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(size - this.offset, 16 * 1024 * 1024));
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      const lines = (this.partial + buf.subarray(0, n).toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      return lines;
    } finally {
      closeSync(fd);
    }
  }
}
