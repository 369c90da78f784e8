import { constants, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateZlib } from '../../analyzers/inflate.js';
import { seededRandom } from '../../core/random.js';

/** Bytes with repeats (so deflate finds matches) over an alphabet of `alphabet` symbols. */
function sample(rand: () => number, length: number, alphabet: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = i > 0 && rand() < 0.3 ? b[i - 1 - Math.floor(rand() * Math.min(i, 50))]! : Math.floor(rand() * alphabet);
  return b;
}

const STRATEGIES = [{}, { level: 0 }, { level: 1 }, { level: 9 }, { strategy: constants.Z_HUFFMAN_ONLY }, { strategy: constants.Z_FIXED }, { strategy: constants.Z_RLE }];

describe('the small zlib inflater of histogram payloads', () => {
  it('gives back exactly what zlib deflated, for stored, fixed and dynamic blocks', () => {
    const rand = seededRandom(3);
    for (let t = 0; t < 150; t++) {
      const data = sample(rand, Math.floor(rand() ** 3 * 100_000), 1 + Math.floor(rand() * 255));
      for (const opts of STRATEGIES) {
        const out = inflateZlib(deflateSync(data, opts), 16 << 20);
        expect(out && Buffer.from(out).equals(data)).toBe(true);
      }
    }
  });

  it('never accepts a stream zlib refuses or reads differently (bit flips, truncation, trailing bytes, output limit)', () => {
    const rand = seededRandom(11);
    for (let t = 0; t < 400; t++) {
      const data = sample(rand, 1 + Math.floor(rand() * 3000), 1 + Math.floor(rand() * 255));
      const good = deflateSync(data, STRATEGIES[t % STRATEGIES.length]);
      const bad = Buffer.from(good);
      bad[Math.floor(rand() * bad.length)]! ^= 1 << Math.floor(rand() * 8);
      let native: Buffer | null = null;
      try {
        native = inflateSync(bad);
      } catch {
        native = null;
      }
      const ours = inflateZlib(bad, 16 << 20);
      if (ours) expect(native && Buffer.from(ours).equals(native)).toBe(true);
      expect(inflateZlib(good.subarray(0, good.length - 1 - (t % 5)), 16 << 20)).toBeNull();
      expect(inflateZlib(Buffer.concat([good, Buffer.from([0])]), 16 << 20)).toBeNull();
      if (data.length > 1) expect(inflateZlib(good, data.length - 1)).toBeNull();
    }
  });
});
