/** Escapes text for XML/HTML element content and attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A coordinate with one decimal: enough for screen pixels, small in a 24 h chart. */
export function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** A number for a data-* attribute: full precision but no float noise. */
export function num(v: number): string {
  return String(Number(v.toPrecision(12)));
}
