import { describe, expect, it } from 'vitest';
import { decodeHistogram, encodeHistogram, newHistogram, percentileMs, recordMs } from '../../analyzers/histogram.js';
import { decodeHistogramSafe, encodeHistogramFast } from '../../analyzers/parsers/hdr-safe.js';
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
  it('encodeHistogramFast writes exactly what encodeHistogram writes', () => {
    for (const h of [newHistogram(), filled(1, 3), filled(1000, 5), filled(50_000, 7)]) {
      expect(encodeHistogramFast(h)).toBe(encodeHistogram(h));
    }
  });

  it('decodeHistogramSafe reads what the shared encoder wrote, resizable or not', () => {
    const h = filled(20_000, 11);
    for (const d of [decodeHistogramSafe(encodeHistogram(h), 'x'), decodeHistogramSafe(encodeHistogramFast(h), 'x', { resizable: false }), decodeHistogram(encodeHistogramFast(h))]) {
      expect(d.totalCount).toBe(h.totalCount);
      for (const p of [50, 95, 99, 99.9, 100]) expect(percentileMs(d, p)).toBe(percentileMs(h, p));
    }
  });

  it('decodeHistogramSafe turns garbage and hostile headers into user errors', () => {
    const good = Buffer.from(encodeHistogram(filled(100, 1)), 'base64');
    const hostile = (mutate: (b: Buffer) => void) => {
      const b = Buffer.from(good);
      mutate(b);
      return b.toString('base64');
    };
    for (const s of ['', 'AAAA', 'not base64!', hostile((b) => b.writeInt32BE(0x12345678, 0)), hostile((b) => b.writeInt32BE(1 << 30, 4)), hostile((b) => b.fill(7, 12))]) {
      expect(() => decodeHistogramSafe(s, 'series x')).toThrow(UserError);
    }
  });
});
