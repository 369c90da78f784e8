import { z } from 'zod';
import { bool, duration, durationOrZero, expecting, httpUrl, list, num, oneOf, str, strict, stringMap, urlPath } from './fields.js';
import { tryParseDuration } from '../duration.js';
import { didYouMean } from '../config/suggest.js';
import { describeFound } from './problems.js';

/**
 * The contract of `perf.config.yaml`: one declaration gives the TypeScript types (z.output), the
 * defaults, path-exact errors (fields.ts wording) and the editor's JSON Schema (json-schema.ts).
 * Field docs for users live in README "Config reference". Checks that span fields (unique names,
 * SLO → journey references, loopback with target.start) and the file system (data files) run after
 * this schema in core/config/load.ts.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const SLI_KINDS = ['latency', 'availability', 'error-rate'] as const;
export const SCENARIO_NAMES = ['baseline', 'stress', 'spike', 'soak', 'breakpoint'] as const;
export const AGENT_PROVIDERS = ['deterministic', 'openai', 'anthropic', 'command'] as const;
export const PERCENTILE_NAMES = ['p50', 'p75', 'p90', 'p95', 'p99', 'p99.9'] as const;
export const EXECUTORS = ['arrival-rate', 'vus'] as const;

export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * The statuses a step expects when its config names none: the success codes its method answers with
 * (a POST that creates answers 201, a DELETE 204), as k6 counts any 2xx as not failed. A step that
 * needs one exact code (or accepts a 304) names it with expectStatus.
 */
export const DEFAULT_EXPECT_STATUS: Readonly<Record<HttpMethod, readonly number[]>> = {
  GET: [200],
  HEAD: [200],
  OPTIONS: [200, 204],
  POST: [200, 201, 202, 204],
  PUT: [200, 201, 202, 204],
  PATCH: [200, 202, 204],
  DELETE: [200, 202, 204],
};
export type SliKind = (typeof SLI_KINDS)[number];
export type ScenarioName = (typeof SCENARIO_NAMES)[number];
export type AgentProvider = (typeof AGENT_PROVIDERS)[number];
export type PercentileName = (typeof PERCENTILE_NAMES)[number];
/** How a k6 scenario drives load: open model (arrival rate) or closed model (a fixed VU pool). */
export type Executor = (typeof EXECUTORS)[number];

export const PERCENTILE_VALUES: Record<PercentileName, number> = { p50: 50, p75: 75, p90: 90, p95: 95, p99: 99, 'p99.9': 99.9 };

const STATUS_WHAT = 'an HTTP status code (100-599)';
const status = () => num({ int: true, min: 100, max: 599, what: STATUS_WHAT });

const targetStart = strict({
  command: str('a shell command'),
  cwd: str().default('.'),
  env: stringMap().default({}),
  readyPath: urlPath().default('/'),
  readyTimeoutMs: num({ int: true, min: 100 }).default(15_000),
});

const DATABASE_WHAT = 'a PostgreSQL URL, best from the environment: "${DATABASE_URL}" (or postgres://user:password@host:5432/db)';

/** PostgreSQL evidence. The URL may hold a password: no message ever echoes the value. */
const targetDatabase = strict({
  postgres: z
    .string({ error: (iss) => `${iss.input === undefined ? 'required, ' : ''}expected ${DATABASE_WHAT}` })
    .regex(/^(\$\{[A-Za-z_][A-Za-z0-9_]*\}|postgres(ql)?:\/\/)/, { error: `expected ${DATABASE_WHAT}; the value found is neither (not shown: it may hold a password)` }),
});

const target = strict({
  // The parsed, normalised form: the URL parser drops line breaks and tabs the raw text may carry.
  baseUrl: httpUrl().transform((u) => new URL(u).href.replace(/\/+$/, '')),
  start: targetStart.optional(),
  /** Header templates as written (`${ENV_VAR}` unresolved); resolve with core/config/headers.ts at run time. */
  headers: stringMap('a map of header names to string values').default({}),
  /** `{ postgres: "${DATABASE_URL}" }` as written; resolve with core/config/headers.ts resolveDatabaseUrl at run time. */
  database: targetDatabase.optional(),
  /** A running service perf does not start: sample this process (and its children) from /proc. */
  pid: num({ int: true, min: 1, what: 'a process id (an integer >= 1)' }).optional(),
  /** A running service perf does not start: read its resources from this Prometheus text endpoint. */
  metricsUrl: httpUrl().optional(),
});

