/**
 * Live progress of a k6 run, read by tailing the result file k6 is writing (our windows NDJSON or
 * stock --out json): VUs, req/s and p95 of the last ~10 s, error rate, and the burn rate and budget
 * consumed so far of the SLO burning fastest — counted with the one ErrorBudget, so at the end of the
 * run it is the figure perf slo-check prints.
 */
import { decodeHistogram, mergeHistograms, percentileMs } from '../../analyzers/histogram.js';
import { allowedBadFraction, badEvents, burnRate, consumedPct, isBadRequest } from '../../analyzers/slo/error-budget.js';
import { k6Aggregate } from '../../analyzers/slo/inputs-k6.js';
import { Rfc3339Clock } from '../../analyzers/parsers/rfc3339-clock.js';
import type { EvalSlo } from '../../analyzers/slo/model.js';
import type { K6WindowLine } from '../../core/artifacts/k6-windows.js';
import { fmtErrorBudget } from '../../core/format.js';
import { FileTail } from './file-tail.js';

export interface ProgressSnapshot {
  elapsedMs: number;
  totalMs: number;
  vus: number;
  /** k6's vus_max (VUs allocated), null until k6 sent one: the line shows "VUs busy/allocated" as k6's own progress bar does. */
  vusMax: number | null;
  rps: number;
  p95Ms: number | null;
  requests: number;
  errorRate: number;
  /** The SLO burning its budget fastest so far (bad events as perf slo-check counts them), or null without SLOs or events. */
  budget: { slo: string; burnRate: number; consumedPct: number; window: string } | null;
}

const RECENT_MS = 10_000;

export class ProgressTail {
  private readonly tail: FileTail | null;
  private requests = 0;
  private failed = 0;
  private vus = 0;
  private vusMax: number | null = null;
  private recent: Array<{ t: number; ms: number }> = [];
  private recentReqs: number[] = [];
  private lastWindow: { rps: number; p95: number | null } | null = null;
  private newest = 0;
  /** The one parser of k6's RFC 3339 point times (the same ms as slo-check reads from the file). */
  private readonly clock = new Rfc3339Clock();
  private readonly events: Array<{ total: number; bad: number }>;
  /** Stock --out json: the duration of the request whose http_req_failed sample is still to come. */
  private pending: { ms: number; journey: string | undefined } | null = null;

  /** `file` null: nothing is tailed, the caller feeds windows with addWindow (the merged runners of --parallel). */
  constructor(
    file: string | null,
    private readonly format: 'windows' | 'json',
    private readonly slos: readonly EvalSlo[],
  ) {
    this.tail = file === null ? null : new FileTail(file);
    this.events = slos.map(() => ({ total: 0, bad: 0 }));
  }

