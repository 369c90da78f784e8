/**
 * Result-file formats and their detection, PURE: from a file's head (its first 64 KB) and, for
 * whole-document formats, its parsed JSON. Opening the file is capture/results/result-file.ts's job.
 */
import { checkSloInputArtifact } from '../../core/contract/read-artifact.js';
import { UserError } from '../../core/errors.js';
import { excerpt } from './lines.js';

/** Every result format slo-check reads. */
export const INPUT_FORMATS = [
  'perf.baseline/v1',
  'perf.loadtest/v1',
  'perf.k6-windows/v1',
  'k6-json',
  'k6-summary-export',
  'k6-handle-summary',
  'k6-new-summary',
  'autocannon',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Whole-document JSON formats are read in one piece; refuse absurd sizes rather than exhaust memory. */
export const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Identifies a parsed JSON document's format, or null. */
export function documentFormat(doc: unknown): InputFormat | null {
  if (!isObj(doc)) return null;
  if (doc.schema === 'perf.baseline/v1') return 'perf.baseline/v1';
  if (doc.schema === 'perf.loadtest/v1') return 'perf.loadtest/v1';
  if (isObj(doc.results) && isObj(doc.metadata) && ('k6_version' in doc.metadata || Array.isArray(doc.results.metrics))) return 'k6-new-summary';
  if (isObj(doc.metrics) && (isObj(doc.state) || isObj(doc.options))) return 'k6-handle-summary';
  if (isObj(doc.metrics) && isObj(doc.root_group)) return 'k6-summary-export';
  if (isObj(doc.latency) && isObj(doc.requests) && ('non2xx' in doc || 'connections' in doc || '2xx' in doc)) return 'autocannon';
  return null;
}

/** A human description of what a file that is none of our formats looks like. */
export function describeDocument(doc: unknown): string {
  if (Array.isArray(doc)) return `a JSON array of ${doc.length} item(s)`;
  if (!isObj(doc)) return `a JSON ${doc === null ? 'null' : typeof doc}`;
  if (typeof doc.schema === 'string') {
    if (doc.schema === 'perf.slo/v1') return 'a perf slo-check report (perf.slo/v1), which is an output, not a result file';
    return `a perf artifact of schema "${doc.schema}", which carries no request results`;
  }
  if (typeof doc.type === 'string' && ('data' in doc || 'metric' in doc)) return `a single k6 --out json line ("${doc.type}")`;
  const keys = Object.keys(doc).slice(0, 6);
  return keys.length === 0 ? 'an empty JSON object' : `a JSON object with keys ${keys.map((k) => `"${k}"`).join(', ')}`;
}

function describeText(head: string): string {
  const t = head.trimStart();
  if (t === '') return 'an empty file';
  if (/[\u0000-\u0008\u000e-\u001f]/.test(t.slice(0, 512))) return 'a binary file';
  if (/^<(!doctype|html|\?xml|testsuites|testsuite)/i.test(t)) return /^<(testsuites|testsuite|\?xml)/i.test(t) ? 'an XML file (JUnit?)' : 'an HTML page';
  if (/^(apiVersion|kind|---|[a-zA-Z_][\w-]*:\s)/m.test(t.split('\n', 1)[0] ?? '')) return 'a YAML file (a config or OpenSLO file? pass it with --config / --openslo)';
  if (/^[^,\n]+(,[^,\n]+)+\n/.test(t)) return 'a CSV file';
  return `text starting ${excerpt(t.split('\n', 1)[0] ?? '')}`;
}

export interface Detected {
  format: InputFormat;
  /** The parsed document, for whole-document formats (not for the two NDJSON formats). */
  doc?: unknown;
}

/** How much of a file's start is enough to recognise its format. */
export const HEAD_BYTES = 64 * 1024;

const FORMAT_HELP =
  'pass a perf artifact (baseline.json, loadtest.json, the k6 NDJSON), a k6 --out json file, a k6 summary (--summary-export, handleSummary, --new-machine-readable-summary) or autocannon --json output';

/** A `--format` value: one of INPUT_FORMATS, else a usage error naming the flag. */
export function checkInputFormat(format: string): InputFormat {
  if (!INPUT_FORMATS.includes(format as InputFormat)) {
    throw new UserError(`unknown input format "${format}"`, { where: '--format', fix: `use one of: ${INPUT_FORMATS.join(', ')}` });
  }
  return format as InputFormat;
}

/**
 * The format a file's head shows: an NDJSON format from its first line, or `document` when it can
 * only be a whole JSON document (to be parsed and given to `detectedDocument`). `size` is the whole
 * file's, so an absurd document is refused before it is read.
 */
export function formatOfHead(head: string, size: number, file: string): 'perf.k6-windows/v1' | 'k6-json' | 'document' {
  const firstLine = (head.split('\n', 1)[0] ?? '').trim();
  if (head.trim() === '') throw new UserError(`${file} is empty`, { where: file, fix: FORMAT_HELP });
  let first: unknown;
  let firstParsed = false;
  if (firstLine.startsWith('{') && head.includes('\n')) {
    try {
      first = JSON.parse(firstLine);
      firstParsed = true;
    } catch {
      /* not a one-line JSON value: try the whole document below */
    }
  }
  if (firstParsed && isObj(first)) {
    if (first.schema === 'perf.k6-windows/v1') return 'perf.k6-windows/v1';
    if ((first.type === 'Metric' || first.type === 'Point') && ('metric' in first || 'data' in first)) return 'k6-json';
  }
  if (!head.trimStart().startsWith('{') && !head.trimStart().startsWith('[')) {
    throw new UserError(`${file} is not a result file perf can read: it looks like ${describeText(head)}`, { where: file, fix: FORMAT_HELP });
  }
  if (size > MAX_DOCUMENT_BYTES) {
    throw new UserError(`${file} is a ${Math.round(size / 1048576)} MB JSON document that is neither k6 NDJSON nor a perf NDJSON`, { where: file, fix: FORMAT_HELP });
  }
  return 'document';
}

/** The format of a whole JSON document found by detection; a perf twin is checked for what an SLO verdict reads. */
export function detectedDocument(doc: unknown, file: string): Detected {
  const format = documentFormat(doc);
  if (!format) throw new UserError(`${file} is not a result file perf can read: it looks like ${describeDocument(doc)}`, { where: file, fix: FORMAT_HELP });
  // A perf twin must carry what an SLO verdict reads (core/contract) before any figure is read from it.
  if (format === 'perf.baseline/v1' || format === 'perf.loadtest/v1') checkSloInputArtifact(doc, file);
  return { format, doc };
}

/** Refuses a JSON summary too large to hold (before it is read). */
export function checkDocumentSize(size: number, file: string): void {
  if (size > MAX_DOCUMENT_BYTES) {
    throw new UserError(`${file} is too large (${Math.round(size / 1048576)} MB) for a JSON summary`, { where: file, fix: FORMAT_HELP });
  }
}

/** Parses a whole JSON document's text; a parse error names the line and says when the text ends early. */
export function parseJsonDocument(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = file;
    if (pos) {
      const upTo = text.slice(0, Number(pos[1]));
      const line = upTo.split('\n').length;
      where = `${file}:${line}`;
    }
    const truncated = /Unexpected end of JSON input|Unterminated string/.test(msg) || (pos !== null && Number(pos[1]) >= text.trimEnd().length - 1);
    throw new UserError(`${file} is not valid JSON${truncated ? ' (it ends early: truncated?)' : ''}: ${msg.split('\n')[0]}`, {
      where,
      fix: 'pass the file the tool wrote, unchanged and complete',
    });
  }
}
