import { describe, expect, it } from 'vitest';
import { decodeHistogram, encodeHistogram, newHistogram, percentileMs, recordMs } from '../../analyzers/histogram.js';
import { UserError } from '../../core/errors.js';

const filled = (n: number, seed: number) => {
  const h = newHistogram();
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 48271) % 2147483647;
    recordMs(h, 0.01 + (x % 1_000_000) / 313 + (i % 97 === 0 ? 40_000 : 0));
  }
  return h;
};

describe('HdrHistogram encoding used by the k6 readers', () => {
  it('reads back exactly what the encoder wrote, resizable or not', () => {
    const h = filled(20_000, 11);
    for (const d of [decodeHistogram(encodeHistogram(h), 'x'), decodeHistogram(encodeHistogram(h), 'x', { resizable: false }), decodeHistogram(encodeHistogram(h))]) {
      expect(d.totalCount).toBe(h.totalCount);
      for (const p of [50, 95, 99, 99.9, 100]) expect(percentileMs(d, p)).toBe(percentileMs(h, p));
    }
  });

  it('turns garbage and hostile headers into user errors', () => {
    const good = Buffer.from(encodeHistogram(filled(100, 1)), 'base64');
    const hostile = (mutate: (b: Buffer) => void) => {
      const b = Buffer.from(good);
      mutate(b);
      return b.toString('base64');
    };
    for (const s of ['', 'AAAA', 'not base64!', hostile((b) => b.writeInt32BE(0x12345678, 0)), hostile((b) => b.writeInt32BE(1 << 30, 4)), hostile((b) => b.fill(7, 12))]) {
      expect(() => decodeHistogram(s, 'series x')).toThrow(UserError);
    }
  });
});