  /** Burn rate and budget consumed (of each SLO's window) of the fastest-burning SLO, over `elapsedMs` of run. */
  private worstBudget(elapsedMs: number): ProgressSnapshot['budget'] {
    let worst: ProgressSnapshot['budget'] = null;
    this.slos.forEach((slo, i) => {
      const e = this.events[i] as { total: number; bad: number };
      if (e.total === 0) return;
      const rate = burnRate(e.bad, e.total, allowedBadFraction(slo.objective));
      if (worst && !(rate > worst.burnRate)) return;
      worst = { slo: slo.name, burnRate: rate, consumedPct: consumedPct(rate, elapsedMs, slo.windowMs), window: slo.window };
    });
    return worst;
  }

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
      vusMax: this.vusMax,
      rps,
      p95Ms: p95,
      requests: this.requests,
      errorRate,
      budget: this.worstBudget(elapsedMs),
    };
  }

  private readNew(): void {
    if (this.tail) for (const line of this.tail.newLines()) this.consume(line);
  }

  private consume(line: string): void {
    if (this.format === 'windows') {
      if (line.includes('"type":"window"')) this.addWindow(JSON.parse(line) as K6WindowLine);
      return;
    }
    if (!line.includes('"type":"Point"')) return;
    const m = /^\{"metric":"([^"]+)"/.exec(line)?.[1];
    if (m !== 'http_reqs' && m !== 'http_req_duration' && m !== 'http_req_failed' && m !== 'vus' && m !== 'vus_max') return;
    const p = JSON.parse(line) as { data: { time: string; value: number; tags?: Record<string, string> | null } };
    const t = this.clock.parse(p.data.time);
    if (t > this.newest) this.newest = t;
    if (m === 'http_reqs') {
      this.requests += p.data.value;
      this.recentReqs.push(t);
    } else if (m === 'http_req_failed') {
      this.failed += p.data.value ? 1 : 0;
      this.judge(p.data.value !== 0, p.data.tags ?? {});
    } else if (m === 'vus') this.vus = p.data.value;
    else if (m === 'vus_max') this.vusMax = p.data.value;
    else {
      this.recent.push({ t, ms: p.data.value });
      const tags = p.data.tags ?? {};
      this.pending = { ms: p.data.value, journey: tags.journey ?? tags.name };
    }
  }

  /** One closed window of the perf output (read from the file, or fed merged). */
  addWindow(w: K6WindowLine): void {
    const reqs = w.counters.filter((c) => c.metric === 'http_reqs').reduce((a, c) => a + c.value, 0);
    this.requests += reqs;
    this.failed += w.rates.filter((r) => r.metric === 'http_req_failed').reduce((a, r) => a + r.trues, 0);
    this.vus = Math.max(0, ...w.gauges.filter((g) => g.metric === 'vus').map((g) => g.max));
    if (w.gauges.some((g) => g.metric === 'vus_max')) this.vusMax = Math.max(0, ...w.gauges.filter((g) => g.metric === 'vus_max').map((g) => g.max));
    this.slos.forEach((slo, i) => {
      const agg = k6Aggregate(w, slo.journey);
      if (!agg) return;
      const e = this.events[i] as { total: number; bad: number };
      e.total += agg.total;
      e.bad += badEvents(slo, agg).bad ?? 0;
    });
    const hs = w.trends.filter((t) => t.metric === 'http_req_duration' && t.count > 0).map((t) => decodeHistogram(t.histogram, 'a k6 window', { resizable: false }));
    this.lastWindow = {
      rps: reqs / Math.max(0.001, (w.endMs - w.startMs) / 1000),
      p95: hs.length ? percentileMs(mergeHistograms(hs), 95) : null,
    };
  }

  /** k6 writes a request's http_req_duration before its http_req_failed: judge the pair with the one bad-event rule. */
  private judge(failed: boolean, tags: Record<string, string>): void {
    const journey = tags.journey ?? tags.name;
    const durationMs = this.pending && this.pending.journey === journey ? this.pending.ms : 0;
    this.pending = null;
    this.slos.forEach((slo, i) => {
      if (slo.journey !== undefined && slo.journey !== (tags.journey ?? tags.name)) return;
      const e = this.events[i] as { total: number; bad: number };
      e.total++;
      if (isBadRequest(slo, { failed, durationMs })) e.bad++;
    });
  }
}

/** One line: scenario, elapsed/total, VUs, req/s, p95, error rate, the fastest-burning SLO's budget. */
export function formatProgress(scenario: string, s: ProgressSnapshot): string {
  const sec = (ms: number): string => `${Math.floor(ms / 1000)}s`;
  return [
    `${scenario} ${sec(s.elapsedMs)}/${sec(s.totalMs)}`,
    s.vusMax === null ? `VUs ${s.vus}` : `VUs ${s.vus}/${s.vusMax}`,
    `${s.rps.toFixed(1)} req/s`,
    `p95 ${s.p95Ms === null ? 'n/a' : `${s.p95Ms.toFixed(1)} ms`}`,
    `errors ${(s.errorRate * 100).toFixed(2)}%`,
    s.budget === null ? 'budget n/a' : `${s.budget.slo}: ${fmtErrorBudget(s.budget)}`,
  ].join(' · ');
}
