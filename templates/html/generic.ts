import { fmtNum } from '../../core/format.js';
import { primary, type ReportInputs } from '../../report/inputs.js';
import { html, joinHtml, type SafeHtml } from './safe.js';
import { table } from './table.js';

/**
 * Artifacts whose shape this template does not know in detail (plan, comparison): every top-level
 * list of objects becomes a table of its scalar fields, so their numbers are shown, not guessed at.
 */
export function genericSection(kind: 'plan' | 'summary', title: string, inputs: ReportInputs): SafeHtml | '' {
  const a = primary(inputs[kind])?.artifact;
  if (!a) return '';
  const out: SafeHtml[] = [html`<h2 id="${kind}">${title}</h2>`];
  const scalars = Object.entries(a).filter(([k, v]) => !['schema', 'runId', 'generatedAt', 'tool'].includes(k) && isScalar(v));
  if (scalars.length) out.push(table(['field', 'value'], scalars.map(([k, v]) => [k, cellOf(v)])));
  for (const [key, value] of Object.entries(a)) {
    if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== 'object' || value[0] === null) continue;
    const items = value as Record<string, unknown>[];
    const cols = Object.keys(items[0] as object)
      .filter((k) => items.some((it) => isScalar(it[k])))
      .slice(0, 8);
    if (cols.length === 0) continue;
    out.push(html`<h3>${key}</h3>`);
    out.push(table(cols, items.map((it) => cols.map((c) => cellOf(it[c])))));
  }
  return joinHtml(out, '\n');
}

function cellOf(v: unknown): string {
  return isScalar(v) ? fmtScalar(v) : '';
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function fmtScalar(v: string | number | boolean): string {
  if (typeof v === 'number') return fmtNum(v, 3);
  const s = String(v);
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}
