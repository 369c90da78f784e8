/**
 * Decimal-safe arithmetic for SLO figures. Objectives are written in decimal (99.9) but binary floats
 * cannot hold them, so `1 - 0.999` is 0.0010000000000000009. Every figure perf prints or compares goes
 * through `dec` (12 significant digits: far below any precision an SLO needs, far above float noise).
 */
export function dec(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(12));
}


/** Safe ratio: 0/0 → 0. */
export function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 0 : Number.POSITIVE_INFINITY;
  return a / b;
}
