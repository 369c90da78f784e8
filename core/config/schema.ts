import { tryParseDuration } from '../duration.js';
import { PERCENTILE_VALUES, SCENARIO_NAMES } from './types.js';
import type { Schema } from './schema-dsl.js';

const duration: Schema = {
  kind: 'string',
  describe: 'a duration like 30s, 5m, 1h or 30d',
  check: (v) => {
    const ms = tryParseDuration(v);
    return ms === undefined || ms <= 0 ? 'expected a duration like 30s, 5m, 1h or 30d' : undefined;
  },
};

const url: Schema = {
  kind: 'string',
  describe: 'an http(s) URL like http://127.0.0.1:8080',
  check: (v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'expected an http:// or https:// URL';
    } catch {
      return 'expected an http(s) URL like http://127.0.0.1:8080';
    }
  },
};

const urlPath: Schema = { kind: 'string', pattern: /^\//, describe: 'a path starting with "/", e.g. /health' };
const headers: Schema = { kind: 'map', values: { kind: 'string' }, describe: 'a map of header names to string values' };
const positive: Schema = { kind: 'number', exclusiveMin: 0 };
const status: Schema = { kind: 'number', integer: true, min: 100, max: 599, describe: 'an HTTP status code (100-599)' };

const step: Schema = {
  kind: 'object',
  fields: {
    name: { schema: { kind: 'string' } },
    method: {
      schema: { kind: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] },
    },
    path: { schema: urlPath, required: true },
    headers: { schema: headers },
    body: { schema: { kind: 'string' } },
    json: { schema: { kind: 'any' } },
    expectStatus: {
      schema: {
        kind: 'oneOf',
        options: [status, { kind: 'array', items: status, minItems: 1 }],
        describe: 'an HTTP status code or a list of them, e.g. 200 or [200, 201]',
      },
    },
    thinkTimeMs: { schema: { kind: 'number', min: 0 } },
  },
};

const journey: Schema = {
  kind: 'object',
  fields: {
    name: { schema: { kind: 'string', pattern: /^[A-Za-z0-9_.-]+$/, describe: 'a name of letters, digits, "_", "." or "-"' }, required: true },
    weight: { schema: positive },
    steps: { schema: { kind: 'array', items: step, minItems: 1 }, required: true },
    data: {
      schema: {
        kind: 'object',
        fields: {
          file: { schema: { kind: 'string' }, required: true },
          format: { schema: { kind: 'string', enum: ['csv', 'json'] } },
        },
      },
    },
  },
};

const slo: Schema = {
  kind: 'object',
  fields: {
    name: { schema: { kind: 'string' }, required: true },
    sli: { schema: { kind: 'string', enum: ['latency', 'availability', 'error-rate'] }, required: true },
    journey: { schema: { kind: 'string' } },
    objective: {
      schema: { kind: 'number', exclusiveMin: 0, max: 100, describe: 'a percent of good events > 0 and <= 100, e.g. 99.9' },
      required: true,
    },
    window: { schema: duration },
    percentile: { schema: { kind: 'string', enum: Object.keys(PERCENTILE_VALUES) } },
    thresholdMs: { schema: { kind: 'number', exclusiveMin: 0, describe: 'a number of milliseconds > 0' } },
  },
};

const scenario: Schema = {
  kind: 'object',
  fields: {
    executor: { schema: { kind: 'string', enum: ['arrival-rate', 'vus'] } },
    rate: { schema: positive },
    duration: { schema: duration },
    rampUp: { schema: duration },
    rampDown: { schema: duration },
    vus: { schema: { kind: 'number', integer: true, min: 1 } },
    maxVUs: { schema: { kind: 'number', integer: true, min: 1 } },
    capacityFactor: { schema: positive },
  },
};

export const configSchema: Schema = {
  kind: 'object',
  fields: {
    target: {
      required: true,
      schema: {
        kind: 'object',
        fields: {
          baseUrl: { schema: url, required: true },
          start: {
            schema: {
              kind: 'object',
              fields: {
                command: { schema: { kind: 'string' }, required: true },
                cwd: { schema: { kind: 'string' } },
                env: { schema: { kind: 'map', values: { kind: 'string' } } },
                readyPath: { schema: urlPath },
                readyTimeoutMs: { schema: { kind: 'number', integer: true, min: 100 } },
              },
            },
          },
          headers: { schema: headers },
        },
      },
    },
    journeys: { schema: { kind: 'array', items: journey, minItems: 1 } },
    slos: { schema: { kind: 'array', items: slo } },
    scenarios: {
      schema: {
        kind: 'object',
        fields: Object.fromEntries(SCENARIO_NAMES.map((n) => [n, { schema: scenario }])),
      },
    },
    agent: {
      schema: {
        kind: 'object',
        fields: {
          provider: { schema: { kind: 'string', enum: ['deterministic', 'openai', 'anthropic', 'command'] } },
          model: { schema: { kind: 'string' } },
          baseUrl: { schema: url },
          apiKeyEnv: { schema: { kind: 'string', pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, describe: 'an environment variable name' } },
          command: { schema: { kind: 'string' } },
          timeoutMs: { schema: { kind: 'number', integer: true, min: 1 } },
          retries: { schema: { kind: 'number', integer: true, min: 0, max: 10 } },
        },
      },
    },
    outDir: { schema: { kind: 'string' } },
  },
};
