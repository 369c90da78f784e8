import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeHistogram, HDR_PRECISION, newHistogram, recordMs } from '../../analyzers/histogram.js';
import { detectFormat } from '../../capture/results/result-file.js';
import { evaluateSlos } from '../../analyzers/slo/evaluate.js';
import { readSloInput } from '../../capture/results/slo-input.js';
import type { EvalSlo } from '../../analyzers/slo/model.js';
import { UserError } from '../../core/errors.js';
import { exactPercentile, genRequests, k6JsonLines, k6WindowsLines, type GenRequest } from '../fixtures/slo/gen.js';

const FIX = join(import.meta.dirname, '../fixtures/slo');
const tmp = mkdtempSync(join(tmpdir(), 'perf-slo-formats-'));
const put = (name: string, text: string): string => {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
};

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 1, 10, 0, 0);
const DURATION = 120_000;
const reqs = genRequests(6000, { seed: 42, startMs: START, durationMs: DURATION, errorEvery: 40 });
const latency = (p: number, journey?: string): EvalSlo => ({
  name: `p${p}${journey ? `-${journey}` : ''}`,
  sli: 'latency',
  objective: 99,
  window: '30d',
  windowMs: 30 * DAY,
  percentile: p,
  thresholdMs: 100,
  ...(journey ? { journey } : {}),
});
const availability: EvalSlo = { name: 'avail', sli: 'availability', objective: 99, window: '30d', windowMs: 30 * DAY };

function figures(name: string, rs: GenRequest[]) {
  const h = newHistogram();
  for (const r of rs) recordMs(h, r.ms);
  const errors = rs.filter((r) => r.status >= 500).length;
  return { name, requests: rs.length, errors, errorRate: errors / rs.length, statusCodes: {}, throughputRps: rs.length / (DURATION / 1000), durationMs: DURATION, latencyMs: {}, histogram: encodeHistogram(h) };
}

function artifact(schema: 'perf.baseline/v1' | 'perf.loadtest/v1'): string {
  const journeys = ['browse', 'buy'].map((j) => figures(j, reqs.filter((r) => r.journey === j)));
  const doc: Record<string, unknown> = { schema, runId: 't', generatedAt: new Date(START).toISOString(), tool: { name: 'perf', version: '0' }, durationMs: DURATION, journeys, overall: figures('overall', reqs) };
  if (schema === 'perf.loadtest/v1') {
    doc.partial = false;
    doc.windows = [0, 1, 2, 3].map((i) => {
      const rs = reqs.filter((r) => Math.floor((r.t - START) / 30_000) === i);
      const f = figures('w', rs);
      return {
        startMs: START + i * 30_000,
        endMs: START + (i + 1) * 30_000,
        requests: f.requests,
        errors: f.errors,
        histogram: f.histogram,
        journeys: Object.fromEntries(['browse', 'buy'].map((j) => {
          const jf = figures(j, rs.filter((r) => r.journey === j));
          return [j, { requests: jf.requests, errors: jf.errors, histogram: jf.histogram }];
        })),
      };
    });
  }
  return put(`${schema.replace(/\W/g, '_')}.json`, JSON.stringify(doc));
}

const files: Record<string, () => string> = {
  'k6-json': () => put('out.json', k6JsonLines(reqs).join('\n') + '\n'),
  'perf.k6-windows/v1': () => put('win.ndjson', k6WindowsLines(reqs, { startMs: START, windowMs: 10_000, summary: true }).join('\n') + '\n'),
  'perf.baseline/v1': () => artifact('perf.baseline/v1'),
  'perf.loadtest/v1': () => artifact('perf.loadtest/v1'),
};

