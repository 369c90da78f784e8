/**
 * The SLO verdict of one run, PURE: an input already read (capture/results/slo-input.ts reads files)
 * → the perf.slo/v1 report, plus the CI gate's rule and the defaults every reader of SLOs shares.
 */
import type { SloPayload, SloStatus } from '../../core/artifacts/schemas.js';
import type { RunnerRecord } from '../../core/contract/artifacts.js';
import type { PerfConfig } from '../../core/config/types.js';
import { UserError } from '../../core/errors.js';
import { shortLoad } from '../merge/runners.js';
import { BURN_RATE_RULES, WORKBOOK_WINDOW_MS } from './alerts.js';
import { evaluateSlos } from './evaluate.js';
import { fromConfigSlo, type EvalSlo, type SloInput } from './model.js';
import { DEFAULT_MAX_DROPPED, runDidNotHappen } from './run-validity.js';

/** perf.slo/v1 payload plus the optional, additive fields slo-check writes. */
export interface SloReport extends SloPayload {
  /** Warning margin used for PARTIAL, as a fraction. */
  warnMargin: number;
  /** Where the SLOs came from: the config file or the OpenSLO file. */
  slosFrom: string;
  /** What the input format cannot tell (summary-only percentiles, no windows, ...). */
  limits: string[];
  /** Problems met while reading (truncated last line, skipped lines). */
  warnings: string[];
  /** k6 thresholds as the input reports them (summary formats), with `ok` already un-inverted. */
  k6Thresholds?: Array<{ metric: string; expression: string; ok: boolean }>;
  /** Why the run does not count (zero requests, all failed, aborted, dropped load…): status FAIL whatever the SLOs say. */
  runInvalid?: string[];
  /** Set when the input covers less than was planned (interrupted run): every SLO result notes it too. */
  partial?: string;
}

export interface SloVerdictOptions {
  slos: readonly EvalSlo[];
  slosFrom: string;
  /** The file (or runner label) the input was read from, as the report names it. */
  file: string;
  /** The runners whose merged stream the input is: recorded, and a short runner fails the run. */
  runners?: RunnerRecord[];
  /** Warning margin for PARTIAL, as a fraction (default 0.1). */
  warnMargin?: number;
  /** Largest dropped share of k6 iterations a run may have and still count (default 1 %). */
  maxDropped?: number;
}

/** An SLO check needs SLOs: checked before any result file is read. */
export function assertSlos(slos: readonly EvalSlo[], slosFrom: string): void {
  if (slos.length === 0) {
    throw new UserError('there are no SLOs to check', {
      where: slosFrom,
      fix: 'add "slos:" to perf.config.yaml (see "perf init"), or pass --openslo <file>',
    });
  }
}

/** The SLO report of an input already read: every SLO evaluated, and whether the run happened at all. */
export function sloReportOf(input: SloInput, opts: SloVerdictOptions): SloReport {
  assertSlos(opts.slos, opts.slosFrom);
  const warnMargin = opts.warnMargin ?? 0.1;
  const evaluated = evaluateSlos(opts.slos, input, { warnMargin });
  const slos = input.partial ? evaluated.slos.map((r) => ({ ...r, note: [r.note, `measured on a partial run: ${input.partial}`].filter(Boolean).join('; ') })) : evaluated.slos;
  // A merged run whose runner fell short did not deliver the planned load: one reason, from the one rule.
  const short = opts.runners ? shortLoad(opts.runners) : null;
  const runInvalid = runDidNotHappen({ requests: null, failed: null, ...input.facts, shortLoad: short }, opts.maxDropped ?? DEFAULT_MAX_DROPPED);
  const status = runInvalid.length > 0 ? 'FAIL' : evaluated.status;
  const report: SloReport = {
    status,
    source: { file: opts.file, format: input.format },
    runDurationMs: Math.round(input.durationMs),
    slos,
    warnMargin,
    slosFrom: opts.slosFrom,
    limits: input.limits,
    warnings: input.warnings,
  };
  if (input.thresholds && input.thresholds.length > 0) report.k6Thresholds = input.thresholds;
  if (runInvalid.length > 0) report.runInvalid = runInvalid;
  if (input.partial) report.partial = input.partial;
  if (opts.runners) report.runners = opts.runners;
  return report;
}

/** SLOs from the validated config. */
export function slosFromConfig(config: PerfConfig): EvalSlo[] {
  return config.slos.map(fromConfigSlo);
}

/**
 * Window width for bucketing k6 --out json points: half the shortest short alert window of the SLOs
 * (5 min scaled by window/30 d), between 10 s and 5 min. Finer windows add work, not precision.
 */
export function defaultWindowMs(slos: readonly EvalSlo[]): number {
  const shortest = Math.min(...slos.map((s) => (s.windowMs * BURN_RATE_RULES[0].shortMs) / WORKBOOK_WINDOW_MS));
  if (!Number.isFinite(shortest)) return 10_000;
  return Math.min(300_000, Math.max(10_000, Math.round(shortest / 2 / 1000) * 1000));
}

/** Exit decision of the CI gate. */
export type FailOn = 'fail' | 'partial' | 'never';

export function gateFails(status: SloStatus, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  if (failOn === 'partial') return status !== 'PASS';
  return status === 'FAIL';
}
