/**
 * perf.k6-windows/v1 streams of k6 runners of one scale-out run, generated as the perf output writes
 * them (epoch-aligned windows, the contract's bucketing through WindowedRun): for the merge, the
 * collector and slo-check tests.
 */
import type { K6SummaryLine, K6WindowsHeader, K6WindowsLine } from '../../core/artifacts/k6-windows.js';
import { pickTags, seriesKey, WindowedRun } from '../../analyzers/parsers/k6-aggregate.js';
import { seededRandom } from '../../core/random.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunnerStreamSpec {
  runId: string;
  runner: string;
  segment: string;
  sequence: string;
  /** Epoch-aligned start (a multiple of windowMs). */
  startMs: number;
  windowMs: number;
  seconds: number;
  /** Requests per second of this runner. */
  rate: number;
  /** Share of failed requests (503) from `failFromS` on (default none). */
  failShare?: number;
  failFromS?: number;
  seed?: number;
  /** Write the summary line (a runner that finished); false: killed. Default true. */
  summary?: boolean;
}

export function runnerStream(s: RunnerStreamSpec): K6WindowsLine[] {
  const rnd = seededRandom(s.seed ?? 1);
  const header: K6WindowsHeader = {
    schema: 'perf.k6-windows/v1',
    type: 'header',
    startMs: s.startMs,
    windowMs: s.windowMs,
    k6Version: 'v2.0.0',
    extensionVersion: 'test',
    slos: [],
    guard: null,
    runId: s.runId,
    runner: s.runner,
    segment: s.segment,
    segmentSequence: s.sequence,
    alignedWindows: true,
  };
  const run = new WindowedRun(s.startMs, s.windowMs);
  const n = Math.round(s.seconds * s.rate);
  for (let i = 0; i < n; i++) {
    const at = s.startMs + Math.floor((i * 1000) / s.rate);
    const failed = s.failShare !== undefined && at - s.startMs >= (s.failFromS ?? 0) * 1000 && rnd() < s.failShare;
    const raw = { journey: 'browse', name: 'GET /', status: failed ? '503' : '200' };
    const tags = (metric: string) => pickTags(metric, raw);
    const ms = Math.round(Math.exp(Math.log(20) + rnd()) * 1000) / 1000;
    run.add('trend', seriesKey('http_req_duration', tags('http_req_duration')), 'http_req_duration', tags('http_req_duration'), ms, at);
    run.add('counter', seriesKey('http_reqs', tags('http_reqs')), 'http_reqs', tags('http_reqs'), 1, at);
    run.add('rate', seriesKey('http_req_failed', tags('http_req_failed')), 'http_req_failed', tags('http_req_failed'), failed ? 1 : 0, at);
  }
  const stopMs = s.startMs + s.seconds * 1000;
  run.closeAll(stopMs);
  const lines: K6WindowsLine[] = [header, ...run.closed];
  if (s.summary !== false) {
    const t = run.totals.toWindow(0, 0, 0);
    const summary: K6SummaryLine = { type: 'summary', startMs: s.startMs, endMs: stopMs, windows: run.closed.length, trends: t.trends, counters: t.counters, rates: t.rates, gauges: t.gauges, aborted: null };
    lines.push(summary);
  }
  return lines;
}

export const ndjson = (lines: readonly K6WindowsLine[]): string => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

/** The http_reqs of a stream (its summary, else its windows). */
export function requestsOf(lines: readonly K6WindowsLine[]): number {
  const summary = lines.find((l) => l.type === 'summary');
  const sets = summary ? [summary] : lines.filter((l) => l.type === 'window');
  return sets.reduce((n, set) => n + set.counters.filter((c) => c.metric === 'http_reqs').reduce((a, c) => a + c.value, 0), 0);
}

/** A project folder whose one SLO is 99 % availability (YAML is a superset of JSON), for the runners' CLI tests. */
export function runnerProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = {
    target: { baseUrl: 'http://127.0.0.1:18931' },
    journeys: [{ name: 'browse', steps: [{ name: 'home', path: '/' }] }],
    slos: [{ name: 'availability', sli: 'availability', objective: 99, window: '30d' }],
  };
  writeFileSync(join(dir, 'perf.config.yaml'), JSON.stringify(config, null, 2));
  return dir;
}
