import type { SloPayload, SloResult, SloStatus } from '../../core/artifacts/schemas.js';
import { burnRateAlerts, type WindowEvents } from './alerts.js';
import { fmtBurnRate } from '../../core/format.js';
import { dec } from './decimal.js';
import { allowedBadFraction, badEvents, errorBudget } from './error-budget.js';
import { percentileLabel, type Aggregate, type EvalSlo, type SloInput } from './model.js';

export interface EvaluateOptions {
  /**
   * Warning margin as a fraction (default 0.1): an SLO that meets its target but uses more than
   * (1 − margin) of it — latency above (1 − margin) × threshold, or a burn rate above 1 − margin — is PARTIAL.
   */
  warnMargin?: number;
}

export const DEFAULT_WARN_MARGIN = 0.1;

const RANK: Record<SloStatus, number> = { PASS: 0, PARTIAL: 1, FAIL: 2 };

export function worstStatus(statuses: Iterable<SloStatus>): SloStatus {
  let worst: SloStatus = 'PASS';
  for (const s of statuses) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

/**
 * Evaluates SLOs against what an input offers: SLI value, status, error budget, burn rate and the
 * multi-window burn-rate alerts. Pure: no I/O.
 */
export function evaluateSlos(slos: readonly EvalSlo[], input: SloInput, opts: EvaluateOptions = {}): Pick<SloPayload, 'status' | 'slos'> {
  const margin = opts.warnMargin ?? DEFAULT_WARN_MARGIN;
  const results = slos.map((slo) => evaluateOne(slo, input, margin));
  return { status: worstStatus(results.map((r) => r.status)), slos: results };
}

function evaluateOne(slo: EvalSlo, input: SloInput, margin: number): SloResult {
  const allowed = allowedBadFraction(slo.objective);
  const target = slo.sli === 'latency' ? (slo.thresholdMs ?? 0) : slo.sli === 'availability' ? dec(slo.objective) : dec(allowed * 100);
  const base = {
    name: slo.name,
    sli: slo.sli,
    ...(slo.journey ? { journey: slo.journey } : {}),
    objective: slo.objective,
    ...(slo.sli === 'latency' ? { percentile: slo.percentile ?? 95 } : {}),
    ...(slo.window ? { window: slo.window } : {}),
    target,
  };
  const agg = input.aggregate(slo.journey);
  if (!agg || (agg.total === 0 && !agg.countUnknown)) {
    const seen = input.journeys.length > 0 ? ` (the data has: ${input.journeys.slice(0, 8).join(', ')})` : '';
    return {
      ...base,
      actual: null,
      status: 'FAIL',
      errorBudget: { allowedBadFraction: allowed, badFraction: 0, consumedPct: 0, remainingPct: 100 },
      burnRate: 0,
      alerts: [],
      events: { total: 0, bad: 0 },
      note:
        (slo.journey ? `no requests of journey "${slo.journey}" in ${input.format}${seen}: nothing to judge` : `no requests in ${input.format}: nothing to judge`) +
        (slo.journey ? input.limits.filter((l) => l.includes('journey')).map((l) => ` (${l})`).join('') : ''),
    };
  }
  const notes: string[] = [];
  const { bad, partial, proof } = badEvents(slo, agg);
  if (bad === null) notes.push(`${input.format} does not say which requests failed: the error budget cannot be computed`);
  if (proof) {
    notes.push(
      `${input.format} has no latency distribution, but its ${percentileLabel(proof.percentile)} = ${proof.valueMs} ms > ${slo.thresholdMs} ms proves at least ` +
        `${dec(proof.fraction * 100)}% of requests (${proof.count}) were slower: the error budget counts that lower bound`,
    );
  } else if (partial) notes.push(`${input.format} has no latency distribution: requests slower than ${slo.thresholdMs} ms cannot be counted, so the error budget counts failures only (a lower bound)`);
  const badN = bad ?? 0;
  if (input.durationMs <= 0) notes.push('the run length is unknown: the budget consumed by this run cannot be scaled and shows 0');
  const { burnRate, ...budget } = errorBudget(slo, { bad: badN, total: agg.total }, { runMs: input.durationMs, windowMs: slo.windowMs });

  let actual: number | null;
  let status: SloStatus;
  if (slo.sli === 'latency') {
    const p = slo.percentile ?? 95;
    actual = agg.percentile(p);
    const threshold = slo.thresholdMs ?? 0;
    if (actual === null) {
      const have = input.percentiles === 'exact' ? [] : input.percentiles.map(percentileLabel);
      notes.push(
        `${percentileLabel(p)} cannot be judged from ${input.format}: it only carries ${have.length > 0 ? have.join(', ') : 'no percentiles'}` +
          (input.format.startsWith('k6') ? ` (add "p(${p})" to k6's summaryTrendStats, or pass the k6 --out json file)` : ''),
      );
      status = 'FAIL';
    } else {
      actual = dec(actual);
      // A proven slow share at least the whole allowed share (a percentile q ≤ objective above the threshold) is a breach.
      const budgetFail = bad !== null && (burnRate > 1 || (proof !== undefined && proof.fraction >= allowed));
      if (actual > threshold || budgetFail) status = 'FAIL';
      else if (actual > threshold * (1 - margin) || (bad !== null && burnRate > 1 - margin)) status = 'PARTIAL';
      else status = 'PASS';
      if (actual <= threshold && budgetFail) notes.push(`${percentileLabel(p)} is within ${threshold} ms but the error budget is overspent (burn rate ${fmtBurnRate(burnRate)})`);
    }
  } else {
    actual = bad === null || agg.total === 0 ? null : slo.sli === 'availability' ? dec((1 - badN / agg.total) * 100) : dec((badN / agg.total) * 100);
    if (bad === null || agg.total === 0) status = 'FAIL';
    else if (burnRate > 1) status = 'FAIL';
    else if (burnRate > 1 - margin) status = 'PARTIAL';
    else status = 'PASS';
  }

  const windows: WindowEvents[] | null = input.windows
    ? input.windows.map((w) => {
        const a = w.aggregate(slo.journey);
        if (!a) return { startMs: w.startMs, endMs: w.endMs, total: 0, bad: 0 };
        return { startMs: w.startMs, endMs: w.endMs, total: a.total, bad: badEvents(slo, a).bad ?? 0 };
      })
    : null;
  const alerts = bad === null ? [] : burnRateAlerts({ sloWindowMs: slo.windowMs, allowedBadFraction: allowed, windows, run: { total: agg.total, bad: badN, durationMs: input.durationMs } });

  const result: SloResult = {
    ...base,
    actual,
    status,
    errorBudget: budget,
    burnRate,
    alerts,
    events: { total: agg.total, bad: badN },
  };
  if (notes.length > 0) result.note = notes.join('; ');
  return result;
}
