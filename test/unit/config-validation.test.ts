import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { rmSync } from 'node:fs';
import { loadConfig, parseConfig } from '../../core/config/load.js';
import { renderStarterConfig, STARTER_DEFAULTS } from '../../core/config/starter.js';
import { ExitCode, formatError, UserError } from '../../core/errors.js';
import { catchUserError } from '../helpers/user-error.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/config');

/** A valid config; each invalid case is this with one thing broken. */
function valid(): Record<string, any> {
  return {
    target: { baseUrl: 'http://127.0.0.1:8080', headers: { 'X-Client': 'perf' } },
    journeys: [
      { name: 'browse', weight: 3, steps: [{ method: 'GET', path: '/products', expectStatus: 200, thinkTimeMs: 100 }] },
      { name: 'checkout', weight: 1, steps: [{ method: 'POST', path: '/checkout', json: { sku: 'A-1' }, expectStatus: [200, 201] }] },
    ],
    slos: [
      { name: 'browse-p95', sli: 'latency', journey: 'browse', percentile: 'p95', thresholdMs: 200, objective: 99.9, window: '30d' },
      { name: 'availability', sli: 'availability', objective: 99.9, window: '30d' },
    ],
    scenarios: { soak: { duration: '1h', capacityFactor: 0.8 } },
    agent: { provider: 'deterministic' },
    outDir: '.aiwg',
  };
}

function broken(mutate: (c: Record<string, any>) => void): string {
  const c = valid();
  mutate(c);
  return stringify(c);
}

interface Case {
  what: string;
  text: string;
  /** The config path the message must name (or, for syntax errors, a fragment of the message). */
  names: string;
  /** More text the message must contain: the expectation, what was found, a did-you-mean. */
  says?: string[];
}

