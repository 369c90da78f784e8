/** The validated project config (`perf.config.yaml`). Field docs live in README "Config reference". */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
export type SliKind = 'latency' | 'availability' | 'error-rate';
export type ScenarioName = 'baseline' | 'stress' | 'spike' | 'soak' | 'breakpoint';
export const SCENARIO_NAMES: readonly ScenarioName[] = ['baseline', 'stress', 'spike', 'soak', 'breakpoint'];
export type AgentProvider = 'deterministic' | 'openai' | 'anthropic' | 'command';

export interface TargetStart {
  /** Shell command that starts the service under test. */
  command: string;
  /** Working directory, resolved relative to the config file. */
  cwd: string;
  env: Record<string, string>;
  /** Path polled until it answers (any HTTP status < 500). */
  readyPath: string;
  readyTimeoutMs: number;
}

export interface Target {
  baseUrl: string;
  start?: TargetStart;
  /**
   * Header templates as written in the config (`${ENV_VAR}` unresolved). Resolve them with
   * `resolveHeaders` at run time; the resolved values must never be written to an artifact.
   */
  headers: Record<string, string>;
}

export interface JourneyStep {
  name: string;
  method: HttpMethod;
  /** Path relative to baseUrl, e.g. `/products/42`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  json?: unknown;
  expectStatus: number[];
  thinkTimeMs: number;
}

export interface JourneyData {
  /** CSV or JSON file with test data rows, resolved relative to the config file. */
  file: string;
  format: 'csv' | 'json';
}

export interface Journey {
  name: string;
  weight: number;
  steps: JourneyStep[];
  data?: JourneyData;
}

export type PercentileName = 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'p99.9';
export const PERCENTILE_VALUES: Record<PercentileName, number> = {
  p50: 50,
  p75: 75,
  p90: 90,
  p95: 95,
  p99: 99,
  'p99.9': 99.9,
};

export interface Slo {
  name: string;
  sli: SliKind;
  /** Optional journey filter: the SLO only counts this journey's requests. */
  journey?: string;
  /** Percent of good events, e.g. 99.9. */
  objective: number;
  /** SLO window as written (`30d`) and in ms. */
  window: string;
  windowMs: number;
  /** Latency SLIs only. */
  percentile?: PercentileName;
  thresholdMs?: number;
}

export interface ScenarioOverride {
  /** `arrival-rate` (open model, default) or `vus` (closed model). */
  executor?: 'arrival-rate' | 'vus';
  /** Target arrival rate in requests/s (or iterations/s) at the profile's peak. */
  rate?: number;
  /** Hold duration (soak: the whole soak). */
  duration?: string;
  rampUp?: string;
  rampDown?: string;
  vus?: number;
  maxVUs?: number;
  /** Multiplier of capacity.maxRps (e.g. 0.5 for baseline, 3 for spike). */
  capacityFactor?: number;
}

export interface AgentConfig {
  provider: AgentProvider;
  model?: string;
  /** Base URL of an OpenAI-compatible or Anthropic API. */
  baseUrl?: string;
  /** Name of the env var holding the API key (never the key itself). */
  apiKeyEnv?: string;
  /** Command for the `command` provider; the prompt is piped on stdin. */
  command?: string;
  timeoutMs: number;
  retries: number;
}

export interface PerfConfig {
  target: Target;
  journeys: Journey[];
  slos: Slo[];
  scenarios: Partial<Record<ScenarioName, ScenarioOverride>>;
  agent: AgentConfig;
  outDir: string;
  /** Absolute path of the file this config was loaded from (or `<defaults>`). */
  source: string;
  /** Directory relative paths in the config are resolved against. */
  baseDir: string;
}
