/**
 * Test-data rows of a journey (`journeys[].data`): one parser for `perf baseline` (Node) and the
 * generated k6 scripts (bundled into them), so both read a file the same way. CSV: a header row, then
 * one row per record, RFC 4180 quoting (a quoted field may hold commas, quotes as "" and line breaks),
 * empty lines skipped. JSON: an array of objects. Pure: text in, rows out.
 */
import Papa from 'papaparse';

export type DataRow = Record<string, unknown>;
export type DataFormat = 'csv' | 'json';

/** Rows, the columns every row has, or the reason the text is not usable test data. */
export type ParsedRows = { ok: true; rows: DataRow[]; columns: string[] } | { ok: false; problem: string };

export function parseDataRows(text: string, format: DataFormat): ParsedRows {
  if (format === 'csv') {
    const res = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim() });
    // A one-column file has no delimiter to detect: papaparse reports UndetectableDelimiter and reads it
    // with ',' — exactly right for one column, so that is not an error.
    const bad = res.errors.find((e) => e.code !== 'UndetectableDelimiter' && (e.type !== 'FieldMismatch' || e.code === 'TooManyFields'));
    if (bad) return { ok: false, problem: `CSV ${bad.message.toLowerCase()}${bad.row !== undefined ? ` (record ${bad.row + 1})` : ''}` };
    const columns = (res.meta.fields ?? []).filter((f) => f !== '');
    if (columns.length === 0) return { ok: false, problem: 'the CSV has no header row' };
    if (res.data.length === 0) return { ok: false, problem: 'the CSV has a header but no rows' };
    return { ok: true, rows: res.data, columns };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not valid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value) || value.length === 0) return { ok: false, problem: 'expected a non-empty JSON array of objects' };
  const rows: DataRow[] = [];
  for (const [i, r] of value.entries()) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return { ok: false, problem: `element ${i} is not an object` };
    rows.push(r as DataRow);
  }
  const columns = Object.keys(rows[0] as DataRow).filter((k) => rows.every((r) => Object.prototype.hasOwnProperty.call(r, k)));
  return { ok: true, rows, columns };
}
