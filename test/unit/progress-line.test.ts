import { describe, expect, it } from 'vitest';
import { formatProgress, ProgressTail, type ProgressSnapshot } from '../../k6-scripts/src/progress.js';
import type { K6WindowLine } from '../../core/artifacts/k6-windows.js';

const T0 = 1_700_000_000_000;
const window = (gauges: K6WindowLine['gauges']): K6WindowLine => ({
  type: 'window',
  index: 0,
  startMs: T0,
  endMs: T0 + 1000,
  trends: [],
  counters: [{ metric: 'http_reqs', tags: {}, value: 20 }],
  rates: [{ metric: 'http_req_failed', tags: {}, trues: 0, total: 20 }],
  gauges,
});

describe('the live progress line', () => {
  it('shows busy/allocated VUs as k6 does, so an arrival-rate run of a fast service does not read "VUs 0"', () => {
    const tail = new ProgressTail('/nonexistent', 'windows', []);
    tail.addWindow(window([{ metric: 'vus', tags: {}, value: 0, max: 0 }, { metric: 'vus_max', tags: {}, value: 2, max: 2 }]));
    const snap = tail.snapshot(1000, 60_000);
    expect(snap.vusMax).toBe(2);
    expect(formatProgress('stress', snap)).toContain('· VUs 0/2 ·');
  });

  it('shows the VUs alone when k6 sent no vus_max', () => {
    const snap: ProgressSnapshot = { elapsedMs: 1000, totalMs: 60_000, vus: 5, vusMax: null, rps: 10, p95Ms: 3, requests: 10, errorRate: 0, budget: null };
    expect(formatProgress('soak', snap)).toBe('soak 1s/60s · VUs 5 · 10.0 req/s · p95 3.0 ms · errors 0.00% · budget n/a');
  });
});
