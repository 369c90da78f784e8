import type { LoadFigures } from '../../core/artifacts/schemas.js';
import type { Slo } from '../../core/config/types.js';
import { countAboveMs, decodeHistogram } from '../histogram.js';

/** What a baseline run says about one SLO: the SLI value and the error budget it would burn. */
export interface SloCard {
  slo: Slo;
  /** The SLI definition in words. */
  definition: string;
  /** Observed value: ms for latency (the SLO's percentile), percent good for availability, percent bad for error-rate. */
  actual: number | null;
  target: string;
  met: boolean | null;
  /** Bad events / all events in the baseline run, and the share of the error budget that rate uses. */
  badFraction: number | null;
  allowedBadFraction: number;
  budgetUsedPct: number | null;
  note?: string;
}

const PCT_KEY: Record<string, keyof LoadFigures['latencyMs']> = { p50: 'p50', p90: 'p90', p95: 'p95', p99: 'p99', 'p99.9': 'p999' };

/** SLI/SLO cards from baseline figures (journey-filtered SLOs use that journey's figures). */
export function sloCards(slos: readonly Slo[], journeys: readonly LoadFigures[], overall: LoadFigures): SloCard[] {
  return slos.map((slo) => {
    const fig = slo.journey ? journeys.find((j) => j.name === slo.journey) : overall;
    const allowed = 1 - slo.objective / 100;
    const scope = slo.journey ? `journey "${slo.journey}"` : 'every journey';
    if (slo.sli === 'latency') {
      const definition = `share of requests of ${scope} answered within ${slo.thresholdMs} ms (${slo.percentile ?? 'p95'} target)`;
      const base = { slo, definition, target: `${slo.percentile ?? 'p95'} <= ${slo.thresholdMs} ms`, allowedBadFraction: allowed };
      if (!fig || fig.requests === 0) return { ...base, actual: null, met: null, badFraction: null, budgetUsedPct: null, note: 'no requests measured for this SLO' };
      const key = PCT_KEY[slo.percentile ?? 'p95'];
      // PERCENTILE_VALUES has p75 too; the artifact has no p75, so fall back to the histogram.
      const actual = key ? fig.latencyMs[key] : null;
      const bad = countAboveMs(decodeHistogram(fig.histogram), slo.thresholdMs ?? 0) / fig.requests;
      const withinTarget = actual === null ? null : actual <= (slo.thresholdMs ?? 0);
      return { ...base, actual, met: withinTarget, badFraction: bad, budgetUsedPct: allowed > 0 ? (bad / allowed) * 100 : null };
    }
    const definition =
      slo.sli === 'availability' ? `share of requests of ${scope} that succeed (expected status, no network error)` : `share of requests of ${scope} that fail`;
    const base = { slo, definition, target: slo.sli === 'availability' ? `>= ${slo.objective}% good` : `<= ${(allowed * 100).toFixed(3)}% bad`, allowedBadFraction: allowed };
    if (!fig || fig.requests === 0) return { ...base, actual: null, met: null, badFraction: null, budgetUsedPct: null, note: 'no requests measured for this SLO' };
    const bad = fig.errors / fig.requests;
    const actual = slo.sli === 'availability' ? (1 - bad) * 100 : bad * 100;
    return { ...base, actual, met: bad <= allowed, badFraction: bad, budgetUsedPct: allowed > 0 ? (bad / allowed) * 100 : null };
  });
}
