import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument, visit, type Document } from 'yaml';
import { tryParseDuration } from '../duration.js';
import { UserError } from '../errors.js';
import { configSchema, type ConfigFile, type PerfConfig } from '../contract/config.js';
import { describeFound, MAX_PRINTED_PROBLEMS, problemsOf, type Problem } from '../contract/problems.js';
import { checkStepTemplates } from './step-templates.js';

export const DEFAULT_CONFIG_FILE = 'perf.config.yaml';
export const DEFAULT_OUT_DIR = '.aiwg';
/** A config is a few kilobytes; anything above this is not one (and must not exhaust memory). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/**
 * YAML alias uses allowed while building the config (counted with their expansion, so a
 * billion-laughs document stops early). Generous for anchors reused across many journeys.
 */
export const MAX_ALIAS_COUNT = 1000;

/** Loads, validates and normalises a config file. Every problem is a UserError naming the path. */
export function loadConfig(file: string, cwd = process.cwd()): PerfConfig {
  const source = resolve(cwd, file);
  return parseConfig(readConfigText(source), source);
}

/** Reads a config file: a regular file of at most MAX_CONFIG_BYTES (never a device, FIFO or directory). */
function readConfigText(source: string): string {
  let kind: string;
  try {
    const st = statSync(source);
    kind = st.isFile() ? 'file' : st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'a special file';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UserError(`config file not found`, {
        where: source,
        fix: `run "perf init" to write a starter ${DEFAULT_CONFIG_FILE}, or pass --config <file>`,
      });
    }
    throw new UserError(`cannot read config file: ${code ?? String(err)}`, { where: source });
  }
  if (kind !== 'file') {
    throw new UserError(`the config must be a regular file, found ${kind}`, { where: source, fix: 'pass --config <file> naming a YAML or JSON file' });
  }
  let fd: number | undefined;
  try {
    fd = openSync(source, 'r');
    // fstat the opened file: it is what is read, even if the path was swapped after the stat above.
    if (!fstatSync(fd).isFile()) throw new UserError('the config must be a regular file', { where: source, fix: 'pass --config <file> naming a YAML or JSON file' });
    const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > MAX_CONFIG_BYTES) throw tooLarge(source);
    }
    return buf.subarray(0, n).toString('utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read config file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { where: source });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tooLarge(source: string): UserError {
  return new UserError(`config file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB; a perf config is a few kilobytes`, {
    where: source,
    fix: 'keep test data in journeys[].data.file (CSV/JSON) instead of inline in the config',
  });
}

/** 1-based line and column of a character offset. */
function lineCol(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `${line}:${offset - last}`;
}

/** Where the first alias (`*name`) of a document is, for messages about aliases. */
function firstAlias(doc: Document, text: string, source: string, name?: string): string {
  let at: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (name !== undefined && node.source !== name) return undefined;
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  return at === undefined ? source : `${source}:${lineCol(text, at)}`;
}

/** Builds plain data from the YAML document; alias problems are config errors at their line. */
function toData(doc: Document, text: string, source: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(message);
    if (unresolved) {
      const name = unresolved[1] ?? '';
      throw new UserError(`config uses the YAML alias *${name} but no anchor &${name} is set before it`, {
        where: firstAlias(doc, text, source, name),
        fix: `define "&${name}" on the value to reuse, above its first use`,
      });
    }
    if (/alias count/i.test(message)) {
      throw new UserError(`config YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes (a nested-alias "billion laughs" document?)`, {
        where: firstAlias(doc, text, source),
        fix: 'write the repeated values out, or reuse fewer nested anchors',
      });
    }
    throw new UserError(`config is not valid YAML/JSON: ${message.split('\n')[0]}`, { where: source, fix: 'fix the YAML syntax' });
  }
}

