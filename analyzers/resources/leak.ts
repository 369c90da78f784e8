import { quantile } from 'simple-statistics';
import { fitTrend } from '../trend.js';
import { fmtDecimal, fmtSeconds } from '../../core/format.js';
import type { LeakVerdict, ResourceSample } from '../../core/contract/artifacts.js';

/**
 * Leak rule (README "Resources and leaks"): the first WARMUP_SHARE of the run is dropped (start-up,
 * JIT, caches filling); the rest must span >= MIN_SPAN_MS with >= MIN_SAMPLES samples. A least-squares
 * fit of memory against time (simple-statistics) is a suspected leak when the 95 % confidence
 * interval of its slope lies above 0 AND the fitted growth over the analysed span is at least
 * max(MIN_GROWTH_MB, MIN_GROWTH_SHARE of the median level) — a real trend, not allocator noise.
 * The CI uses the normal 1.96 (n >= 20) and treats samples as independent; memory samples are
 * autocorrelated, so the interval is optimistic — which is why the growth floor is also required.
 */
export const LEAK_RULE = { warmupShare: 0.25, minSpanMs: 20_000, minSamples: 20, minGrowthMb: 5, minGrowthShare: 0.05 } as const;

export type MemorySeries = 'rssMb' | 'heapUsedMb' | 'heapAfterGcMb';

export function detectLeak(samples: readonly ResourceSample[], series: MemorySeries = 'rssMb', rule = LEAK_RULE): LeakVerdict {
  const all = samples.filter((s) => typeof s[series] === 'number').map((s) => [s.tMs, s[series] as number] as [number, number]);
  const none = (basis: string): LeakVerdict => ({ suspected: false, slopeMbPerHour: null, ci95: null, basis, series });
  if (all.length === 0) return none(series === 'heapAfterGcMb' ? 'n/a: no heap-after-GC samples (no major GC happened during the run)' : `no ${series} samples`);
  const first = all[0]![0];
  const last = all.at(-1)![0];
  const from = first + (last - first) * rule.warmupShare;
  const points = all.filter(([t]) => t >= from);
  const spanMs = (points.at(-1)?.[0] ?? from) - (points[0]?.[0] ?? from);
  if (points.length < rule.minSamples || spanMs < rule.minSpanMs) {
    return none(
      `n/a: ${points.length} samples over ${fmtSeconds(spanMs)} after dropping the first ${rule.warmupShare * 100} % as warm-up; ` +
        `the rule needs >= ${rule.minSamples} samples over >= ${rule.minSpanMs / 1000} s`,
    );
  }
  // Fit in hours so the slope is MB/h directly.
  const xy = points.map(([t, v]) => [t / 3_600_000, v] as [number, number]);
  const trend = fitTrend(xy);
  if (!trend) return none(`n/a: ${points.length} samples at one instant`);
  const m = trend.slope;
  const ci95 = trend.ci95;
  const growthMb = m * (spanMs / 3_600_000);
  const level = quantile(points.map(([, v]) => v), 0.5);
  const floorMb = Math.max(rule.minGrowthMb, rule.minGrowthShare * level);
  const suspected = ci95[0] > 0 && growthMb >= floorMb;
  const round = (v: number): number => Math.round(v * 100) / 100;
  return {
    suspected,
    slopeMbPerHour: round(m),
    ci95: [round(ci95[0]), round(ci95[1])],
    basis:
      `${trend.n} samples over ${fmtSeconds(spanMs)} (first ${rule.warmupShare * 100} % dropped as warm-up); ` +
      `fitted growth ${fmtDecimal(growthMb, 1)} MB vs floor ${fmtDecimal(floorMb, 1)} MB (max of ${rule.minGrowthMb} MB, ${rule.minGrowthShare * 100} % of median ${fmtDecimal(level, 0)} MB); ` +
      `CI95 lower bound ${ci95[0] > 0 ? '> 0' : '<= 0'}`,
    series,
  };
}
