import { fmtMs, fmtNum } from '../../core/markdown.js';
import type { LoadProgress } from './run-load.js';

/** Without a TTY (CI logs), the live status is printed as a plain line this often. */
export const PLAIN_PROGRESS_EVERY_MS = 10_000;

/** The one-line live status shown on a TTY: elapsed/total, req/s, p95, errors. */
export function progressLine(label: string, p: LoadProgress): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(0)}s`;
  return `${label}${p.warmingUp ? ' (warm-up)' : ''} ${s(p.elapsedMs)}/${s(p.totalMs)}  ${fmtNum(Math.round(p.rps))} req/s  p95 ${fmtMs(p.p95Ms)}  errors ${fmtNum(p.errors)}`;
}
