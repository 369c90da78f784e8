import type { SloCard } from '../../analyzers/baseline/slo-status.js';
import { fmtMs, fmtPct } from '../../core/markdown.js';

/** One SLI card per SLO: the definition an SRE reads first. */
export function renderSliCards(cards: readonly SloCard[]): string {
  if (cards.length === 0) return '_No SLOs configured: add `slos:` to perf.config.yaml to get SLI cards and error budgets._';
  return cards
    .map((c) => [`> **SLI — ${c.slo.name}** (${c.slo.sli})`, `> ${c.definition}.`].join('\n'))
    .join('\n\n');
}

/** One SLO card per SLO: target, what the baseline saw, and the error budget that rate would use. */
export function renderSloCards(cards: readonly SloCard[]): string {
  if (cards.length === 0) return '';
  return cards
    .map((c) => {
      const actual =
        c.actual === null ? 'n/a' : c.slo.sli === 'latency' ? fmtMs(c.actual) : `${c.actual.toFixed(3)}%`;
      const status = c.met === null ? 'NO DATA' : c.met ? 'MET' : 'NOT MET';
      const budget =
        c.budgetUsedPct === null
          ? 'n/a'
          : `${c.budgetUsedPct.toFixed(1)}% of the budget at this bad-event rate (${fmtPct(c.badFraction, 3)} bad vs ${fmtPct(c.allowedBadFraction, 3)} allowed)`;
      return [
        `> **SLO — ${c.slo.name}**: ${status}`,
        `> target: ${c.target}, objective ${c.slo.objective}% over ${c.slo.window}`,
        `> baseline: ${actual}`,
        `> error budget: ${budget}`,
        ...(c.note ? [`> note: ${c.note}`] : []),
      ].join('\n');
    })
    .join('\n\n');
}
