/**
 * The ErrorBudget: the one home of every error-budget figure perf prints or gates on (slo-check, the
 * baseline SLO cards, compare, the HTML table and burn-down, the live progress line, generated k6
 * thresholds). The Go guard (xk6/guard.go) implements the same rules; both test suites read the
 * shared vectors in test/fixtures/slo/error-budget-vectors.json.
 *
 * - allowed bad fraction = 1 − objective/100, on decimal ticks (99.9 → 0.001 exactly as printed).
 * - bad event: a failed request; for a latency SLO also a request slower than the threshold
 *   (strictly above it). A request that is both counts once.
 * - burn rate = bad fraction / allowed bad fraction (1 = the budget lasts exactly the SLO window).
 * - budget consumed (of the SLO window, e.g. 30d) = burn rate × run length / window × 100.
 */
import { dec } from './decimal.js';

/** `1 - objective/100` computed on decimal ticks: allowedBadFraction(99.9) === 0.001 exactly as printed. */
export function allowedBadFraction(objectivePct: number): number {
  // 1e-10 percent ticks: enough for objectives like 99.99999 and exact for any objective written by a human.
  const ticks = Math.round((100 - objectivePct) * 1e10);
  return dec(ticks / 1e12);
}

/** What the bad-event rule needs to know about an SLO. */
export interface BudgetSlo {
  sli: 'latency' | 'availability' | 'error-rate';
  objective: number;
  thresholdMs?: number;
}

/** Event counts over some span, as any result format offers them. */
export interface BudgetData {
  total: number;
  /** Failed requests, or null when the data cannot tell. */
  failed: number | null;
  /**
   * Requests slower than `thresholdMs` not already counted as failed, or null without a latency
   * distribution. Data whose distribution includes the failed requests returns every slow request;
   * the rule then caps failed + slow at the total (a slow failure may count twice, an upper bound).
   */
  slowerThan(thresholdMs: number): number | null;
  /**
   * Summary data (no distribution): the lower bound of slow requests its percentiles prove — a
   * percentile q above the threshold proves a slow share of at least 1 − q — or null.
   */
  slowerAtLeast?(thresholdMs: number): SlowProof | null;
}

/** A lower bound of slow requests proven by a summary percentile. */
export interface SlowProof {
  /** The percentile (0-100) whose value is above the threshold, and that value. */
  percentile: number;
  valueMs: number;
  /** Proven slow fraction (allowedBadFraction(percentile); a max above the threshold proves one request) and count. */
  fraction: number;
  count: number;
}

export interface BadEvents {
  /** Bad events, or null when the data does not say which requests failed. */
  bad: number | null;
  /** True for a latency SLO whose data has no distribution: failures only (or a proven bound), a lower bound. */
  partial: boolean;
  /** The summary percentile that proved the slow share counted in `bad`. */
  proof?: SlowProof;
}

/** Bad events of an SLO in some data: failures, plus (latency SLOs) requests slower than the threshold. */
export function badEvents(slo: BudgetSlo, data: BudgetData): BadEvents {
  if (data.failed === null) return { bad: null, partial: false };
  if (slo.sli !== 'latency') return { bad: data.failed, partial: false };
  const slow = data.slowerThan(slo.thresholdMs ?? Number.POSITIVE_INFINITY);
  if (slow === null) {
    // A summary: its percentiles still prove a lower bound of slow requests (slow ones may be the failed ones).
    const proof = data.slowerAtLeast?.(slo.thresholdMs ?? Number.POSITIVE_INFINITY) ?? null;
    if (proof) return { bad: Math.min(data.total, Math.max(data.failed, proof.count)), partial: true, proof };
    return { bad: data.failed, partial: true };
  }
  return { bad: Math.min(data.total, data.failed + slow), partial: false };
}

/** The same rule for one request (the live line; the Go guard's `IsBadRequest`). */
export function isBadRequest(slo: BudgetSlo, req: { failed: boolean; durationMs: number }): boolean {
  if (req.failed) return true;
  return slo.sli === 'latency' && req.durationMs > (slo.thresholdMs ?? Number.POSITIVE_INFINITY);
}

/** Bad fraction / allowed bad fraction; 0 without events; ∞ when a zero budget has a bad event. */
export function burnRate(bad: number, total: number, allowed: number): number {
  if (total <= 0) return 0;
  const badFraction = dec(bad / total);
  if (allowed <= 0) return bad > 0 ? Number.POSITIVE_INFINITY : 0;
  return dec(badFraction / allowed);
}

/** Percent of the SLO window's budget a run of `runMs` at `rate` consumed; 0 when either length is unknown. */
export function consumedPct(rate: number, runMs: number, windowMs: number): number {
  if (!Number.isFinite(rate)) return Number.POSITIVE_INFINITY;
  if (!(runMs > 0 && windowMs > 0)) return 0;
  return dec(rate * (runMs / windowMs) * 100);
}

/** The error budget of one SLO over a run: what `perf.slo/v1` carries as `errorBudget` plus the burn rate. */
export interface ErrorBudget {
  allowedBadFraction: number;
  badFraction: number;
  burnRate: number;
  consumedPct: number;
  remainingPct: number;
}

export function errorBudget(slo: Pick<BudgetSlo, 'objective'>, events: { bad: number; total: number }, run: { runMs: number; windowMs: number }): ErrorBudget {
  const allowed = allowedBadFraction(slo.objective);
  const rate = burnRate(events.bad, events.total, allowed);
  const consumed = consumedPct(rate, run.runMs, run.windowMs);
  return {
    allowedBadFraction: allowed,
    badFraction: events.total > 0 ? dec(events.bad / events.total) : 0,
    burnRate: rate,
    consumedPct: consumed,
    remainingPct: Number.isFinite(consumed) ? dec(100 - consumed) : Number.NEGATIVE_INFINITY,
  };
}

/**
 * Cumulative budget consumed (percent of the SLO window) after each of a run's windows, ending at
 * `consumedPct` of the whole run: each bad event spends 1 / (allowed × events the window would see at
 * this run's rate). The burn-down chart plots it.
 */
export function consumedSeries(objective: number, windows: ReadonlyArray<{ bad: number; total: number }>, run: { runMs: number; windowMs: number }): number[] {
  const allowed = allowedBadFraction(objective);
  const total = windows.reduce((n, w) => n + w.total, 0);
  let bad = 0;
  return windows.map((w) => {
    bad += w.bad;
    return consumedPct(burnRate(bad, total, allowed), run.runMs, run.windowMs);
  });
}
