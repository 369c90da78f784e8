import type { SloAlert } from '../../core/artifacts/schemas.js';
import { formatDuration } from '../../core/duration.js';
import { dec } from './decimal.js';
import { burnRate } from './error-budget.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const DAY = 24 * HOUR;
/** The SRE workbook's multi-window, multi-burn-rate rules, written for a 30-day SLO window. */
export const WORKBOOK_WINDOW_MS = 30 * DAY;
export const BURN_RATE_RULES = [
  { severity: 'page', factor: 14.4, longMs: 1 * HOUR, shortMs: 5 * MIN },
  { severity: 'page', factor: 6, longMs: 6 * HOUR, shortMs: 30 * MIN },
  { severity: 'ticket', factor: 3, longMs: 1 * DAY, shortMs: 2 * HOUR },
  { severity: 'ticket', factor: 1, longMs: 3 * DAY, shortMs: 6 * HOUR },
] as const;

/** Bad and total events of one data window (already filtered to what the SLO counts). */
export interface WindowEvents {
  startMs: number;
  endMs: number;
  total: number;
  bad: number;
}

/**
 * The workbook's alert verdicts, with both windows scaled by sloWindow / 30d (a 7-day SLO pages at
 * 14.4× over 14 min with a 70 s short window). With per-window data the rule is evaluated at every
 * data-window boundary, exactly as an alerting system would have during the run; an alert is firing
 * when both windows burn at least `factor` at the same moment. The reported rates are those of the
 * moment that burned hardest (among firing moments when it fired).
 */
export function burnRateAlerts(opts: {
  sloWindowMs: number;
  allowedBadFraction: number;
  /** Per-window events, in time order; null for summary-only inputs. */
  windows: WindowEvents[] | null;
  /** Whole-run events and length (for inputs without windows, and runs shorter than a long window). */
  run: { total: number; bad: number; durationMs: number };
}): SloAlert[] {
  const scale = opts.sloWindowMs / WORKBOOK_WINDOW_MS;
  const burn = (bad: number, total: number): number | null => {
    if (total === 0) return null;
    return burnRate(bad, total, opts.allowedBadFraction);
  };
  return BURN_RATE_RULES.map((rule) => {
    const longMs = rule.longMs * scale;
    const shortMs = rule.shortMs * scale;
    const base = {
      severity: rule.severity,
      factor: rule.factor,
      longWindow: formatDuration(Math.round(longMs)),
      shortWindow: formatDuration(Math.round(shortMs)),
    } as const;
    const runMs = opts.run.durationMs;
    if (runMs > 0 && runMs < shortMs) {
      return {
        ...base,
        longBurnRate: null,
        shortBurnRate: null,
        firing: false,
        note: `the run (${formatDuration(runMs)}) is shorter than the ${base.shortWindow} short window: cannot be judged`,
      };
    }
    const ws = opts.windows;
    if (!ws || ws.length === 0) {
      const b = burn(opts.run.bad, opts.run.total);
      return {
        ...base,
        longBurnRate: b,
        shortBurnRate: b,
        firing: b !== null && b >= rule.factor,
        note: 'no per-window data in this input: the whole-run burn rate stands for both windows',
      };
    }
    // Prefix sums over windows make every (long, short) pair O(1).
    const n = ws.length;
    const pt = new Float64Array(n + 1);
    const pb = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      pt[i + 1] = pt[i]! + ws[i]!.total;
      pb[i + 1] = pb[i]! + ws[i]!.bad;
    }
    const firstStart = ws[0]!.startMs;
    /** Index of the first window that overlaps (t - span, t]. */
    const firstIdx = (endIdx: number, span: number): number => {
      const from = ws[endIdx]!.endMs - span;
      let lo = 0;
      let hi = endIdx;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ws[mid]!.endMs <= from) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    let truncated = false;
    let best: { long: number | null; short: number | null; score: number; firing: boolean } | null = null;
    for (let k = 0; k < n; k++) {
      const end = ws[k]!.endMs;
      const haveLong = end - firstStart >= longMs;
      // Evaluate only once the long window is full, except at the very end of a run shorter than it.
      if (!haveLong && !(k === n - 1 && best === null)) continue;
      if (!haveLong) truncated = true;
      const li = firstIdx(k, longMs);
      const si = firstIdx(k, shortMs);
      const long = burn(pb[k + 1]! - pb[li]!, pt[k + 1]! - pt[li]!);
      const short = burn(pb[k + 1]! - pb[si]!, pt[k + 1]! - pt[si]!);
      const firing = long !== null && short !== null && long >= rule.factor && short >= rule.factor;
      const score = Math.min(long ?? 0, short ?? 0);
      if (!best || (firing && !best.firing) || (firing === best.firing && score > best.score)) {
        best = { long, short, score, firing };
      }
    }
    const alert: SloAlert = {
      ...base,
      longBurnRate: best?.long ?? null,
      shortBurnRate: best?.short ?? null,
      firing: best?.firing ?? false,
    };
    const dataWindowMs = ws[0]!.endMs - ws[0]!.startMs;
    const notes: string[] = [];
    if (truncated) notes.push(`the run (${formatDuration(runMs)}) is shorter than the ${base.longWindow} long window: the long window is the whole run`);
    if (dataWindowMs > shortMs) notes.push(`data windows (${formatDuration(dataWindowMs)}) are wider than the ${base.shortWindow} short window: it spans one data window`);
    if (notes.length > 0) alert.note = notes.join('; ');
    return alert;
  });
}
