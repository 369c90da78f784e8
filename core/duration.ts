import { UserError } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/;

/** Parses `500ms`, `15s`, `1h30m`, `30d` into milliseconds; returns undefined if malformed. */
export function tryParseDuration(text: string): number | undefined {
  let rest = text.trim();
  if (rest === '') return undefined;
  let total = 0;
  while (rest.length > 0) {
    const m = DURATION_RE.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** Like tryParseDuration but throws a UserError naming `where`. */
export function parseDuration(text: string, where: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UserError(`expected a duration like 30s, 5m, 1h or 30d, found "${text}"`, {
      where,
      fix: 'use a number followed by ms, s, m, h, d or w (e.g. 15s)',
    });
  }
  return ms;
}

/** Formats milliseconds as a k6-compatible duration (`1h30m`, `45s`, `250ms`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const parts: string[] = [];
  const h = Math.floor(s / 3600);
  if (h) parts.push(`${h}h`);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  if (m) parts.push(`${m}m`);
  s -= m * 60;
  if (s || parts.length === 0) parts.push(`${s}s`);
  return parts.join('');
}
