import { linearRegression } from 'simple-statistics';

/**
 * A least-squares line through (x, y) points (simple-statistics) with the 95 % confidence interval of
 * its slope: normal 1.96, samples treated as independent (optimistic for autocorrelated series, so
 * callers pair it with a floor on the fitted change). PURE. Needs >= 3 points with distinct x.
 */
export interface Trend {
  slope: number;
  intercept: number;
  ci95: [number, number];
  n: number;
}

export function fitTrend(xy: ReadonlyArray<readonly [number, number]>): Trend | null {
  const n = xy.length;
  if (n < 3) return null;
  const { m, b } = linearRegression(xy.map(([x, y]) => [x, y]));
  const meanX = xy.reduce((a, [x]) => a + x, 0) / n;
  const sxx = xy.reduce((a, [x]) => a + (x - meanX) ** 2, 0);
  if (sxx === 0) return null;
  const sse = xy.reduce((a, [x, y]) => a + (y - (m * x + b)) ** 2, 0);
  const se = Math.sqrt(sse / (n - 2) / sxx);
  return { slope: m, intercept: b, ci95: [m - 1.96 * se, m + 1.96 * se], n };
}
