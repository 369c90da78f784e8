import * as hdr from 'hdr-histogram-js';
import { deflateSync, inflateSync } from 'node:zlib';
import { UserError } from '../core/errors.js';

/**
 * The one latency histogram type of the project: HdrHistogram with 3 significant digits, recording
 * **microseconds** as integers (so sub-millisecond latencies keep their precision), reporting
 * milliseconds. Mergeable and bounded in memory; serialised as HdrHistogram's standard compressed
 * base64 (V2 encoding), which hdrhistogram-go decodes too. The Go k6 extension records µs as well.
 */
export type Histogram = hdr.Histogram;

export const SIGNIFICANT_DIGITS = 3;
/** Relative precision of a recorded value at 3 significant digits. */
export const HDR_PRECISION = 0.001;

export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    autoResize: true,
    useWebAssembly: false,
  });
}

/** Records one latency given in milliseconds (fractional allowed). */
export function recordMs(h: Histogram, ms: number, count = 1): void {
  const us = Math.max(1, Math.round(ms * 1000));
  if (count === 1) h.recordValue(us);
  else h.recordValueWithCount(us, count);
}

/** Records with coordinated-omission back-fill: synthesises the samples a stalled sender missed. */
export function recordMsWithExpectedInterval(h: Histogram, ms: number, expectedIntervalMs: number): void {
  h.recordValueWithExpectedInterval(Math.max(1, Math.round(ms * 1000)), Math.max(1, Math.round(expectedIntervalMs * 1000)));
}

/**
 * Histograms read back from an encoding: their max is only known to its bucket (the encoding keeps
 * counts, not the exact max), so latencyStats reports the bucket's highest equivalent value, as Go
 * does. Histograms recorded here keep their exact max.
 */
const bucketedMax = new WeakSet<Histogram>();

/** Merges histograms losslessly (e.g. windows or distributed k6 runners). */
export function mergeHistograms(hs: Iterable<Histogram>): Histogram {
  const out = newHistogram();
  for (const h of hs) {
    out.add(h);
    if (bucketedMax.has(h)) bucketedMax.add(out);
  }
  return out;
}

