/**
 * Reads a result file (or the runner files of one scale-out run) and judges the SLOs on it: the
 * library entry point of `perf slo-check`, `perf flow`, the load tests and the collector. The read is
 * capture/results/slo-input.ts; the verdict is pure (analyzers/slo/check.ts sloReportOf).
 */
import { sloReportOf, assertSlos, type SloReport } from '../../analyzers/slo/check.js';
import type { InputFormat } from '../../analyzers/parsers/detect.js';
import type { EvalSlo, SloInput } from '../../analyzers/slo/model.js';
import type { RunnerRecord } from '../../core/contract/artifacts.js';
import { readRunnersSloInput, readSloInput } from './slo-input.js';

export interface SloCheckOptions {
  file: string;
  /**
   * Runners of one scale-out run to merge instead of `file` (several perf.k6-windows/v1 files, or a
   * folder of them): merged through analyzers/merge, judged as one run; a short runner fails the run.
   */
  runnerFiles?: readonly string[];
  /** The runners whose merged stream `file` is (perf collect): recorded, and a short runner fails the run. */
  runners?: RunnerRecord[];
  slos: readonly EvalSlo[];
  slosFrom: string;
  format?: InputFormat;
  lenient?: boolean;
  windowMs?: number;
  warnMargin?: number;
  /** Largest dropped share of k6 iterations a run may have and still count (default 1 %). */
  maxDropped?: number;
  /** Distinct tag sets kept per k6 metric when reading k6 --out json (default 1,000). */
  maxSeriesPerMetric?: number;
  signal?: AbortSignal;
}

export async function runSloCheck(opts: SloCheckOptions): Promise<SloReport> {
  assertSlos(opts.slos, opts.slosFrom);
  let input: SloInput;
  let runners = opts.runners;
  let file = opts.file;
  const common = { ...(opts.format ? { format: opts.format } : {}), ...(opts.lenient !== undefined ? { lenient: opts.lenient } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
  if (opts.runnerFiles) {
    const merged = await readRunnersSloInput(opts.runnerFiles, common);
    ({ input, runners, label: file } = merged);
  } else {
    input = await readSloInput(opts.file, {
      ...common,
      ...(opts.windowMs !== undefined ? { windowMs: opts.windowMs } : {}),
      ...(opts.maxSeriesPerMetric !== undefined ? { maxSeriesPerMetric: opts.maxSeriesPerMetric } : {}),
    });
  }
  return sloReportOf(input, {
    slos: opts.slos,
    slosFrom: opts.slosFrom,
    file,
    ...(runners ? { runners } : {}),
    ...(opts.warnMargin !== undefined ? { warnMargin: opts.warnMargin } : {}),
    ...(opts.maxDropped !== undefined ? { maxDropped: opts.maxDropped } : {}),
  });
}
