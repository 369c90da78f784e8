import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transformSync } from 'esbuild';
import { bundleScript } from '../../k6-scripts/src/bundle.js';
import { runtimeImports } from '../../k6-scripts/src/runtime-path.js';
import { jsonLiteral, renderScript, requestsPerIteration, scriptPlan, thresholdsFor } from '../../k6-scripts/src/script-source.js';
import { sloAllowedBad, uniqueMetricIds } from '../../k6-scripts/src/slo-thresholds.js';
import type { ScriptPlan } from '../../k6-scripts/src/script-plan.js';
import { pickByWeight } from '../../k6-scripts/runtime/mix.js';
import { buildLoadProfile } from '../../profiles/index.js';
import type { Journey, PerfConfig, Slo } from '../../core/config/types.js';
import type { Options } from 'k6/options';

const step = (over: Partial<Journey['steps'][number]> = {}): Journey['steps'][number] => ({
  name: 'get',
  method: 'GET',
  path: '/',
  headers: {},
  expectStatus: [200],
  thinkTimeMs: 0,
  ...over,
});

const slo = (over: Partial<Slo>): Slo => ({ name: 's', sli: 'latency', objective: 99, window: '30d', windowMs: 30 * 86_400_000, ...over }) as Slo;

type ScriptConfig = Pick<PerfConfig, 'target' | 'journeys' | 'slos'>;

function config(over: Partial<ScriptConfig> = {}): ScriptConfig {
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

const imports = { runtime: '../runtime/index.js', plan: '../src/script-plan.js' };

function render(extension: boolean, cfg: ScriptConfig = config(), scenario: 'baseline' | 'breakpoint' = 'baseline'): string {
  return renderScript({
    config: cfg,
    profile: buildLoadProfile(scenario, { config: { scenarios: {} }, capacityRps: 100 }),
    dataPaths: { browse: '../../data/p.csv' },
    toolVersion: '0.0.0',
    imports,
    extension,
  });
}

/** The two JSON literals of an entry file, parsed back. */
function literals(source: string): { options: Options; plan: ScriptPlan; code: string } {
  const o = /export const options: Options = (\{[\s\S]*?\n\});\n/.exec(source);
  const p = /const plan: ScriptPlan = (\{[\s\S]*?\n\});\n/.exec(source);
  expect(o, 'options literal').not.toBeNull();
  expect(p, 'plan literal').not.toBeNull();
  const code = source.replace(o![1]!, '{}').replace(p![1]!, '{}');
  return { options: JSON.parse(o![1]!) as Options, plan: JSON.parse(p![1]!) as ScriptPlan, code };
}

describe('generated k6 scripts', () => {
  it('are TypeScript that esbuild compiles, with options and plan as JSON data', () => {
    for (const ext of [true, false]) {
      const s = render(ext);
      expect(() => transformSync(s, { loader: 'ts', format: 'esm' })).not.toThrow();
      const { options, plan } = literals(s);
      expect(Object.keys(options.scenarios ?? {})).toEqual(['baseline']);
      expect(plan.journeys.map((j) => j.name)).toEqual(['browse', 'check-out']);
    }
  });

  it('export a default function and the scenario exec, and import the runtime', () => {
    const s = render(false);
    expect(s).toContain('export default journeyMix;');
    expect(s).toContain('export function journeyMix(): void {');
    expect(s).toContain('export function setup(): void {');
    expect(s).toContain('import { createScript } from "../runtime/index.js";');
    expect(literals(s).options.scenarios!.baseline!.exec).toBe('journeyMix');
  });

  it('keep ${ENV} secrets as templates the script reads from __ENV, never a resolved value', () => {
    const { plan } = literals(render(false));
    expect(plan.env).toEqual(['API_TOKEN', 'x']);
    expect(plan.journeys[0]!.steps[0]!.headers).toEqual({ Authorization: 'Bearer ${API_TOKEN}' });
  });

  it('carry data templates, the data file, statuses and think time as plan data', () => {
    const { plan } = literals(render(false));
    const item = plan.journeys[0]!.steps[1]!;
    expect(item.path).toBe('/products/{{sku}}');
    expect(item.thinkTimeMs).toBe(250);
    expect(plan.journeys[0]!.data).toEqual({ file: '../../data/p.csv', format: 'csv' });
    expect(plan.journeys[1]!.steps[0]!.body).toEqual({ kind: 'json', value: { sku: 'A`${x}', qty: 1 } });
    expect(plan.journeys[1]!.steps[0]!.expectStatus).toEqual([200, 201]);
  });

  it("use k6/x/perf journey() and serverTiming() only when written for perf's k6", () => {
    expect(render(true)).toContain("import { journey, serverTiming } from 'k6/x/perf';");
    expect(render(true)).toContain('createScript(plan, { journey, serverTiming })');
    expect(render(false)).not.toContain('k6/x/perf');
  });

  it('never turn config text into code: names, paths and the base URL stay inside JSON strings', () => {
    const evil = "x\nthrow new Error('INJECTED');//";
    const cfg = config({
      target: { baseUrl: "http://127.0.0.1:8080/\nthrow new Error('INJECTED')", headers: { [`X-${evil}`]: evil } },
      journeys: [{ name: 'browse', weight: 1, steps: [step({ name: evil, path: `/a${evil}`, body: evil })] }],
      slos: [slo({ name: evil, thresholdMs: 100, percentile: 'p95' })],
    });
    const s = render(true, cfg);
    const { plan, code, options } = literals(s);
    expect(code).not.toContain('INJECTED');
    expect(plan.journeys[0]!.steps[0]!.name).toBe(evil);
    expect(plan.journeys[0]!.steps[0]!.path).toBe(`/a${evil}`);
    // The base URL in its parsed form: the URL parser drops the line break, the rest is path text.
    expect(plan.baseUrl).not.toContain('\n');
    expect(plan.baseUrl.startsWith('http://127.0.0.1:8080/throw')).toBe(true);
    expect(Object.keys(options.thresholds ?? {}).every((k) => /^[a-z0-9_]+$|^http_req_duration/.test(k))).toBe(true);
  });

  it('bundle journeys whose names collide as identifiers (checkout-v2, checkout_v2, ..)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-gen-'));
    const names = ['checkout-v2', 'checkout_v2', '..', 'checkout.v2'];
    const cfg = config({
      target: { baseUrl: 'http://127.0.0.1:8080', headers: {} },
      journeys: names.map((name) => ({ name, weight: 1, steps: [step({ name })] })),
      slos: names.map((name) => slo({ name, journey: name, sli: 'availability' })),
    });
    const ts = join(dir, 'baseline.ts');
    writeFileSync(ts, renderScript({ config: cfg, profile: buildLoadProfile('baseline', { config: { scenarios: {} }, capacityRps: 100 }), dataPaths: {}, toolVersion: '0', imports: runtimeImports(dir), extension: false }));
    await bundleScript(ts, join(dir, 'baseline.js'));
    const js = readFileSync(join(dir, 'baseline.js'), 'utf8');
    for (const id of uniqueMetricIds(names)) expect(js).toContain(`"${id}_bad"`);
    expect(new Set(uniqueMetricIds(names)).size).toBe(names.length);
  });
});

