import type { LoadFigures } from '../../core/artifacts/schemas.js';
import type { Slo } from '../../core/config/types.js';
import type { SloResult, SloStatus } from '../../core/artifacts/schemas.js';
import { evaluateSlos } from '../slo/evaluate.js';
import { sloInputFromDocument } from '../slo/inputs.js';
import { decodeHistogram } from '../histogram.js';
import { fromConfigSlo } from '../slo/model.js';
import type { DatabaseComparison } from '../database/compare.js';
import type { ConfirmationResult } from './confirm.js';
import { fairnessIssues, type FairnessIssue, type RunLoad } from './fairness.js';
import { batchTests, MIN_BATCHES, type BatchTests } from './batches.js';
import { bootstrapPercentileChange, mannWhitney, twoProportion, type BootstrapChange, type MannWhitney } from './stats.js';
import { fmtDecimal, fmtPct, fmtPValue, fmtSignedPct } from '../../core/format.js';

/**
 * `unconfirmed`: one measurement per side showed a difference, but re-measuring both sides
 * interleaved (A B A B) did not reproduce it, or the before side could not be re-measured; no change
 * is claimed.
 */
export type Verdict = 'improved' | 'regressed' | 'mixed' | 'no-significant-change' | 'insufficient-data' | 'unconfirmed';

export interface CompareOptions {
  /** Significance level of the tests (default 0.01). */
  alpha: number;
  /** Minimum |Cliff's delta| for a shift of the whole distribution to count (default 0.147, "small"). */
  minDelta: number;
  /** Minimum |relative p95 change| for a tail change to count (default 0.2 = 20%). */
  minP95Change: number;
  /** Minimum error-rate change (fraction, default 0.005 = 0.5 points) for an error regression to count. */
  minErrorRateChange: number;
  /** Minimum absolute change (ms, default 1) of the median (distribution shift) or p95 (tail) to count: sub-ms wobble is not a finding. */
  minAbsoluteMs: number;
  /** Minimum |relative median change| for a distribution shift to count (default 0.1 = 10%). */
  minMedianChange: number;
  /**
   * What one observation of the significance tests is. `batches` (default): the median, p95 and
   * error rate of each of the run's equal time batches (analyzers/compare/batches.ts), so drift
   * within a run widens the test; runs without batches (older artifacts, k6 load tests) fall back
   * to requests and say so. `requests`: every request counts as independent (the rule before
   * batches, kept for the compare-null bench's side-by-side).
   */
  replication: 'batches' | 'requests';
}

/** Fewest requests per side for the Mann–Whitney normal approximation. */
export const MIN_SAMPLES = 10;
/** Fewest requests beyond the p95 on each side for a tail (p95) claim: 20, so n ≥ 400 a side. */
export const MIN_TAIL_SAMPLES = 20;

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = { alpha: 0.01, minDelta: 0.147, minP95Change: 0.2, minErrorRateChange: 0.005, minAbsoluteMs: 1, minMedianChange: 0.1, replication: 'batches' };

export interface FiguresSnapshot {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  throughputRps: number;
  errorRate: number;
}

export interface JourneyComparison {
  name: string;
  before: FiguresSnapshot;
  after: FiguresSnapshot;
  /** Relative changes (fractions) of latency percentiles and throughput; error rate as a difference in points (fraction). */
  change: { p50: number; p95: number; p99: number; throughput: number; errorRatePoints: number };
  mannWhitney: MannWhitney | null;
  p95Bootstrap: BootstrapChange | null;
  /** The tests across time batches that decided the verdict, when both runs carry batches (null: requests were the unit). */
  batchTests?: BatchTests | null;
  errorTest: { z: number; pValue: number };
  verdict: Verdict;
  /** Confidence of the verdict: 1 - p of the test that decided it (null when nothing was significant). */
  confidence: number | null;
  reasons: string[];
}

/** One run's SLO figures: the SLO check of its figures, as `perf slo-check` reports them. */
export interface SloSide {
  badFraction: number;
  burnRate: number;
  /** Budget consumed by the run, percent of the SLO window's budget. */
  budgetConsumedPct: number;
  /** The slo-check verdict is not FAIL. */
  met: boolean;
  status: SloStatus;
}

