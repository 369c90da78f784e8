import { fmtMs, fmtPct } from '../../core/format.js';

/** The few words and figures every finding's text is written with. */
export const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
export const pct = (x: number): string => fmtPct(x, 1);
export const ms = (x: number): string => fmtMs(x);
