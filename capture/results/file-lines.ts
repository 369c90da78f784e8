/**
 * Result files as line sources for the parsers (analyzers/parsers/lines.ts), which open nothing
 * themselves: the file checked first (a missing file, a folder, no permission → one UserError naming
 * it), then streamed in chunks, never held whole.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { PerfError, UserError } from '../../core/errors.js';
import { forEachLineBytesOf, forEachLineOf, type LineReadOptions, type LineSource, type LinesRead } from '../../analyzers/parsers/lines.js';

/** A readable regular file's size; a UserError naming the file (and how to fix it) otherwise. */
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

/** The first `bytes` of a file as text (for format detection), without reading the rest. */
export async function openHead(file: string, bytes = 64 * 1024): Promise<string> {
  await assertReadableFile(file);
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** A file as a line source: checked when first read, streamed 4 MB at a time unless the reader asks otherwise. */
export function fileLines(file: string): LineSource {
  return {
    name: file,
    async *chunks(o = {}) {
      await assertReadableFile(file);
      const stream = createReadStream(file, { highWaterMark: o.chunkBytes ?? 4 << 20 });
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } catch (err) {
        if (err instanceof PerfError) throw err;
        const e = err as NodeJS.ErrnoException;
        if (e.code) throw new UserError(`cannot read ${file}: ${e.code}`, { where: file, fix: 'check the path and its permissions' });
        throw err;
      } finally {
        stream.destroy();
      }
    },
    head: (bytes) => openHead(file, bytes),
  };
}

/** A file's lines as text (see forEachLineOf). */
export function forEachLine(file: string, onLine: (line: string, lineNo: number) => void, opts: LineReadOptions = {}): Promise<LinesRead> {
  return forEachLineOf(fileLines(file), onLine, opts);
}

/** A file's lines as byte ranges (see forEachLineBytesOf). */
export function forEachLineBytes(file: string, onLine: (buf: Buffer, start: number, end: number, lineNo: number) => void, opts: LineReadOptions = {}): Promise<LinesRead> {
  return forEachLineBytesOf(fileLines(file), onLine, { chunkBytes: 4 << 20, ...opts });
}