/** Resource limits: success criteria beside the SLOs (peak RSS/heap/fds, p95 of per-second CPU). */
const limits = strict({
  cpuPct: num({ gt: 0, what: 'a percent of one core > 0 (100 = one core)' }).optional(),
  rssMb: num({ gt: 0 }).optional(),
  heapMb: num({ gt: 0 }).optional(),
  fds: num({ int: true, min: 1 }).optional(),
});

const step = strict({
  name: str().optional(),
  method: oneOf(HTTP_METHODS).optional(),
  path: urlPath(),
  headers: stringMap('a map of header names to string values').default({}),
  body: str().optional(),
  json: z.unknown().optional(),
  expectStatus: z
    .union([status(), list(status(), { min: 1 })], { error: expecting('an HTTP status code or a list of them, e.g. 200 or [200, 201]') })
    .optional(),
  thinkTimeMs: num({ min: 0 }).default(0),
}).transform((s) => {
  // Without a method, a step with a body is a POST; without a name, it is named by its request.
  const method: HttpMethod = s.method ?? (s.json !== undefined || s.body !== undefined ? 'POST' : 'GET');
  const expect = s.expectStatus;
  return {
    ...s,
    name: s.name ?? `${s.method ?? 'GET'} ${s.path}`.slice(0, 80),
    method,
    expectStatus: expect === undefined ? [...DEFAULT_EXPECT_STATUS[method]] : Array.isArray(expect) ? expect : [expect],
  };
});

const journeyData = strict({
  /** CSV or JSON file with test data rows, resolved relative to the config file. */
  file: str('a file path'),
  format: oneOf(['csv', 'json']).optional(),
}).transform((d) => ({ file: d.file, format: d.format ?? (d.file.endsWith('.csv') ? ('csv' as const) : ('json' as const)) }));

const journey = strict({
  name: str('a name of letters, digits, "_", "." or "-"').regex(/^[A-Za-z0-9_.-]+$/),
  weight: num({ gt: 0 }).default(1),
  steps: list(step, { min: 1, what: 'a list of steps' }),
  data: journeyData.optional(),
});

const objective = num({ gt: 0, max: 100, what: 'a percent of good events > 0 and <= 100, e.g. 99.9' }).refine((v) => v !== 100, {
  error: 'expected a percent below 100 (100 leaves no error budget), found 100',
});

const sloCommon = {
  name: str(),
  /** Optional journey filter: the SLO only counts this journey's requests. */
  journey: str().optional(),
  objective,
  window: duration().default('30d'),
};

const latencySlo = strict({
  ...sloCommon,
  sli: z.literal('latency'),
  percentile: oneOf(PERCENTILE_NAMES, 'required for a latency SLI'),
  thresholdMs: num({ gt: 0, what: 'a number of milliseconds > 0', required: 'required for a latency SLI' }),
});

const onlyLatency = (sli: string) => (key: string) =>
  key === 'thresholdMs' || key === 'percentile' ? `only allowed on a latency SLI, found it on sli "${sli}"` : undefined;
const availabilitySlo = strict({ ...sloCommon, sli: z.literal('availability') }, { explain: onlyLatency('availability') });
const errorRateSlo = strict({ ...sloCommon, sli: z.literal('error-rate') }, { explain: onlyLatency('error-rate') });

const sliWhat = `one of ${SLI_KINDS.map((k) => `"${k}"`).join(', ')}`;
const slo = z
  .discriminatedUnion('sli', [latencySlo, availabilitySlo, errorRateSlo], {
    error: (iss) => {
      if (iss.code === 'invalid_union' && typeof iss.input === 'object' && iss.input !== null && !Array.isArray(iss.input)) {
        // No matching discriminator: the path already ends in `.sli`.
        const sli: unknown = (iss.input as Record<string, unknown>).sli;
        const near = typeof sli === 'string' ? didYouMean(sli, SLI_KINDS) : undefined;
        return `${sli === undefined ? 'required, ' : ''}expected ${sliWhat}, found ${describeFound(sli)}${near ? ` — did you mean "${near}"?` : ''}`;
      }
      return expecting('an SLO (name, sli, objective, …)')(iss);
    },
  })
  .transform((s) => ({ ...s, windowMs: tryParseDuration(s.window) ?? 0 }));

