import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { tryParseDuration } from '../duration.js';
import { UserError } from '../errors.js';
import { configSchema } from './schema.js';
import { checkStepTemplates } from './step-templates.js';
import { describeFound, isPlainObject, validate, type Problem } from './schema-dsl.js';
import type { AgentConfig, HttpMethod, Journey, PercentileName, PerfConfig, ScenarioName, ScenarioOverride, Slo } from './types.js';

export const DEFAULT_CONFIG_FILE = 'perf.config.yaml';
export const DEFAULT_OUT_DIR = '.aiwg';

/** Loads, validates and normalises a config file. Every problem is a UserError naming the path. */
export function loadConfig(file: string, cwd = process.cwd()): PerfConfig {
  const source = resolve(cwd, file);
  if (!existsSync(source)) {
    throw new UserError(`config file not found`, {
      where: source,
      fix: `run "perf init" to write a starter ${DEFAULT_CONFIG_FILE}, or pass --config <file>`,
    });
  }
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read config file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { where: source });
  }
  return parseConfig(text, source);
}

/** Parses config text (YAML or JSON; YAML is a superset) and validates it. */
export function parseConfig(text: string, source: string): PerfConfig {
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
  const raw: unknown = doc.toJS();
  const problems: Problem[] = [];
  if (!isPlainObject(raw)) {
    throw new UserError(`expected a config object with at least "target.baseUrl", found ${raw === null || raw === undefined ? 'an empty file' : describeFound(raw)}`, {
      where: source,
      fix: 'run "perf init --yes --target URL" for a starter config',
    });
  }
  validate(raw, configSchema, '', problems);
  if (problems.length === 0) crossCheck(raw, problems);
  if (problems.length > 0) throw configProblems(source, problems);
  const config = normalise(raw, source);
  checkStepTemplates(config);
  return config;
}

function configProblems(source: string, problems: Problem[]): UserError {
  const [first, ...rest] = problems as [Problem, ...Problem[]];
  const lines = rest.map((p) => `${p.path}: ${p.message}`);
  return new UserError(`invalid config: ${first.path}: ${first.message}`, {
    where: source,
    fix: rest.length ? `fix this and ${rest.length} more problem(s) listed below` : `edit ${first.path} in the config file`,
    detail: lines.length ? lines.join('\n') : undefined,
  });
}

/** Checks that span several fields: latency SLO fields, journey references, unique names. */
function crossCheck(raw: Record<string, unknown>, problems: Problem[]): void {
  const journeys = (raw.journeys as Record<string, unknown>[] | undefined) ?? [];
  const names = new Map<string, number>();
  journeys.forEach((j, i) => {
    const name = j.name as string;
    if (names.has(name)) problems.push({ path: `journeys[${i}].name`, message: `duplicate journey name "${name}" (also journeys[${names.get(name)}])` });
    names.set(name, i);
  });
  const slos = (raw.slos as Record<string, unknown>[] | undefined) ?? [];
  const sloNames = new Map<string, number>();
  slos.forEach((s, i) => {
    const p = `slos[${i}]`;
    const name = s.name as string;
    if (sloNames.has(name)) problems.push({ path: `${p}.name`, message: `duplicate SLO name "${name}" (also slos[${sloNames.get(name)}])` });
    sloNames.set(name, i);
    if (s.sli === 'latency') {
      if (s.thresholdMs === undefined) problems.push({ path: `${p}.thresholdMs`, message: 'required for a latency SLI, expected a number of milliseconds > 0, found nothing' });
      if (s.percentile === undefined) problems.push({ path: `${p}.percentile`, message: 'required for a latency SLI, expected one of p50, p75, p90, p95, p99, p99.9, found nothing' });
    } else {
      for (const k of ['thresholdMs', 'percentile'] as const) {
        if (s[k] !== undefined) problems.push({ path: `${p}.${k}`, message: `only allowed on a latency SLI, found it on sli "${String(s.sli)}"` });
      }
    }
    if (s.objective === 100) problems.push({ path: `${p}.objective`, message: 'expected a percent below 100 (100 leaves no error budget), found 100' });
    if (typeof s.journey === 'string' && !names.has(s.journey)) {
      const known = [...names.keys()];
      problems.push({ path: `${p}.journey`, message: `expected the name of a journey (${known.join(', ') || 'none defined'}), found "${s.journey}"` });
    }
  });
  const start = (raw.target as Record<string, unknown>).start as Record<string, unknown> | undefined;
  const base = (raw.target as Record<string, unknown>).baseUrl as string;
  if (start && !/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(base)) {
    problems.push({ path: 'target.baseUrl', message: `target.start launches a local service, so baseUrl must be a loopback URL (127.0.0.1, localhost, [::1]), found "${base}"` });
  }
}

