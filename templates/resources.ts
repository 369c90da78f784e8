/** Markdown of a run's target resources and resource limits (load-test results, SLO compliance). */
import type { LimitResult } from '../analyzers/resources/limits.js';
import type { ResourceSeries } from '../core/contract/artifacts.js';
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
  const vals = (k: 'cpuPct' | 'rssMb' | 'fds' | 'threads' | 'heapUsedMb'): number[] => r.samples.map((s) => s[k]).filter((v): v is number => typeof v === 'number');
  const row = (name: string, k: 'cpuPct' | 'rssMb' | 'fds' | 'threads' | 'heapUsedMb', unit: string): (string | number)[] | undefined => {
    const v = vals(k);
    if (v.length === 0) return undefined;
    return [name, fmtNum(Math.min(...v)), fmtNum(v.reduce((a, b) => a + b, 0) / v.length), fmtNum(Math.max(...v)), fmtNum(v.at(-1) as number), unit];
  };
  const rows = [row('CPU', 'cpuPct', '% of one core'), row('RSS', 'rssMb', 'MB'), row('heap used', 'heapUsedMb', 'MB'), row('open fds', 'fds', ''), row('threads', 'threads', '')].filter(
    (x): x is (string | number)[] => x !== undefined,
  );
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
    ...(r.heapLeak ? [leak('Heap', r.heapLeak)] : []),
    ...(r.notes ?? []).map((n) => `- note: ${n}`),
    '',
  ];
}
