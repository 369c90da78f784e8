/** Axis scales and tick choice for the server-side SVG charts. Pure functions. */

export interface LinearScale {
  (v: number): number;
  domain: [number, number];
  range: [number, number];
}

/** Maps [d0, d1] onto [r0, r1] linearly; a zero-width domain maps everything to r0. */
export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as LinearScale;
  f.domain = domain;
  f.range = range;
  return f;
}

/** "Nice" round tick values covering [min, max], about `count` of them (1, 2, 2.5, 5 × 10^n steps). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const step = niceStep((max - min) / Math.max(1, count));
  const start = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= max + step * 1e-9; v += step) ticks.push(roundTo(v, step));
  return ticks;
}

/** A domain [min', max'] widened to nice round ends, so the top tick sits on the frame. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max === min) return min === 0 ? [0, 1] : [Math.min(0, min), Math.max(0, max) * 1.1 || 1];
  const step = niceStep((max - min) / Math.max(1, count));
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * p;
}

function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(Math.min(digits, 12)));
}

const TIME_STEPS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Ticks on a time axis in ms at round durations (1s … 1d), at most about `count` of them. */
export function timeTicks(minMs: number, maxMs: number, count = 8): number[] {
  const span = maxMs - minMs;
  if (!(span > 0)) return [minMs];
  const step = TIME_STEPS_MS.find((s) => span / s <= count) ?? Math.ceil(span / count / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let v = Math.ceil(minMs / step) * step; v <= maxMs; v += step) ticks.push(v);
  return ticks;
}

/** A time offset as a short axis label: 0s, 45s, 2m30s, 1h, 23h30m. */
export function formatOffset(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/**
 * The HdrHistogram plotter's percentile axis: x = log10(1 / (1 - p)), so 0 % sits at 0, 90 % at 1,
 * 99 % at 2, 99.9 % at 3 — the tail gets as much room as the body.
 */
export function percentileToX(percentile: number): number {
  const p = Math.min(percentile, 99.99999999) / 100;
  return Math.log10(1 / (1 - p));
}

export function xToPercentile(x: number): number {
  return (1 - 10 ** -x) * 100;
}

/** Label of a percentile-axis tick at integer x: 0%, 90%, 99%, 99.9%, 99.99% … */
export function percentileTickLabel(x: number): string {
  if (x <= 0) return '0%';
  return `${xToPercentile(x).toFixed(Math.max(0, x - 2))}%`;
}

/** A number for an axis label: 1.2k, 350, 0.25. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a >= 100 || a === 0) return String(Math.round(v));
  return trim(v);
}

function trim(v: number): string {
  return String(Number(v.toPrecision(3)));
}
