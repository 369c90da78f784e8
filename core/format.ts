/**
 * The number formatters of every human output (markdown, HTML, terminal, JUnit, and the evidence
 * sentences analyzers attach to a verdict): one precision per kind of figure, so one run's figure
 * reads the same everywhere. Analyzers return raw numbers and format only through these (no
 * `toFixed` under analyzers/: scripts/check-one-home.mjs).
 */

/** Milliseconds with sensible precision: 0.412 ms, 12.3 ms, 1234 ms. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return 'n/a';
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** A 0..1 fraction as a percent: 0.0123 → "1.23%". */
export function fmtPct(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return 'n/a';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A count or measure with thousands separators and at most `digits` decimals. */
export function fmtNum(n: number, digits = 1): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A burn rate: 2 decimals below 10 ("0.03", "8.85"), 1 below 100 ("14.4"), then whole ("660"); "<0.01" for a trace; "∞" for a zero budget spent. */
export function fmtBurnRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return 'n/a';
  if (rate === Number.POSITIVE_INFINITY) return '∞';
  if (rate === 0) return '0';
  if (rate < 0.01) return '<0.01';
  if (rate < 10) return trimZeros(rate.toFixed(2));
  if (rate < 100) return trimZeros(rate.toFixed(1));
  return Math.round(rate).toLocaleString('en-US');
}

/**
 * A share of the SLO window's error budget, in percent: 3 significant digits, at most 4 decimals
 * ("0.0694%", "15.3%", "150%", "1,234%"); "<0.0001%" for a trace; "∞" for a zero budget spent.
 */
export function fmtBudgetPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || Number.isNaN(pct)) return 'n/a';
  if (pct === Number.POSITIVE_INFINITY) return '∞%';
  if (pct === Number.NEGATIVE_INFINITY) return '-∞%';
  if (pct === 0) return '0%';
  const abs = Math.abs(pct);
  if (abs < 0.0001) return pct > 0 ? '<0.0001%' : '>-0.0001%';
  if (abs >= 100) return `${Math.round(pct).toLocaleString('en-US')}%`;
  const decimals = Math.min(4, Math.max(0, 2 - Math.floor(Math.log10(abs))));
  return `${trimZeros(pct.toFixed(decimals))}%`;
}

/** A 0..1 share of events as a percent with the budget's precision: 97/21015 → "0.462%", 0.001 → "0.1%". */
export function fmtShare(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return 'n/a';
  return fmtBudgetPct(fraction * 100);
}

/**
 * The error budget of one SLO in the one vocabulary every output uses:
 * "burn rate 0.5, budget consumed 0.0694% (of the 30d window)".
 */
export function fmtErrorBudget(b: { burnRate: number; consumedPct: number; window?: string | undefined }): string {
  return `burn rate ${fmtBurnRate(b.burnRate)}, budget consumed ${fmtBudgetPct(b.consumedPct)} (of the ${b.window ?? 'SLO'} window)`;
}

/** A figure for humans: ∞ for an exhausted zero budget, otherwise at most 6 significant digits, no float noise. */
export function fmtFigure(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  if (x === Number.POSITIVE_INFINITY) return '∞';
  if (x === Number.NEGATIVE_INFINITY) return '-∞';
  if (x === 0) return '0';
  return String(Number(x.toPrecision(6)));
}

/** A p-value: 4 decimals, "<0.0001" below that. */
export function fmtPValue(p: number): string {
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}

/** A relative change (0.123 → "+12.3%", -0.05 → "-5.0%"); "n/a" when it has no finite value. */
export function fmtSignedPct(f: number): string {
  if (!Number.isFinite(f)) return 'n/a';
  return `${f >= 0 ? '+' : ''}${(f * 100).toFixed(1)}%`;
}

/** A plain figure with exactly `digits` decimals, for figures without a unit of their own (Cliff's delta 0.31, ×1.25). */
export function fmtDecimal(x: number, digits: number): string {
  return x.toFixed(digits);
}

/** A span of milliseconds in seconds: `fmtSeconds(12_345)` → "12 s", `fmtSeconds(12_345, 1)` → "12.3 s". */
export function fmtSeconds(ms: number, digits = 0): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}

/** A request rate, whole: "1234 req/s". */
export function fmtRps(rps: number): string {
  return `${rps.toFixed(0)} req/s`;
}

/** Bytes in MiB, at most one decimal: "12.3 MB", "12 MB", "1,234.5 MB". */
export function fmtMegabytes(bytes: number): string {
  return `${fmtNum(Math.round((bytes / 1048576) * 100) / 100)} MB`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
