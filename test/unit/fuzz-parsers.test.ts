/**
 * Property/fuzz test of every result parser: 10,000 generated and mutated inputs (2,500 per family
 * below). The only outcomes allowed are a result or a clean UserError — never another exception — and a
 * result only with possible figures (checkResults).
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordMs } from '../../analyzers/histogram.js';
import { INPUT_FORMATS } from '../../analyzers/parsers/detect.js';
import { readK6Json, readK6Run, readK6Windows } from '../../capture/results/k6-files.js';
import { evaluateSlos } from '../../analyzers/slo/evaluate.js';
import { readSloInput } from '../../capture/results/slo-input.js';
import type { EvalSlo } from '../../analyzers/slo/model.js';
import { parseOpenSlo } from '../../analyzers/slo/openslo.js';
import { UserError } from '../../core/errors.js';
import { genRequests, k6JsonLines, k6WindowsLines } from '../fixtures/slo/gen.js';

const FIX = join(import.meta.dirname, '../fixtures/slo');
const tmp = mkdtempSync(join(tmpdir(), 'perf-fuzz-'));
let seq = 0;

const DAY = 86_400_000;
const SLOS: EvalSlo[] = [
  { name: 'lat', sli: 'latency', objective: 99, window: '30d', windowMs: 30 * DAY, percentile: 95, thresholdMs: 50 },
  { name: 'lat-j', sli: 'latency', journey: 'browse', objective: 99.9, window: '1h', windowMs: 3_600_000, percentile: 99, thresholdMs: 5 },
  { name: 'avail', sli: 'availability', objective: 99.5, window: '7d', windowMs: 7 * DAY },
  { name: 'err', sli: 'error-rate', journey: 'buy', objective: 100, window: '30d', windowMs: 30 * DAY },
];

const start = Date.UTC(2026, 0, 1);
const reqs = genRequests(30, { seed: 5, startMs: start, durationMs: 25_000, errorEvery: 7 });
const h = newHistogram();
for (const r of reqs) recordMs(h, r.ms);
const fig = (name: string) => ({ name, requests: 30, errors: 2, errorRate: 0.066, statusCodes: { '200': 28 }, throughputRps: 1, durationMs: 25_000, latencyMs: {}, histogram: encodeHistogram(h) });

/** Valid seeds of every format, mutated below. */
const SEEDS: string[] = [
  k6JsonLines(reqs).join('\n') + '\n',
  k6WindowsLines(reqs, { startMs: start, windowMs: 10_000, summary: true }).join('\n') + '\n',
  readFileSync(join(FIX, 'k6-out.json'), 'utf8').split('\n').slice(0, 40).join('\n') + '\n',
  readFileSync(join(FIX, 'k6-summary-export.json'), 'utf8'),
  readFileSync(join(FIX, 'k6-handle-summary.json'), 'utf8'),
  readFileSync(join(FIX, 'k6-new-summary.json'), 'utf8'),
  readFileSync(join(FIX, 'autocannon.json'), 'utf8'),
  JSON.stringify({ schema: 'perf.baseline/v1', durationMs: 25_000, journeys: [fig('browse')], overall: fig('overall') }),
  JSON.stringify({
    schema: 'perf.loadtest/v1',
    durationMs: 25_000,
    journeys: [fig('buy')],
    overall: fig('overall'),
    windows: [{ startMs: 0, endMs: 10_000, requests: 30, errors: 2, histogram: encodeHistogram(h), journeys: { buy: { requests: 30, errors: 2, histogram: encodeHistogram(h) } } }],
  }),
];

const OPENSLO_SEED = `apiVersion: openslo/v1
kind: SLO
metadata: { name: a, labels: { journey: browse } }
spec:
  indicator: { spec: { thresholdMetric: { metricSource: { type: k6, spec: {} } } } }
  timeWindow: [{ duration: 7d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ op: lte, value: 300, target: 0.99 }]
`;

