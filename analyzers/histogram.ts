import * as hdr from 'hdr-histogram-js';
import { inflateSync } from 'node:zlib';
import { UserError } from '../core/errors.js';
import { deflateZlib } from './deflate.js';
import { inflateZlib } from './inflate.js';

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

/**
 * countAboveMs of an encoded histogram, exactly countAboveMs(decodeHistogram(base64)), without building
 * one: the counts above the threshold's bucket are summed straight from the payload (checked as
 * decodeHistogram checks it). A 24 h soak's SLO check asks this of every window's histograms; decoding
 * each into a library histogram held ~300 MB of counts arrays at once (perf slo-check, bench/merge's
 * 16 runner files). An encoding of another layout (digits, lowest value) is decoded as before.
 */
export function countAboveEncodedMs(base64: string, thresholdMs: number, what = 'the input'): number {
  const enc = inflateChecked(base64, what);
  if (enc.digits !== LAYOUT.numberOfSignificantValueDigits || enc.lowest !== LAYOUT.lowestDiscernibleValue) {
    return countAboveMs(decodeHistogram(base64, what, { resizable: false }), thresholdMs);
  }
  const limitUs = Math.floor(thresholdMs * 1000);
  const from = Math.max(0, LAYOUT.countsArrayIndex(Math.max(0, limitUs)) + 1);
  // The library's decoder refuses counts past the counts array its header's range sizes.
  const length = LAYOUT.determineArrayLengthNeeded(enc.highest);
  let n = 0;
  let tooFar = false;
  const complete = forEachCount(enc.raw, 40 + enc.payloadLength, (index, count) => {
    if (index >= length) tooFar = true;
    else if (index >= from) n += count;
  });
  if (tooFar) throw enc.bad('its counts do not decode');
  if (!complete) throw enc.bad('its counts run past the payload');
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

/** The layout every histogram of newHistogram has before anything is added: the oracle of its index arithmetic. Never written to. */
const LAYOUT = newHistogram() as unknown as LayoutInternals;
const INITIAL_HIGHEST_TRACKABLE = LAYOUT.highestTrackableValue;
/** The highest value counted at `index` of the layout, remembered (every added histogram asks it of its max index). */
let highestAtIndex = new Float64Array(1 << 15);
function highestAt(index: number): number {
  // A hostile payload may claim any index: only those of trackable values are remembered.
  if (index > MAX_TRACKABLE_INDEX) return LAYOUT.highestEquivalentValue(LAYOUT.valueFromIndex(index));
  if (index >= highestAtIndex.length) {
    const grown = new Float64Array(Math.max(index + 1, highestAtIndex.length * 2));
    grown.set(highestAtIndex);
    highestAtIndex = grown;
  }
  return (highestAtIndex[index] ||= LAYOUT.highestEquivalentValue(LAYOUT.valueFromIndex(index)));
}
const MAX_TRACKABLE_INDEX = LAYOUT.countsArrayIndex(MAX_TRACKABLE);
/** The highest value a counts array of `length` of the layout records. */
const recordableWith = (length: number): number => highestAt(length - 1);
const INITIAL_RECORDABLE = recordableWith(LAYOUT.countsArrayLength);

/**
 * A sum's counts, and a bit per index that may be non-zero (set when a count is added there), so the
 * sums of sparse windows are walked by their non-zero counts, not the whole range between min and max.
 */
interface Counts {
  values: Uint32Array;
  marks: Uint32Array;
}

/** Zeroed counts of finished sums, for the next: a soak's merge makes tens of thousands of sums. */
const countsPool: Counts[] = [];
function takeCounts(length: number): Counts {
  for (let i = countsPool.length - 1; i >= 0; i--) {
    const c = countsPool[i]!;
    if (c.values.length < length) continue;
    countsPool[i] = countsPool[countsPool.length - 1]!;
    countsPool.pop();
    return c;
  }
  return { values: new Uint32Array(length), marks: new Uint32Array((length + 31) >>> 5) };
}
function giveBackCounts(counts: Counts, lo: number, hi: number): void {
  if (hi >= lo) {
    counts.values.fill(0, lo, hi + 1);
    counts.marks.fill(0, lo >>> 5, (hi >>> 5) + 1);
  }
  if (countsPool.length < 64) countsPool.push(counts);
}

/** What addPayload found: the highest and lowest non-zero index, the lowest above 0 (value 0 aside; -1: none), and the counts' sum. */
let walkMaxIndex = -1;
let walkLowIndex = -1;
let walkMinNonZeroIndex = -1;
let walkTotal = 0;

/**
 * Visits an encoding's non-zero counts in index order: the walk of its ZigZag tokens off the hot path
 * (HistogramSum.addPayload has its own, inlined). False when the tokens run past the payload.
 */
function forEachCount(raw: Buffer, end: number, visit: (index: number, count: number) => void): boolean {
  let pos = 40;
  let index = 0;
  while (pos < end) {
    const v = readZigZag(raw, pos);
    pos = zigZagEnd;
    if (v < 0) index -= v;
    else {
      if (v > 0) visit(index, v);
      index++;
    }
  }
  return pos === end;
}

/**
 * The sum of encoded histograms (windows, runners), for merging many: each encoding, checked as
 * safely as decodeHistogram, has its counts added in place into one counts array straight from the
 * payload (no histogram per input, no copy), and the sum is encoded once. The result — encoding,
 * counts, min, max, size — is exactly the one of adding each decodeHistogram into a newHistogram,
 * auto-resizing included (the encoding names the highest trackable value the resizes reached).
 * An encoding of another layout (digits, lowest value) moves the sum onto that library path.
 * `encode()` ends the sum: its counts array goes back to a pool for the next.
 */
export class HistogramSum {
  private counts: Counts | null = null;
  /** The counts the resizes of newHistogram's path would have reached: its length and highest trackable value. */
  private length = LAYOUT.countsArrayLength;
  private highestTrackable = INITIAL_HIGHEST_TRACKABLE;
  private recordable = INITIAL_RECORDABLE;
  private total = 0;
  private maxValue = 0;
  private minNonZeroValue = Number.MAX_SAFE_INTEGER;
  private lo = Number.POSITIVE_INFINITY;
  private hi = -1;
  /** The library histogram the sum moved onto when an encoding of another layout was added. */
  private other: Histogram | null = null;
  private spent = false;
  /** The rising maxima of the highest values added (for `state`). */
  private readonly peaks: number[] = [];

  add(base64: string, what = 'the input'): void {
    if (this.spent) throw new Error('HistogramSum.add after encode');
    const enc = inflateChecked(base64, what);
    if (this.other || enc.digits !== LAYOUT.numberOfSignificantValueDigits || enc.lowest !== LAYOUT.lowestDiscernibleValue) {
      let decoded: Histogram;
      try {
        decoded = libraryDecode(enc.raw);
      } catch {
        throw enc.bad('its counts do not decode');
      }
      this.other ??= this.histogram();
      this.other.add(decoded);
      return;
    }
    const raw = enc.raw;
    const end = 40 + enc.payloadLength;
    // One walk adds the counts, their storage grown as indices come; the resize the encoding names then
    // follows the max index, as if sized for it first. A problem: the checking walk says which, as before.
    if (!this.addPayload(raw, end)) {
      let maxIndex = -1;
      if (!forEachCount(raw, end, (i) => (maxIndex = i))) throw enc.bad('its counts run past the payload');
      if (!(highestAt(maxIndex) <= MAX_TRACKABLE)) throw enc.bad('counts beyond the largest trackable value');
      throw enc.bad('a count beyond the largest integer');
    }
    const maxIndex = walkMaxIndex;
    if (maxIndex < 0) return;
    const highest = highestAt(maxIndex);
    if (!(highest <= MAX_TRACKABLE)) throw enc.bad('counts beyond the largest trackable value');
    const lowIndex = walkLowIndex;
    this.resizeFor(highest);
    if (this.counts!.values.length < this.length) this.storage(this.length, Math.min(this.lo, lowIndex), Math.max(this.hi, maxIndex));
    this.note(lowIndex, walkMinNonZeroIndex, maxIndex, highest, walkTotal);
  }

  /**
   * Adds an encoding's counts into the storage (grown to the indices met, up to the largest trackable),
   * setting the walk* figures; false on tokens that run past the payload, an index beyond the trackable,
   * or a count beyond the largest integer (the sum is then not to be used: `add` then says which).
   */
  private addPayload(raw: Buffer, end: number): boolean {
    let values = this.counts?.values;
    let marks = this.counts?.marks;
    let pos = 40;
    let index = 0;
    let maxIndex = -1;
    let lowIndex = -1;
    let minNonZeroIndex = -1;
    let total = 0;
    while (pos < end) {
      const first = raw[pos]!;
      let value: number;
      // Most tokens are one byte: a count below 64, or a run of up to 64 zeros.
      if (first < 128) {
        value = first;
        pos++;
      } else {
        value = readZigZagValue(raw, pos);
        pos = zigZagEnd;
      }
      const v = value % 2 === 0 ? value / 2 : -(value + 1) / 2;
      if (v < 0) {
        index -= v;
        continue;
      }
      if (v > 0) {
        if (!values || index >= values.length) {
          if (index > MAX_TRACKABLE_INDEX) return false;
          const grown = this.storage(index + 1, Math.min(this.lo, lowIndex === -1 ? index : lowIndex), Math.max(this.hi, maxIndex));
          values = grown.values;
          marks = grown.marks;
        }
        maxIndex = index;
        if (lowIndex === -1) lowIndex = index;
        if (minNonZeroIndex === -1 && index !== 0) minNonZeroIndex = index;
        total += v;
        const sum = values[index]! + v;
        if (sum > Number.MAX_SAFE_INTEGER) return false;
        values[index] = sum;
        marks![index >>> 5] = marks![index >>> 5]! | (1 << (index & 31));
      }
      index++;
    }
    if (pos !== end) return false;
    walkMaxIndex = maxIndex;
    walkLowIndex = lowIndex;
    walkMinNonZeroIndex = minNonZeroIndex;
    walkTotal = total;
    return true;
  }

  /**
   * Adds another open sum, exactly as adding its encoding would (the counts its encoding would carry,
   * read from its counts array): a run's totals summed from its merged windows without re-decoding them.
   */
  addSum(o: HistogramSum): void {
    if (o.spent) throw new Error('HistogramSum.addSum of an encoded sum');
    if (this.spent) throw new Error('HistogramSum.addSum after encode');
    if (this.other || o.other || !o.counts) {
      if (o.other || o.total > 0) this.add(o.encodeOpen(), 'a merged window');
      return;
    }
    const from = o.counts.values;
    // The first and last non-zero counts lie at o.lo and o.hi unless a Uint32 count wrapped to 0.
    let lowIndex = o.lo;
    while (lowIndex <= o.hi && from[lowIndex] === 0) lowIndex++;
    let maxIndex = o.hi;
    while (maxIndex >= lowIndex && from[maxIndex] === 0) maxIndex--;
    if (maxIndex < lowIndex) return;
    let minNonZeroIndex = lowIndex;
    if (minNonZeroIndex === 0) {
      minNonZeroIndex = 1;
      while (minNonZeroIndex <= maxIndex && from[minNonZeroIndex] === 0) minNonZeroIndex++;
      if (minNonZeroIndex > maxIndex) minNonZeroIndex = -1;
    }
    const highest = highestAt(maxIndex);
    const { values, marks } = this.sized(highest);
    const fromMarks = o.counts.marks;
    let total = 0;
    // The marked indices of o in [lowIndex, maxIndex] hold all its non-zero counts.
    for (let w = lowIndex >>> 5, last = maxIndex >>> 5; w <= last; w++) {
      let bits = fromMarks[w]!;
      if (bits === 0) continue;
      marks[w] = marks[w]! | bits;
      do {
        const low = bits & -bits;
        const i = (w << 5) + 31 - Math.clz32(low);
        bits ^= low;
        const v = from[i]!;
        if (v !== 0) {
          values[i] = values[i]! + v;
          total += v;
        }
      } while (bits !== 0);
    }
    this.note(lowIndex, minNonZeroIndex, maxIndex, highest, total);
  }

  /** The counts, resized as newHistogram's path would for a value of `highest`. */
  private sized(highest: number): Counts {
    this.resizeFor(highest);
    return this.storage(this.length, this.lo, this.hi);
  }

  /** The resize of newHistogram's path for a value of `highest`: what the encoding names as highest trackable. */
  private resizeFor(highest: number): void {
    if (this.peaks.length === 0 || highest > this.peaks[this.peaks.length - 1]!) this.peaks.push(highest);
    if (this.recordable < highest) {
      this.highestTrackable = highest;
      this.length = LAYOUT.determineArrayLengthNeeded(highest);
      this.recordable = recordableWith(this.length);
    }
  }

  /** Counts storage of at least `length` (and this.length), keeping the counts in [lo, hi]. */
  private storage(length: number, lo: number, hi: number): Counts {
    const counts = this.counts;
    if (counts && counts.values.length >= length) return counts;
    const grown = takeCounts(Math.max(length, this.length));
    if (counts) {
      if (hi >= lo) {
        grown.values.set(counts.values.subarray(lo, hi + 1), lo);
        grown.marks.set(counts.marks.subarray(lo >>> 5, (hi >>> 5) + 1), lo >>> 5);
      }
      giveBackCounts(counts, lo, hi);
    }
    return (this.counts = grown);
  }

  /**
   * The sum as plain data, for another thread to `join`: its counts and figures, and the rising maxima of
   * what it added (the resizes they cause depend on what came before); null for a sum on the library path.
   */
  state(): HistogramSumState | null {
    if (this.spent) throw new Error('HistogramSum.state of an encoded sum');
    if (this.other) return null;
    const values = this.counts && this.hi >= this.lo ? this.counts.values.slice(this.lo, this.hi + 1) : new Uint32Array(0);
    return { values, lo: this.lo, total: this.total, maxValue: this.maxValue, minNonZeroValue: this.minNonZeroValue, peaks: [...this.peaks] };
  }

  /**
   * Adds a sum's state exactly as adding, one by one, what that sum was made of would (it carries what
   * decides the resizes): a run's totals joined from the parts of a split merge.
   */
  join(st: HistogramSumState): void {
    if (this.spent) throw new Error('HistogramSum.join after encode');
    if (this.other) throw new Error('HistogramSum.join onto a sum on the library path');
    for (const p of st.peaks) this.resizeFor(p);
    const n = st.values.length;
    if (n === 0) return;
    const lo = st.lo;
    const hi = lo + n - 1;
    const { values, marks } = this.storage(hi + 1, this.lo, this.hi);
    for (let k = 0; k < n; k++) {
      const v = st.values[k]!;
      if (v === 0) continue;
      const i = lo + k;
      values[i] = values[i]! + v;
      marks[i >>> 5] = marks[i >>> 5]! | (1 << (i & 31));
    }
    if (lo < this.lo) this.lo = lo;
    if (hi > this.hi) this.hi = hi;
    this.total += st.total;
    if (st.maxValue > this.maxValue) this.maxValue = st.maxValue;
    if (st.minNonZeroValue < this.minNonZeroValue) this.minNonZeroValue = st.minNonZeroValue;
  }

  /** Records what an added histogram brought: its index range, max, size and lowest non-zero value. */
  private note(lowIndex: number, minNonZeroIndex: number, maxIndex: number, highest: number, total: number): void {
    if (lowIndex < this.lo) this.lo = lowIndex;
    if (maxIndex > this.hi) this.hi = maxIndex;
    this.total += total;
    if (highest > this.maxValue) this.maxValue = highest;
    if (minNonZeroIndex > 0) this.minNonZeroValue = Math.min(this.minNonZeroValue, LAYOUT.valueFromIndex(minNonZeroIndex));
  }

  /** The sum as a library histogram (for percentiles and counts); the sum stays open. */
  histogram(): Histogram {
    if (this.other) return this.other;
    const h = newHistogram();
    const j = h as unknown as LayoutInternals;
    if (this.highestTrackable !== INITIAL_HIGHEST_TRACKABLE) j.resize(this.highestTrackable);
    const counts = this.counts?.values;
    if (counts) for (let i = this.lo; i <= this.hi; i++) if (counts[i] !== 0) j.setCountAtIndex(i, counts[i]!);
    j.setTotalCount(this.total);
    if (this.maxValue > 0) j.updatedMaxValue(this.maxValue);
    if (this.minNonZeroValue < Number.MAX_SAFE_INTEGER) j.updateMinNonZeroValue(this.minNonZeroValue);
    bucketedMax.add(h);
    return h;
  }

  /** The sum's encoding (encodeHistogram's bytes); ends the sum. */
  encode(): string {
    if (this.spent) throw new Error('HistogramSum.encode twice');
    this.spent = true;
    const out = this.encodeOpen();
    if (this.counts) giveBackCounts(this.counts, this.lo, this.hi);
    this.counts = null;
    return out;
  }

  private encodeOpen(): string {
    if (this.other) return encodeHistogram(this.other);
    const limit = LAYOUT.countsArrayIndex(this.maxValue) + 1;
    const b = encodingHeader(limit, LAYOUT.numberOfSignificantValueDigits, LAYOUT.lowestDiscernibleValue, this.highestTrackable);
    return encodingOf(b, this.counts ? markedTokens(b, this.counts, Math.min(this.lo, limit), limit) : zeroTokens(b, 40, limit));
  }
}

/** A HistogramSum as plain data (HistogramSum.state / join): counts [lo, lo + values.length), figures, rising maxima. */
export interface HistogramSumState {
  values: Uint32Array;
  lo: number;
  total: number;
  maxValue: number;
  minNonZeroValue: number;
  peaks: number[];
}

/** The JS histogram's layout internals this module reads and writes (the exported interface omits them). */
interface LayoutInternals {
  numberOfSignificantValueDigits: number;
  lowestDiscernibleValue: number;
  highestTrackableValue: number;
  countsArrayLength: number;
  countsArrayIndex(v: number): number;
  determineArrayLengthNeeded(highestTrackableValue: number): number;
  setCountAtIndex(i: number, count: number): void;
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
  if (typeof base64 !== 'string' || base64.length < 12) throw bad('not base64');
  const bytes = base64Bytes(base64);
  if (bytes < 0) throw bad('not base64');
  const buf = base64Buffer;
  if (bytes < 8 || (buf.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE_BASE) throw bad('not an HdrHistogram V2 compressed encoding');
  const len = buf.readInt32BE(4);
  if (len <= 0 || 8 + len > bytes) throw bad('length field out of range');
  // The small inflater first (a soak's merge inflates hundreds of thousands of these); native zlib for
  // whatever it does not take, which also gives the error of a corrupt payload.
  let raw = inflateZlib(buf, MAX_UNCOMPRESSED, 8, 8 + len);
  if (!raw) {
    try {
      raw = inflateSync(buf.subarray(8, 8 + len), { maxOutputLength: MAX_UNCOMPRESSED });
    } catch {
      throw bad('its compressed payload does not inflate');
    }
  }
  if (raw.length < 40 || (raw.readInt32BE(0) & ~0xf0) !== V2_COOKIE_BASE) throw bad('no V2 encoding cookie');
  const payloadLength = raw.readInt32BE(4);
  const digits = raw.readInt32BE(12);
  const lowest = int64At(raw, 16);
  const highest = int64At(raw, 24);
  if (payloadLength < 0 || 40 + payloadLength > raw.length) throw bad('payload length out of range');
  if (!(digits >= 1 && digits <= 5)) throw bad(`${digits} significant digits`);
  if (!(lowest >= 1 && highest >= 2 * lowest && highest <= MAX_TRACKABLE)) throw bad(`trackable range ${lowest}..${highest}`);
  return { raw, payloadLength, digits, lowest, highest, bad };
}

/** A big-endian signed 64-bit integer as a number (rounded as Number(BigInt) rounds it, above 2^53). */
const int64At = (b: Buffer, at: number): number => b.readInt32BE(at) * 2 ** 32 + b.readUInt32BE(at + 4);

/** Where base64Bytes puts the bytes (reused: valid until the next call). */
let base64Buffer = Buffer.allocUnsafe(1 << 12);

/**
 * The bytes of a base64 text into base64Buffer, how many, or -1 when it is not base64 (the pattern below,
 * after trimming). Canonical base64, what every encoder writes, is its bytes' encoding: checked that way,
 * without running the pattern; anything else goes through the pattern as always.
 */
function base64Bytes(base64: string): number {
  const room = ((base64.length + 3) >>> 2) * 3;
  if (base64Buffer.length < room) base64Buffer = Buffer.allocUnsafe(Math.max(room, base64Buffer.length * 2));
  const n = base64Buffer.write(base64, 'base64');
  if (base64Buffer.toString('base64', 0, n) === base64) return n;
  const text = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return -1;
  return base64Buffer.write(text, 'base64');
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

/** One LEB128-64b9B value at `pos` before its ZigZag step (the cursor in zigZagEnd). */
function readZigZagValue(b: Buffer, pos: number): number {
  let v = b[pos++] ?? 0;
  let value = v & 0x7f;
  let scale = 128;
  for (let i = 1; i < 9 && v & 0x80; i++) {
    v = b[pos++] ?? 0;
    value += (v & 0x7f) * scale;
    scale *= 128;
  }
  zigZagEnd = pos;
  return value;
}

/** One LEB128-64b9B ZigZag value at `pos`, as hdr-histogram-js's ZigZagEncoding.decode reads it (the cursor in zigZagEnd). */
function readZigZag(b: Buffer, pos: number): number {
  const value = readZigZagValue(b, pos);
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
 * read), in one pass over the counts into a reused buffer, compressed by analyzers/deflate.ts (a valid
 * zlib stream of any inflater) — several times faster than the library's encoder and than native zlib's,
 * which matters where every window of a long run is encoded.
 */
export function encodeHistogram(h: Histogram): string {
  const j = h as unknown as LayoutInternals & { _counts?: unknown; getCountAtIndex(i: number): number };
  const limit = j.countsArrayIndex(h.maxValue) + 1;
  const counts = j._counts instanceof Uint32Array ? j._counts : Array.from({ length: limit }, (_, i) => j.getCountAtIndex(i));
  const b = encodingHeader(limit, j.numberOfSignificantValueDigits, j.lowestDiscernibleValue, j.highestTrackableValue);
  return encodingOf(b, denseTokens(b, counts, limit));
}

/** The scratch buffer with room for the tokens of `limit` counts, the V2 header written. */
function encodingHeader(limit: number, digits: number, lowest: number, highestTrackable: number): Buffer {
  const need = 40 + limit * 9;
  if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  const b = scratch;
  b.writeInt32BE(V2_COOKIE, 0);
  b.writeInt32BE(1, 8);
  b.writeInt32BE(digits, 12);
  b.writeBigInt64BE(BigInt(lowest), 16);
  b.writeBigInt64BE(BigInt(highestTrackable), 24);
  b.writeBigInt64BE(1n, 32);
  return b;
}

/** The tokens of counts[0, limit) after the header: each count, each run of zeros as one negative (one zero as 0). */
function denseTokens(b: Buffer, counts: ArrayLike<number>, limit: number): number {
  let pos = 40;
  let i = 0;
  while (i < limit) {
    const count = counts[i++] ?? 0;
    if (count === 0) {
      let zeros = 1;
      while (i < limit && (counts[i] ?? 0) === 0) {
        zeros++;
        i++;
      }
      pos = putZigZag(b, pos, zeros > 1 ? -zeros : 0);
    } else pos = putZigZag(b, pos, count);
  }
  return pos;
}

/** A run of `zeros` zero counts at `pos`. */
const zeroTokens = (b: Buffer, pos: number, zeros: number): number => (zeros > 0 ? putZigZag(b, pos, zeros > 1 ? -zeros : 0) : pos);

/** denseTokens' bytes for a sum's counts: only its marked indices are read (counts[0, from) are known to be 0). */
function markedTokens(b: Buffer, counts: Counts, from: number, limit: number): number {
  const { values, marks } = counts;
  let pos = 40;
  /** The index after the last count written: the zeros since it are written before the next. */
  let done = 0;
  for (let w = from >>> 5, last = (limit - 1) >>> 5; w <= last; w++) {
    let bits = marks[w]!;
    while (bits !== 0) {
      const low = bits & -bits;
      const i = (w << 5) + 31 - Math.clz32(low);
      bits ^= low;
      if (i < from) continue;
      if (i >= limit) break;
      const v = values[i]!;
      if (v === 0) continue;
      // Most tokens are one byte: a run of up to 64 zeros, a count below 64 (ZigZag: 2n - 1, 2n).
      const zeros = i - done;
      if (zeros === 1) b[pos++] = 0;
      else if (zeros > 1 && zeros <= 64) b[pos++] = 2 * zeros - 1;
      else pos = zeroTokens(b, pos, zeros);
      if (v < 64) b[pos++] = 2 * v;
      else pos = putZigZag(b, pos, v);
      done = i + 1;
    }
  }
  return zeroTokens(b, pos, limit - done);
}

/** The V2 compressed base64 of the encoding in b[0, end). */
function encodingOf(b: Buffer, end: number): string {
  b.writeInt32BE(end - 40, 4);
  const compressed = deflateZlib(b, end);
  const out = Buffer.allocUnsafe(8 + compressed.length);
  out.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
  out.writeInt32BE(compressed.length, 4);
  out.set(compressed, 8);
  return out.toString('base64');
}
