/**
 * Contract of the `perf.k6-windows/v1` NDJSON artifact written by our k6 output extension
 * (`k6 run --out perf=<file>`, Go, xk6/) and read by the TypeScript analyzers. One JSON object per
 * line; a killed k6 leaves every finished window readable (only the last line may be truncated).
 *
 * Line 1 is the header; then one `window` line per closed window, in order; `abort` lines when the
 * live SLO guard stops the test; a final `summary` line on a clean stop.
 *
 * Histograms: HdrHistogram V2 compressed base64 (hdrhistogram-go `Encode(V2CompressedEncodingCookieBase)`
 * ⇄ hdr-histogram-js `decodeFromCompressedBase64`), values = round(sample × 1000), i.e. µs for time
 * Trends (k6 reports them in ms), lowest 1, 3 significant digits.
 *
 * Merging (the Go output and the TypeScript readers alike; vectors: test/fixtures/k6/merge-vectors.json):
 * windows are [start + i·windowMs, start + (i+1)·windowMs), contiguous, the last cut at the stop time. A
 * sample counts in the window its timestamp falls in while that window is open; once a window is closed
 * (written) it is final, and a late sample counts in the oldest open window (summary `lateSamples`).
 * Trends add histograms, counters and rates sum, a gauge keeps its latest-timestamped value and the max.
 * Status tags become classes: three digits "NNN" → "Nxx", anything else present → "0xx".
 */

/** Tags a series is keyed by; absent tags are omitted. `status` is the status class: "2xx", "4xx", "5xx", "0xx" (no usable HTTP status: a network error). */
export interface SeriesTags {
  journey?: string;
  name?: string;
  scenario?: string;
  status?: string;
  /** For the `checks` rate only: the check name. */
  check?: string;
}

export interface TrendSeries {
  metric: string;
  tags: SeriesTags;
  count: number;
  /** In the metric's own unit (ms for time Trends). */
  min: number;
  max: number;
  sum: number;
  histogram: string;
}

export interface CounterSeries {
  metric: string;
  tags: SeriesTags;
  value: number;
}

export interface RateSeries {
  metric: string;
  tags: SeriesTags;
  /** Samples with a non-zero value (for http_req_failed: failed requests). */
  trues: number;
  total: number;
}

export interface GaugeSeries {
  metric: string;
  tags: SeriesTags;
  /** Value of the latest-timestamped sample in the window, and the max seen in it. */
  value: number;
  max: number;
}

export interface K6WindowsHeader {
  schema: 'perf.k6-windows/v1';
  type: 'header';
  /** Unix ms when the output started. */
  startMs: number;
  windowMs: number;
  k6Version: string;
  extensionVersion: string;
  /** The SLOs the live guard evaluates, as passed by the CLI (may be empty). */
  slos: unknown[];
  guard: { enabled: boolean; longWindowMs: number; shortWindowMs: number; factor: number } | null;
  /**
   * Scale-out (one test split over several k6 processes or hosts); absent in a single-runner file.
   * `runId` is shared by every runner of one test; `runner` names this one; `segment` is its k6
   * `--execution-segment` ("0:1/2") and `segmentSequence` the `--execution-segment-sequence`
   * ("0,1/2,1"), null when k6 ran unsegmented. With `alignedWindows`, window boundaries are multiples
   * of `windowMs` since the Unix epoch (the first window starts at `startMs` and may be short), so the
   * windows of different runners line up exactly. A stream perf merged from runners' streams has a
   * `segmentSequence` but no `runner` and no `segment` (isMergedStream in analyzers/merge/runners.ts).
   */
  runId?: string;
  runner?: string;
  segment?: string | null;
  segmentSequence?: string | null;
  alignedWindows?: boolean;
}

export interface K6WindowLine {
  type: 'window';
  index: number;
  startMs: number;
  endMs: number;
  trends: TrendSeries[];
  counters: CounterSeries[];
  rates: RateSeries[];
  gauges: GaugeSeries[];
}

export interface K6AbortLine {
  type: 'abort';
  atMs: number;
  slo: string;
  reason: string;
  longBurnRate: number;
  shortBurnRate: number;
}

export interface K6SummaryLine {
  type: 'summary';
  startMs: number;
  endMs: number;
  windows: number;
  trends: TrendSeries[];
  counters: CounterSeries[];
  rates: RateSeries[];
  gauges: GaugeSeries[];
  aborted: { reason: string; atMs: number } | null;
}

export type K6WindowsLine = K6WindowsHeader | K6WindowLine | K6AbortLine | K6SummaryLine;

/**
 * The in-memory shape both k6 readers produce (our NDJSON, or stock `k6 --out json` bucketed into
 * windows), so loadtest, slo-check and report share one code path.
 */
export interface K6Run {
  format: 'perf.k6-windows/v1' | 'k6-json';
  startMs: number;
  endMs: number;
  windowMs: number;
  windows: K6WindowLine[];
  /** Whole-run aggregates: the summary line when present, else the merge of all windows. */
  totals: Omit<K6SummaryLine, 'type' | 'startMs' | 'endMs' | 'windows' | 'aborted'>;
  aborted: { reason: string; atMs: number } | null;
  /** False when the file ended without a summary line (k6 killed): windows are still valid. */
  complete: boolean;
  /** perf.k6-windows/v1 only: the versions of k6 and of the perf extension, from the header. */
  versions?: { k6: string; extension: string };
  warnings: string[];
}