function normaliseSlo(s: Record<string, unknown>): Slo {
  const window = (s.window as string | undefined) ?? '30d';
  const slo: Slo = {
    name: s.name as string,
    sli: s.sli as Slo['sli'],
    objective: s.objective as number,
    window,
    windowMs: tryParseDuration(window) as number,
  };
  if (typeof s.journey === 'string') slo.journey = s.journey;
  if (s.percentile !== undefined) slo.percentile = s.percentile as PercentileName;
  if (s.thresholdMs !== undefined) slo.thresholdMs = s.thresholdMs as number;
  return slo;
}

function normaliseJourney(j: Record<string, unknown>, baseDir: string): Journey {
  const steps = (j.steps as Record<string, unknown>[]).map((st, i) => {
    const expect = st.expectStatus;
    const step: Journey['steps'][number] = {
      name: (st.name as string | undefined) ?? `${(st.method as string | undefined) ?? 'GET'} ${st.path as string}`.slice(0, 80) ?? `step${i + 1}`,
      method: ((st.method as string | undefined) ?? (st.json !== undefined || st.body !== undefined ? 'POST' : 'GET')) as HttpMethod,
      path: st.path as string,
      headers: (st.headers as Record<string, string> | undefined) ?? {},
      expectStatus: expect === undefined ? [200] : Array.isArray(expect) ? (expect as number[]) : [expect as number],
      thinkTimeMs: (st.thinkTimeMs as number | undefined) ?? 0,
    };
    if (st.body !== undefined) step.body = st.body as string;
    if (st.json !== undefined) step.json = st.json;
    return step;
  });
  const journey: Journey = { name: j.name as string, weight: (j.weight as number | undefined) ?? 1, steps };
  const data = j.data as Record<string, unknown> | undefined;
  if (data) {
    const file = resolve(baseDir, data.file as string);
    journey.data = { file, format: (data.format as 'csv' | 'json' | undefined) ?? (file.endsWith('.csv') ? 'csv' : 'json') };
  }
  return journey;
}

function normalise(raw: Record<string, unknown>, source: string): PerfConfig {
  const baseDir = dirname(source);
  const t = raw.target as Record<string, unknown>;
  const start = t.start as Record<string, unknown> | undefined;
  const agentRaw = (raw.agent as Record<string, unknown> | undefined) ?? {};
  const agent: AgentConfig = {
    provider: (agentRaw.provider as AgentConfig['provider'] | undefined) ?? 'deterministic',
    timeoutMs: (agentRaw.timeoutMs as number | undefined) ?? 60_000,
    retries: (agentRaw.retries as number | undefined) ?? 2,
  };
  for (const k of ['model', 'baseUrl', 'apiKeyEnv', 'command'] as const) {
    if (typeof agentRaw[k] === 'string') agent[k] = agentRaw[k] as string;
  }
  const config: PerfConfig = {
    target: {
      // The parsed, normalised form: the URL parser drops line breaks and tabs the raw text may carry.
      baseUrl: new URL(t.baseUrl as string).href.replace(/\/+$/, ''),
      headers: (t.headers as Record<string, string> | undefined) ?? {},
    },
    journeys: ((raw.journeys as Record<string, unknown>[] | undefined) ?? []).map((j) => normaliseJourney(j, baseDir)),
    slos: ((raw.slos as Record<string, unknown>[] | undefined) ?? []).map(normaliseSlo),
    scenarios: (raw.scenarios as Partial<Record<ScenarioName, ScenarioOverride>> | undefined) ?? {},
    agent,
    outDir: (raw.outDir as string | undefined) ?? DEFAULT_OUT_DIR,
    source,
    baseDir,
  };
  if (start) {
    config.target.start = {
      command: start.command as string,
      cwd: resolve(baseDir, (start.cwd as string | undefined) ?? '.'),
      env: (start.env as Record<string, string> | undefined) ?? {},
      readyPath: (start.readyPath as string | undefined) ?? '/',
      readyTimeoutMs: (start.readyTimeoutMs as number | undefined) ?? 15_000,
    };
  }
  return config;
}
