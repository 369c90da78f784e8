import { html, joinHtml, type HtmlValue, type SafeHtml } from './safe.js';

/** A plain table; text cells are escaped, numeric columns are right-aligned with tabular figures. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly HtmlValue[]>, numeric: readonly boolean[] = [], attrs: { id?: string; className?: string } = {}): SafeHtml {
  const th = header.map((h) => html`<th scope="col">${h}</th>`);
  const trs = rows.map((r) => html`<tr>${r.map((c, i) => (numeric[i] ? html`<td class="num">${c}</td>` : html`<td>${c}</td>`))}</tr>`);
  const id = attrs.id ? html` id="${attrs.id}"` : '';
  const cls = attrs.className ? html` class="${attrs.className}"` : '';
  return html`<table${id}${cls}><thead><tr>${th}</tr></thead><tbody>
${joinHtml(trs, '\n')}
</tbody></table>`;
}