const invalid: Case[] = [
  { what: 'an unknown top-level key gets a did-you-mean', text: broken((c) => { c.jouneys = c.journeys; delete c.journeys; }), names: 'jouneys', says: ['unknown key', 'did you mean "journeys"'] },
  { what: 'an unknown SLO key in the wrong case gets a did-you-mean', text: broken((c) => { c.slos[0].thresholdms = 200; delete c.slos[0].thresholdMs; }), names: 'slos[0].thresholdms', says: ['did you mean "thresholdMs"'] },
  { what: 'a misspelt step key', text: broken((c) => { c.journeys[0].steps[0].expectStatuss = 200; }), names: 'journeys[0].steps[0].expectStatuss', says: ['did you mean "expectStatus"'] },
  { what: 'no target at all', text: broken((c) => { delete c.target; }), names: 'target', says: ['required', 'found nothing'] },
  { what: 'a target without baseUrl', text: broken((c) => { delete c.target.baseUrl; }), names: 'target.baseUrl', says: ['required'] },
  { what: 'a baseUrl that is not http(s)', text: broken((c) => { c.target.baseUrl = 'ftp://127.0.0.1/'; }), names: 'target.baseUrl', says: ['http', 'found "ftp://127.0.0.1/"'] },
  { what: 'a baseUrl that is not a URL', text: broken((c) => { c.target.baseUrl = 'localhost:8080/api'; }), names: 'target.baseUrl' },
  { what: 'a baseUrl that is a number', text: broken((c) => { c.target.baseUrl = 8080; }), names: 'target.baseUrl', says: ['found number 8080'] },
  { what: 'a header value that is not a string', text: broken((c) => { c.target.headers['X-Retry'] = 3; }), names: 'target.headers.X-Retry', says: ['found number 3'] },
  { what: 'target.start without a command', text: broken((c) => { c.target.start = { readyPath: '/health' }; }), names: 'target.start.command', says: ['required'] },
  { what: 'target.start with a readyPath not starting with "/"', text: broken((c) => { c.target.start = { command: 'node s.js', readyPath: 'health' }; }), names: 'target.start.readyPath', says: ['found "health"'] },
  { what: 'target.start with a non-loopback baseUrl', text: broken((c) => { c.target.baseUrl = 'http://example.com'; c.target.start = { command: 'node s.js' }; }), names: 'target.baseUrl', says: ['loopback'] },
  { what: 'journeys that are a map, not a list', text: broken((c) => { c.journeys = { browse: c.journeys[0] }; }), names: 'journeys', says: ['expected a list', 'found an object'] },
  { what: 'a negative journey weight', text: broken((c) => { c.journeys[1].weight = -1; }), names: 'journeys[1].weight', says: ['> 0', 'found number -1'] },
  { what: 'a journey name with spaces', text: broken((c) => { c.journeys[0].name = 'browse products'; c.slos[0].journey = 'browse products'; }), names: 'journeys[0].name' },
  { what: 'a journey with no steps', text: broken((c) => { c.journeys[0].steps = []; }), names: 'journeys[0].steps', says: ['at least 1'] },
  { what: 'a step path without a leading slash', text: broken((c) => { c.journeys[0].steps[0].path = 'products'; }), names: 'journeys[0].steps[0].path', says: ['starting with "/"'] },
  { what: 'an unknown HTTP method', text: broken((c) => { c.journeys[1].steps[0].method = 'PSOT'; }), names: 'journeys[1].steps[0].method', says: ['did you mean "POST"'] },
  { what: 'an expectStatus out of range', text: broken((c) => { c.journeys[0].steps[0].expectStatus = 700; }), names: 'journeys[0].steps[0].expectStatus', says: ['HTTP status code', 'found number 700'] },
  { what: 'an expectStatus that is a word', text: broken((c) => { c.journeys[1].steps[0].expectStatus = [200, 'created']; }), names: 'journeys[1].steps[0].expectStatus' },
  { what: 'a negative think time', text: broken((c) => { c.journeys[0].steps[0].thinkTimeMs = -5; }), names: 'journeys[0].steps[0].thinkTimeMs' },
  { what: 'a data file format that is not csv/json', text: broken((c) => { c.journeys[0].data = { file: 'users.xml', format: 'xml' }; }), names: 'journeys[0].data.format', says: ['"csv"', 'found "xml"'] },
  { what: 'duplicate journey names', text: broken((c) => { c.journeys[1].name = 'browse'; }), names: 'journeys[1].name', says: ['duplicate', 'journeys[0]'] },
  { what: 'a latency SLO without thresholdMs', text: broken((c) => { c.slos.push({ name: 'slow', sli: 'latency', percentile: 'p99', objective: 99 }); [c.slos[1], c.slos[2]] = [c.slos[2], c.slos[1]]; }), names: 'slos[1].thresholdMs', says: ['required for a latency SLI', 'found nothing'] },
  { what: 'a latency SLO without a percentile', text: broken((c) => { delete c.slos[0].percentile; }), names: 'slos[0].percentile', says: ['p95'] },
  { what: 'an unknown percentile', text: broken((c) => { c.slos[0].percentile = 'p97'; }), names: 'slos[0].percentile', says: ['found "p97"'] },
  { what: 'a misspelt SLI kind', text: broken((c) => { c.slos[0].sli = 'latncy'; }), names: 'slos[0].sli', says: ['did you mean "latency"'] },
  { what: 'a thresholdMs on an availability SLO', text: broken((c) => { c.slos[1].thresholdMs = 100; }), names: 'slos[1].thresholdMs', says: ['only allowed on a latency SLI'] },
  { what: 'an objective above 100', text: broken((c) => { c.slos[1].objective = 150; }), names: 'slos[1].objective', says: ['found number 150'] },
  { what: 'an objective of exactly 100 (no error budget)', text: broken((c) => { c.slos[1].objective = 100; }), names: 'slos[1].objective', says: ['no error budget'] },
  { what: 'an objective of 0', text: broken((c) => { c.slos[0].objective = 0; }), names: 'slos[0].objective' },
  { what: 'an objective written as a percent string', text: broken((c) => { c.slos[0].objective = '99.9%'; }), names: 'slos[0].objective', says: ['found "99.9%"'] },
  { what: 'an SLO filtering on an unknown journey', text: broken((c) => { c.slos[0].journey = 'brwose'; }), names: 'slos[0].journey', says: ['browse, checkout', 'found "brwose"'] },
  { what: 'duplicate SLO names', text: broken((c) => { c.slos[1].name = 'browse-p95'; }), names: 'slos[1].name', says: ['duplicate'] },
  { what: 'an SLO window that is not a duration', text: broken((c) => { c.slos[1].window = '30 days'; }), names: 'slos[1].window', says: ['duration', 'found "30 days"'] },
  { what: 'an unknown scenario name', text: broken((c) => { c.scenarios.soke = { duration: '1h' }; }), names: 'scenarios.soke', says: ['did you mean "soak"'] },
  { what: 'a scenario duration that is not a duration', text: broken((c) => { c.scenarios.soak.duration = 'an hour'; }), names: 'scenarios.soak.duration' },
  { what: 'a fractional VU count', text: broken((c) => { c.scenarios.stress = { vus: 2.5 }; }), names: 'scenarios.stress.vus', says: ['integer'] },
  { what: 'an unknown agent provider', text: broken((c) => { c.agent.provider = 'openia'; }), names: 'agent.provider', says: ['did you mean "openai"'] },
  { what: 'an API key where the env var NAME belongs', text: broken((c) => { c.agent = { provider: 'openai', apiKeyEnv: 'sk-live-123' }; }), names: 'agent.apiKeyEnv', says: ['environment variable name'] },
  { what: 'an outDir that is a list', text: broken((c) => { c.outDir = ['.aiwg']; }), names: 'outDir', says: ['found a list of 1'] },
  { what: 'bad YAML syntax names the line', text: 'target:\n  baseUrl: "http://127.0.0.1:8080" junk\njourneys: []\n', names: 'not valid YAML', says: ['.yaml:2:36:'] },
  { what: 'bad YAML indentation names the line', text: 'target:\n  baseUrl: http://127.0.0.1:8080\n journeys:\n  - name: x\n', names: 'not valid YAML', says: ['.yaml:3:1:', 'same column'] },
  { what: 'a duplicate YAML key', text: 'target:\n  baseUrl: http://127.0.0.1:1\ntarget:\n  baseUrl: http://127.0.0.1:2\n', names: 'not valid YAML', says: [':3:'] },
  { what: 'an empty file', text: '', names: 'target.baseUrl', says: ['empty file'] },
  { what: 'a file that is a list', text: '- target: {}\n', names: 'target.baseUrl', says: ['found a list of 1'] },
  { what: 'a JSON config with a wrong type', text: JSON.stringify({ ...valid(), journeys: [{ name: 'j', weight: 'heavy', steps: [{ path: '/' }] }], slos: [] }, null, 2), names: 'journeys[0].weight', says: ['found "heavy"'] },
  { what: 'a JSON config with a syntax error', text: '{\n  "target": { "baseUrl": "http://127.0.0.1:1" },\n  "journeys": [,]\n}\n', names: 'not valid YAML/JSON', says: [':3:'] },
];

