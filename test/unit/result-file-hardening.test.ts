/**
 * Result files that are broken, hostile or huge: impossible figures are
 * an input error naming the file and the field, never a verdict; a 1e10 ms duration is a named clamp;
 * concatenated formats are refused; the series count is bounded; line splitting is linear and bounded.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readK6Json } from '../../capture/results/k6-files.js';
import { OVERFLOW_NAME } from '../../analyzers/parsers/k6-aggregate.js';
import { forEachLineOfChunks } from '../../analyzers/parsers/lines.js';
import { forEachLineBytes } from '../../capture/results/file-lines.js';
import { runSloCheck } from '../../capture/results/slo-check.js';
import type { EvalSlo } from '../../analyzers/slo/model.js';
import { Interrupted, UserError } from '../../core/errors.js';
import { genRequests, k6JsonLines, k6WindowsLines } from '../fixtures/slo/gen.js';

const FIX = join(import.meta.dirname, '../fixtures/slo');
const tmp = mkdtempSync(join(tmpdir(), 'perf-harden-'));
let seq = 0;
const put = (text: string, ext = 'json'): string => {
  const f = join(tmp, `f${seq++}.${ext}`);
  writeFileSync(f, text);
  return f;
};
const DAY = 86_400_000;
const SLOS: EvalSlo[] = [
  { name: 'p95', sli: 'latency', objective: 99, window: '30d', windowMs: 30 * DAY, percentile: 95, thresholdMs: 100 },
  { name: 'avail', sli: 'availability', objective: 99, window: '30d', windowMs: 30 * DAY },
];
const check = (file: string) => runSloCheck({ file, slos: SLOS, slosFrom: 'test' });

async function inputError(file: string): Promise<UserError> {
  const err = await check(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

const start = Date.UTC(2026, 0, 1);
const reqs = genRequests(40, { seed: 3, startMs: start, durationMs: 20_000, errorEvery: 9 });

describe('impossible figures are an input error naming file and field (exit 2), not a verdict', () => {
  it('rejects a k6 summary whose http_req_failed passes are negative (once: PASS "SLI 200 %")', async () => {
    const doc = JSON.parse(readFileSync(join(FIX, 'k6-summary-export.json'), 'utf8'));
    doc.metrics.http_req_failed.passes = -350;
    doc.metrics.http_req_failed.fails = 700;
    const file = put(JSON.stringify(doc));
    const e = await inputError(file);
    expect(e.exitCode).toBe(2);
    expect(e.where).toBe(file);
    expect(e.message).toContain('metrics["http_req_failed"].passes');
    expect(e.message).toContain('negative');
  });

  it('rejects a summary percentile of −50 ms (once: PASS "observed −50 ms")', async () => {
    const doc = JSON.parse(readFileSync(join(FIX, 'k6-summary-export.json'), 'utf8'));
    doc.metrics.http_req_duration['p(95)'] = -50;
    const e = await inputError(put(JSON.stringify(doc)));
    expect(e.message).toContain('metrics["http_req_duration"].p(95)');
  });

  it('rejects a summary where every number is −1e308 (once: PASS "SLI 0 %" with firing alerts)', async () => {
    const doc = JSON.parse(readFileSync(join(FIX, 'k6-handle-summary.json'), 'utf8'));
    const poison = (v: unknown): unknown =>
      typeof v === 'number' ? -1e308 : Array.isArray(v) ? v.map(poison) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, poison(x)])) : v;
    doc.metrics = poison(doc.metrics);
    const e = await inputError(put(JSON.stringify(doc)));
    expect(e.message).toMatch(/out-of-range value: "metrics\["[^"]+"\]\.\w+/);
  });

  it('rejects a rate outside [0, 1] and a fractional request count', async () => {
    const doc = JSON.parse(readFileSync(join(FIX, 'k6-handle-summary.json'), 'utf8'));
    doc.metrics.http_req_failed.values.rate = 2;
    expect((await inputError(put(JSON.stringify(doc)))).message).toContain('http_req_failed"].rate');
    const doc2 = JSON.parse(readFileSync(join(FIX, 'k6-handle-summary.json'), 'utf8'));
    doc2.metrics.http_reqs.values.count = 10.5;
    expect((await inputError(put(JSON.stringify(doc2)))).message).toContain('http_reqs"].count');
  });

  it('rejects negative k6 --out json durations with file:line (once: PASS "0.001 ms")', async () => {
    const lines = k6JsonLines(reqs).map((l) => (l.includes('"metric":"http_req_duration","type":"Point"') ? l.replace(/"value":[0-9.]+/, '"value":-1e308') : l));
    const file = put(lines.join('\n') + '\n');
    const e = await inputError(file);
    expect(e.where).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+$`));
    expect(e.message).toContain('http_req_duration.value');
  });

  it('rejects a perf.k6-windows/v1 rate with more failures than requests', async () => {
    const lines = k6WindowsLines(reqs, { startMs: start, windowMs: 10_000, summary: true });
    const bad = lines.map((l) => l.replace(/"trues":(\d+),"total":(\d+)/, (_m, _t, total) => `"trues":${Number(total) + 5},"total":${total}`));
    const e = await inputError(put(bad.join('\n') + '\n', 'ndjson'));
    expect(e.message).toMatch(/rates\[\d+\] \(http_req_failed\)\.trues/);
  });

  it('rejects a perf.loadtest/v1 artifact with negative requests', async () => {
    const doc = { schema: 'perf.loadtest/v1', durationMs: 1000, journeys: [], overall: { name: 'overall', requests: -5, errors: 0, histogram: 'x' } };
    const e = await inputError(put(JSON.stringify(doc)));
    expect(e.message).toContain('"overall".requests');
  });

  it('rejects autocannon output with negative latency', async () => {
    const doc = JSON.parse(readFileSync(join(FIX, 'autocannon.json'), 'utf8'));
    doc.latency.p99 = -1;
    expect((await inputError(put(JSON.stringify(doc)))).message).toContain('latency.p99');
  });
});

describe('k6 --out json oddities', () => {
  it('clamps one 1e10 ms duration with a named warning instead of failing on a "corrupt histogram"', async () => {
    let done = false;
    const lines = k6JsonLines(reqs).map((l) => {
      if (!done && l.includes('"metric":"http_req_duration","type":"Point"')) {
        done = true;
        return l.replace(/"value":[0-9.]+/, '"value":10000000000');
      }
      return l;
    });
    const file = put(lines.join('\n') + '\n');
    const report = await check(file);
    const w = report.warnings.join('\n');
    expect(w).toContain(file);
    expect(w).toMatch(/clamped .*http_req_duration 10000000000 at line \d+/);
    expect(report.slos[0]!.actual).not.toBeNull();
  });

  it('refuses perf NDJSON followed by k6 json (concatenated files) instead of ignoring the second', async () => {
    const perfLines = k6WindowsLines(reqs, { startMs: start, windowMs: 10_000, summary: true });
    const file = put([...perfLines, ...k6JsonLines(reqs)].join('\n') + '\n', 'ndjson');
    const e = await inputError(file);
    expect(e.message).toContain('concatenated');
    expect(e.where).toBe(`${file}:${perfLines.length + 1}`);
  });

  it('refuses k6 json followed by perf NDJSON', async () => {
    const k6 = k6JsonLines(reqs);
    const file = put([...k6, ...k6WindowsLines(reqs, { startMs: start, windowMs: 10_000, summary: true })].join('\n') + '\n');
    const e = await inputError(file);
    expect(e.message).toContain('concatenated');
    expect(e.where).toBe(`${file}:${k6.length + 1}`);
  });

  it('bounds the series of a high-cardinality file, keeps the counts whole and names the tag to group by', async () => {
    const many = genRequests(3000, { seed: 9, startMs: start, durationMs: 30_000, errorEvery: 10 }).map((r, i) => ({ ...r, name: `http://127.0.0.1/posts/${i}` }));
    const file = put(k6JsonLines(many).join('\n') + '\n');
    const run = await readK6Json(file, { maxSeriesPerMetric: 100, metrics: new Set(['http_reqs', 'http_req_duration', 'http_req_failed']) });
    const durations = run.totals.trends.filter((t) => t.metric === 'http_req_duration');
    expect(durations.length).toBeLessThanOrEqual(100 + 16);
    expect(durations.some((t) => t.tags.name === OVERFLOW_NAME)).toBe(true);
    expect(durations.reduce((a, t) => a + t.count, 0)).toBe(3000);
    expect(run.warnings.join('\n')).toMatch(/http_req_duration has more than 100 distinct tag sets \(the tag "name"/);
    const report = await runSloCheck({ file, slos: SLOS, slosFrom: 'test' });
    expect(report.slos[1]!.events.total).toBe(3000);
  });
});

describe('line splitting', () => {
  it('ends a line longer than the maximum with a clear error naming file:line', async () => {
    const file = put('\u0000'.repeat(3 << 20), 'ndjson');
    const err = await forEachLineBytes(file, () => {}, { chunkBytes: 64 << 10, maxLineBytes: 1 << 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).where).toBe(`${file}:1`);
    expect((err as UserError).message).toContain('longer than 1 MB');
  });

  it('joins a line spread over many chunks exactly once (same lines as one read)', async () => {
    const long = 'x'.repeat(200_000);
    const file = put(`a\n${long}\nb\n${long}y`, 'txt');
    const seen: string[] = [];
    await forEachLineBytes(file, (b, s, e) => seen.push(b.toString('utf8', s, e)), { chunkBytes: 1000 });
    expect(seen).toEqual(['a', long, 'b', `${long}y`]);
  });

  it('splits a stream of chunks without a file: lines across chunk ends, CRLF, blank lines skipped but counted (also right after a chunk end), the source named in errors', async () => {
    async function* chunks(...parts: string[]): AsyncIterable<Buffer> {
      for (const p of parts) yield Buffer.from(p);
    }
    const seen: Array<[number, string]> = [];
    const r = await forEachLineOfChunks(chunks('{"a":', '1}\r\n\n{"b"', ':2}\n{"c":3}'), 'socket', (b, s, e, n) => seen.push([n, b.toString('utf8', s, e)]));
    expect(seen).toEqual([[1, '{"a":1}'], [3, '{"b":2}'], [4, '{"c":3}']]);
    expect(r).toEqual({ lines: 4, endedWithNewline: false, bytes: 25 });
    const err = await forEachLineOfChunks(chunks('ok\n', 'y'.repeat(2048)), 'socket', () => {}, { maxLineBytes: 1024 }).catch((e: unknown) => e);
    expect((err as UserError).where).toBe('socket:2');
  });

  it('stops reading when interrupted and says so instead of evaluating half a file', async () => {
    const file = put(k6JsonLines(reqs).join('\n') + '\n');
    const ac = new AbortController();
    ac.abort();
    const err = await runSloCheck({ file, slos: SLOS, slosFrom: 'test', signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Interrupted);
  });
});