/** The latency summary every artifact uses (`latencyMs`), in milliseconds. */
export interface LatencyStats {
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Percentile (0-100) in ms, or NaN for an empty histogram. */
export function percentileMs(h: Histogram, percentile: number): number {
  if (h.totalCount === 0) return Number.NaN;
  return round3(h.getValueAtPercentile(percentile) / 1000);
}

/**
 * The summary with its percentiles clamped to [min, max]: HDR reports a bucket's highest equivalent
 * value, which can lie just above the largest sample (p99 387.327 beside max 387.262). Empty: zeros,
 * which reports print as "n/a (n = 0)" (analyzers/sample-size.ts).
 */
export function latencyStats(h: Histogram): LatencyStats {
  if (h.totalCount === 0) {
    return { min: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  }
  const min = round3(h.minNonZeroValue / 1000);
  // The JS histogram implements highestEquivalentValue; the exported interface omits it.
  const jsh = h as unknown as { highestEquivalentValue(v: number): number };
  const max = round3((bucketedMax.has(h) ? jsh.highestEquivalentValue(h.maxValue) : h.maxValue) / 1000);
  const at = (p: number): number => Math.min(max, Math.max(min, percentileMs(h, p)));
  return { min, p50: at(50), p90: at(90), p95: at(95), p99: at(99), p999: at(99.9), max, mean: round3(h.mean / 1000) };
}

/**
 * The one "count above threshold": recorded values above `thresholdMs` (bad events of a latency SLI).
 * Exact up to HDR bucket precision (0.1 %): a bucket counts when its lowest equivalent value is above
 * the threshold. Walks only the buckets between the threshold and the max (a 24 h soak asks this of
 * thousands of window histograms).
 */
export function countAboveMs(h: Histogram, thresholdMs: number): number {
  const limitUs = Math.floor(thresholdMs * 1000);
  if (h.totalCount === 0 || h.maxValue <= limitUs) return 0;
  const j = h as unknown as { countsArrayIndex(v: number): number; getCountAtIndex(i: number): number; countsArrayLength: number };
  const from = Math.max(0, j.countsArrayIndex(Math.max(0, limitUs)) + 1);
  const to = Math.min(j.countsArrayIndex(h.maxValue), j.countsArrayLength - 1);
  let n = 0;
  for (let i = from; i <= to; i++) n += j.getCountAtIndex(i);
  return n;
}

const V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
const V2_COOKIE_BASE = 0x1c849303;
/** Largest value a histogram from a file may claim to track (µs: ~116 days), so a hostile header cannot allocate gigabytes. */
export const MAX_TRACKABLE = 1e13;
const MAX_UNCOMPRESSED = 16 << 20;

/**
 * The one decoder of HdrHistogram V2 compressed base64, safe for untrusted files: the header is
 * checked first (cookie, digits, range) and inflation is bounded, so corrupt or hostile input is a
 * UserError naming `what`, never an out-of-memory or a library exception. `resizable: false` skips
 * the copy into an auto-resizing histogram for read-only uses (percentiles, counts, merging INTO another).
 */
export function decodeHistogram(base64: string, what = 'the input', opts: { resizable?: boolean } = {}): Histogram {
  const enc = inflateChecked(base64, what);
  try {
    const decoded = libraryDecode(enc.raw);
    // Read-only uses (percentiles, counts above a threshold, merging INTO another) can skip the copy into
    // an auto-resizing histogram; anything that adds into the result needs it.
    bucketedMax.add(decoded);
    if (opts.resizable === false) return decoded;
    const h = newHistogram();
    h.add(decoded);
    bucketedMax.add(h);
    return h;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw enc.bad('its counts do not decode');
  }
}

/**
 * Adds an encoded histogram INTO `into` (a histogram of newHistogram's layout), checked as safely as
 * decodeHistogram: the counts go straight from the payload into `into`'s counts, with no intermediate
 * histogram, so merging many windows decodes each once and copies nothing. The result is the one of
 * `into.add(decodeHistogram(base64))`. An encoding of another layout (digits, lowest value) takes that path.
 */
export function addEncodedHistogram(into: Histogram, base64: string, what = 'the input'): void {
  const enc = inflateChecked(base64, what);
  const j = into as unknown as LayoutInternals;
  if (enc.digits !== j.numberOfSignificantValueDigits || enc.lowest !== j.lowestDiscernibleValue) {
    let decoded: Histogram;
    try {
      decoded = libraryDecode(enc.raw);
    } catch {
      throw enc.bad('its counts do not decode');
    }
    into.add(decoded);
    bucketedMax.add(into);
    return;
  }
  const raw = enc.raw;
  const end = 40 + enc.payloadLength;
  // First pass: where the counts end (the highest non-zero index), so `into` is sized once.
  let pos = 40;
  let index = 0;
  let maxIndex = -1;
  let minNonZeroIndex = -1;
  let total = 0;
  while (pos < end) {
    const v = readZigZag(raw, pos);
    pos = zigZagEnd;
    if (v < 0) index -= v;
    else {
      if (v > 0) {
        maxIndex = index;
        if (minNonZeroIndex === -1 && index !== 0) minNonZeroIndex = index;
        total += v;
      }
      index++;
    }
  }
  if (pos !== end) throw enc.bad('its counts run past the payload');
  if (maxIndex < 0) {
    bucketedMax.add(into);
    return;
  }
  const highest = j.highestEquivalentValue(j.valueFromIndex(maxIndex));
  if (!(highest <= MAX_TRACKABLE)) throw enc.bad('counts beyond the largest trackable value');
  if (j.highestEquivalentValue(j.valueFromIndex(j.countsArrayLength - 1)) < highest) j.resize(highest);
  pos = 40;
  index = 0;
  while (pos < end) {
    const v = readZigZag(raw, pos);
    pos = zigZagEnd;
    if (v < 0) index -= v;
    else {
      if (v > 0) j.addToCountAtIndex(index, v);
      index++;
    }
  }
  j.setTotalCount(into.totalCount + total);
  j.updatedMaxValue(Math.max(into.maxValue, highest));
  if (minNonZeroIndex >= 0) j.updateMinNonZeroValue(Math.min(into.minNonZeroValue, j.valueFromIndex(minNonZeroIndex)));
  bucketedMax.add(into);
}

/** The JS histogram's layout internals this module reads and writes (the exported interface omits them). */
interface LayoutInternals {
  numberOfSignificantValueDigits: number;
  lowestDiscernibleValue: number;
  countsArrayLength: number;
  highestEquivalentValue(v: number): number;
  valueFromIndex(i: number): number;
  resize(highestTrackableValue: number): void;
  addToCountAtIndex(i: number, count: number): void;
  setTotalCount(n: number): void;
  updatedMaxValue(v: number): void;
  updateMinNonZeroValue(v: number): void;
}

interface CheckedEncoding {
  raw: Buffer;
  payloadLength: number;
  digits: number;
  lowest: number;
  highest: number;
  bad(why: string): UserError;
}

/** The header checks and the bounded inflation every decode goes through. */
function inflateChecked(base64: string, what: string): CheckedEncoding {
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
  return { raw, payloadLength, digits, lowest, highest, bad };
}

/** hdr-histogram-js's own decoder, on a checked payload; throws (a plain Error) when the counts do not decode. */
function libraryDecode(raw: Buffer): Histogram {
  const JsHistogram = (hdr as unknown as { JsHistogram: { decode(data: Uint8Array, bitBucketSize?: number): Histogram } }).JsHistogram;
  const decoded = JsHistogram.decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.length), 32);
  if (!(decoded.totalCount >= 0) || !(decoded.maxValue <= MAX_TRACKABLE)) throw new Error('range');
  return decoded;
}

/** End position of the last readZigZag (a module cursor, so the hot loop allocates nothing). */
let zigZagEnd = 0;

/** One LEB128-64b9B ZigZag value at `pos`, as hdr-histogram-js's ZigZagEncoding.decode reads it. */
function readZigZag(b: Buffer, pos: number): number {
  let v = b[pos++] ?? 0;
  let value = v & 0x7f;
  let scale = 128;
  for (let i = 1; i < 9 && v & 0x80; i++) {
    v = b[pos++] ?? 0;
    value += (v & 0x7f) * scale;
    scale *= 128;
  }
  zigZagEnd = pos;
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
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
 * The one encoder: HdrHistogram V2 compressed base64 (the bytes hdr-histogram-js and hdrhistogram-go
 * read), in one pass over the counts into a reused buffer with native zlib and base64 — several times
 * faster than the library's encoder, which matters where every window of a long run is encoded.
 */
export function encodeHistogram(h: Histogram): string {
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