export interface SloSnapshot {
  name: string;
  sli: Slo['sli'];
  journey?: string;
  objective: number;
  /** The SLO window ("30d") the budgets are counted over. */
  window?: string;
  before: SloSide | null;
  after: SloSide | null;
  /** Error budget recovered (percentage points of the SLO window's budget): before consumed − after consumed. */
  budgetRecoveredPct: number | null;
}

export interface RunRef {
  file: string;
  schema: string;
  runId: string;
}

/** Whether the two runs were loaded alike (analyzers/compare/fairness.ts). */
export interface Fairness {
  /** False when at least one issue is a refusal: the verdicts compare the loads, not the service. */
  comparable: boolean;
  issues: FairnessIssue[];
}

/** perf.compare/v1 */
export interface ComparePayload {
  before: RunRef;
  after: RunRef;
  options: CompareOptions;
  overall: JourneyComparison;
  journeys: JourneyComparison[];
  /** Journeys present on one side only. */
  unmatched: { beforeOnly: string[]; afterOnly: string[] };
  verdict: Verdict;
  regressions: string[];
  improvements: string[];
  slos: SloSnapshot[];
  roi: { effortDays: number | null; effortSource: 'flag' | 'plan' | null; p95ImprovementPct: number; improvementPerDayPct: number | null } | null;
  fairness: Fairness;
  /** How many measurements each side rests on: 1 (one run each) or more after interleaved confirmation. */
  measurementsPerSide: number;
  /** Interleaved re-measurements (A B A B) of every claimed change, when the flow ran them. */
  confirmations?: ConfirmationResult[];
  notes: string[];
  /** Optional: database time per journey before/after, when both baselines carry PostgreSQL evidence. */
  database?: DatabaseComparison;
}

function snap(f: LoadFigures): FiguresSnapshot {
  return { requests: f.requests, p50Ms: f.latencyMs.p50, p95Ms: f.latencyMs.p95, p99Ms: f.latencyMs.p99, throughputRps: f.throughputRps, errorRate: f.errorRate };
}

const rel = (a: number, b: number): number => (a === 0 ? (b === 0 ? 0 : Infinity) : b / a - 1);