/** Mutations of a text: truncations, byte flips, insertions of JSON-ish tokens, line edits. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), ch: fc.string({ minLength: 1, maxLength: 1 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    text: fc.oneof(
      fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\n', '\\', 'null', 'true', '-1', '1e309', 'NaN', '"metric":"', '"type":"Point"', '"histogram":"AAAA"', '\u0000', '\u2028', 'é'),
      fc.string({ maxLength: 8 }),
    ),
  }),
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('replaceValue' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    value: fc.constantFrom('null', '"x"', '[]', '{}', '-5', '0', '1e400', 'true', '""', '"AAAA"'),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(s: string, ms: Mutation[]): string {
  let out = s;
  for (const m of ms) {
    const pos = Math.floor(m.at * out.length);
    switch (m.kind) {
      case 'truncate':
        out = out.slice(0, pos);
        break;
      case 'flip':
        out = out.slice(0, pos) + m.ch + out.slice(pos + 1);
        break;
      case 'insert':
        out = out.slice(0, pos) + m.text + out.slice(pos);
        break;
      case 'dropLine':
      case 'dupLine': {
        const lines = out.split('\n');
        const i = Math.floor(m.at * lines.length);
        if (m.kind === 'dropLine') lines.splice(i, 1);
        else lines.splice(i, 0, lines[i] ?? '');
        out = lines.join('\n');
        break;
      }
      case 'replaceValue': {
        // replace the JSON value after the n-th colon
        const re = /:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|true|false|null)/g;
        const all = [...out.matchAll(re)];
        const hit = all[Math.floor(m.at * all.length)];
        if (hit && hit.index !== undefined) out = `${out.slice(0, hit.index)}:${m.value}${out.slice(hit.index + hit[0].length)}`;
        break;
      }
    }
  }
  return out;
}

/**
 * What a result may claim: counts are whole and ≥ 0 (bad ≤ total), no figure is NaN,
 * an SLI percentage lies in [0, 100], and no SLO PASSes with a page alert firing.
 */
function checkResults(r: unknown, text: string): void {
  if (!r || typeof r !== 'object' || !('slos' in r)) return;
  const { slos, status } = r as ReturnType<typeof evaluateSlos>;
  const why = (what: string): string => `${what}\n--- input (${text.length} chars) ---\n${text.slice(0, 400)}`;
  for (const s of slos) {
    for (const [k, v] of Object.entries(s.events)) {
      expect(Number.isInteger(v) && v >= 0, why(`${s.name}: events.${k} = ${v}`)).toBe(true);
    }
    expect(s.events.bad <= s.events.total, why(`${s.name}: bad ${s.events.bad} > total ${s.events.total}`)).toBe(true);
    for (const [k, v] of Object.entries(s.errorBudget)) expect(Number.isNaN(v), why(`${s.name}: errorBudget.${k} is NaN`)).toBe(false);
    expect(s.errorBudget.badFraction >= 0 && s.errorBudget.badFraction <= 1, why(`${s.name}: bad fraction ${s.errorBudget.badFraction}`)).toBe(true);
    expect(Number.isNaN(s.burnRate) || s.burnRate < 0, why(`${s.name}: burn rate ${s.burnRate}`)).toBe(false);
    if (s.actual !== null) {
      expect(Number.isFinite(s.actual), why(`${s.name}: actual ${s.actual}`)).toBe(true);
      if (s.sli !== 'latency') expect(s.actual >= 0 && s.actual <= 100, why(`${s.name}: SLI ${s.actual} %`)).toBe(true);
      else expect(s.actual >= 0, why(`${s.name}: observed ${s.actual} ms`)).toBe(true);
    }
    const paging = s.alerts.some((a) => a.firing && a.severity === 'page');
    expect(paging && s.status === 'PASS', why(`${s.name}: PASS with a firing page alert`)).toBe(false);
  }
  if (slos.some((s) => s.status === 'FAIL')) expect(status).toBe('FAIL');
}

/** Runs every parser on the text; anything but a result or a UserError fails the property; results must be possible. */
async function allParsers(text: string, forced: (typeof INPUT_FORMATS)[number], lenient: boolean): Promise<void> {
  const file = join(tmp, `f${seq++ % 64}`);
  writeFileSync(file, text);
  const attempts: Array<() => Promise<unknown>> = [
    () => readK6Json(file, { lenient, windowMs: 1000 }),
    () => readK6Windows(file, { lenient }),
    () => readK6Run(file, { lenient }),
    async () => evaluateSlos(SLOS, await readSloInput(file, { lenient })),
    async () => evaluateSlos(SLOS, await readSloInput(file, { format: forced, lenient })),
  ];
  for (const attempt of attempts) {
    try {
      const r = await attempt();
      // a result must be serialisable (it ends up in a JSON artifact) and claim only possible figures
      JSON.stringify(r);
      checkResults(r, text);
    } catch (err) {
      if (!(err instanceof UserError)) {
        throw new Error(`non-user error ${(err as Error)?.name}: ${(err as Error)?.message}\n--- input (${text.length} chars) ---\n${text.slice(0, 400)}`);
      }
      expect(err.message.length).toBeGreaterThan(0);
    }
  }
}

const RUNS = Number(process.env.PERF_FUZZ_RUNS ?? 2500);

