import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderStarterConfig, STARTER_DEFAULTS } from '../../core/config/starter.js';
import { CONFIG_SCHEMA_FILE, CONFIG_SCHEMA_REF, configJsonSchema } from '../../core/contract/json-schema.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/config');
const shipped = JSON.parse(readFileSync(join(ROOT, CONFIG_SCHEMA_FILE), 'utf8')) as Record<string, unknown>;
// `format: uri` is checked by perf itself (http/https only); the editor schema only names it.
const validate = new Ajv({ strict: true, allErrors: true, formats: { uri: true } }).compile(shipped);

function yamlOf(file: string): unknown {
  return parse(readFileSync(file, 'utf8'));
}

describe('perf.config.schema.json', () => {
  it('is the schema the contract declares (the shipped file is not stale)', () => {
    expect(shipped).toEqual(configJsonSchema());
  });

  const valid = [
    'examples/shop/perf.config.yaml',
    ...readdirSync(join(ROOT, 'examples/configs')).map((f) => `examples/configs/${f}`),
    ...readdirSync(FIXTURES).filter((f) => f.startsWith('valid')).map((f) => `test/fixtures/config/${f}`),
  ];
  it.each(valid)('accepts %s', (file) => {
    const ok = validate(yamlOf(join(ROOT, file)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('accepts the starter config perf init writes', () => {
    expect(validate(parse(renderStarterConfig({ baseUrl: 'http://127.0.0.1:8080', ...STARTER_DEFAULTS })))).toBe(true);
  });

  // Each invalid fixture, and the keyword of the schema that rejects it.
  const invalid = [
    { file: 'bad-objective.json', path: '/slos/0/objective' },
    { file: 'empty.yaml', path: '' },
    { file: 'latency-no-threshold.yaml', path: '/slos/1' },
    { file: 'unknown-key.yaml', path: '/journeys/0/steps/0' },
  ];
  it.each(invalid)('rejects the invalid fixture $file at "$path"', ({ file, path }) => {
    expect(validate(yamlOf(join(FIXTURES, file)))).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain(path);
  });

  it('leaves the broken-YAML fixture to the YAML parser (no document to validate)', () => {
    expect(() => yamlOf(join(FIXTURES, 'bad-yaml.yaml'))).toThrow();
  });

  it('does not see cross-references (an SLO naming an unknown journey): perf itself rejects those', () => {
    // JSON Schema cannot say "a journey of that name exists"; loadConfig's cross-check does (config-validation.test.ts).
    expect(validate(yamlOf(join(FIXTURES, 'unknown-journey.yaml')))).toBe(true);
  });

  it('rejects a latency SLO without a percentile, and a threshold on an availability SLO', () => {
    const base = { target: { baseUrl: 'http://127.0.0.1:1' } };
    expect(validate({ ...base, slos: [{ name: 'a', sli: 'latency', thresholdMs: 5, objective: 99 }] })).toBe(false);
    expect(validate({ ...base, slos: [{ name: 'a', sli: 'availability', thresholdMs: 5, objective: 99 }] })).toBe(false);
    expect(validate({ ...base, slos: [{ name: 'a', sli: 'latency', percentile: 'p99', thresholdMs: 5, objective: 99 }] })).toBe(true);
  });
});

describe('perf init starter config', () => {
  it('names the JSON Schema on its first line for yaml-language-server', () => {
    const first = renderStarterConfig({ baseUrl: 'http://127.0.0.1:8080', ...STARTER_DEFAULTS }).split('\n')[0];
    expect(first).toBe(`# yaml-language-server: $schema=${CONFIG_SCHEMA_REF}`);
    expect(CONFIG_SCHEMA_REF.endsWith(CONFIG_SCHEMA_FILE)).toBe(true);
  });
});
