/**
 * Runner files of one scale-out run, generated from a seed, for the tests of the runner merge (serial,
 * split in parts, on threads): trends with histograms of very different ranges (so the totals resize),
 * counters, rates, gauges; gaps, aborts, summaries and unaligned windows on request.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHistogram, newHistogram, recordMs } from '../../analyzers/histogram.js';
import type { K6WindowLine } from '../../core/artifacts/k6-windows.js';
import { seededRandom } from '../../core/random.js';

/** The windows' size (ms). */
export const W = 1000;
const dirs: string[] = [];
/** Removes every folder runnerFiles made (afterAll). */
export const removeRunnerFiles = (): void => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));

export interface RunnerSpec {
  windows: number;
  /** Window indices the runner skipped (a stall: no window written). */
  gaps?: number[];
  summary?: boolean;
  abortAt?: number;
  /** Milliseconds the runner's windows are shifted by (unaligned files). */
  shiftMs?: number;
}

/** A folder of runner files r0.perf.ndjson, r1.perf.ndjson, … of one run, one per spec. */
export function runnerFiles(seed: number, specs: RunnerSpec[], opts: { aligned?: boolean } = {}): string {
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