/** Compares two load figures of the same journey: tests on the HDR data decide the verdict. */
export function compareFigures(before: LoadFigures, after: LoadFigures, opts: CompareOptions = DEFAULT_COMPARE_OPTIONS): JourneyComparison {
  const hb = decodeHistogram(before.histogram, `the "before" run's ${before.name} histogram`);
  const ha = decodeHistogram(after.histogram, `the "after" run's ${after.name} histogram`);
  const enough = hb.totalCount >= MIN_SAMPLES && ha.totalCount >= MIN_SAMPLES;
  const mw = enough ? mannWhitney(hb, ha) : null;
  // A p95 claim rests on the requests beyond it: with fewer than 20 there (n < 400), one burst of
  // the host moves it, so the tail is not tested.
  const tailN = MIN_TAIL_SAMPLES / 0.05;
  const boot = hb.totalCount >= tailN && ha.totalCount >= tailN ? bootstrapPercentileChange(hb, ha, 95) : null;
  const errorTest = twoProportion(before.errors, before.requests, after.errors, after.requests);
  const reasons: string[] = [];
  let better = 0;
  let worse = 0;
  let confidence: number | null = null;
  const p50Shift = after.latencyMs.p50 - before.latencyMs.p50;
  const bt = opts.replication === 'batches' ? batchTests(before, after) : null;
  if (bt && enough) {
    // Significance across time batches; effect sizes from the pooled figures (what the report shows).
    const medianEffect = Math.abs(p50Shift) >= opts.minAbsoluteMs && Math.abs(rel(before.latencyMs.p50, after.latencyMs.p50)) >= opts.minMedianChange && (!mw || Math.abs(mw.cliffsDelta) >= opts.minDelta);
    if (bt.median && bt.median.pValue < opts.alpha && medianEffect) {
      if (p50Shift < 0) better++;
      else worse++;
      confidence = 1 - bt.median.pValue;
      reasons.push(`median ${fmtSignedPct(rel(before.latencyMs.p50, after.latencyMs.p50))}: batch medians ${p50Shift < 0 ? 'lower' : 'higher'} (Mann–Whitney across ${bt.median.nBefore} vs ${bt.median.nAfter} time batches, p=${fmtPValue(bt.median.pValue)})`);
    }
    const p95Change = rel(before.latencyMs.p95, after.latencyMs.p95);
    const tailOk = hb.totalCount >= tailN && ha.totalCount >= tailN;
    if (tailOk && bt.p95 && bt.p95.pValue < opts.alpha && Math.abs(p95Change) >= opts.minP95Change && Math.abs(after.latencyMs.p95 - before.latencyMs.p95) >= opts.minAbsoluteMs) {
      if (p95Change < 0) better++;
      else worse++;
      confidence ??= 1 - bt.p95.pValue;
      reasons.push(`p95 ${fmtSignedPct(p95Change)}: batch p95s ${p95Change < 0 ? 'lower' : 'higher'} (Mann–Whitney across ${bt.p95.nBefore} vs ${bt.p95.nAfter} time batches, p=${fmtPValue(bt.p95.pValue)})`);
    }
    const errDiff = after.errorRate - before.errorRate;
    if (bt.errorRate && bt.errorRate.pValue < opts.alpha && Math.abs(errDiff) >= opts.minErrorRateChange) {
      if (errDiff < 0) better++;
      else worse++;
      confidence = Math.max(confidence ?? 0, 1 - bt.errorRate.pValue);
      reasons.push(`error rate ${fmtPct(before.errorRate)} → ${fmtPct(after.errorRate)} (Mann–Whitney of batch error rates, p=${fmtPValue(bt.errorRate.pValue)})`);
    }
    if (!bt.median) reasons.push(`not tested across time batches: fewer than ${MIN_BATCHES} batches with requests on a side (${bt.before} before, ${bt.after} after)`);
    else if (!tailOk || !bt.p95) reasons.push(`p95 change not tested: a tail claim needs ≥ ${tailN} requests a side and ≥ ${MIN_BATCHES} batches of ≥ 20 requests; ${hb.totalCount} before, ${ha.totalCount} after`);
    if (better === 0 && worse === 0 && bt.median)
      reasons.push(
        `median ${fmtSignedPct(rel(before.latencyMs.p50, after.latencyMs.p50))} (batch p=${fmtPValue(bt.median.pValue)}), p95 ${fmtSignedPct(p95Change)} (batch p=${bt.p95 ? fmtPValue(bt.p95.pValue) : 'n/a'}): below the significance/effect thresholds (a change needs p < ${opts.alpha} across time batches and a median shift ≥ ${opts.minMedianChange * 100}% and ≥ ${opts.minAbsoluteMs} ms, or a p95 shift ≥ ${opts.minP95Change * 100}%)`,
      );
  } else if (
    mw &&
    mw.pValue < opts.alpha &&
    Math.abs(mw.cliffsDelta) >= opts.minDelta &&
    Math.abs(p50Shift) >= opts.minAbsoluteMs &&
    Math.abs(rel(before.latencyMs.p50, after.latencyMs.p50)) >= opts.minMedianChange
  ) {
    if (mw.cliffsDelta < 0) better++;
    else worse++;
    confidence = 1 - mw.pValue;
    reasons.push(`Mann–Whitney p=${fmtPValue(mw.pValue)}, Cliff's delta ${fmtDecimal(mw.cliffsDelta, 2)}: latencies ${mw.cliffsDelta < 0 ? 'lower' : 'higher'} across the distribution`);
  }
  const requestUnits = !(bt && enough);
  if (requestUnits && enough && opts.replication === 'batches') reasons.push('tested with every request as an independent sample: the runs carry no time batches (an older artifact or a k6 load test), so drift within a run is not separated from a change');
  if (requestUnits && boot && (boot.ciHigh < 0 || boot.ciLow > 0) && Math.abs(boot.change) >= opts.minP95Change && Math.abs(after.latencyMs.p95 - before.latencyMs.p95) >= opts.minAbsoluteMs) {
    if (boot.change < 0) better++;
    else worse++;
    confidence ??= boot.confidence;
    reasons.push(`p95 ${fmtSignedPct(boot.change)} (bootstrap ${Math.round(boot.confidence * 100)}% CI ${fmtSignedPct(boot.ciLow)} … ${fmtSignedPct(boot.ciHigh)})`);
  }
  const errDiff = after.errorRate - before.errorRate;
  if (requestUnits && errorTest.pValue < opts.alpha && Math.abs(errDiff) >= opts.minErrorRateChange) {
    if (errDiff < 0) better++;
    else worse++;
    confidence = Math.max(confidence ?? 0, 1 - errorTest.pValue);
    reasons.push(`error rate ${fmtPct(before.errorRate)} → ${fmtPct(after.errorRate)} (two-proportion p=${fmtPValue(errorTest.pValue)})`);
  }
  if (requestUnits && enough && !boot) reasons.push(`p95 change not tested: a tail claim needs ≥ ${tailN} requests a side (${MIN_TAIL_SAMPLES} beyond the p95); ${hb.totalCount} before, ${ha.totalCount} after`);
  let verdict: Verdict;
  if (!enough) {
    verdict = 'insufficient-data';
    reasons.push(`too few requests for a test (${hb.totalCount} before, ${ha.totalCount} after; need ${MIN_SAMPLES} each)`);
  } else if (better > 0 && worse > 0) verdict = 'mixed';
  else if (better > 0) verdict = 'improved';
  else if (worse > 0) verdict = 'regressed';
  else {
    verdict = 'no-significant-change';
    if (mw && requestUnits)
      reasons.push(
        `Mann–Whitney p=${fmtPValue(mw.pValue)}, Cliff's delta ${fmtDecimal(mw.cliffsDelta, 2)}, median ${fmtSignedPct(rel(before.latencyMs.p50, after.latencyMs.p50))}; p95 ${boot ? fmtSignedPct(boot.change) : 'n/a'}: below the significance/effect thresholds (a change needs p < ${opts.alpha} and |delta| ≥ ${opts.minDelta}, median ≥ ${opts.minMedianChange * 100}% and ≥ ${opts.minAbsoluteMs} ms, or a p95 interval excluding 0 with ≥ ${opts.minP95Change * 100}%)`,
      );
  }
  return {
    name: before.name,
    before: snap(before),
    after: snap(after),
    change: {
      p50: rel(before.latencyMs.p50, after.latencyMs.p50),
      p95: rel(before.latencyMs.p95, after.latencyMs.p95),
      p99: rel(before.latencyMs.p99, after.latencyMs.p99),
      throughput: rel(before.throughputRps, after.throughputRps),
      errorRatePoints: errDiff,
    },
    mannWhitney: mw,
    p95Bootstrap: boot,
    batchTests: bt,
    errorTest,
    verdict,
    confidence,
    reasons,
  };
}

