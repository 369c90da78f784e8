import { fmtMs } from '../core/markdown.js';

/**
 * The sample-size rule every report follows: a percentile q is only stated when the sample holds
 * at least one value above it on average, n ≥ 1 / (1 − q): p50 needs 2 samples, p90 10, p95 20,
 * p99 100, p99.9 1,000. Below that the "percentile" is just the maximum (or noise) and is shown as
 * "n/a (n = 12)". PURE.
 */

/** Fewest samples that support the percentile (0-100): ceil(1 / (1 − q)). */
export function minSamplesFor(percentile: number): number {
  if (percentile <= 0) return 1;
  if (percentile >= 100) return Number.POSITIVE_INFINITY;
  // Round first: 1 / (1 - 0.99) is 100.00000000000009 in floating point.
  return Math.ceil(Math.round((1 / (1 - percentile / 100)) * 1e6) / 1e6);
}

/** True when `n` samples support stating the percentile. */
export function supportsPercentile(n: number, percentile: number): boolean {
  return n >= minSamplesFor(percentile);
}

/** The rule as one sentence, for reports and the README. */
export const SAMPLE_SIZE_RULE =
  'a percentile q is shown only when there are at least 1 / (1 − q) samples (p50 ≥ 2, p90 ≥ 10, p95 ≥ 20, p99 ≥ 100, p99.9 ≥ 1,000); otherwise "n/a (n = …)"';

/** A percentile for a report: the value in ms when `n` supports it, else "n/a (n = 12)". */
export function fmtPercentileMs(ms: number | null | undefined, n: number, percentile: number): string {
  if (!supportsPercentile(n, percentile)) return `n/a (n = ${fmtCount(n)})`;
  return fmtMs(ms);
}

/** A min/max/mean for a report: "n/a (n = 0)" for an empty sample, never "0.000 ms". */
export function fmtSampleMs(ms: number | null | undefined, n: number): string {
  return n > 0 ? fmtMs(ms) : 'n/a (n = 0)';
}

function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}
