import type { BaselinePayload, SloResult } from '../../core/artifacts/schemas.js';
import type { Slo } from '../../core/config/types.js';
import { evaluateSlos } from '../slo/evaluate.js';
import { sloInputFromDocument } from '../slo/inputs.js';
import { fromConfigSlo } from '../slo/model.js';

/** What a baseline run says about one SLO: the SLO check of the baseline figures, as `perf slo-check baseline.json` reports it. */
export interface SloCard {
  slo: Slo;
  /** The SLI definition in words. */
  definition: string;
  target: string;
  /** The evaluation (status, SLI value, bad events, burn rate, budget consumed), from the one ErrorBudget. */
  result: SloResult;
}

/** SLI/SLO cards from baseline figures (journey-filtered SLOs use that journey's figures). */
export function sloCards(slos: readonly Slo[], baseline: Pick<BaselinePayload, 'journeys' | 'overall' | 'durationMs'>): SloCard[] {
  if (slos.length === 0) return [];
  const input = sloInputFromDocument({ journeys: baseline.journeys, overall: baseline.overall, durationMs: baseline.durationMs }, 'perf.baseline/v1', 'the baseline run');
  const { slos: results } = evaluateSlos(slos.map(fromConfigSlo), input);
  return slos.map((slo, i) => {
    const scope = slo.journey ? `journey "${slo.journey}"` : 'every journey';
    const result = results[i] as SloResult;
    if (slo.sli === 'latency') {
      return {
        slo,
        definition: `share of requests of ${scope} answered within ${slo.thresholdMs} ms without failing (${slo.percentile ?? 'p95'} target)`,
        target: `${slo.percentile ?? 'p95'} <= ${slo.thresholdMs} ms, ${slo.objective}% of requests good`,
        result,
      };
    }
    return {
      slo,
      definition: slo.sli === 'availability' ? `share of requests of ${scope} that succeed (expected status, no network error)` : `share of requests of ${scope} that fail`,
      target: slo.sli === 'availability' ? `>= ${slo.objective}% good` : `<= ${result.target}% bad`,
      result,
    };
  });
}
