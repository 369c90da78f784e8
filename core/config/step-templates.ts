/**
 * Load-time checks of the request templates in journey steps (syntax: core/template.ts): every
 * `{{column}}` must be a column of the journey's data file, and a `${NAME}` that names a column is
 * almost certainly meant as `{{NAME}}`. Reads the data files, so problems surface before any load.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseDataRows, type DataRow } from '../data-rows.js';
import { UserError } from '../errors.js';
import { jsonStrings, parseTemplate, templateEnv, templateFields, type Template } from '../template.js';
import type { Journey, JourneyData, PerfConfig } from './types.js';

/** Data files above this size are refused: k6 keeps every row in memory (SharedArray), so does baseline. */
const MAX_DATA_BYTES = 64 * 1024 * 1024;

export interface DataFile {
  rows: DataRow[];
  columns: string[];
}

/** Reads and parses a journey's data file; every problem is a UserError naming `where`. */
export function readDataFile(data: JourneyData, where: string): DataFile {
  let text: string;
  try {
    const st = statSync(data.file);
    if (!st.isFile()) throw new UserError(`the data file is not a regular file`, { where: `${where}.file (${data.file})`, fix: 'point data.file at a CSV or JSON file' });
    if (st.size > MAX_DATA_BYTES) {
      throw new UserError(`the data file has ${st.size} bytes, more than the ${MAX_DATA_BYTES} perf loads`, { where: `${where}.file (${data.file})`, fix: 'use a smaller sample of rows' });
    }
    text = readFileSync(data.file, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'the data file does not exist' : `cannot read the data file: ${code ?? String(err)}`, {
      where: `${where}.file (${data.file})`,
      fix: 'fix data.file (it is resolved relative to the config file)',
    });
  }
  const parsed = parseDataRows(text, data.format);
  if (!parsed.ok) throw new UserError(`the data file is not usable ${data.format.toUpperCase()} test data: ${parsed.problem}`, { where: `${where}.file (${data.file})`, fix: `fix the file or data.format` });
  return { rows: parsed.rows, columns: parsed.columns };
}

/** Each template of a step with its config path. */
export function stepTemplates(j: Journey, ji: number): Array<{ path: string; template: Template }> {
  const out: Array<{ path: string; template: Template }> = [];
  j.steps.forEach((s, si) => {
    const p = `journeys[${ji}].steps[${si}]`;
    out.push({ path: `${p}.path`, template: parseTemplate(s.path) });
    for (const [name, value] of Object.entries(s.headers)) out.push({ path: `${p}.headers.${name}`, template: parseTemplate(value) });
    if (s.body !== undefined) out.push({ path: `${p}.body`, template: parseTemplate(s.body) });
    if (s.json !== undefined) for (const text of jsonStrings(s.json)) out.push({ path: `${p}.json`, template: parseTemplate(text) });
  });
  return out;
}

/** Throws the first template problem of the config (exit 2, naming its path). */
export function checkStepTemplates(config: Pick<PerfConfig, 'journeys' | 'target'>): void {
  for (const [name, value] of Object.entries(config.target.headers)) {
    const field = templateFields(parseTemplate(value))[0];
    if (field !== undefined) {
      throw new UserError(`{{${field}}} reads a data column, but target headers belong to no journey`, {
        where: `target.headers.${name}`,
        fix: 'move the header into the steps of the journey whose data has that column',
      });
    }
  }
  config.journeys.forEach((j, ji) => {
    const templates = stepTemplates(j, ji);
    const used = templates.some((t) => templateFields(t.template).length > 0 || templateEnv(t.template).length > 0);
    if (!used && !j.data) return;
    const columns = j.data ? readDataFile(j.data, `journeys[${ji}].data`).columns : [];
    for (const { path, template } of templates) {
      for (const field of templateFields(template)) {
        if (columns.includes(field)) continue;
        throw new UserError(
          j.data ? `{{${field}}} is not a column of the data file (columns: ${columns.join(', ')})` : `{{${field}}} reads a data column, but journey "${j.name}" has no data file`,
          { where: path, fix: j.data ? `use one of the columns, e.g. {{${columns[0]}}}` : 'add data: { file: rows.csv } to the journey, or remove the placeholder' },
        );
      }
      for (const env of templateEnv(template)) {
        if (!columns.includes(env)) continue;
        throw new UserError(`\${${env}} reads the environment variable ${env}, but ${env} is a column of the data file`, {
          where: path,
          fix: `write {{${env}}} to use the data row's value`,
        });
      }
    }
  });
}

/** Throws when a `${NAME}` in a step template or target header is not set (before any load runs). */
export function checkTemplateEnv(config: Pick<PerfConfig, 'journeys' | 'target'>, env: Readonly<Record<string, string | undefined>> = process.env): void {
  const all = [
    ...Object.entries(config.target.headers).map(([name, value]) => ({ path: `target.headers.${name}`, template: parseTemplate(value) })),
    ...config.journeys.flatMap((j, ji) => stepTemplates(j, ji)),
  ];
  for (const { path, template } of all) {
    const missing = templateEnv(template).find((name) => env[name] === undefined);
    if (missing !== undefined) throw new UserError(`\${${missing}} reads the environment variable ${missing}, which is not set`, { where: path, fix: `export ${missing}=... before running perf` });
  }
}
