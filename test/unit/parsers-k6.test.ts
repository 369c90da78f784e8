import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeHistogram, HDR_PRECISION, mergeHistograms, percentileMs } from '../../analyzers/histogram.js';
import { readK6Json, readK6Run, readK6Windows } from '../../capture/results/k6-files.js';
import { parseK6Run } from '../../analyzers/parsers/k6-json.js';
import { bufferLines } from '../../analyzers/parsers/lines.js';
import type { K6Run, SeriesTags } from '../../core/artifacts/k6-windows.js';
import { UserError } from '../../core/errors.js';
import { exactPercentile, genRequests, k6JsonLines, k6WindowsLines } from '../fixtures/slo/gen.js';

const FIX = join(import.meta.dirname, '../fixtures/slo');
const tmp = mkdtempSync(join(tmpdir(), 'perf-parsers-'));
let n = 0;
const write = (lines: string[], trailingNewline = true): string => {
  const f = join(tmp, `f${n++}.ndjson`);
  writeFileSync(f, lines.join('\n') + (trailingNewline ? '\n' : ''));
  return f;
};

const durationHist = (run: K6Run, filter: (tags: SeriesTags) => boolean = () => true) =>
  mergeHistograms(run.totals.trends.filter((t) => t.metric === 'http_req_duration' && filter(t.tags)).map((t) => decodeHistogram(t.histogram)));

const expectWithinHdr = (actual: number, exact: number) => {
  expect(Math.abs(actual - exact)).toBeLessThanOrEqual(exact * HDR_PRECISION + 0.001);
};

describe('readK6Json on a real k6 v2.2.0 --out json file', () => {
  const file = join(FIX, 'k6-out.json');
  const raw = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const durations = raw.filter((o) => o.type === 'Point' && o.metric === 'http_req_duration').map((o) => o.data.value as number);
  const failed = raw.filter((o) => o.type === 'Point' && o.metric === 'http_req_failed' && o.data.value === 1).length;

  it('counts every request and keeps exact percentiles within HDR precision', async () => {
    const run = await readK6Json(file);
    expect(run.format).toBe('k6-json');
    const h = durationHist(run);
    expect(h.totalCount).toBe(durations.length);
    for (const p of [50, 90, 95, 99]) expectWithinHdr(percentileMs(h, p), exactPercentile(durations, p));
    const rate = run.totals.rates.filter((r) => r.metric === 'http_req_failed');
    expect(rate.reduce((a, r) => a + r.trues, 0)).toBe(failed);
    expect(run.warnings).toEqual([]);
  });

  it('keys series by journey, name, scenario and status class', async () => {
    const run = await readK6Json(file);
    const tags = run.totals.trends.filter((t) => t.metric === 'http_req_duration').map((t) => t.tags);
    expect(tags).toContainEqual({ journey: 'browse', name: 'home', scenario: 'default', status: '2xx' });
    expect(tags.some((t) => t.name === 'checkout' && t.journey === undefined)).toBe(true);
    const checks = run.totals.rates.filter((r) => r.metric === 'checks');
    expect(checks[0]?.tags.check).toBe('status 200');
  });

  it('only aggregates the metrics asked for', async () => {
    const run = await readK6Json(file, { metrics: new Set(['http_req_duration']) });
    expect(new Set(run.totals.trends.map((t) => t.metric))).toEqual(new Set(['http_req_duration']));
    expect(run.totals.rates).toEqual([]);
  });
});

