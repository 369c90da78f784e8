import type { LoadFigures } from '../../core/artifacts/schemas.js';
import { claimsChange, compareFigures, DEFAULT_COMPARE_OPTIONS, runVerdict, type CompareOptions, type ComparePayload, type JourneyComparison, type Verdict } from './compare.js';
import { fmtDecimal, fmtSignedPct } from '../../core/format.js';

/**
 * Interleaved confirmation of a claimed change. One measurement per side cannot tell a change of
 * the service from drift of the host between the two runs. So before a change is reported, both
 * sides are measured again, alternating under the same load: A B A B (A = before, B = after).
 * The claim holds only when
 *   1. every interleaved pair (A1 vs B1, A2 vs B2) gives the claimed verdict, and
 *   2. the difference between the sides is larger than the drift of each side against itself: for
 *      p50, p95 or the error rate, the smallest A→B shift of the two rounds (|ln(B/A)|, or points
 *      for errors) exceeds DRIFT_FACTOR × the largest A1→A2 / B1→B2 shift. A side that moves between
 *      its own measurements as much as between the versions means the host, not the change, moved.
 * Otherwise the journey's verdict becomes `unconfirmed` and no change is claimed. Pure.
 */

export type Side = 'before' | 'after';

/** One measurement of one side, as kept in the summary. */
export interface Measurement {
  side: Side;
  /** 1-based position in the A B A B order. */
  order: number;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errorRate: number;
  /** The artifact the measurement was written to, when there is one. */
  file?: string;
}

export interface ConfirmationResult {
  journey: string;
  /** The verdict of the single before/after pair that triggered the confirmation. */
  claimed: Verdict;
  /** The interleaved measurements, in the order they ran (empty when the before side could not be re-measured). */
  measurements: Measurement[];
  /** Verdict of each interleaved pair (A1 vs B1, A2 vs B2, …). */
  pairs: Verdict[];
  /** Each side against itself (first vs last measurement of that side). */
  sameSide: { before: Verdict | null; after: Verdict | null };
  held: boolean;
  /** The journey's verdict after confirmation: the claim when it held, else `unconfirmed`. */
  verdict: Verdict;
  reason: string;
}

export interface InterleavedRound {
  before: LoadFigures & { file?: string };
  after: LoadFigures & { file?: string };
}

const measurement = (side: Side, order: number, f: LoadFigures & { file?: string }): Measurement => ({
  side,
  order,
  requests: f.requests,
  p50Ms: f.latencyMs.p50,
  p95Ms: f.latencyMs.p95,
  p99Ms: f.latencyMs.p99,
  errorRate: f.errorRate,
  ...(f.file ? { file: f.file } : {}),
});

const said = (v: Verdict): string => v.replace(/-/g, ' ');

/** How much larger the between-side shift must be than a side's drift against itself. */
export const DRIFT_FACTOR = 2;

type Metric = 'p50' | 'p95' | 'error rate';
const value = (f: LoadFigures, m: Metric): number => (m === 'p50' ? f.latencyMs.p50 : m === 'p95' ? f.latencyMs.p95 : f.errorRate);
/** Signed shift from x to y: log ratio for latencies (scale-free), points for error rates. */
const shift = (x: number, y: number, m: Metric): number => (m === 'error rate' ? y - x : Math.log(Math.max(y, 1e-6) / Math.max(x, 1e-6)));

/** The metric whose between-side shift stands out from the drift, if any (with both figures). */
function standsOut(rounds: InterleavedRound[]): { metric: Metric; effect: number; drift: number } | { metric: null; effect: number; drift: number; best: Metric } {
  const first = rounds[0] as InterleavedRound;
  const last = rounds[rounds.length - 1] as InterleavedRound;
  let best: { metric: Metric; effect: number; drift: number } | undefined;
  for (const m of ['p50', 'p95', 'error rate'] as const) {
    const shifts = rounds.map((r) => shift(value(r.before, m), value(r.after, m), m));
    const sameSign = shifts.every((x) => x > 0) || shifts.every((x) => x < 0);
    const effect = sameSign ? Math.min(...shifts.map(Math.abs)) : 0;
    const drift = Math.max(Math.abs(shift(value(first.before, m), value(last.before, m), m)), Math.abs(shift(value(first.after, m), value(last.after, m), m)));
    if (!best || effect - DRIFT_FACTOR * drift > best.effect - DRIFT_FACTOR * best.drift) best = { metric: m, effect, drift };
  }
  const b = best as { metric: Metric; effect: number; drift: number };
  return b.effect > DRIFT_FACTOR * b.drift && b.effect > 0 ? b : { metric: null, effect: b.effect, drift: b.drift, best: b.metric };
}

const fmtShift = (x: number, m: Metric): string => (m === 'error rate' ? `${fmtDecimal(x * 100, 2)} pts` : `×${fmtDecimal(Math.exp(x), 2)}`);

