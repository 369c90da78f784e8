/**
 * A gate that cannot pass a run that did not happen, and summary-only inputs that
 * use every bound their percentiles prove. Each case once passed (exit 0) or gave PARTIAL.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateFails } from '../../analyzers/slo/check.js';
import { runSloCheck } from '../../capture/results/slo-check.js';
import type { EvalSlo } from '../../analyzers/slo/model.js';
import { runDidNotHappen } from '../../analyzers/slo/run-validity.js';
import { encodeHistogram, newHistogram, recordMs } from '../../analyzers/histogram.js';

const FIX = join(import.meta.dirname, '../fixtures/slo');
const tmp = mkdtempSync(join(tmpdir(), 'perf-gate-'));
let seq = 0;
const put = (doc: unknown): string => {
  const f = join(tmp, `g${seq++}.json`);
  writeFileSync(f, JSON.stringify(doc));
  return f;
};
const DAY = 86_400_000;
const latency = (objective: number, thresholdMs: number, percentile = 95): EvalSlo => ({ name: 'lat', sli: 'latency', objective, window: '30d', windowMs: 30 * DAY, percentile, thresholdMs });
const avail: EvalSlo = { name: 'avail', sli: 'availability', objective: 50, window: '30d', windowMs: 30 * DAY };
const summary = (): Record<string, any> => JSON.parse(readFileSync(join(FIX, 'k6-summary-export.json'), 'utf8'));

function hist(values: number[]): string {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  return encodeHistogram(h);
}
const figures = (name: string, requests: number, errors: number, values: number[]) => ({ name, requests, errors, errorRate: requests ? errors / requests : 0, statusCodes: {}, throughputRps: 1, durationMs: 10_000, latencyMs: {}, histogram: hist(values) });

describe('summary-only inputs use the bounds their percentiles prove', () => {
  it('FAILs "p95 ≤ 110 ms at 99 %" when the summary p(99) = 205 ms (once PARTIAL, exit 0)', async () => {
    const doc = summary();
    const d = doc.metrics.http_req_duration;
    Object.assign(d, { 'p(90)': 60, 'p(95)': 100, 'p(99)': 205, max: 240 });
    doc.metrics.http_req_failed = { passes: 0, fails: 18, value: 0 };
    const r = await runSloCheck({ file: put(doc), slos: [latency(99, 110)], slosFrom: 't' });
    const s = r.slos[0]!;
    expect(s.actual).toBe(100); // the SLO's own percentile is within the threshold…
    expect(s.status).toBe('FAIL'); // …but p99 above it proves ≥ 1 % bad: the whole budget
    expect(s.note).toContain('p99 = 205 ms > 110 ms proves at least 1% of requests');
    expect(s.events.bad).toBe(1); // ceil(18 × 1 %)
  });

  it('counts the proven share in the budget but does not claim a breach the bound cannot prove', async () => {
    const doc = summary();
    Object.assign(doc.metrics.http_req_duration, { 'p(90)': 60, 'p(95)': 120, max: 240 });
    doc.metrics.http_req_failed = { passes: 0, fails: 18, value: 0 };
    // objective 90 %: allowed 10 %; p95 > 100 proves ≥ 5 %, which does not exhaust it.
    const r = await runSloCheck({ file: put(doc), slos: [latency(90, 100, 50)], slosFrom: 't' });
    expect(r.slos[0]!.events.bad).toBe(1);
    expect(r.slos[0]!.note).toContain('p95 = 120 ms > 100 ms proves at least 5%');
    expect(r.slos[0]!.status).not.toBe('FAIL');
  });
});

describe('runs that did not happen end in FAIL with a reason', () => {
  it('zero completed requests (target holds every socket) is FAIL, not "p95 0 ms, errors 0.00 %"', async () => {
    const doc = { schema: 'perf.baseline/v1', durationMs: 10_000, journeys: [], overall: figures('overall', 0, 0, []) };
    const r = await runSloCheck({ file: put(doc), slos: [latency(99, 100), avail], slosFrom: 't' });
    expect(r.status).toBe('FAIL');
    expect(r.runInvalid?.join()).toContain('zero completed requests');
  });

  it('100 % errors is FAIL even for a latency-only SLO whose failures were fast', async () => {
    const doc = { schema: 'perf.baseline/v1', durationMs: 10_000, journeys: [], overall: figures('overall', 50, 50, Array(50).fill(1)) };
    const r = await runSloCheck({ file: put(doc), slos: [latency(1, 100)], slosFrom: 't' });
    expect(r.status).toBe('FAIL');
    expect(r.runInvalid?.join()).toContain('every request failed (50 of 50)');
  });

  it('a target that died during the baseline is FAIL (once "MET 0.000 % bad")', async () => {
    const doc = { schema: 'perf.baseline/v1', durationMs: 10_000, journeys: [], overall: figures('overall', 40, 0, Array(40).fill(2)), targetExited: 'exited with code 1 after 2.5 s' };
    const r = await runSloCheck({ file: put(doc), slos: [latency(99, 100)], slosFrom: 't' });
    expect(r.slos[0]!.status).toBe('PASS');
    expect(r.status).toBe('FAIL');
    expect(r.runInvalid?.join()).toContain('the target exited during the run (exited with code 1 after 2.5 s)');
  });

  it('a load test aborted by thresholds is FAIL; a breakpoint test stopping at its break is not', async () => {
    const base = { schema: 'perf.loadtest/v1', durationMs: 10_000, journeys: [], overall: figures('overall', 40, 0, Array(40).fill(2)), aborted: { reason: 'k6 thresholds crossed (abortOnFail)', atMs: 4000 }, partial: false, droppedIterations: 0, iterations: 40 };
    const r = await runSloCheck({ file: put({ ...base, scenario: 'stress' }), slos: [latency(99, 100)], slosFrom: 't' });
    expect(r.status).toBe('FAIL');
    expect(r.runInvalid?.join()).toContain('aborted (k6 thresholds crossed (abortOnFail))');
    const b = await runSloCheck({ file: put({ ...base, scenario: 'breakpoint' }), slos: [latency(99, 100)], slosFrom: 't' });
    expect(b.runInvalid).toBeUndefined();
  });

  it('395 of 2,001 dropped iterations is FAIL (once 100 % availability); --max-dropped raises the limit', async () => {
    const doc = summary();
    doc.metrics.iterations.count = 1606;
    doc.metrics.dropped_iterations = { count: 395, rate: 1 };
    const file = put(doc);
    const r = await runSloCheck({ file, slos: [avail], slosFrom: 't' });
    expect(r.status).toBe('FAIL');
    expect(r.runInvalid?.join()).toContain('k6 dropped 395 of 2001 iterations (19.7 % > --max-dropped 1.0 %)');
    const lax = await runSloCheck({ file, slos: [avail], slosFrom: 't', maxDropped: 0.25 });
    expect(lax.runInvalid).toBeUndefined();
  });

  it('the gate fails on these reasons under the default --fail-on', () => {
    expect(gateFails('FAIL', 'fail')).toBe(true);
    expect(runDidNotHappen({ requests: 100, failed: 0, iterations: 1000, droppedIterations: 5 })).toEqual([]);
    expect(runDidNotHappen({ requests: 100, failed: 0, droppedIterations: 5 })[0]).toContain('at least 105');
  });
});

describe('an interrupted run is noted, never a silent PASS', () => {
  it('notes partial: true of a baseline on every SLO and in the report', async () => {
    const doc = { schema: 'perf.baseline/v1', durationMs: 10_000, partial: true, journeys: [], overall: figures('overall', 40, 0, Array(40).fill(2)) };
    const r = await runSloCheck({ file: put(doc), slos: [latency(99, 100)], slosFrom: 't' });
    expect(r.partial).toContain('the baseline was partial');
    expect(r.slos[0]!.note).toContain('measured on a partial run');
  });
});
