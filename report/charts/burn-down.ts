import { countAboveEncodedMs } from '../../analyzers/histogram.js';
import { allowedBadFraction, badEvents, burnRate, consumedSeries, type BudgetSlo } from '../../analyzers/slo/error-budget.js';
import type { LoadTestPayload, LoadWindow, SloPayload, SloResult } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { tryParseDuration } from '../../core/duration.js';
import { fmtErrorBudget, fmtNum } from '../../core/format.js';
import { renderLineChart, type LineSeries } from '../svg/line-chart.js';
import { OKABE_ITO, SERIES_COLOURS, SERIES_DASHES } from '../svg/palette.js';
import { offsetOf, runOrigin } from './time.js';
import type { ChartOutcome } from './types.js';

export const BURN_DOWN_CHART = { id: 'error-budget-burn-down', title: 'Error budget consumed across the run (percent of the SLO window\'s budget)' } as const;

const DEFAULT_WINDOW = '30d';

export interface BurnDown {
  slo: string;
  window: string;
  x: number[];
  /** Budget consumed so far after each window, percent of the SLO window's budget; ends at slo-check's consumedPct. */
  consumedPct: number[];
  /** Where a burn rate of exactly 1 would be at each point (the sustainable pace). */
  pacePct: number[];
  totalEvents: number;
  badEvents: number;
  burnRate: number;
}

/**
 * Budget consumption of one SLO over the load-test windows, counted with the one ErrorBudget
 * (analyzers/slo/error-budget.ts): each window's bad events — failures, plus (latency SLIs) requests
 * slower than the threshold, from the window's HDR histogram — spend the SLO window's budget at the
 * run's event rate. The line ends at the run's "budget consumed", the figure perf slo-check prints.
 */
export function burnDown(lt: LoadTestPayload, s: SloResult, origin: number): BurnDown | undefined {
  if (!(allowedBadFraction(s.objective) > 0)) return undefined;
  const window = s.window ?? DEFAULT_WINDOW;
  const windowMs = tryParseDuration(window);
  if (!windowMs || !(lt.durationMs > 0)) return undefined;
  const slo: BudgetSlo = { sli: s.sli, objective: s.objective, ...(s.sli === 'latency' ? { thresholdMs: s.target } : {}) };
  const counts = lt.windows.map((w, i) => windowEvents(w, i, slo, s.journey));
  if (counts.some((c) => c === undefined)) return undefined;
  const events = counts as Array<{ total: number; bad: number }>;
  const total = events.reduce((n, c) => n + c.total, 0);
  if (total === 0) return undefined;
  const bad = events.reduce((n, c) => n + c.bad, 0);
  const run = { runMs: lt.durationMs, windowMs };
  const x = [0, ...lt.windows.map((w) => offsetOf(w.endMs, origin))];
  return {
    slo: s.name,
    window,
    x,
    consumedPct: [0, ...consumedSeries(s.objective, events, run)],
    pacePct: x.map((t) => (100 * Math.min(t, lt.durationMs)) / windowMs),
    totalEvents: total,
    badEvents: bad,
    burnRate: burnRate(bad, total, allowedBadFraction(s.objective)),
  };
}

function windowEvents(w: LoadWindow, i: number, slo: BudgetSlo, journey: string | undefined): { total: number; bad: number } | undefined {
  const src = journey ? w.journeys?.[journey] : w;
  if (!src || src.requests === 0) return { total: 0, bad: 0 };
  const hist = src.histogram;
  const { bad } = badEvents(slo, {
    total: src.requests,
    failed: src.errors,
    slowerThan: (ms) => (typeof hist === 'string' && hist !== '' ? countAboveEncodedMs(hist, ms, `windows[${i}]`) : null),
  });
  if (slo.sli === 'latency' && (typeof hist !== 'string' || hist === '')) return undefined;
  return { total: src.requests, bad: bad ?? 0 };
}

export function burnDownChart(lt: Artifact<LoadTestPayload> | undefined, slo: Artifact<SloPayload> | undefined): ChartOutcome {
  if (!slo) return { ...BURN_DOWN_CHART, reason: 'no SLO artifact (run perf slo-check)' };
  if (!lt || !Array.isArray(lt.windows) || lt.windows.length === 0) return { ...BURN_DOWN_CHART, reason: 'no load-test windows to spread the budget over (run perf loadtest)' };
  const origin = runOrigin(lt);
  const series: LineSeries[] = [];
  const figures: string[] = [];
  const skipped: string[] = [];
  let pace: BurnDown | undefined;
  slo.slos.forEach((s, i) => {
    const b = burnDown(lt, s, origin);
    if (!b) {
      skipped.push(s.name);
      return;
    }
    const end = b.consumedPct[b.consumedPct.length - 1] as number;
    series.push({
      key: s.name,
      label: `${s.name} (${s.status})`,
      colour: SERIES_COLOURS[i % SERIES_COLOURS.length] as string,
      dash: SERIES_DASHES[i % SERIES_DASHES.length] as string,
      x: b.x,
      y: b.consumedPct,
    });
    if (!pace) pace = b;
    const differs =
      Number.isFinite(s.burnRate) && s.burnRate !== b.burnRate ? `; slo-check reported ${fmtErrorBudget({ burnRate: s.burnRate, consumedPct: s.errorBudget.consumedPct, window: b.window })} on its source` : '';
    figures.push(
      `${s.name} [${s.status}]: ${fmtNum(b.badEvents)} bad of ${fmtNum(b.totalEvents)} events, ${fmtErrorBudget({ burnRate: b.burnRate, consumedPct: end, window: b.window })} at the end${differs}` +
        (b.burnRate > 1 ? ', faster than the sustainable pace (burn rate 1)' : ''),
    );
  });
  if (series.length === 0) return { ...BURN_DOWN_CHART, reason: `no SLO could be spread over the windows (${skipped.join(', ') || 'none defined'})` };
  const summary = `${figures.join('. ')}.${skipped.length ? ` Not drawn: ${skipped.join(', ')} (no per-window data or no budget).` : ''}`;
  const svg = renderLineChart({
    id: BURN_DOWN_CHART.id,
    title: BURN_DOWN_CHART.title,
    description: summary,
    x: { kind: 'time', label: 'time since start', min: 0, max: lt.durationMs },
    y: { label: `budget consumed (% of the ${pace?.window ?? DEFAULT_WINDOW} window)`, min: 0 },
    series: pace ? [...series, { key: 'pace', label: 'burn rate 1 (sustainable pace)', colour: OKABE_ITO.vermillion, dash: '2 3', x: pace.x, y: pace.pacePct }] : series,
  });
  return { ...BURN_DOWN_CHART, svg, summary, kind: 'slo', runId: slo.runId };
}
