/**
 * `perf export --csv`: a load test's windows and journey figures as CSV for spreadsheets (and the
 * Grafana dashboard's CSV panels). PURE. One row per window / per journey (+ "overall"); times in
 * seconds from the start of the run and as ISO timestamps; latencies in ms; empty cell = no data.
 */
import Papa from 'papaparse';
import type { LoadTestPayload } from '../core/artifacts/schemas.js';

export const WINDOW_COLUMNS = ['start_time', 'start_s', 'end_s', 'requests', 'errors', 'error_rate', 'rps', 'p50_ms', 'p95_ms', 'p99_ms', 'vus'] as const;
export const JOURNEY_COLUMNS = ['journey', 'requests', 'errors', 'error_rate', 'throughput_rps', 'min_ms', 'p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'p999_ms', 'max_ms', 'mean_ms', 'duration_s'] as const;

const num = (v: number): number | '' => (Number.isFinite(v) ? v : '');

export function windowsCsv(p: LoadTestPayload): string {
  const t0 = Date.parse(p.startedAt);
  const rows = p.windows.map((w) => [
    Number.isFinite(t0) ? new Date(t0 + w.startMs).toISOString() : '',
    w.startMs / 1000,
    w.endMs / 1000,
    w.requests,
    w.errors,
    num(w.errorRate),
    num(w.rps),
    num(w.latencyMs.p50),
    num(w.latencyMs.p95),
    num(w.latencyMs.p99),
    w.vus,
  ]);
  return `${Papa.unparse({ fields: [...WINDOW_COLUMNS], data: rows })}\n`;
}

export function journeysCsv(p: LoadTestPayload): string {
  const rows = [...p.journeys, p.overall].map((f) => [
    f.name,
    f.requests,
    f.errors,
    num(f.errorRate),
    num(f.throughputRps),
    ...(['min', 'p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'] as const).map((k) => num(f.latencyMs[k])),
    f.durationMs / 1000,
  ]);
  return `${Papa.unparse({ fields: [...JOURNEY_COLUMNS], data: rows })}\n`;
}
