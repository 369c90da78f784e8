import type { LoadFigures } from '../../core/artifacts/schemas.js';
import { claimsChange, compareFigures, DEFAULT_COMPARE_OPTIONS, runVerdict, signedPct, type CompareOptions, type ComparePayload, type JourneyComparison, type Verdict } from './compare.js';

/**
 * Interleaved confirmation of a claimed change. One measurement per side cannot tell a change of
 * the service from drift of the host between the two runs. So before a change is reported, both
 * sides are measured again, alternating under the same load: A B A B (A = before, B = after).
 * The claim holds only when
 *   1. every interleaved pair (A1 vs B1, A2 vs B2) gives the claimed verdict, and
 *   2. neither side differs from itself (A1 vs A2, B1 vs B2: no significant change) — a side that
 *      moves between its own measurements means the host is too noisy to attribute anything.
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
  const p95s = (side: Side): string => measurements.filter((m) => m.side === side).map((m) => `${m.p95Ms.toFixed(1)}`).join(', ');
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
  const unstable = (['before', 'after'] as const).filter((s) => sameSide[s] !== null && claimsChange(sameSide[s] as Verdict));
  if (unstable.length > 0) {
    return {
      ...base,
      held: false,
      verdict: 'unconfirmed',
      reason: `the ${unstable.join(' and the ')} side differs from itself between its own measurements (${figures}): the host is too noisy to attribute the difference to the change`,
    };
  }
  return { ...base, held: true, verdict: claim.verdict, reason: `held in both interleaved rounds (A B A B) and each side agreed with itself (${figures})` };
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
  return `${j.name} (${said(j.verdict)}: p95 ${j.before.p95Ms.toFixed(1)} → ${j.after.p95Ms.toFixed(1)} ms, ${signedPct(j.change.p95)})`;
}
