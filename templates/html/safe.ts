import { esc } from '../../report/svg/xml.js';

/**
 * HTML that is safe to insert as is: built by the `html` tag (every interpolation escaped) or
 * marked by `raw()` (already-built markup such as a chart's SVG). Strings are never trusted.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What an `html` template may interpolate: text (escaped), safe HTML, lists of them; nothing renders for null/undefined/false. */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

/** Marks markup built elsewhere (inline SVG from report/charts) as safe. Use for nothing a user typed. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(render).join('');
  return esc(v as string | number);
}

/** Tagged template: html`<td>${name}</td>` escapes `name`; only SafeHtml values pass through. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] as string);
  return new SafeHtml(out);
}

/** Safe fragments joined with a separator (the separator is markup, e.g. '\n'). */
export function joinHtml(parts: readonly HtmlValue[], separator = ''): SafeHtml {
  return new SafeHtml(parts.map(render).filter((s) => s !== '').join(separator));
}