describe('readK6Json windows', () => {
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  const reqs = genRequests(3000, { seed: 7, startMs: start, durationMs: 60_000, errorEvery: 50 });

  it('buckets points into windows of the requested width and the totals equal the merge', async () => {
    const run = await readK6Json(write(k6JsonLines(reqs)), { windowMs: 10_000 });
    expect(run.windows).toHaveLength(6);
    expect(run.windows.map((w) => w.startMs - start)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    const perWindow = run.windows.map((w) => w.counters.filter((c) => c.metric === 'http_reqs').reduce((a, c) => a + c.value, 0));
    expect(perWindow).toEqual([500, 500, 500, 500, 500, 500]);
    const h = durationHist(run);
    expect(h.totalCount).toBe(3000);
    const all = reqs.map((r) => r.ms);
    for (const p of [50, 95, 99, 99.9]) expectWithinHdr(percentileMs(h, p), exactPercentile(all, p));
    const buy = durationHist(run, (t) => t.journey === 'buy');
    expectWithinHdr(percentileMs(buy, 95), exactPercentile(reqs.filter((r) => r.journey === 'buy').map((r) => r.ms), 95));
    expect(run.endMs - run.startMs).toBe(reqs[reqs.length - 1]!.t - start);
  });

  it('accepts points slightly out of order', async () => {
    const lines = k6JsonLines(reqs);
    const swapped = [...lines];
    // move an early point 400 lines later (k6 flushes per-VU buffers out of order)
    const [moved] = swapped.splice(10, 1);
    swapped.splice(410, 0, moved!);
    const run = await readK6Json(write(swapped), { windowMs: 1000 });
    expect(durationHist(run).totalCount).toBe(3000);
  });

  it('falls back to JSON.parse for points in another field order', async () => {
    const lines = k6JsonLines(reqs.slice(0, 100)).map((l) => {
      const o = JSON.parse(l);
      return o.type === 'Point' ? JSON.stringify({ type: o.type, data: o.data, metric: o.metric }) : l;
    });
    const run = await readK6Json(write(lines));
    expect(durationHist(run).totalCount).toBe(100);
  });
});

describe('readK6Json bad input', () => {
  const reqs = genRequests(40, { seed: 1, startMs: Date.UTC(2026, 0, 1), durationMs: 4000 });
  const lines = k6JsonLines(reqs);

  it('skips a truncated last line with a warning naming the line', async () => {
    const cut = [...lines.slice(0, -1), lines[lines.length - 1]!.slice(0, 30)];
    const run = await readK6Json(write(cut, false));
    expect(run.warnings.join('\n')).toMatch(new RegExp(`:${cut.length}: last line is truncated`));
    expect(run.complete).toBe(false);
  });

  it('rejects a corrupt middle line naming file:line', async () => {
    const bad = [...lines];
    bad[20] = bad[20]!.slice(0, 25);
    const f = write(bad);
    await expect(readK6Json(f)).rejects.toThrow(UserError);
    await expect(readK6Json(f)).rejects.toMatchObject({ where: `${f}:21` });
  });

  it('counts and skips corrupt lines with lenient', async () => {
    const bad = [...lines];
    bad[20] = 'garbage';
    bad[30] = '{"metric":"http_req_duration","type":"Point","data":{"time":"x","value":1,"tags":{}}}';
    const run = await readK6Json(write(bad), { lenient: true });
    expect(run.warnings.join('\n')).toMatch(/skipped 2 corrupt line\(s\).*line 21/);
  });

  it('says what a wrong file looks like', async () => {
    const f = write(['{"schema":"perf.baseline/v1","runId":"x"}']);
    await expect(readK6Json(f)).rejects.toThrow(/not k6 --out json output: its first line is/);
    await expect(readK6Run(f)).rejects.toThrow(/neither perf.k6-windows\/v1 NDJSON nor k6 --out json/);
  });

  it('reports a missing file as a user error', async () => {
    await expect(readK6Json(join(tmp, 'nope.json'))).rejects.toThrow(/does not exist/);
  });
});

describe('readK6Windows (perf.k6-windows/v1)', () => {
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  const reqs = genRequests(2000, { seed: 3, startMs: start, durationMs: 30_000, errorEvery: 20 });

  it('reads header, windows and summary; totals come from the summary', async () => {
    const run = await readK6Windows(write(k6WindowsLines(reqs, { startMs: start, windowMs: 10_000, summary: true })));
    expect(run.format).toBe('perf.k6-windows/v1');
    expect(run.complete).toBe(true);
    expect(run.windows).toHaveLength(3);
    expect(run.windowMs).toBe(10_000);
    const h = durationHist(run);
    expect(h.totalCount).toBe(2000);
    const all = reqs.map((r) => r.ms);
    for (const p of [50, 90, 99]) expectWithinHdr(percentileMs(h, p), exactPercentile(all, p));
    expect(run.totals.rates.reduce((a, r) => a + r.trues, 0)).toBe(100);
  });

  it('parses from any line source, not only a file: the same run from memory, split into odd chunks, as from disk', async () => {
    const lines = k6WindowsLines(reqs, { startMs: start, windowMs: 10_000, summary: true });
    const fromFile = await readK6Windows(write(lines));
    // 7-byte chunks split every line (and the UTF-8 of none: the lines are ASCII) many times.
    const fromMemory = await parseK6Run(bufferLines('pushed.ndjson', lines.join('\n') + '\n', 7));
    expect(fromMemory.format).toBe('perf.k6-windows/v1');
    expect(durationHist(fromMemory).totalCount).toBe(durationHist(fromFile).totalCount);
    expect(percentileMs(durationHist(fromMemory), 99)).toBe(percentileMs(durationHist(fromFile), 99));
    await expect(parseK6Run(bufferLines('bad.ndjson', 'hello\n'))).rejects.toThrow(/bad\.ndjson is neither/);
  });

  it('without a summary (k6 killed) merges the finished windows and says so', async () => {
    const lines = k6WindowsLines(reqs, { startMs: start, windowMs: 10_000, summary: false });
    const cut = [...lines, '{"type":"window","index":3,"startMs":'];
    const run = await readK6Windows(write(cut, false));
    expect(run.complete).toBe(false);
    expect(durationHist(run).totalCount).toBe(2000);
    expect(run.warnings.join('\n')).toMatch(/:5: last line is truncated/);
    expect(run.warnings.join('\n')).toMatch(/no summary line/);
  });

  it('rejects a corrupt window in the middle, or skips it when lenient', async () => {
    const lines = k6WindowsLines(reqs, { startMs: start, windowMs: 10_000, summary: true });
    lines[2] = '{"type":"window","index":1,"startMs":1,"endMs":2,"trends":[{"metric":"x"}]}';
    const f = write(lines);
    await expect(readK6Windows(f)).rejects.toMatchObject({ where: `${f}:3` });
    const run = await readK6Windows(f, { lenient: true });
    expect(run.windows).toHaveLength(2);
  });

  it('is detected by readK6Run, as is k6 --out json', async () => {
    const a = await readK6Run(write(k6WindowsLines(reqs, { startMs: start, windowMs: 5000, summary: true })));
    expect(a.format).toBe('perf.k6-windows/v1');
    const b = await readK6Run(write(k6JsonLines(reqs)), { windowMs: 5000 });
    expect(b.format).toBe('k6-json');
    expect(b.windows).toHaveLength(a.windows.length);
    expect(durationHist(b).totalCount).toBe(durationHist(a).totalCount);
  });

  it('rejects a file whose first line is not the header', async () => {
    await expect(readK6Windows(write(k6JsonLines(reqs.slice(0, 2))))).rejects.toThrow(/not a perf.k6-windows\/v1 file/);
  });
});

describe('the two k6 formats of one real run agree (k6 v2.2.0 with --out perf=… and --out json=… at once)', () => {
  it('same requests, failures, series and percentiles per series', async () => {
    const win = await readK6Run(join(FIX, 'k6-windows-real.ndjson'));
    const json = await readK6Run(join(FIX, 'k6-out-same-run.json'));
    expect(win.format).toBe('perf.k6-windows/v1');
    expect(win.complete).toBe(true);
    expect(json.format).toBe('k6-json');
    const key = (t: { metric: string; tags: object }) => `${t.metric} ${JSON.stringify(Object.entries(t.tags).sort())}`;
    const pick = (run: K6Run) =>
      new Map(
        run.totals.trends
          .filter((t) => t.metric === 'http_req_duration')
          .map((t) => {
            const h = decodeHistogram(t.histogram);
            return [key(t), { count: t.count, p50: percentileMs(h, 50), p99: percentileMs(h, 99), max: t.max }];
          }),
      );
    expect(pick(win)).toEqual(pick(json));
    const failed = (run: K6Run) => run.totals.rates.filter((r) => r.metric === 'http_req_failed').reduce((a, r) => a + r.trues, 0);
    expect(failed(win)).toBe(6);
    expect(failed(json)).toBe(6);
  });
});
