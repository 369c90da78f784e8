import * as hdr from 'hdr-histogram-js';

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

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(base64, 32, false);
  // Re-home into an auto-resizing histogram so later merges of wider ranges never throw.
  const h = newHistogram();
  h.add(decoded);
  return h;
}

/** Merges histograms losslessly (e.g. windows or distributed k6 runners). */
export function mergeHistograms(hs: Iterable<Histogram>): Histogram {
  const out = newHistogram();
  for (const h of hs) out.add(h);
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

export function latencyStats(h: Histogram): LatencyStats {
  if (h.totalCount === 0) {
    return { min: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  }
  return {
    min: round3(h.minNonZeroValue / 1000),
    p50: percentileMs(h, 50),
    p90: percentileMs(h, 90),
    p95: percentileMs(h, 95),
    p99: percentileMs(h, 99),
    p999: percentileMs(h, 99.9),
    max: round3(h.maxValue / 1000),
    mean: round3(h.mean / 1000),
  };
}

/**
 * Number of recorded values above `thresholdMs` (bad events of a latency SLI). Exact up to HDR
 * bucket precision (0.1 %): a bucket counts as "above" when its lowest equivalent value is above.
 */
export function countAboveMs(h: Histogram, thresholdMs: number): number {
  const limitUs = thresholdMs * 1000;
  let above = 0;
  const jsh = h as unknown as { recordedValuesIterator: RecordedValuesIterator; lowestEquivalentValue(v: number): number };
  const it = jsh.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    if (jsh.lowestEquivalentValue(v.valueIteratedTo) > limitUs) above += v.countAtValueIteratedTo;
  }
  return above;
}

interface RecordedValuesIterator {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedFrom: number; valueIteratedTo: number; countAtValueIteratedTo: number };
}