/** Judges one claimed change from its interleaved rounds (at least two). */
export function judgeInterleaved(claim: JourneyComparison, rounds: InterleavedRound[], opts?: Partial<CompareOptions>): ConfirmationResult {
  const o: CompareOptions = { ...DEFAULT_COMPARE_OPTIONS, ...opts };
  const cmp = (a: LoadFigures, b: LoadFigures): Verdict => compareFigures({ ...a, name: claim.name }, { ...b, name: claim.name }, o).verdict;
  const measurements = rounds.flatMap((r, i) => [measurement('before', 2 * i + 1, r.before), measurement('after', 2 * i + 2, r.after)]);
  const pairs = rounds.map((r) => cmp(r.before, r.after));
  const first = rounds[0];
  const last = rounds[rounds.length - 1];
  const sameSide =
    first && last && rounds.length >= 2 ? { before: cmp(first.before, last.before), after: cmp(first.after, last.after) } : { before: null, after: null };
  const base = { journey: claim.name, claimed: claim.verdict, measurements, pairs, sameSide };
  const p95s = (side: Side): string => measurements.filter((m) => m.side === side).map((m) => fmtDecimal(m.p95Ms, 1)).join(', ');
  const figures = `p95 before ${p95s('before')} ms; after ${p95s('after')} ms`;
  if (rounds.length < 2) {
    return { ...base, held: false, verdict: 'unconfirmed', reason: `needs two interleaved rounds (A B A B), got ${rounds.length}` };
  }
  const disagreeing = pairs.map((v, i) => [v, i] as const).filter(([v]) => v !== claim.verdict);
  if (disagreeing.length > 0) {
    return {
      ...base,
      held: false,
      verdict: 'unconfirmed',
      reason: `the first pair said ${said(claim.verdict)}, but re-measured interleaved (A B A B) round ${disagreeing.map(([, i]) => i + 1).join(' and ')} said ${disagreeing.map(([v]) => said(v)).join(' / ')} (${figures})`,
    };
  }
  const s = standsOut(rounds);
  if (s.metric === null) {
    return {
      ...base,
      held: false,
      verdict: 'unconfirmed',
      reason: `both rounds agree, but the difference between the sides (${s.best} ${fmtShift(s.effect, s.best)}) is not more than ${DRIFT_FACTOR}× the drift of a side against itself (${fmtShift(s.drift, s.best)}; ${figures}): the host moved as much as the service`,
    };
  }
  return {
    ...base,
    held: true,
    verdict: claim.verdict,
    reason: `held in both interleaved rounds (A B A B); ${s.metric} moved ${fmtShift(s.effect, s.metric)} between the sides vs ${fmtShift(s.drift, s.metric)} within a side (${figures})`,
  };
}

/** A claim that could not be re-measured (no way to run the before version now): not claimed. */
export function notConfirmable(claim: JourneyComparison, why: string): ConfirmationResult {
  return { journey: claim.name, claimed: claim.verdict, measurements: [], pairs: [], sameSide: { before: null, after: null }, held: false, verdict: 'unconfirmed', reason: why };
}

/**
 * The comparison after confirmation: each confirmed journey keeps its claim, every other claimed
 * change becomes `unconfirmed`; the first pair's figures and every re-measurement stay on record.
 */
export function applyConfirmations(c: ComparePayload, results: ConfirmationResult[]): ComparePayload {
  const byName = new Map(results.map((r) => [r.journey, r]));
  const journeys = c.journeys.map((j) => {
    const r = byName.get(j.name);
    if (!r || r.held) return r ? { ...j, reasons: [...j.reasons, `confirmed: ${r.reason}`] } : j;
    return { ...j, verdict: r.verdict, confidence: null, reasons: [...j.reasons, `not claimed: ${r.reason}`] };
  });
  // The overall figures come from the mix run, never re-measured on their own: a claim there stands
  // only when at least one journey's claim held in the same direction.
  const held = results.filter((r) => r.held);
  const overallHolds = !claimsChange(c.overall.verdict) || held.some((r) => r.verdict === c.overall.verdict || r.verdict === 'mixed');
  const overall: JourneyComparison = overallHolds
    ? c.overall
    : { ...c.overall, verdict: 'unconfirmed', confidence: null, reasons: [...c.overall.reasons, `not claimed: no journey's ${said(c.overall.verdict)} held when re-measured interleaved`] };
  const v = runVerdict(journeys, overall);
  const rounds = Math.max(0, ...results.map((r) => r.measurements.filter((m) => m.side === 'before').length));
  return {
    ...c,
    journeys,
    overall,
    ...v,
    confirmations: results,
    measurementsPerSide: 1 + rounds,
    notes: [...c.notes, ...results.map((r) => `${r.journey}: ${r.held ? 'change confirmed' : 'change not claimed'} — ${r.reason}.`)],
  };
}

/** p95 of one claim in words, for progress lines. */
export function claimLine(j: JourneyComparison): string {
  return `${j.name} (${said(j.verdict)}: p95 ${fmtDecimal(j.before.p95Ms, 1)} → ${fmtDecimal(j.after.p95Ms, 1)} ms, ${fmtSignedPct(j.change.p95)})`;
}
