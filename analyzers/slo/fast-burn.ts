/**
 * The multi-window fast-burn guard over closed windows — the rule of the Go guard (xk6/guard.go),
 * evaluated on windows instead of single requests, so it can judge the MERGED windows of several
 * runners (`perf loadtest --parallel`, `perf collect`), which no single runner sees.
 *
 * At the end of every closed window, for each SLO: bad and total events (the one bad-event rule,
 * counted by k6Aggregate + badEvents) over the windows ending within the long and within the short
 * window; the guard trips when both windows have at least `minEvents` events and both burn at
 * least `factor`. A window is the unit: a short window shorter than one data window is that window.
 * PURE: feed it windows in time order.
 */
import { fmtDecimal } from '../../core/format.js';
import type { K6WindowLine } from '../../core/artifacts/k6-windows.js';
import { allowedBadFraction, badEvents, burnRate } from './error-budget.js';
import { k6Aggregate } from './inputs-k6.js';
import type { EvalSlo } from './model.js';

/** The Go guard's default minimum of events in each window before it may fire (xk6/config.go MinEvents). */
export const GUARD_MIN_EVENTS = 20;

export interface FastBurnRule {
  longWindowMs: number;
  shortWindowMs: number;
  /** Burn rate both windows must reach (SRE workbook fast burn: 14.4). */
  factor: number;
  minEvents: number;
}

/** The Go guard's windows when the test duration is unknown (xk6/guard.go GuardWindows) and its factor. */
export const DEFAULT_FAST_BURN_RULE: FastBurnRule = { longWindowMs: 60_000, shortWindowMs: 5_000, factor: 14.4, minEvents: GUARD_MIN_EVENTS };

/** The rule a runner's guard ran with (its perf.k6-windows/v1 header `guard`), else the Go guard's defaults. */
export function fastBurnRuleOf(guard: { longWindowMs: number; shortWindowMs: number; factor: number } | null | undefined): FastBurnRule {
  if (!guard || !(guard.longWindowMs > 0) || !(guard.shortWindowMs > 0) || !(guard.factor > 1)) return DEFAULT_FAST_BURN_RULE;
  return { longWindowMs: guard.longWindowMs, shortWindowMs: guard.shortWindowMs, factor: guard.factor, minEvents: GUARD_MIN_EVENTS };
}

export interface FastBurnTrip {
  slo: string;
  /** Unix ms: the end of the window that tripped it. */
  atMs: number;
  longBurnRate: number;
  shortBurnRate: number;
  reason: string;
}

interface Events {
  endMs: number;
  bad: number;
  total: number;
}

export class FastBurnGuard {
  private readonly events: Events[][];

  constructor(
    private readonly slos: readonly EvalSlo[],
    private readonly rule: FastBurnRule,
  ) {
    this.events = slos.map(() => []);
  }

  /** Adds one closed window; returns the trip when some SLO now burns fast on both windows. */
  observe(w: K6WindowLine): FastBurnTrip | null {
    let trip: FastBurnTrip | null = null;
    this.slos.forEach((slo, i) => {
      const list = this.events[i] as Events[];
      const agg = k6Aggregate(w, slo.journey);
      list.push({ endMs: w.endMs, total: agg?.total ?? 0, bad: agg ? (badEvents(slo, agg).bad ?? 0) : 0 });
      // Keep only what the long window can still reach.
      while (list.length > 1 && (list[0] as Events).endMs <= w.endMs - this.rule.longWindowMs) list.shift();
      if (trip) return;
      const long = sum(list, w.endMs - this.rule.longWindowMs);
      // The newest window always counts in the short window, however short that window is.
      const short = sum(list, Math.min(w.endMs - this.rule.shortWindowMs, w.startMs));
      if (long.total < this.rule.minEvents || short.total < this.rule.minEvents) return;
      const allowed = allowedBadFraction(slo.objective);
      const lb = burnRate(long.bad, long.total, allowed);
      const sb = burnRate(short.bad, short.total, allowed);
      if (lb >= this.rule.factor && sb >= this.rule.factor) {
        trip = {
          slo: slo.name,
          atMs: w.endMs,
          longBurnRate: lb,
          shortBurnRate: sb,
          reason:
            `SLO "${slo.name}" burns its error budget ${fmtDecimal(lb, 1)}x over the last ${secs(this.rule.longWindowMs)} and ${fmtDecimal(sb, 1)}x over the last ` +
            `${secs(this.rule.shortWindowMs)} of the merged runners (fast-burn threshold ${this.rule.factor}x; ${short.bad} of ${short.total} events bad in the short window)`,
        };
      }
    });
    return trip;
  }
}

/** Events of the windows that end after `fromMs`. */
function sum(list: readonly Events[], fromMs: number): { bad: number; total: number } {
  let bad = 0;
  let total = 0;
  for (const e of list) {
    if (e.endMs <= fromMs) continue;
    bad += e.bad;
    total += e.total;
  }
  return { bad, total };
}

const secs = (ms: number): string => `${Math.round(ms / 100) / 10}s`;