function sloFigures(slo: Slo, figures: { journeys: LoadFigures[]; overall: LoadFigures }): SloSide | null {
  const f = slo.journey ? figures.journeys.find((j) => j.name === slo.journey) : figures.overall;
  if (!f || f.requests === 0) return null;
  if (slo.sli === 'latency' && slo.thresholdMs === undefined) return null;
  const input = sloInputFromDocument({ journeys: figures.journeys, overall: figures.overall }, 'perf.baseline/v1', 'the compared run');
  const r = evaluateSlos([fromConfigSlo(slo)], input).slos[0] as SloResult;
  return { badFraction: r.errorBudget.badFraction, burnRate: r.burnRate, budgetConsumedPct: r.errorBudget.consumedPct, met: r.status !== 'FAIL', status: r.status };
}

export interface CompareInput {
  ref: RunRef;
  journeys: LoadFigures[];
  overall: LoadFigures;
  /** How the run was loaded; without it fairness cannot be checked (said in the notes). */
  load?: RunLoad;
}

/** Before/after comparison of two runs (baseline or load-test twins), with SLO compliance and ROI. */
export function compareRuns(
  before: CompareInput,
  after: CompareInput,
  extra: { slos?: Slo[]; effortDays?: number; effortSource?: 'flag' | 'plan'; options?: Partial<CompareOptions> } = {},
): ComparePayload {
  const opts = { ...DEFAULT_COMPARE_OPTIONS, ...extra.options };
  const notes: string[] = [];
  const issues = before.load && after.load ? fairnessIssues(before.load, after.load) : [];
  if (!before.load || !after.load) notes.push('the load of one side is unknown: whether both runs were loaded alike was not checked');
  const fairness: Fairness = { comparable: !issues.some((i) => i.severity === 'refuse'), issues };
  const journeys: JourneyComparison[] = [];
  const afterNames = new Set(after.journeys.map((j) => j.name));
  for (const b of before.journeys) {
    const a = after.journeys.find((j) => j.name === b.name);
    if (a) journeys.push(compareFigures(b, a, opts));
  }
  const overall = compareFigures(before.overall, after.overall, opts);
  const { verdict, regressions, improvements } = runVerdict(journeys, overall);

  const slos: SloSnapshot[] = (extra.slos ?? []).map((slo) => {
    const b = sloFigures(slo, before);
    const a = sloFigures(slo, after);
    return {
      name: slo.name,
      sli: slo.sli,
      ...(slo.journey ? { journey: slo.journey } : {}),
      objective: slo.objective,
      window: slo.window,
      before: b,
      after: a,
      budgetRecoveredPct: b && a && Number.isFinite(b.budgetConsumedPct) && Number.isFinite(a.budgetConsumedPct) ? b.budgetConsumedPct - a.budgetConsumedPct : null,
    };
  });

  const p95ImprovementPct = -overall.change.p95 * 100;
  const roi =
    extra.effortDays !== undefined
      ? {
          effortDays: extra.effortDays,
          effortSource: extra.effortSource ?? 'flag',
          p95ImprovementPct,
          improvementPerDayPct: extra.effortDays > 0 ? p95ImprovementPct / extra.effortDays : null,
        }
      : { effortDays: null, effortSource: null, p95ImprovementPct, improvementPerDayPct: null };

  return {
    before: before.ref,
    after: after.ref,
    options: opts,
    overall,
    journeys,
    unmatched: {
      beforeOnly: before.journeys.filter((j) => !afterNames.has(j.name)).map((j) => j.name),
      afterOnly: after.journeys.filter((j) => !before.journeys.some((b) => b.name === j.name)).map((j) => j.name),
    },
    verdict,
    regressions,
    improvements,
    slos,
    roi,
    fairness,
    measurementsPerSide: 1,
    notes,
  };
}

