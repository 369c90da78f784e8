import { distance } from 'fastest-levenshtein';

/**
 * The command a mistyped one most likely meant, or undefined when nothing is close: a command the
 * typed text starts (or that starts it: "slo" → "slo-check", "loadtests" → "loadtest"), else the
 * nearest by edit distance if at most a third of the typed letters (at least 2) are wrong — so
 * "basline" → "baseline", and a word that resembles no command suggests nothing rather than
 * something unrelated.
 */
export function suggestCommand(typed: string, ids: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  if (t === '') return undefined;
  const prefixed = ids.filter((id) => id.startsWith(t) || t.startsWith(id)).sort((a, b) => Math.abs(a.length - t.length) - Math.abs(b.length - t.length));
  if (prefixed[0] !== undefined) return prefixed[0];
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const id of ids) {
    const d = distance(t, id);
    if (d < bestD) [best, bestD] = [id, d];
  }
  return bestD <= Math.max(2, Math.floor(t.length / 3)) ? best : undefined;
}
