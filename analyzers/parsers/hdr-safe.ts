import * as hdr from 'hdr-histogram-js';
import { deflateSync, inflateSync } from 'node:zlib';
import { UserError } from '../../core/errors.js';
import { newHistogram, type Histogram } from '../histogram.js';

const V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
const V2_COOKIE_BASE = 0x1c849303;
/** Largest value a histogram from a file may claim to track (µs: ~116 days), so a hostile header cannot allocate gigabytes. */
export const MAX_TRACKABLE = 1e13;
const MAX_UNCOMPRESSED = 16 << 20;

/**
 * Decodes an HdrHistogram V2 compressed base64 string from an untrusted file: the same bytes
 * `decodeHistogram` reads, but the header is checked first (cookie, digits, range) and inflation is
 * bounded, so corrupt or hostile input is a UserError, never an out-of-memory or a library exception.
 */
export function decodeHistogramSafe(base64: string, what: string, opts: { resizable?: boolean } = {}): Histogram {
  const bad = (why: string): UserError =>
    new UserError(`${what} has a corrupt histogram (${why})`, { fix: 'pass the file the tool wrote, unchanged' });
  if (typeof base64 !== 'string' || base64.length < 12 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64.trim())) throw bad('not base64');
  const buf = Buffer.from(base64.trim(), 'base64');
  if (buf.length < 8 || (buf.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE_BASE) throw bad('not an HdrHistogram V2 compressed encoding');
  const len = buf.readInt32BE(4);
  if (len <= 0 || 8 + len > buf.length) throw bad('length field out of range');
  let raw: Buffer;
  try {
    raw = inflateSync(buf.subarray(8, 8 + len), { maxOutputLength: MAX_UNCOMPRESSED });
  } catch {
    throw bad('its compressed payload does not inflate');
  }
  if (raw.length < 40 || (raw.readInt32BE(0) & ~0xf0) !== V2_COOKIE_BASE) throw bad('no V2 encoding cookie');
  const payloadLength = raw.readInt32BE(4);
  const digits = raw.readInt32BE(12);
  const lowest = Number(raw.readBigInt64BE(16));
  const highest = Number(raw.readBigInt64BE(24));
  if (payloadLength < 0 || 40 + payloadLength > raw.length) throw bad('payload length out of range');
  if (!(digits >= 1 && digits <= 5)) throw bad(`${digits} significant digits`);
  if (!(lowest >= 1 && highest >= 2 * lowest && highest <= MAX_TRACKABLE)) throw bad(`trackable range ${lowest}..${highest}`);
  try {
    const JsHistogram = (hdr as unknown as { JsHistogram: { decode(data: Uint8Array, bitBucketSize?: number): Histogram } }).JsHistogram;
    const decoded = JsHistogram.decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.length), 32);
    if (!(decoded.totalCount >= 0) || !(decoded.maxValue <= MAX_TRACKABLE)) throw new Error('range');
    // Read-only uses (percentiles, counts above a threshold, merging INTO another) can skip the copy into
    // an auto-resizing histogram; anything that adds into the result needs it.
    if (opts.resizable === false) return decoded;
    const h = newHistogram();
    h.add(decoded);
    return h;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw bad('its counts do not decode');
  }
}

const V2_COOKIE = V2_COOKIE_BASE | 0x10;
const V2_COMPRESSED_COOKIE = V2_COMPRESSED_COOKIE_BASE | 0x10;
let scratch = Buffer.allocUnsafe(1 << 16);

function putZigZag(buf: Buffer, pos: number, v: number): number {
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  // LEB128-64b9B: 7 bits per byte for the first 8 bytes, a full 9th byte
  for (let i = 0; i < 8; i++) {
    if (z < 128) {
      buf[pos++] = z;
      return pos;
    }
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z & 0xff;
  return pos;
}

/**
 * Encodes a histogram into HdrHistogram V2 compressed base64 — the same format (and bytes) as
 * `encodeHistogram`, several times faster: one pass over the counts into a reused buffer, native
 * zlib and base64. Used where the k6 readers encode every window of a long run.
 */
export function encodeHistogramFast(h: Histogram): string {
  const j = h as unknown as {
    countsArrayIndex(v: number): number;
    getCountAtIndex(i: number): number;
    numberOfSignificantValueDigits: number;
    lowestDiscernibleValue: number;
    highestTrackableValue: number;
  };
  const limit = j.countsArrayIndex(h.maxValue) + 1;
  const need = 40 + limit * 9;
  if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  const b = scratch;
  b.writeInt32BE(V2_COOKIE, 0);
  b.writeInt32BE(1, 8);
  b.writeInt32BE(j.numberOfSignificantValueDigits, 12);
  b.writeBigInt64BE(BigInt(j.lowestDiscernibleValue), 16);
  b.writeBigInt64BE(BigInt(j.highestTrackableValue), 24);
  b.writeBigInt64BE(1n, 32);
  let pos = 40;
  let i = 0;
  while (i < limit) {
    const count = j.getCountAtIndex(i++);
    if (count === 0) {
      let zeros = 1;
      while (i < limit && j.getCountAtIndex(i) === 0) {
        zeros++;
        i++;
      }
      pos = putZigZag(b, pos, zeros > 1 ? -zeros : 0);
    } else pos = putZigZag(b, pos, count);
  }
  b.writeInt32BE(pos - 40, 4);
  const compressed = deflateSync(b.subarray(0, pos));
  const out = Buffer.allocUnsafe(8 + compressed.length);
  out.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
  out.writeInt32BE(compressed.length, 4);
  compressed.copy(out, 8);
  return out.toString('base64');
}
