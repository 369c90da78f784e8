import { UserError } from '../../core/errors.js';

/**
 * Range checks for the figures read from result files. A number outside its domain — a negative or
 * fractional count, a negative or infinite duration, a rate outside [0, 1] — is not data to be judged
 * but a broken or hand-edited file: a UserError (exit 2) naming the file and the field, never a
 * verdict computed from it (an SLI of 200 % or a burn rate of −1000 once passed the gate).
 */
export type FigureKind = 'count' | 'amount' | 'duration' | 'fraction';

/** What each kind of figure must be, for messages. */
export const FIGURE_DOMAIN: Record<FigureKind, string> = {
  count: 'a count (a whole number ≥ 0)',
  amount: 'a total (a finite number ≥ 0)',
  duration: 'a duration (a finite number ≥ 0)',
  fraction: 'a rate (a number from 0 to 1)',
};

/** k6 metrics whose trend values are durations (http_req_* timings, iteration/group durations): never negative. */
export const DURATION_TREND = /^(http_req_|iteration_duration$|group_duration$)/;
/** k6 counters that count events: whole numbers. */
export const EVENT_COUNTER = /^(http_reqs|iterations|dropped_iterations)$/;

/** Why `v` is outside the domain of `kind`, or null when it is inside. */
export function figureProblem(v: unknown, kind: FigureKind): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `is ${typeof v === 'number' ? String(v) : JSON.stringify(v) ?? 'missing'}`;
  if (v < 0) return `is negative (${v})`;
  if (kind === 'count' && !Number.isInteger(v)) return `is not a whole number (${v})`;
  if (kind === 'fraction' && v > 1) return `is above 1 (${v})`;
  return null;
}

/** Throws the input error for a figure outside its domain; returns it typed otherwise. */
export function checkFigure(v: unknown, kind: FigureKind, where: string, field: string): number {
  const problem = figureProblem(v, kind);
  if (problem !== null) throw outOfRange(where, field, `${problem}, not ${FIGURE_DOMAIN[kind]}`);
  return v as number;
}

/** Optional figure: undefined passes, anything else must be in range. */
export function checkOptionalFigure(v: unknown, kind: FigureKind, where: string, field: string): number | undefined {
  return v === undefined ? undefined : checkFigure(v, kind, where, field);
}

/** The one message shape of a figure out of range. */
export function outOfRange(where: string, field: string, why: string): UserError {
  return new UserError(`out-of-range value: "${field}" ${why}`, {
    where,
    fix: 'the file is damaged or was edited by hand: pass the result file the tool wrote, unchanged',
  });
}
