/** Markdown of a run's target resources and resource limits (load-test results, SLO compliance). */
import type { LimitResult } from '../analyzers/resources/limits.js';
import type { ResourceSample, ResourceSeries } from '../core/contract/artifacts.js';
import { fmtNum, md, mdTable } from '../core/markdown.js';

export function renderLimitsTable(limits: readonly LimitResult[]): string[] {
  if (limits.length === 0) return [];
  return [
    '## Resource limits',
    '',
    mdTable(
      ['limit', 'allowed', 'observed', 'status', 'evidence'],
      limits.map((l) => [l.name, fmtNum(l.limit), l.observed === null ? 'n/a' : `${fmtNum(l.observed)} (${l.statistic})`, l.status === 'FAIL' ? md('**FAIL**') : l.status, l.evidence]),
    ),
    '',
  ];
}

export function renderResourcesSection(r: ResourceSeries | undefined): string[] {
  if (!r) return [];
  type Series = (s: ResourceSample) => number | null | undefined;
  const row = (name: string, of: Series, unit: string): (string | number)[] | undefined => {
    const v = r.samples.map(of).filter((x): x is number => typeof x === 'number');
    if (v.length === 0) return undefined;
    return [name, fmtNum(Math.min(...v)), fmtNum(v.reduce((a, b) => a + b, 0) / v.length), fmtNum(Math.max(...v)), fmtNum(v.at(-1) as number), unit];
  };
  const perSecond = r.intervalMs / 1000;
  const rows = [
    row('CPU', (s) => s.cpuPct, '% of one core'),
    row('RSS', (s) => s.rssMb, 'MB'),
    row('heap used', (s) => s.heapUsedMb, 'MB'),
    row('heap total', (s) => s.heapTotalMb, 'MB'),
    row('heap after last major GC', (s) => s.heapAfterGcMb, 'MB'),
    row('event-loop delay p99', (s) => s.eventLoopDelayMs?.p99, 'ms'),
    row('event-loop delay max', (s) => s.eventLoopDelayMs?.max, 'ms'),
    row('GC pause time', (s) => (s.gcMs === undefined ? undefined : Math.round((s.gcMs / perSecond) * 100) / 100), 'ms per s'),
    row('open fds', (s) => s.fds, ''),
    row('threads', (s) => s.threads, ''),
  ].filter((x): x is (string | number)[] => x !== undefined);
  const leak = (name: string, l: ResourceSeries['leak']): string =>
    `- ${name} leak: ${l.suspected ? '**suspected**' : 'not suspected'}${l.slopeMbPerHour === null ? '' : ` — slope ${fmtNum(l.slopeMbPerHour)} MB/h (95 % CI ${l.ci95 ? `${fmtNum(l.ci95[0])}…${fmtNum(l.ci95[1])}` : 'n/a'})`}; ${l.basis}`;
  return [
    '## Target resources',
    '',
    `${r.samples.length} samples every ${r.intervalMs} ms from ${r.source === 'proc' ? `/proc (process tree of pid ${r.pid})` : `${r.metricsUrl} (Prometheus)`}.`,
    '',
    rows.length > 0 ? mdTable(['resource', 'min', 'mean', 'max', 'last', 'unit'], rows) : '_No sample could be read._',
    '',
    leak('RSS', r.leak),
    ...(r.heapLeak ? [leak(r.heapLeak.series === 'heapAfterGcMb' ? 'Heap (after GC)' : 'Heap (used)', r.heapLeak)] : []),
    ...(r.runtime ? [`- Node runtime (heap, event-loop delay, GC): ${r.runtime.note}`] : []),
    ...(r.notes ?? []).map((n) => `- note: ${n}`),
    '',
  ];
}