describe('fuzz: every parser yields a result or a clean UserError', () => {
  it('mutated seeds of every format (2,500)', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(SEEDS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom(...INPUT_FORMATS), fc.boolean(), async (i, ms, forced, lenient) => {
        await allParsers(mutate(SEEDS[i]!, ms), forced, lenient);
      }),
      { numRuns: RUNS, seed: 20261123 },
    );
  });

  it('generated JSON documents and NDJSON lines (2,500)', { timeout: 600_000 }, async () => {
    const doc = fc.oneof(
      fc.json(),
      fc.record({ schema: fc.constantFrom('perf.baseline/v1', 'perf.loadtest/v1', 'perf.k6-windows/v1', 'x'), overall: fc.jsonValue(), journeys: fc.jsonValue(), windows: fc.jsonValue(), durationMs: fc.jsonValue() }).map((o) => JSON.stringify(o)),
      fc.record({ metrics: fc.dictionary(fc.string(), fc.jsonValue()), root_group: fc.jsonValue(), state: fc.option(fc.jsonValue()) }).map((o) => JSON.stringify(o)),
      fc.record({ results: fc.record({ metrics: fc.jsonValue() }), metadata: fc.record({ k6_version: fc.string() }), config: fc.jsonValue() }).map((o) => JSON.stringify(o)),
      fc.record({ latency: fc.dictionary(fc.string(), fc.jsonValue()), requests: fc.dictionary(fc.string(), fc.jsonValue()), non2xx: fc.jsonValue(), errors: fc.jsonValue(), duration: fc.jsonValue() }).map((o) => JSON.stringify(o)),
      fc.array(
        fc.oneof(
          fc.record({ type: fc.constantFrom('Metric', 'Point', 'Other'), metric: fc.constantFrom('http_reqs', 'http_req_duration', 'http_req_failed', 'vus', 'x'), data: fc.jsonValue() }).map((o) => JSON.stringify(o)),
          fc.tuple(fc.constantFrom('http_req_duration', 'http_req_failed', 'http_reqs'), fc.string(), fc.oneof(fc.double(), fc.string()), fc.dictionary(fc.constantFrom('journey', 'name', 'status', 'scenario', 'check'), fc.string())).map(
            ([m, t, v, tags]) => `{"metric":"${m}","type":"Point","data":{"time":"${t}","value":${typeof v === 'number' ? v : JSON.stringify(v)},"tags":${JSON.stringify(tags)}}}`,
          ),
          fc.record({ type: fc.constantFrom('window', 'summary', 'abort', 'header'), schema: fc.constant('perf.k6-windows/v1'), startMs: fc.jsonValue(), endMs: fc.jsonValue(), windowMs: fc.jsonValue(), trends: fc.jsonValue(), rates: fc.jsonValue(), counters: fc.jsonValue(), gauges: fc.jsonValue() }).map((o) => JSON.stringify(o)),
          fc.string(),
        ),
        { maxLength: 12 },
      ).map((ls) => ls.join('\n')),
    );
    await fc.assert(
      fc.asyncProperty(doc, fc.constantFrom(...INPUT_FORMATS), fc.boolean(), async (text, forced, lenient) => {
        await allParsers(text, forced, lenient);
      }),
      { numRuns: RUNS, seed: 7 },
    );
  });

  it('generated k6 NDJSON with realistic metric declarations and hostile values (2,500)', { timeout: 600_000 }, async () => {
    const metricDecl = k6JsonLines(reqs.slice(0, 1)).filter((l) => l.startsWith('{"type":"Metric"'));
    const point = fc
      .record({
        metric: fc.constantFrom('http_reqs', 'http_req_duration', 'http_req_failed', 'http_req_waiting', 'nope'),
        time: fc.oneof(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 30 })),
        value: fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.constantFrom('1e5', '-0', '0.000001')),
        status: fc.constantFrom('200', '503', '0', 'abc', ''),
        journey: fc.option(fc.string({ maxLength: 6 })),
      })
      .map((p) => `{"metric":"${p.metric}","type":"Point","data":{"time":"${p.time.replace(/"/g, '')}","value":${typeof p.value === 'string' ? p.value : Number.isFinite(p.value) ? p.value : 'null'},"tags":{"status":"${p.status}"${p.journey !== null ? `,"journey":${JSON.stringify(p.journey)}` : ''}}}}`);
    await fc.assert(
      fc.asyncProperty(fc.array(point, { maxLength: 40 }), fc.array(mutation, { maxLength: 2 }), fc.boolean(), async (points, ms, lenient) => {
        await allParsers(mutate([...metricDecl, ...points].join('\n'), ms), 'k6-json', lenient);
      }),
      { numRuns: RUNS, seed: 99 },
    );
  });

  it('OpenSLO: generated and mutated YAML (2,500)', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.property(fc.oneof(fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => mutate(OPENSLO_SEED, ms)), fc.string(), fc.json()), (text) => {
        try {
          parseOpenSlo(text, 'fuzz.yaml');
        } catch (err) {
          if (!(err instanceof UserError)) throw new Error(`non-user error ${(err as Error)?.name}: ${(err as Error)?.message}\n--- input ---\n${text.slice(0, 400)}`);
        }
      }),
      { numRuns: RUNS, seed: 3 },
    );
  });
});
