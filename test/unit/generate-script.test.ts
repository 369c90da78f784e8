import { describe, expect, it } from 'vitest';
import { transformSync } from 'esbuild';
import { renderScript, requestsPerIteration, templateLiteral, thresholdsFor } from '../../k6-scripts/src/script-source.js';
import { buildLoadProfile } from '../../profiles/index.js';
import type { Journey, PerfConfig, Slo } from '../../core/config/types.js';

const step = (over: Partial<Journey['steps'][number]> = {}): Journey['steps'][number] => ({
  name: 'get',
  method: 'GET',
  path: '/',
  headers: {},
  expectStatus: [200],
  thinkTimeMs: 0,
  ...over,
});

const slo = (over: Partial<Slo>): Slo => ({ name: 's', sli: 'latency', objective: 99, window: '30d', windowMs: 30 * 86_400_000, ...over });

function config(over: Partial<PerfConfig> = {}): Pick<PerfConfig, 'target' | 'journeys' | 'slos'> {
  return {
    target: { baseUrl: 'http://127.0.0.1:8080', headers: { Authorization: 'Bearer ${API_TOKEN}' } },
    journeys: [
      { name: 'browse', weight: 3, steps: [step({ name: 'list', path: '/products' }), step({ name: 'item', path: '/products/{{sku}}', thinkTimeMs: 250 })], data: { file: '/data/p.csv', format: 'csv' } },
      { name: 'check-out', weight: 1, steps: [step({ name: 'add', method: 'POST', path: '/cart', json: { sku: 'A`${x}', qty: 1 }, expectStatus: [200, 201] })] },
    ],
    slos: [slo({ name: 'browse-p95', journey: 'browse', percentile: 'p95', thresholdMs: 300 }), slo({ name: 'avail', sli: 'availability', objective: 99.9 })],
    ...over,
  };
}

function render(extension: boolean, scenario: 'baseline' | 'breakpoint' = 'baseline'): string {
  const cfg = config();
  return renderScript({
    config: cfg,
    profile: buildLoadProfile(scenario, { config: { scenarios: {} }, capacityRps: 100 }),
    dataPaths: { browse: '../../data/p.csv' },
    rerun: { perf: 'perf loadtest --scenario baseline', k6: 'k6 run baseline.js' },
    toolVersion: '0.0.0',
    configSource: 'perf.config.yaml',
    extension,
  });
}

describe('generated k6 scripts', () => {
  it('are valid TypeScript that esbuild compiles', () => {
    for (const ext of [true, false]) expect(() => transformSync(render(ext), { loader: 'ts', format: 'esm' })).not.toThrow();
  });

  it('read secrets from __ENV and never inline a resolved value', () => {
    const s = render(false);
    expect(s).toContain('`Bearer ${__ENV.API_TOKEN}`');
    expect(s).not.toMatch(/process\.env/);
  });

  it('turn each journey weight into its share of the mix', () => {
    const s = render(false);
    expect(s).toContain('{ name: "browse", weight: 3, run: browseJourney }, // 75% of iterations');
    expect(s).toContain('{ name: "check-out", weight: 1, run: checkOutJourney }, // 25% of iterations');
  });

  it('check expectStatus and tag every request with its journey', () => {
    const s = render(false);
    expect(s).toContain('"check-out add: status 200|201": (r) => [200, 201].includes(r.status)');
    expect(s).toContain('responseCallback: http.expectedStatuses(200, 201)');
    expect(s).toContain('tags: { journey: "browse", name: "item" }');
    expect(s).toContain('sleep(0.25); // think time');
  });

  it('load test data through SharedArray and substitute {{field}} from the row', () => {
    const s = render(false);
    expect(s).toContain('new SharedArray("browse", () => parseCsv(open("../../data/p.csv")))');
    expect(s).toContain('`${BASE_URL}/products/${row["sku"]}`');
  });

  it('escape backticks and ${ in literal text', () => {
    expect(templateLiteral('a`b${c}', false)).toBe('`a\\`b${__ENV.c}`');
    expect(templateLiteral('cost: $5 {{sku}}', false)).toBe('`cost: $5 {{sku}}`');
    expect(templateLiteral('cost: $5 {{sku}}', true)).toBe('`cost: $5 ${row["sku"]}`');
    const s = render(false);
    expect(s).toContain('JSON.stringify({"sku":"A`${x}","qty":1})');
  });

  it('use k6/x/perf journey() and serverTiming() only when written for perf\'s k6', () => {
    expect(render(true)).toContain("import { journey, serverTiming } from 'k6/x/perf';");
    expect(render(true)).toContain('journey("browse", () => {');
    expect(render(false)).not.toContain('k6/x/perf');
  });
});

describe('SLOs as k6 thresholds', () => {
  const profile = buildLoadProfile('baseline', { config: { scenarios: {} }, capacityRps: 100 });

  it('latency SLOs become percentile thresholds on the journey, availability a failure rate', () => {
    expect(thresholdsFor(config().slos, profile)).toEqual([
      ['http_req_duration{journey:browse}', ['"p(95)<300"']],
      ['http_req_failed', ['"rate<0.001"']],
    ]);
  });

  it('breakpoint thresholds abort the test, with defaults when no SLO exists', () => {
    const bp = buildLoadProfile('breakpoint', { config: { scenarios: {} }, capacityRps: 100 });
    const t = thresholdsFor([], bp, 250);
    expect(t.map(([m]) => m)).toEqual(['http_req_duration', 'http_req_failed']);
    expect(t[0]![1][0]).toContain('abortOnFail: true');
    expect(t[0]![1][0]).toContain('p(95)<250');
  });
});

describe('requestsPerIteration', () => {
  it('weights the steps of each journey by its share', () => {
    expect(requestsPerIteration(config().journeys)).toBe(1.75);
  });
});