describe('SLOs as k6 thresholds', () => {
  const profile = buildLoadProfile('baseline', { config: { scenarios: {} }, capacityRps: 100 });

  it('a latency SLO is its error budget (bad-event rate), its percentile and a non-empty event count', () => {
    // browse-p95: objective 99 → at most 1 % of browse requests failed or slower than 300 ms, and p95 ≤ 300 ms.
    // avail: objective 99.9 → at most 0.1 % failed (decimal-safe: 0.001, not 0.0010000000000000009).
    expect(thresholdsFor(config().slos, profile)).toEqual({
      slo_browse_p95_bad: ['rate<=0.01'],
      slo_browse_p95_events: ['count>0'],
      'http_req_duration{journey:browse,phase:measured}': ['p(95)<=300'],
      slo_avail_bad: ['rate<=0.001'],
      slo_avail_events: ['count>0'],
    });
  });

  it('takes the allowed bad fraction from the decimal-safe error budget', () => {
    expect(sloAllowedBad({ objective: 99.9 })).toBe(0.001);
    expect(sloAllowedBad({ objective: 99.95 })).toBe(0.0005);
    expect(sloAllowedBad({ objective: 97.5 })).toBe(0.025);
  });

  it('breakpoint thresholds abort the test, with defaults when no SLO exists', () => {
    const bp = buildLoadProfile('breakpoint', { config: { scenarios: {} }, capacityRps: 100 });
    const t = thresholdsFor([], bp, 250);
    expect(Object.keys(t)).toEqual(['http_req_duration{phase:measured}', 'http_req_failed{phase:measured}']);
    // No abort before the 10 s warm-up is over (+1 s) and 5 × 20 requests (the p95 minimum) were sent.
    expect(t['http_req_duration{phase:measured}']![0]).toEqual({ threshold: 'p(95)<=250', abortOnFail: true, delayAbortEval: '11s' });
    const withSlo = thresholdsFor(config().slos, bp);
    expect(withSlo.slo_avail_bad![0]).toMatchObject({ threshold: 'rate<=0.001', abortOnFail: true });
    // An empty counter at the start must not abort the ramp.
    expect(withSlo.slo_avail_events).toEqual(['count>0']);
  });

  it('derives metric names that never collide', () => {
    expect(uniqueMetricIds(['a-b', 'a_b', 'A B', '', '..'])).toEqual(['slo_a_b', 'slo_a_b_2', 'slo_a_b_3', 'slo_unnamed', 'slo_unnamed_2']);
  });
});

describe('the journey mix', () => {
  it('gives each journey its weight as its share of iterations', () => {
    const items = [{ name: 'a', weight: 3 }, { name: 'b', weight: 1 }];
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 400; i++) counts[pickByWeight(items, i).name as 'a' | 'b']++;
    expect(Math.abs(counts.a - 300)).toBeLessThanOrEqual(2);
  });

  it('requestsPerIteration weights the steps of each journey by its share', () => {
    expect(requestsPerIteration(config().journeys)).toBe(1.75);
  });
});

describe('jsonLiteral', () => {
  it('is JSON that reads back to the same value, one line when short', () => {
    const value = { a: "x\n*/ throw 1; \u2028`${y}`", list: [1, 2, { b: null }], long: Array.from({ length: 30 }, (_, i) => `item-${i}`), empty: {}, none: [] };
    const text = jsonLiteral(value, '');
    expect(JSON.parse(text)).toEqual(value);
    expect(jsonLiteral({ duration: '1m', target: 5 }, '')).toBe('{ "duration": "1m", "target": 5 }');
    expect(text.split('\n').length).toBeGreaterThan(3);
  });
});

describe('scriptPlan', () => {
  it('merges target headers under step headers', () => {
    const cfg = config();
    cfg.journeys[0]!.steps[0]!.headers = { Authorization: 'Bearer other' };
    expect(scriptPlan(cfg, {}).journeys[0]!.steps[0]!.headers).toEqual({ Authorization: 'Bearer other' });
  });
});