describe('config validation', () => {
  it('covers at least 20 distinct invalid configs', () => {
    expect(new Set(invalid.map((c) => c.text)).size).toBe(invalid.length);
    expect(invalid.length).toBeGreaterThanOrEqual(20);
  });

  it.each(invalid)('rejects $what with a UserError naming $names', ({ text, names, says }) => {
    let err: unknown;
    try {
      parseConfig(text, '/configs/perf.config.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.exitCode).toBe(ExitCode.Usage);
    const printed = formatError(e);
    expect(printed).toContain(names);
    for (const s of says ?? []) expect(printed).toContain(s);
    expect(printed).toContain('/configs/perf.config.yaml');
    expect(printed).toContain('fix:');
    expect(printed).not.toMatch(/^\s+at /m);
  });

  it('lists every problem, not just the first', () => {
    const text = broken((c) => {
      c.slos[0].objective = 120;
      c.journeys[0].steps[0].path = 'x';
      c.agent.retries = 99;
    });
    const e = catchUserError(() => parseConfig(text, 'perf.config.yaml'));
    const printed = formatError(e);
    for (const p of ['slos[0].objective', 'journeys[0].steps[0].path', 'agent.retries']) expect(printed).toContain(p);
    expect(printed).toContain('2 more problem(s)');
  });

  it('says which file is missing and how to create one', () => {
    const e = catchUserError(() => loadConfig('nope/perf.config.yaml', '/tmp'));
    expect(formatError(e)).toContain('/tmp/nope/perf.config.yaml: config file not found');
    expect(formatError(e)).toContain('perf init');
  });
});

describe('valid configs', () => {
  it('loads the base config and applies defaults', () => {
    const c = parseConfig(stringify(valid()), '/p/perf.config.yaml');
    expect(c.journeys.map((j) => j.name)).toEqual(['browse', 'checkout']);
    expect(c.journeys[1]!.steps[0]!.expectStatus).toEqual([200, 201]);
    expect(c.journeys[1]!.steps[0]!.thinkTimeMs).toBe(0);
    expect(c.slos[0]).toMatchObject({ percentile: 'p95', thresholdMs: 200, windowMs: 30 * 86_400_000 });
    expect(c.agent).toMatchObject({ provider: 'deterministic', retries: 2 });
    expect(c.baseDir).toBe('/p');
  });

  it('expects the success codes of each method when a step names none: a POST that creates (201) is not an error', () => {
    const c = parseConfig(
      'target: { baseUrl: "http://127.0.0.1:1" }\njourneys:\n  - { name: j, steps: [{ path: /a }, { path: /c, json: { x: 1 } }, { method: DELETE, path: /c/1 }, { method: PUT, path: /c/1, json: {} }, { path: /a, expectStatus: 304 }] }\n',
      '/p/perf.config.yaml',
    );
    expect(c.journeys[0]!.steps.map((st) => st.expectStatus)).toEqual([[200], [200, 201, 202, 204], [200, 202, 204], [200, 201, 202, 204], [304]]);
  });

  it('accepts JSON as well as YAML', () => {
    const c = parseConfig(JSON.stringify(valid()), '/p/perf.config.json');
    expect(c.slos).toHaveLength(2);
  });

  it('accepts a config with only a baseUrl', () => {
    const c = parseConfig('target: { baseUrl: "http://[::1]:9000/" }\n', '/p/perf.config.yaml');
    expect(c.target.baseUrl).toBe('http://[::1]:9000');
    expect(c.journeys).toEqual([]);
    expect(c.outDir).toBe('.aiwg');
  });

  it('loads the config that perf init writes', () => {
    const text = renderStarterConfig({ baseUrl: 'http://127.0.0.1:8080', ...STARTER_DEFAULTS });
    expect(() => parseConfig(text, '/p/perf.config.yaml')).not.toThrow();
  });

  it('keeps ${ENV} header templates unresolved', () => {
    const c = loadConfig(join(ROOT, 'examples/configs/auth-header.perf.config.yaml'));
    expect(c.target.headers.Authorization).toBe('Bearer ${API_TOKEN}');
  });

  const shipped = [
    'examples/shop/perf.config.yaml',
    ...readdirSync(join(ROOT, 'examples/configs')).map((f) => `examples/configs/${f}`),
    ...readdirSync(FIXTURES).filter((f) => f.startsWith('valid')).map((f) => `test/fixtures/config/${f}`),
  ];
  it.each(shipped)('loads %s', (file) => {
    expect(() => loadConfig(join(ROOT, file))).not.toThrow();
  });

  it('resolves the demo shop data file and start directory relative to the config', () => {
    const c = loadConfig(join(ROOT, 'examples/shop/perf.config.yaml'));
    expect(c.target.start?.cwd).toBe(join(ROOT, 'examples/shop'));
    expect(c.journeys.find((j) => j.name === 'login')?.data?.file).toBe(join(ROOT, 'examples/shop/data/users.csv'));
    expect(c.journeys.length).toBeGreaterThanOrEqual(4);
  });
});

// The same errors seen through the real CLI: exit code 2, the path, no stack trace.
describe('perf <command> --config <invalid file>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perf-config-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = join(ROOT, 'cli/bin/run.js');
  const cases = [
    { command: ['baseline'], file: 'latency-no-threshold.yaml', names: 'slos[1].thresholdMs' },
    { command: ['slo-check'], file: 'unknown-key.yaml', names: 'journeys[0].steps[0].thinktime' },
    { command: ['loadtest', '--scenario', 'baseline'], file: 'bad-objective.json', names: 'slos[0].objective' },
    { command: ['generate', '--scenario', 'all'], file: 'bad-yaml.yaml', names: 'bad-yaml.yaml:3:1:' },
    { command: ['profile'], file: 'empty.yaml', names: 'empty file' },
    { command: ['analyze'], file: 'unknown-journey.yaml', names: 'slos[0].journey' },
  ];
  it.each(cases)('perf $command.0 --config $file exits 2 naming $names', ({ command, file, names }) => {
    const r = spawnSync(process.execPath, [cli, ...command, '--config', join(FIXTURES, file)], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    expect(r.status).toBe(ExitCode.Usage);
    expect(r.stderr).toContain(names);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });

  it('a missing --config file exits 2 and says so', () => {
    const r = spawnSync(process.execPath, [cli, 'baseline', '--config', join(dir, 'absent.yaml')], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    expect(r.status).toBe(ExitCode.Usage);
    expect(r.stderr).toContain('config file not found');
  });

  it('--json keeps the error text on stderr and prints only the perf.error/v1 document on stdout', () => {
    writeFileSync(join(dir, 'perf.config.yaml'), 'target: { baseUrl: 42 }\n');
    const r = spawnSync(process.execPath, [cli, 'baseline', '--json', '--config', 'perf.config.yaml'], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    expect(r.status).toBe(ExitCode.Usage);
    expect(r.stderr).toContain('target.baseUrl');
    const doc = JSON.parse(r.stdout) as { schema: string; error: { exitCode: number } };
    expect(doc.schema).toBe('perf.error/v1');
    expect(doc.error.exitCode).toBe(ExitCode.Usage);
  });
});

