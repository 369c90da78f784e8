/**
 * Live progress of a k6 run, read by tailing the result file k6 is writing (our windows NDJSON or
 * stock --out json): VUs, req/s and p95 of the last ~10 s, error rate and error budget burned so far.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { decodeHistogram, mergeHistograms, percentileMs } from '../../analyzers/histogram.js';
import type { K6WindowLine } from '../../core/artifacts/k6-windows.js';

export interface ProgressSnapshot {
  elapsedMs: number;
  totalMs: number;
  vus: number;
  rps: number;
  p95Ms: number | null;
  requests: number;
  errorRate: number;
  /** Share of the run's error budget burned so far (failed / allowed failures), or null without an availability SLO. */
  budgetBurned: number | null;
}

const RECENT_MS = 10_000;

export class ProgressTail {
  private offset = 0;
  private partial = '';
  private requests = 0;
  private failed = 0;
  private vus = 0;
  private recent: Array<{ t: number; ms: number }> = [];
  private recentReqs: number[] = [];
  private lastWindow: { rps: number; p95: number | null } | null = null;
  private newest = 0;

  constructor(
    private readonly file: string,
    private readonly format: 'windows' | 'json',
    /** Allowed bad fraction of the tightest availability/error-rate SLO, if any. */
    private readonly allowedBad: number | null,
  ) {}

  snapshot(elapsedMs: number, totalMs: number): ProgressSnapshot {
    this.readNew();
    let rps = 0;
    let p95: number | null = null;
    if (this.format === 'windows') {
      rps = this.lastWindow?.rps ?? 0;
      p95 = this.lastWindow?.p95 ?? null;
    } else {
      const since = this.newest - RECENT_MS;
      this.recent = this.recent.filter((r) => r.t >= since);
      this.recentReqs = this.recentReqs.filter((t) => t >= since);
      const span = Math.min(RECENT_MS, Math.max(1000, elapsedMs)) / 1000;
      rps = this.recentReqs.length / span;
      if (this.recent.length) {
        const sorted = this.recent.map((r) => r.ms).sort((a, b) => a - b);
        p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? null;
      }
    }
    const errorRate = this.requests > 0 ? this.failed / this.requests : 0;
    return {
      elapsedMs,
      totalMs,
      vus: this.vus,
      rps,
      p95Ms: p95,
      requests: this.requests,
      errorRate,
      budgetBurned: this.allowedBad && this.allowedBad > 0 ? errorRate / this.allowedBad : null,
    };
  }

  private readNew(): void {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return;
    }
    if (size <= this.offset) return;
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(size - this.offset, 16 * 1024 * 1024));
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      const text = this.partial + buf.subarray(0, n).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.consume(line);
    } finally {
      closeSync(fd);
    }
  }

  private consume(line: string): void {
    if (this.format === 'windows') {
      if (!line.includes('"type":"window"')) return;
      const w = JSON.parse(line) as K6WindowLine;
      const reqs = w.counters.filter((c) => c.metric === 'http_reqs').reduce((a, c) => a + c.value, 0);
      this.requests += reqs;
      this.failed += w.rates.filter((r) => r.metric === 'http_req_failed').reduce((a, r) => a + r.trues, 0);
      this.vus = Math.max(0, ...w.gauges.filter((g) => g.metric === 'vus').map((g) => g.max));
      const hs = w.trends.filter((t) => t.metric === 'http_req_duration' && t.count > 0).map((t) => decodeHistogram(t.histogram));
      this.lastWindow = {
        rps: reqs / Math.max(0.001, (w.endMs - w.startMs) / 1000),
        p95: hs.length ? percentileMs(mergeHistograms(hs), 95) : null,
      };
      return;
    }
    if (!line.includes('"type":"Point"')) return;
    const m = /^\{"metric":"([^"]+)"/.exec(line)?.[1];
    if (m !== 'http_reqs' && m !== 'http_req_duration' && m !== 'http_req_failed' && m !== 'vus') return;
    const p = JSON.parse(line) as { data: { time: string; value: number } };
    const t = Date.parse(p.data.time);
    if (t > this.newest) this.newest = t;
    if (m === 'http_reqs') {
      this.requests += p.data.value;
      this.recentReqs.push(t);
    } else if (m === 'http_req_failed') this.failed += p.data.value ? 1 : 0;
    else if (m === 'vus') this.vus = p.data.value;
    else this.recent.push({ t, ms: p.data.value });
  }
}

/** One line: scenario, elapsed/total, VUs, req/s, p95, error rate, budget burned. */
export function formatProgress(scenario: string, s: ProgressSnapshot): string {
  const sec = (ms: number): string => `${Math.floor(ms / 1000)}s`;
  return [
    `${scenario} ${sec(s.elapsedMs)}/${sec(s.totalMs)}`,
    `VUs ${s.vus}`,
    `${s.rps.toFixed(1)} req/s`,
    `p95 ${s.p95Ms === null ? 'n/a' : `${s.p95Ms.toFixed(1)} ms`}`,
    `errors ${(s.errorRate * 100).toFixed(2)}%`,
    `budget burned ${s.budgetBurned === null ? 'n/a' : `${(s.budgetBurned * 100).toFixed(0)}%`}`,
  ].join(' · ');
}