const scenario = strict({
  /** `arrival-rate` (open model, default) or `vus` (closed model). */
  executor: oneOf(EXECUTORS).optional(),
  /** Target arrival rate in requests/s (or iterations/s) at the profile's peak. */
  rate: num({ gt: 0 }).optional(),
  /** Hold duration (soak: the whole soak). */
  duration: duration().optional(),
  rampUp: duration().optional(),
  rampDown: duration().optional(),
  vus: num({ int: true, min: 1 }).optional(),
  maxVUs: num({ int: true, min: 1 }).optional(),
  /** Multiplier of capacity.maxRps (e.g. 0.5 for baseline, 3 for spike). */
  capacityFactor: num({ gt: 0 }).optional(),
});

const scenarios = strict({
  baseline: scenario.optional(),
  stress: scenario.optional(),
  spike: scenario.optional(),
  soak: scenario.optional(),
  breakpoint: scenario.optional(),
});

const agent = strict({
  provider: oneOf(AGENT_PROVIDERS).default('deterministic'),
  model: str().optional(),
  /** Base URL of an OpenAI-compatible or Anthropic API. */
  baseUrl: httpUrl().optional(),
  /** Name of the env var holding the API key (never the key itself). */
  apiKeyEnv: str('an environment variable name').regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  /** Command for the `command` provider; the prompt is piped on stdin. */
  command: str().optional(),
  timeoutMs: num({ int: true, min: 1 }).default(60_000),
  retries: num({ int: true, min: 0, max: 10 }).default(2),
});

/** The whole config file. */
export const configSchema = strict({
  target,
  journeys: list(journey, { min: 1, what: 'a list of journeys' }).default([]),
  slos: list(slo, { what: 'a list of SLOs' }).default([]),
  scenarios: scenarios.default({}),
  agent: agent.prefault({}),
  limits: limits.optional(),
  outDir: str('a directory path').default('.aiwg'),
  /** Load before every measured phase, excluded from the results (README "Warm-up"); 0s = none. */
  warmup: durationOrZero().optional(),
}).meta({ title: 'perf.config.yaml', description: 'Configuration of the perf performance toolkit (README "Config reference").' });


/** The config as validated, before paths are resolved against the config file's directory. */
export type ConfigFile = z.output<typeof configSchema>;
export type Target = ConfigFile['target'];
export type TargetStart = NonNullable<Target['start']>;
export type Journey = ConfigFile['journeys'][number];
export type JourneyStep = Journey['steps'][number];
export type JourneyData = NonNullable<Journey['data']>;
export type LatencySlo = z.output<typeof latencySlo> & { windowMs: number };
type OtherSlo = z.output<typeof availabilitySlo | typeof errorRateSlo> & { windowMs: number };
/**
 * One SLO. A latency SLO always has its percentile and threshold (narrow with `sli === 'latency'`);
 * the other kinds never do, which the optional `undefined` fields say to code reading any SLO.
 */
export type Slo = LatencySlo | (OtherSlo & { percentile?: undefined; thresholdMs?: undefined });
export type ScenarioOverride = z.output<typeof scenario>;
export type ResourceLimits = z.output<typeof limits>;
export type AgentConfig = ConfigFile['agent'];

/** The loaded project config: the file's content with defaults, relative paths resolved. */
export interface PerfConfig extends Omit<ConfigFile, 'slos'> {
  slos: Slo[];
  /** `warmup:` in ms (undefined: each phase's default; 0: none). */
  warmupMs?: number;
  /** Absolute path of the file this config was loaded from (or `<defaults>`). */
  source: string;
  /** Directory relative paths in the config are resolved against. */
  baseDir: string;
}
