import { quantile } from 'simple-statistics';
import type { ResourceLimits } from '../../core/contract/config.js';
import type { ResourceSeries } from '../../core/contract/artifacts.js';

/** One resource limit checked against a run's samples (PASS/FAIL, or n/a without data). */
export interface LimitResult {
  name: keyof ResourceLimits;
  limit: number;
  /** The figure compared: p95 of the per-interval CPU, peak of the others. */
  observed: number | null;
  statistic: 'p95' | 'peak';
  status: 'PASS' | 'FAIL' | 'n/a';
  evidence: string;
}

const SERIES: Record<keyof ResourceLimits, { key: 'cpuPct' | 'rssMb' | 'heapUsedMb' | 'fds'; statistic: 'p95' | 'peak'; unit: string }> = {
  // CPU is p95 so one busy second (a GC, a JIT burst) does not fail a run; memory and fds are peaks.
  cpuPct: { key: 'cpuPct', statistic: 'p95', unit: '% of a core' },
  rssMb: { key: 'rssMb', statistic: 'peak', unit: 'MB' },
  heapMb: { key: 'heapUsedMb', statistic: 'peak', unit: 'MB' },
  fds: { key: 'fds', statistic: 'peak', unit: 'fds' },
};

export function checkLimits(limits: ResourceLimits | undefined, resources: ResourceSeries | undefined): LimitResult[] {
  const out: LimitResult[] = [];
  for (const [name, limit] of Object.entries(limits ?? {}) as [keyof ResourceLimits, number | undefined][]) {
    if (limit === undefined) continue;
    const { key, statistic, unit } = SERIES[name];
    const values = (resources?.samples ?? []).map((s) => s[key]).filter((v): v is number => typeof v === 'number');
    if (values.length === 0) {
      out.push({ name, limit, observed: null, statistic, status: 'n/a', evidence: resources ? `no ${key} samples in the run` : 'no resource samples in this result (perf samples them when it starts the target, or from target.pid / target.metricsUrl)' });
      continue;
    }
    const observed = Math.round((statistic === 'p95' ? quantile(values, 0.95) : Math.max(...values)) * 10) / 10;
    out.push({
      name,
      limit,
      observed,
      statistic,
      status: observed <= limit ? 'PASS' : 'FAIL',
      evidence: `${statistic} ${observed} ${unit} of ${values.length} samples (${resources?.source}) vs limit ${limit}`,
    });
  }
  return out;
}
