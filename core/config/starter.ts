import { CONFIG_SCHEMA_REF } from '../contract/json-schema.js';

/** Answers that shape a starter config (from `perf init` prompts or flags). */
export interface StarterAnswers {
  baseUrl: string;
  journeyName: string;
  journeyPath: string;
  p95Ms: number;
  objective: number;
  /** target.start: how perf starts the service (e.g. the project's `npm start`); absent = commented example. */
  start?: { command: string; readyPath: string };
}

export const STARTER_DEFAULTS: Omit<StarterAnswers, 'baseUrl'> = {
  journeyName: 'home',
  journeyPath: '/',
  p95Ms: 300,
  objective: 99.9,
};

/** Renders a commented starter `perf.config.yaml`. Values are JSON-quoted so any input stays valid YAML. */
export function renderStarterConfig(a: StarterAnswers): string {
  const q = (s: string): string => JSON.stringify(s);
  // The first line lets editors with yaml-language-server complete and check the file.
  return `# yaml-language-server: $schema=${CONFIG_SCHEMA_REF}
# perf.config.yaml — configuration for the perf performance toolkit.
# Reference: README.md "Config reference". Validate it with any perf command (e.g. perf slo-check --help).

target:
  # The service under test. Load and soak tests must only target services you own.
  baseUrl: ${q(a.baseUrl)}
${a.start ? renderStart(a.start, a.baseUrl) : START_EXAMPLE}
  # Headers sent with every request. \${ENV_VAR} is resolved at run time and never written out.
  # headers:
  #   Authorization: "Bearer \${API_TOKEN}"

# The critical user journeys. weight = share of the traffic mix.
journeys:
  - name: ${q(a.journeyName)}
    weight: 1
    steps:
      - method: GET
        path: ${q(a.journeyPath)}
        expectStatus: 200
        thinkTimeMs: 0
  # - name: checkout
  #   weight: 0.2
  #   steps:
  #     - { method: POST, path: "/cart", json: { sku: "A-1", qty: 1 }, expectStatus: [200, 201] }

# Service level objectives. objective = percent of good events over the window.
slos:
  - name: ${q(`${a.journeyName}-latency-p95`)}
    sli: latency
    journey: ${q(a.journeyName)}
    percentile: p95
    thresholdMs: ${a.p95Ms}
    objective: ${a.objective}
    window: 30d
  - name: availability
    sli: availability
    objective: ${a.objective}
    window: 30d

# Optional overrides per load profile (baseline, stress, spike, soak, breakpoint).
# scenarios:
#   soak: { duration: 1h, capacityFactor: 0.8 }

# Optional: LLM synthesis for narrative and plans. The default is deterministic and offline.
# agent:
#   provider: deterministic     # or openai | anthropic | command
#   apiKeyEnv: OPENAI_API_KEY   # the env var name, never the key

outDir: .aiwg
`;
}

const START_EXAMPLE = `  # Optional: let perf start and stop the service for you.
  # start:
  #   command: "node server.js"
  #   cwd: "."
  #   env: { PORT: "8080" }
  #   readyPath: "/health"     # polled until it answers
  #   readyTimeoutMs: 15000`;

/** A live `target.start` block; PORT comes from the base URL, so a service that reads PORT listens there. */
function renderStart(start: { command: string; readyPath: string }, baseUrl: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `  # perf starts the service for each run and stops it afterwards.
  start:
    command: ${JSON.stringify(start.command)}
    cwd: "."
    env: { PORT: ${JSON.stringify(port)} }   # drop it if your service does not read PORT
    readyPath: ${JSON.stringify(start.readyPath)}     # polled until it answers
    readyTimeoutMs: 15000`;
}
