/**
 * Statement text fit for a report: every literal and parameter elided. pg_stat_statements already
 * replaces constants with $1, $2 …; literals it keeps (e.g. in utility statements) and any $n become
 * `?`, whitespace is collapsed, and the text is cut at `max` characters.
 */
export function elideParameters(sql: string, max = 300): string {
  const out = sql
    .replace(/'(?:[^']|'')*'/g, '?') // string literals
    .replace(/\$\d+/g, '?') // parameters
    .replace(/\b\d+(?:\.\d+)?\b/g, (m, offset: number, s: string) => (/[A-Za-z_]$/.test(s.slice(0, offset)) ? m : '?')) // numbers, not identifier digits
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
