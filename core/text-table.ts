/**
 * Tables for the terminal: columns padded to their widest cell, text as it is (no markdown escaping:
 * `_stringify.js` reads as itself). Control characters in cells (a function name, a journey name
 * from a config) become spaces, so a cell cannot move the cursor or recolour the terminal.
 * Numbers and percents are right-aligned.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const NUMERIC = /^[-+]?[\d,.]+\s?(%|ms|s|req\/s)?$|^n\/a$/;

export function textTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c).replace(CONTROL, ' ')));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const right = header.map((_, i) => rows.length > 0 && rows.every((r) => NUMERIC.test(String(r[i] ?? ''))));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(cells[0] ?? []), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
