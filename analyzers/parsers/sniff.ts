import { open } from 'node:fs/promises';
import { assertReadableFile } from './lines.js';

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
