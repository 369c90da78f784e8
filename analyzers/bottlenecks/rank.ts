import { RULES } from './catalogue.js';
import { pct } from './text.js';
import type { Bottleneck, MatrixQuadrant } from './types.js';

/** A finding before ranking: `measured` is the share its estimate is computed from (null: none). */
export type Draft = Omit<Bottleneck, 'rank' | 'roi' | 'quadrant' | 'estimatedImprovementPct' | 'estimateFormula' | 'effortDays' | 'id' | 'approach' | 'alternatives'> & {
  impactShare: number;
  measured: { share: number; of: string } | null;
  approach?: string;
};

export function quadrant(impactShare: number, effortDays: number): MatrixQuadrant {
  const high = impactShare >= 0.1;
  const cheap = effortDays <= 2;
  if (high) return cheap ? 'quick-win' : 'major-project';
  return cheap ? 'fill-in' : 'deprioritise';
}

/**
 * Ranks findings by ROI (estimated improvement per effort day). Every number comes from the findings'
 * measured shares; the catalogue contributes only the approach, its typical reduction and its effort.
 */
export function rankDrafts(drafts: Draft[]): Bottleneck[] {
  const ranked: Bottleneck[] = drafts
    .map((d) => {
      const rule = RULES[d.rule];
      const { impactShare, measured, approach, ...rest } = d;
      const share = measured ? Math.min(1, measured.share) : null;
      const est = share === null ? null : Math.round(share * 1000) / 10;
      return {
        ...rest,
        id: '',
        rank: 0,
        approach: approach ?? rule.approach,
        alternatives: rule.alternatives,
        estimatedImprovementPct: est,
        estimateFormula:
          measured && est !== null
            ? `at most ${est}% = ${pct(measured.share)} of ${measured.of} (measured) × 100: what disappears if this work disappears entirely`
            : 'n/a: no share was measured for this finding',
        effortDays: rule.effortDays,
        // The catalogue prior (typical reduction of the approach) only orders the findings.
        roi: est === null ? 0 : Math.round(((est * rule.expectedReduction) / rule.effortDays) * 100) / 100,
        quadrant: quadrant(impactShare, rule.effortDays),
      };
    })
    .sort((a, b) => b.roi - a.roi || (b.impact.cpuShare ?? 0) - (a.impact.cpuShare ?? 0));
  ranked.forEach((b, i) => {
    b.rank = i + 1;
    b.id = `B${i + 1}`;
  });

  return ranked;
}
