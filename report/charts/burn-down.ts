import * as hdr from 'hdr-histogram-js';
import { countAboveMs, type Histogram } from '../../analyzers/histogram.js';
import type { LoadTestPayload, LoadWindow, SloPayload, SloResult } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtNum } from '../../core/markdown.js';
import { renderLineChart, type LineSeries } from '../svg/line-chart.js';
import { OKABE_ITO, SERIES_COLOURS, SERIES_DASHES } from '../svg/palette.js';
import { formatOffset } from '../svg/scale.js';
import { offsetOf, runOrigin } from './time.js';
import type { ChartOutcome } from './types.js';

export const BURN_DOWN_CHART = { id: 'error-budget-burn-down', title: "Error budget burn-down across the run (the run's budget at the objective)" } as const;

export interface BurnDown {
  slo: string;
  x: number[];
  /** Percent of the run's error budget left after each window (negative once overspent). */
  remainingPct: number[];
  totalEvents: number;
  badEvents: number;
}

/**
 * Budget burn-down of one SLO over the load-test windows, as `perf slo-check` counts events: the
 * run's budget is the SLO's allowed bad fraction of all the run's events; each window spends its bad
 * events — failures, plus (latency SLIs) requests slower than the threshold, from the window's HDR
 * histogram. The line ends at 100 × (1 − burn rate): below 0 the run burnt faster than the
 * objective allows (FAIL), within the last 10 % it is PARTIAL.
 */
export function burnDown(lt: LoadTestPayload, s: SloResult, origin: number): BurnDown | undefined {
  const allowed = s.errorBudget?.allowedBadFraction;
  if (!(typeof allowed === 'number' && allowed > 0)) return undefined;
  const counts = lt.windows.map((w) => windowEvents(w, s));
  if (counts.some((c) => c === undefined)) return undefined;
  const total = counts.reduce((n, c) => n + (c as { total: number }).total, 0);
  if (total === 0) return undefined;
  const budget = allowed * total;
  let bad = 0;
  const x: number[] = [0];
  const remainingPct: number[] = [100];
  lt.windows.forEach((w, i) => {
    bad += (counts[i] as { bad: number }).bad;
    x.push(offsetOf(w.endMs, origin));
    remainingPct.push(100 * (1 - bad / budget));
  });
  return { slo: s.name, x, remainingPct, totalEvents: total, badEvents: bad };
}

function windowEvents(w: LoadWindow, s: SloResult): { total: number; bad: number } | undefined {
  const src = s.journey ? w.journeys?.[s.journey] : w;
  if (!src) return { total: 0, bad: 0 };
  if (s.sli !== 'latency') return { total: src.requests, bad: src.errors };
  if (src.requests === 0) return { total: 0, bad: 0 };
  if (typeof src.histogram !== 'string' || src.histogram === '') return undefined;
  const slow = countAboveMsFast(hdr.decodeFromCompressedBase64(src.histogram, 32, false), s.target);
  return { total: src.requests, bad: Math.min(src.requests, src.errors + slow) };
}

export function burnDownChart(lt: Artifact<LoadTestPayload> | undefined, slo: Artifact<SloPayload> | undefined): ChartOutcome {
  if (!slo) return { ...BURN_DOWN_CHART, reason: 'no SLO artifact (run perf slo-check)' };
  if (!lt || !Array.isArray(lt.windows) || lt.windows.length === 0) return { ...BURN_DOWN_CHART, reason: 'no load-test windows to spread the budget over (run perf loadtest)' };
  const origin = runOrigin(lt);
  const series: LineSeries[] = [];
  const figures: string[] = [];
  const skipped: string[] = [];
  slo.slos.forEach((s, i) => {
    const b = burnDown(lt, s, origin);
    if (!b) {
      skipped.push(s.name);
      return;
    }
    const end = b.remainingPct[b.remainingPct.length - 1] as number;
    const exhaustedAt = b.remainingPct.findIndex((v) => v <= 0);
    series.push({
      key: s.name,
      label: `${s.name} (${s.status})`,
      colour: SERIES_COLOURS[i % SERIES_COLOURS.length] as string,
      dash: SERIES_DASHES[i % SERIES_DASHES.length] as string,
      x: b.x,
      y: b.remainingPct,
    });
    const burn = b.badEvents / (s.errorBudget.allowedBadFraction * b.totalEvents);
    const differs = Number.isFinite(s.burnRate) && Math.abs(s.burnRate - burn) > 0.01 ? `; slo-check reported burn rate ${fmtNum(s.burnRate, 2)} on its source` : '';
    figures.push(
      `${s.name} [${s.status}]: ${fmtNum(b.badEvents)} bad of ${fmtNum(b.totalEvents)} events, burn rate ${fmtNum(burn, 2)}, ${fmtNum(end)}% of the run's budget left at the end${differs}` +
        (exhaustedAt >= 0 ? `, exhausted at ${formatOffset(b.x[exhaustedAt] as number)}` : ''),
    );
  });
  if (series.length === 0) return { ...BURN_DOWN_CHART, reason: `no SLO could be spread over the windows (${skipped.join(', ') || 'none defined'})` };
  const summary = `${figures.join('. ')}.${skipped.length ? ` Not drawn: ${skipped.join(', ')} (no per-window data or no budget).` : ''}`;
  const svg = renderLineChart({
    id: BURN_DOWN_CHART.id,
    title: BURN_DOWN_CHART.title,
    description: summary,
    x: { kind: 'time', label: 'time since start', min: 0, max: lt.durationMs },
    y: { label: "run's error budget left (%)", max: 100 },
    series,
    refLines: [{ value: 0, label: 'budget exhausted (burn rate 1)', colour: OKABE_ITO.vermillion }],
  });
  return { ...BURN_DOWN_CHART, svg, summary, kind: 'slo', runId: slo.runId };
}

interface CountsInternals {
  countsArrayLength: number;
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
}

/**
 * Same result as `countAboveMs` (a bucket counts when its lowest equivalent value is above the
 * threshold) but walks only the buckets between the threshold and the max, not every recorded
 * value: a 24 h soak asks this of 8,640 window histograms. The decoded histogram is used as is
 * (no re-homing copy), since nothing is merged into it.
 */
export function countAboveMsFast(h: Histogram, thresholdMs: number): number {
  const jsh = h as unknown as Partial<CountsInternals>;
  if (typeof jsh.countsArrayIndex !== 'function' || typeof jsh.getCountAtIndex !== 'function' || typeof jsh.countsArrayLength !== 'number') {
    return countAboveMs(h, thresholdMs);
  }
  const limitUs = Math.floor(thresholdMs * 1000);
  if (h.totalCount === 0 || h.maxValue <= limitUs) return 0;
  const last = Math.min(jsh.countsArrayLength - 1, jsh.countsArrayIndex(h.maxValue));
  let above = 0;
  for (let i = jsh.countsArrayIndex(limitUs) + 1; i <= last; i++) above += jsh.getCountAtIndex(i);
  return above;
}