describe('exact percentiles of a generated distribution, through every format with samples or histograms', () => {
  const all = reqs.map((r) => r.ms);
  const buy = reqs.filter((r) => r.journey === 'buy').map((r) => r.ms);
  for (const [format, make] of Object.entries(files)) {
    it(`${format}: p50/p95/p99/p99.9 match the sort within HDR precision, per journey too`, async () => {
      const file = make();
      expect((await detectFormat(file)).format).toBe(format);
      const input = await readSloInput(file);
      expect(input.format).toBe(format);
      expect(input.percentiles).toBe('exact');
      const res = evaluateSlos([latency(50), latency(95), latency(99), latency(99.9), latency(95, 'buy'), availability], input);
      const want = [exactPercentile(all, 50), exactPercentile(all, 95), exactPercentile(all, 99), exactPercentile(all, 99.9), exactPercentile(buy, 95)];
      want.forEach((w, i) => {
        const got = res.slos[i]!.actual!;
        expect(Math.abs(got - w), `${res.slos[i]!.name}: ${got} vs exact ${w}`).toBeLessThanOrEqual(w * HDR_PRECISION + 0.001);
      });
      const av = res.slos[5]!;
      expect(av.events).toEqual({ total: 6000, bad: 150 });
      expect(av.actual).toBe(97.5);
      // bad events of a latency SLO: failures plus slow successes (within HDR bucket precision)
      const slowOk = reqs.filter((r) => r.status < 500 && r.ms > 100).length;
      const slowAll = reqs.filter((r) => r.ms > 100).length;
      const lat = res.slos[1]!.events.bad;
      expect(lat).toBeGreaterThanOrEqual(150 + slowOk - 2);
      expect(lat).toBeLessThanOrEqual(Math.min(6000, 150 + slowAll) + 2);
    });
  }

  it('k6 NDJSON and loadtest windows give per-window burn rates; a baseline says it has none', async () => {
    const k6 = await readSloInput(files['k6-json']!());
    expect(k6.windows).toHaveLength(12);
    const lt = await readSloInput(files['perf.loadtest/v1']!());
    expect(lt.windows).toHaveLength(4);
    const bl = await readSloInput(files['perf.baseline/v1']!());
    expect(bl.windows).toBeNull();
    const a = evaluateSlos([availability], bl).slos[0]!.alerts[0]!;
    expect(a.note).toMatch(/shorter than the 5m short window/);
  });
});

