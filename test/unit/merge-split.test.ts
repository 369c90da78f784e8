import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeHistogram, encodeHistogram, latencyStats, newHistogram, recordMs } from '../../analyzers/histogram.js';
import { readRunnerFiles as readSerially } from '../../capture/results/runner-files-serial.js';
import type { K6WindowLine } from '../../core/artifacts/k6-windows.js';
import { seededRandom } from '../../core/random.js';
import { readRunnerFiles } from '../../capture/results/runner-files.js';

// The split merge (capture/results: the files cut in time, parts merged side by side, joined) must give
// exactly the serial merge (analyzers/merge), the reference: the same lines, runners, totals and warnings,
// and the same errors. Under vitest the parts run in-process (no compiled worker): the cut, the parts and
// the join are what is tested here; bench/merge runs them on threads.

const W = 1000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface RunnerSpec {
  windows: number;
  /** Window indices the runner skipped (a stall: no window written). */
  gaps?: number[];
  summary?: boolean;
  abortAt?: number;
  /** Milliseconds the runner's windows are shifted by (unaligned files). */
  shiftMs?: number;
}

/** Runner files of one run: trends with histograms of very different ranges (so the totals resize), counters, rates, gauges. */
function runnerFiles(seed: number, specs: RunnerSpec[], opts: { aligned?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'perf-merge-split-'));
  dirs.push(dir);
  const rand = seededRandom(seed);
  const start = Math.floor(Date.UTC(2026, 0, 1) / W) * W;
  specs.forEach((spec, r) => {
    const shift = spec.shiftMs ?? 0;
    const lines: unknown[] = [
      {
        schema: 'perf.k6-windows/v1', type: 'header', startMs: start + shift, windowMs: W, k6Version: 'v2.0.0', extensionVersion: 'test', slos: [], guard: null,
        runId: 'run', runner: `r${r}`, segment: `${r}/${specs.length}:${r + 1}/${specs.length}`, segmentSequence: null, ...(opts.aligned === false ? {} : { alignedWindows: true }),
      },
    ];
    let n = 0;
    let reqs = 0;
    for (let i = 0; i < spec.windows; i++) {
      if (spec.gaps?.includes(i)) continue;
      const trends = [];
      const counters = [];
      const rates = [];
      for (const journey of ['browse', 'checkout']) {
        for (const status of rand() < 0.25 ? ['2xx', '5xx'] : ['2xx']) {
          const h = newHistogram();
          const count = 1 + Math.floor(rand() * 30);
          // Mostly tens of ms; now and then minutes, at any time, so the run totals resize at different points.
          const scale = rand() < 0.03 ? 200_000 : rand() < 0.1 ? 0.5 : 50;
          let sum = 0;
          let min = Infinity;
          let max = 0;
          for (let k = 0; k < count; k++) {
            const ms = 0.01 + rand() * scale;
            recordMs(h, ms);
            sum += ms;
            min = Math.min(min, ms);
            max = Math.max(max, ms);
          }
          const tags = { journey, name: journey === 'browse' ? 'GET /' : 'POST /order', status };
          trends.push({ metric: 'http_req_duration', tags, count, min, max, sum, histogram: encodeHistogram(h) });
          counters.push({ metric: 'http_reqs', tags, value: count });
          rates.push({ metric: 'http_req_failed', tags, trues: status === '5xx' ? count : 0, total: count });
          reqs += count;
        }
      }
      counters.push({ metric: 'data_received', tags: {}, value: rand() * 1e6 });
      const w: K6WindowLine = {
        type: 'window', index: n++, startMs: start + shift + i * W, endMs: start + shift + (i + 1) * W,
        trends, counters, rates, gauges: [{ metric: 'vus', tags: {}, value: 1 + Math.floor(rand() * 9), max: 10 }],
      };
      lines.push(w);
      if (spec.abortAt === i) lines.push({ type: 'abort', atMs: w.endMs, slo: 'latency', reason: 'burn rate', longBurnRate: 20, shortBurnRate: 30 });
    }
    if (spec.summary) {
      lines.push({
        type: 'summary', startMs: start + shift, endMs: start + shift + spec.windows * W, windows: n, aborted: null,
        trends: [], counters: [{ metric: 'http_reqs', tags: {}, value: reqs }], rates: [], gauges: [],
      });
    }
    writeFileSync(join(dir, `r${r}.perf.ndjson`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  });
  return dir;
}

/** The split merge gives the serial one, in `parts` parts (or serially: 1, when it should not vouch for the input). */
async function expectSameMerge(dir: string, ranIn: (parts: number) => number = (p) => p): Promise<void> {
  const serial = await readSerially([dir]);
  for (const parts of [2, 3]) {
    const split = await readRunnerFiles([dir], { parts, minBytes: 0 });
    expect(split.parts).toBe(ranIn(parts));
    // Byte for byte: the same encoder sums the same counts in the same order.
    expect(split.lines).toEqual(serial.lines);
    expect(split.runners).toEqual(serial.runners);
    expect(split.run).toEqual(serial.run);
    for (const [i, t] of split.run.totals.trends.entries()) {
      expect(latencyStats(decodeHistogram(t.histogram))).toEqual(latencyStats(decodeHistogram(serial.run.totals.trends[i]!.histogram)));
    }
  }
}

describe('the split merge of runner files (parts side by side, joined in order)', () => {
  it('gives exactly the serial merge: windows, totals with resizes at different points, runners, warnings', async () => {
    await expectSameMerge(runnerFiles(1, [{ windows: 80 }, { windows: 80, gaps: [3, 40, 41, 77] }, { windows: 60 }, { windows: 80 }]));
  });

  it('gives exactly the serial merge with summaries, an abort mid-run and a runner that stopped early', async () => {
    await expectSameMerge(runnerFiles(2, [{ windows: 100, summary: true }, { windows: 100, summary: true, abortAt: 60 }, { windows: 35, summary: true }]));
    await expectSameMerge(runnerFiles(3, [{ windows: 100, summary: true }, { windows: 100, abortAt: 10 }]));
  });

  it('gives exactly the serial merge of unaligned runners (re-binned by midpoint)', async () => {
    await expectSameMerge(runnerFiles(4, [{ windows: 80 }, { windows: 80, shiftMs: 300 }, { windows: 80, shiftMs: 700 }], { aligned: false }));
  });

  it('reads lines as the serial reader does: CRLF line ends, blank lines, no newline at the end', async () => {
    const dir = runnerFiles(8, [{ windows: 70, summary: true }, { windows: 70 }]);
    const a = join(dir, 'r0.perf.ndjson');
    writeFileSync(a, readFileSync(a, 'utf8').trimEnd().split('\n').join('\r\n\r\n'));
    await expectSameMerge(dir);
  });

  it('leaves what it cannot vouch for to the serial merge: a truncated last line, windows out of order, a corrupt line', async () => {
    const truncated = runnerFiles(5, [{ windows: 60 }, { windows: 60 }]);
    writeFileSync(join(truncated, 'r1.perf.ndjson'), '{"type":"window","index":60,"startMs', { flag: 'a' });
    await expectSameMerge(truncated, () => 1);

    const shuffled = runnerFiles(6, [{ windows: 60 }, { windows: 60 }]);
    const lines = readFileSync(join(shuffled, 'r0.perf.ndjson'), 'utf8').trimEnd().split('\n');
    [lines[10], lines[50]] = [lines[50]!, lines[10]!];
    writeFileSync(join(shuffled, 'r0.perf.ndjson'), lines.join('\n') + '\n');
    await expectSameMerge(shuffled, () => 1);

    const corrupt = runnerFiles(7, [{ windows: 60 }, { windows: 60 }]);
    const c = readFileSync(join(corrupt, 'r1.perf.ndjson'), 'utf8').split('\n');
    c[40] = '{"type":"window","startMs":"soon"}';
    writeFileSync(join(corrupt, 'r1.perf.ndjson'), c.join('\n'));
    const serial = await readSerially([corrupt]).catch((e: Error) => e.message);
    expect(serial).toMatch(/corrupt line/);
    expect(await readRunnerFiles([corrupt], { parts: 3, minBytes: 0 }).catch((e: Error) => e.message)).toBe(serial);
  });
});