/** YAML `key:` with no value reads as null: such a key counts as absent, as it always has. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      // defineProperty keeps a `__proto__` key an own key, so the schema sees (and rejects) it.
      if (val !== null) Object.defineProperty(out, k, { value: dropNulls(val), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

/** Parses config text (YAML or JSON; YAML is a superset) and validates it. */
export function parseConfig(text: string, source: string): PerfConfig {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) throw tooLarge(source);
  // prettyErrors computes the line and column of each error (linePos); the message gets a code frame.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    const at = pos ? `${source}:${pos.line}:${pos.col}` : source;
    const what = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`config is not valid YAML/JSON: ${what}`, {
      where: at,
      fix: 'fix the syntax at that line (indentation, quotes, a missing ":")',
    });
  }
  const raw = dropNulls(toData(doc, text, source));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`expected a config object with at least "target.baseUrl", found ${raw === null || raw === undefined ? 'an empty file' : describeFound(raw)}`, {
      where: source,
      fix: 'run "perf init --yes --target URL" for a starter config',
    });
  }
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw configProblems(source, problemsOf(parsed.error));
  const config = resolvePaths(parsed.data, source);
  const problems = crossCheck(config);
  if (problems.length > 0) throw configProblems(source, problems);
  // Reads the data files: a missing or unusable one, or a template naming no column, is an error here.
  try {
    checkStepTemplates(config);
  } catch (err) {
    // Its errors name the config path (journeys[0].data.file); the message must name the file too.
    if (err instanceof UserError) throw new UserError(err.message, { where: `${source}: ${err.where ?? ''}`, fix: err.fix, detail: err.detail });
    throw err;
  }
  return config;
}

/** One UserError for all problems: the first in the message, at most MAX_PRINTED_PROBLEMS in all, the rest counted. */
function configProblems(source: string, problems: Problem[]): UserError {
  const [first, ...rest] = problems as [Problem, ...Problem[]];
  const shown = rest.slice(0, MAX_PRINTED_PROBLEMS - 1).map((p) => `${p.path}: ${p.message}`);
  const hidden = rest.length - shown.length;
  if (hidden > 0) shown.push(`… and ${hidden} more problem(s) not shown`);
  return new UserError(`invalid config: ${first.path}: ${first.message}`, {
    where: source,
    fix: rest.length ? `fix this and ${rest.length} more problem(s) listed below` : `edit ${first.path} in the config file`,
    detail: shown.length ? shown.join('\n') : undefined,
  });
}

/** Relative paths in the config (target.start.cwd, journeys[].data.file) are relative to the config file. */
function resolvePaths(file: ConfigFile, source: string): PerfConfig {
  const baseDir = dirname(source);
  const start = file.target.start;
  return {
    ...file,
    target: { ...file.target, ...(start ? { start: { ...start, cwd: resolve(baseDir, start.cwd) } } : {}) },
    journeys: file.journeys.map((j) => (j.data ? { ...j, data: { ...j.data, file: resolve(baseDir, j.data.file) } } : j)),
    ...(file.warmup !== undefined ? { warmupMs: tryParseDuration(file.warmup) ?? 0 } : {}),
    source,
    baseDir,
  };
}

const LOOPBACK_URL = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Checks that span several fields: unique names, references, loopback with target.start. */
function crossCheck(config: PerfConfig): Problem[] {
  const problems: Problem[] = [];
  const names = new Map<string, number>();
  config.journeys.forEach((j, i) => {
    const seen = names.get(j.name);
    if (seen !== undefined) problems.push({ path: `journeys[${i}].name`, message: `duplicate journey name "${j.name}" (also journeys[${seen}])` });
    else names.set(j.name, i);
  });
  const sloNames = new Map<string, number>();
  config.slos.forEach((s, i) => {
    const p = `slos[${i}]`;
    const seen = sloNames.get(s.name);
    if (seen !== undefined) problems.push({ path: `${p}.name`, message: `duplicate SLO name "${s.name}" (also slos[${seen}])` });
    else sloNames.set(s.name, i);
    if (s.journey !== undefined && !names.has(s.journey)) {
      const known = [...names.keys()];
      problems.push({ path: `${p}.journey`, message: `expected the name of a journey (${known.join(', ') || 'none defined'}), found "${s.journey}"` });
    }
  });
  if (config.target.start && !LOOPBACK_URL.test(config.target.baseUrl)) {
    problems.push({ path: 'target.baseUrl', message: `target.start launches a local service, so baseUrl must be a loopback URL (127.0.0.1, localhost, [::1]), found "${config.target.baseUrl}"` });
  }
  return problems;
}
