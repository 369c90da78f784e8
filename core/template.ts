/**
 * Request templates: the one syntax for values in journey steps (`path`, `headers`, `body`, `json`),
 * used alike by `perf baseline` (autocannon) and by generated k6 scripts (bundled into them).
 *
 *   {{column}}  a field of the journey's data row (a CSV header or a JSON key; spaces inside the braces
 *               are ignored). Only in steps of a journey with `data`; an unknown column is a config error.
 *   ${NAME}     an environment variable, read when the load runs (secrets: never written anywhere).
 *
 * Values are escaped for where they land: URL-encoded in a path or query, JSON-escaped in a JSON body
 * (a `json:` string that is exactly one `{{column}}` takes the row's value with its JSON type),
 * form-encoded in an `application/x-www-form-urlencoded` body; a header value must not contain a line
 * break. Pure ECMAScript, no Node or k6 APIs: both runtimes import it.
 */

export type TemplatePart = { text: string } | { field: string } | { env: string };
export type Template = readonly TemplatePart[];

/** Where a rendered value lands, which decides its escaping. */
export type TemplateContext = 'url' | 'header' | 'json-text' | 'form' | 'raw';

export interface TemplateValues {
  /** The journey's data row, if it has data. */
  row?: Readonly<Record<string, unknown>>;
  /** Environment variables (k6: `__ENV`; Node: `process.env`). */
  env: Readonly<Record<string, string | undefined>>;
}

const PLACEHOLDER = /\{\{\s*([^{}\s](?:[^{}]*[^{}\s])?)\s*\}\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function parseTemplate(text: string): Template {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ text: text.slice(last, at) });
    parts.push(m[1] !== undefined ? { field: m[1] } : { env: m[2] as string });
    last = at + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** Data-row columns a template reads. */
export function templateFields(t: Template): string[] {
  return t.flatMap((p) => ('field' in p ? [p.field] : []));
}

/** Environment variables a template reads. */
export function templateEnv(t: Template): string[] {
  return t.flatMap((p) => ('env' in p ? [p.env] : []));
}

/** Every string inside a `json:` body, so its placeholders can be checked like any other template. */
export function jsonStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonStrings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...jsonStrings(v)]);
  return [];
}

/** A rendering failure (a missing environment variable, a line break in a header value). */
export class TemplateError extends Error {}

export function renderTemplate(t: Template, values: TemplateValues, context: TemplateContext): string {
  let out = '';
  for (const p of t) {
    if ('text' in p) out += context === 'url' ? normaliseUrlText(p.text) : p.text;
    else out += escapeValue(lookup(p, values), context, p);
  }
  return out;
}

/**
 * Renders every string of a `json:` body. A string that is exactly one `{{column}}` becomes the row's
 * value as it is (a number in a JSON data file stays a number); JSON.stringify of the result escapes.
 */
export function renderJson(value: unknown, values: TemplateValues): unknown {
  if (typeof value === 'string') {
    const t = parseTemplate(value);
    const only = t.length === 1 ? t[0] : undefined;
    if (only && 'field' in only) return lookup(only, values) ?? '';
    return renderTemplate(t, values, 'raw');
  }
  if (Array.isArray(value)) return value.map((v) => renderJson(v, values));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[renderTemplate(parseTemplate(k), values, 'raw')] = renderJson(v, values);
    return out;
  }
  return value;
}

/** How a raw `body:` is escaped, from the request's Content-Type. */
export function bodyContext(headers: Readonly<Record<string, string>>): TemplateContext {
  const type = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1]?.toLowerCase() ?? '';
  if (/^application\/([a-z0-9.+-]*\+)?json\b/.test(type)) return 'json-text';
  if (type.startsWith('application/x-www-form-urlencoded')) return 'form';
  return 'raw';
}

function lookup(p: { field: string } | { env: string }, values: TemplateValues): unknown {
  if ('env' in p) {
    const v = values.env[p.env];
    if (v === undefined) throw new TemplateError(`environment variable ${p.env} is not set (read by \${${p.env}})`);
    return v;
  }
  return values.row?.[p.field];
}

function escapeValue(value: unknown, context: TemplateContext, p: TemplatePart): string {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  switch (context) {
    case 'url':
    case 'form':
      return encodeURIComponent(text);
    case 'json-text':
      return JSON.stringify(text).slice(1, -1);
    case 'header':
      if (/[\r\n\0]/.test(text)) throw new TemplateError(`the value of ${'field' in p ? `{{${p.field}}}` : 'a placeholder'} contains a line break, which a header value cannot carry`);
      return text;
    case 'raw':
      return text;
  }
}

/**
 * The literal text of a path or query in normalised form: characters a URL cannot carry raw (controls,
 * line breaks, spaces, non-ASCII, `"<>\^`{|}`) are percent-encoded as UTF-8; `%XX` escapes, `/?&=#`
 * and the rest pass through. A line break in a config path is sent as %0A, never as a request line.
 */
export function normaliseUrlText(text: string): string {
  return text.replace(/[^\x21-\x7e]|["<>\\^`{|}]|%(?![0-9A-Fa-f]{2})/gu, (c) => encodeURIComponent(c));
}