/** The run's verdict from its journeys' verdicts (and the overall mix when no journey decides). */
export function runVerdict(journeys: JourneyComparison[], overall: JourneyComparison): { verdict: Verdict; regressions: string[]; improvements: string[] } {
  const regressions = journeys.filter((j) => j.verdict === 'regressed' || j.verdict === 'mixed').map((j) => j.name);
  const improvements = journeys.filter((j) => j.verdict === 'improved').map((j) => j.name);
  if (overall.verdict === 'regressed' && regressions.length === 0) regressions.push('overall');
  let verdict: Verdict;
  if (regressions.length > 0 && improvements.length > 0) verdict = 'mixed';
  else if (regressions.length > 0) verdict = 'regressed';
  else if (improvements.length > 0 || overall.verdict === 'improved') verdict = 'improved';
  else if (overall.verdict === 'insufficient-data') verdict = 'insufficient-data';
  else if (overall.verdict === 'unconfirmed' || journeys.some((j) => j.verdict === 'unconfirmed')) verdict = 'unconfirmed';
  else verdict = 'no-significant-change';
  return { verdict, regressions, improvements };
}

/** True when the verdict claims that something changed. */
export const claimsChange = (v: Verdict): boolean => v === 'improved' || v === 'regressed' || v === 'mixed';

