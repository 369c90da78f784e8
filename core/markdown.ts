/**
 * Small markdown helpers shared by the report templates, and the ONE escaping of text that did not
 * come from perf itself (SLO, journey and step names, --guidance, target output, agent replies): every
 * .md writer and the GITHUB_STEP_SUMMARY table put such text through `mdText` (inline), `mdCell`
 * (table cells, via mdTable), `mdCode` (inline code) or `mdQuote` (multi-line replies), so it renders
 * as the literal text — never as HTML (`<img onerror>`, `<script>`), a heading, a link or a table break.
 */

/** Markdown/HTML-significant characters, backslash-escaped (CommonMark escapes any ASCII punctuation). */
const MD_SPECIAL = /[\\`*~[\]<>|!#{}]/g;
/** `_` only where it could open or close emphasis (at a word boundary): `checkout_v2` stays readable. */
const MD_UNDERSCORE = /(^|[^A-Za-z0-9])_|_(?=[^A-Za-z0-9]|$)/g;

/** Inline text: literal when rendered, on one line (newlines and other control characters become spaces). */
export function mdText(text: string | number): string {
  return String(text)
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(MD_SPECIAL, (c) => `\\${c}`)
    .replace(MD_UNDERSCORE, (m) => m.replace('_', '\\_'))
    .replace(/^(\s*)([-+=]|\d+[.)])(?=\s|$)/, '$1\\$2');
}

/** Markdown perf built itself from escaped parts (bold, inline code): kept as is in a table cell. */
export class Markdown {
  constructor(readonly text: string) {}
}

/** Marks text as already-safe markdown; anything the text contains from outside must be escaped first. */
export function md(text: string): Markdown {
  return new Markdown(text.replace(/\r?\n/g, ' ').replace(/(?<!\\)\|/g, '\\|'));
}

export type Cell = string | number | Markdown;

/** A table cell: escaped inline text (mdText escapes `|`), or perf's own markdown. */
export function mdCell(cell: Cell): string {
  if (cell instanceof Markdown) return cell.text;
  return typeof cell === 'number' ? String(cell) : mdText(cell);
}

/** Inline code that cannot be broken out of: the fence is longer than any backtick run inside. */
export function mdCode(text: string): string {
  const one = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const longest = Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}

/** Multi-line text someone else wrote (an agent reply): a blockquote of escaped lines, no markdown structure. */
export function mdQuote(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => (line.trim() === '' ? '>' : `> ${mdText(line)}`))
    .join('\n');
}

export function mdTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<Cell>>): string {
  const lines = [`| ${header.map(mdCell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.map(mdCell).join(' | ')} |`);
  return lines.join('\n');
}

// The number formatters live in core/format.ts; re-exported for the templates that import them from here.
export { fmtMs, fmtNum, fmtPct } from './format.js';