describe('summary-only formats: report what the summary says, judge only what it carries', () => {
  const all = reqs.map((r) => r.ms);
  const p90 = exactPercentile(all, 90);
  const p95 = exactPercentile(all, 95);
  const failed = reqs.filter((r) => r.status >= 500).length;

  const docs: Record<string, unknown> = {
    'k6-summary-export': {
      root_group: { name: '', path: '', id: 'x', groups: {}, checks: {} },
      metrics: {
        http_req_duration: { avg: 10, min: 1, med: exactPercentile(all, 50), max: 500, 'p(90)': p90, 'p(95)': p95, thresholds: { 'p(95)<50': true } },
        'http_req_duration{journey:buy}': { avg: 10, min: 1, med: 5, max: 500, 'p(90)': 70, 'p(95)': 80 },
        http_req_failed: { passes: failed, fails: 6000 - failed, value: failed / 6000, thresholds: { 'rate<0.5': false } },
        http_reqs: { count: 6000, rate: 50 },
      },
    },
    'k6-handle-summary': {
      state: { testRunDurationMs: DURATION },
      options: { summaryTrendStats: ['avg', 'p(90)', 'p(95)'] },
      metrics: {
        http_req_duration: { type: 'trend', contains: 'time', values: { avg: 10, min: 1, med: 5, max: 500, 'p(90)': p90, 'p(95)': p95 }, thresholds: { 'p(95)<50': { ok: false } } },
        http_req_failed: { type: 'rate', contains: 'default', values: { rate: failed / 6000, passes: failed, fails: 6000 - failed } },
        http_reqs: { type: 'counter', contains: 'default', values: { count: 6000, rate: 50 } },
      },
      root_group: {},
    },
    'k6-new-summary': {
      version: '1',
      metadata: { k6_version: '2.2.0', generated_at: 'x' },
      config: { duration: DURATION / 1000 },
      results: {
        metrics: [
          { name: 'http_req_duration', type: 'trend', contains: 'time', values: { avg: 10, min: 1, med: 5, max: 500, p90, p95 } },
          { name: 'http_req_failed', type: 'rate', contains: 'default', values: { matches: failed, rate: failed / 6000, total: 6000 } },
          { name: 'http_reqs', type: 'counter', contains: 'default', values: { count: 6000 } },
        ],
      },
    },
  };

  for (const [format, doc] of Object.entries(docs)) {
    it(`${format}: p90/p95 exactly as written, p99 cannot be judged, failures from http_req_failed`, async () => {
      const input = await readSloInput(put(`${format}.json`, JSON.stringify(doc)));
      expect(input.format).toBe(format);
      expect(input.durationMs).toBe(DURATION);
      const res = evaluateSlos([latency(90), latency(95), latency(99), availability], input);
      expect(res.slos[0]!.actual).toBe(p90);
      expect(res.slos[1]!.actual).toBe(p95);
      expect(res.slos[2]!.actual).toBeNull();
      expect(res.slos[2]!.note).toMatch(/p99 cannot be judged.*only carries.*p90, p95/);
      expect(res.slos[3]!.events).toEqual({ total: 6000, bad: failed });
      expect(input.limits.join(' ')).toMatch(/cannot be judged/);
    });
  }

  it('summary-export: a threshold value of true means FAILED', async () => {
    const input = await readSloInput(put('se.json', JSON.stringify(docs['k6-summary-export'])));
    expect(input.thresholds).toEqual([
      { metric: 'http_req_duration', expression: 'p(95)<50', ok: false },
      { metric: 'http_req_failed', expression: 'rate<0.5', ok: true },
    ]);
    // journey submetric
    const res = evaluateSlos([latency(95, 'buy')], input);
    expect(res.slos[0]!.actual).toBe(80);
  });

  it('real k6 v2.2.0 summaries of the same kind of run agree on counts', async () => {
    for (const f of ['k6-summary-export.json', 'k6-handle-summary.json', 'k6-new-summary.json']) {
      const input = await readSloInput(join(FIX, f));
      const r = evaluateSlos([availability], input).slos[0]!;
      expect(r.events, f).toEqual({ total: 18, bad: 6 });
    }
    const stream = await readSloInput(join(FIX, 'k6-out.json'));
    expect(evaluateSlos([availability], stream).slos[0]!.events).toEqual({ total: 18, bad: 6 });
    const real = await readSloInput(join(FIX, 'k6-summary-export.json'));
    expect(real.thresholds).toContainEqual({ metric: 'http_req_duration', expression: 'p(95)<10', ok: false });
  });

  it('autocannon --json: its fixed percentiles only (no p95), failures = errors + 5xx', async () => {
    const input = await readSloInput(join(FIX, 'autocannon.json'));
    expect(input.format).toBe('autocannon');
    const res = evaluateSlos([latency(95), latency(99), availability, { ...availability, journey: 'x', name: 'j' }], input);
    expect(res.slos[0]!.actual).toBeNull();
    expect(res.slos[1]!.actual).toBe(5);
    expect(res.slos[2]!.events).toEqual({ total: 717, bad: 242 });
    expect(res.slos[3]!.note).toMatch(/autocannon results have no journeys/);
  });
});

describe('format detection and wrong files', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /is empty/],
    ['yaml', 'apiVersion: openslo/v1\nkind: SLO\n', /looks like a YAML file/],
    ['html', '<!doctype html><html></html>', /looks like an HTML page/],
    ['csv', 'a,b,c\n1,2,3\n', /looks like a CSV file/],
    ['slo-report', JSON.stringify({ schema: 'perf.slo/v1', status: 'PASS' }), /perf slo-check report \(perf.slo\/v1\), which is an output/],
    ['other-artifact', JSON.stringify({ schema: 'perf.plan/v1' }), /schema "perf.plan\/v1", which carries no request results/],
    ['object', JSON.stringify({ hello: 1, world: 2 }), /a JSON object with keys "hello", "world"/],
    ['array', '[1,2,3]', /a JSON array of 3 item/],
    ['broken-json', '{"metrics": {', /not valid JSON \(it ends early: truncated\?\)/],
  ];
  for (const [name, text, re] of cases) {
    it(`${name}: a user error saying what the file looks like`, async () => {
      const f = put(`bad-${name}`, text);
      const err = await readSloInput(f).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(re);
    });
  }

  it('--format that does not match the content says what it is', async () => {
    const err = await readSloInput(join(FIX, 'autocannon.json'), { format: 'k6-summary-export' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/is not k6-summary-export: it looks like autocannon/);
  });
});
