import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateZlib } from '../../analyzers/deflate.js';
import { inflateZlib } from '../../analyzers/inflate.js';
import { seededRandom } from '../../core/random.js';

/** Bytes skewed towards small values over an alphabet of `alphabet` symbols, as ZigZag counts are. */
function sample(rand: () => number, length: number, alphabet: number): Buffer {
  const skew = 1 + rand() * 6;
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = Math.floor(rand() ** skew * alphabet);
  return b;
}

/** Native zlib and our inflater both give back `data` from its deflateZlib stream; returns the stream's size. */
function roundTrip(data: Buffer): number {
  const z = Buffer.from(deflateZlib(data));
  expect(inflateSync(z).equals(data)).toBe(true);
  const ours = inflateZlib(z, 64 << 20);
  expect(ours && Buffer.from(ours).equals(data)).toBe(true);
  return z.length;
}

describe('the small zlib deflater of histogram payloads', () => {
  it('writes streams native zlib and our inflater read back exactly, whatever the bytes', () => {
    const rand = seededRandom(5);
    for (let t = 0; t < 200; t++) roundTrip(sample(rand, Math.floor(rand() ** 3 * 100_000), 1 + Math.floor(rand() * 256)));
  });

  it('handles the degenerate alphabets: empty, one byte, one value repeated, all 256 values', () => {
    roundTrip(Buffer.alloc(0));
    roundTrip(Buffer.from([7]));
    roundTrip(Buffer.alloc(5000, 0));
    roundTrip(Buffer.alloc(5000, 255));
    roundTrip(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  });

  it('keeps codes within 15 bits when the frequencies would make them longer (Fibonacci counts)', () => {
    // Symbol k appearing F(k) times gives an optimal code of depth ~k: 24 symbols need the length limit.
    const parts: Buffer[] = [];
    for (let k = 0, a = 1, b = 1; k < 24; k++, [a, b] = [b, a + b]) parts.push(Buffer.alloc(a, k));
    roundTrip(Buffer.concat(parts));
  });

  it('compresses skewed bytes (entropy coding), within a header of plain copy', () => {
    const rand = seededRandom(9);
    const data = sample(rand, 4000, 40);
    expect(roundTrip(data)).toBeLessThan(data.length * 0.8);
  });
});
