import type { SloCard } from '../../analyzers/baseline/slo-status.js';
import { fmtErrorBudget, fmtMs, fmtNum, fmtPct } from '../../core/format.js';
import { mdText } from '../../core/markdown.js';

/** One SLI card per SLO: the definition an SRE reads first. */
export function renderSliCards(cards: readonly SloCard[]): string {
  if (cards.length === 0) return '_No SLOs configured: add `slos:` to perf.config.yaml to get SLI cards and error budgets._';
  return cards
    .map((c) => [`> **SLI — ${mdText(c.slo.name)}** (${c.slo.sli})`, `> ${mdText(c.definition)}.`].join('\n'))
    .join('\n\n');
}

/** One SLO card per SLO: target, what the baseline saw, and the error budget that rate would use. */
export function renderSloCards(cards: readonly SloCard[]): string {
  if (cards.length === 0) return '';
  return cards
    .map((c) => {
      const r = c.result;
      const actual = r.actual === null ? 'n/a' : c.slo.sli === 'latency' ? fmtMs(r.actual) : `${fmtNum(r.actual, 3)}%`;
      const budget = `${fmtErrorBudget({ ...r, consumedPct: r.errorBudget.consumedPct })}; ${fmtNum(r.events.bad)} of ${fmtNum(r.events.total)} requests bad (${fmtPct(r.errorBudget.badFraction, 3)} vs ${fmtPct(r.errorBudget.allowedBadFraction, 3)} allowed)`;
      return [
        `> **SLO — ${mdText(c.slo.name)}**: ${r.status}`,
        `> target: ${c.target}, objective ${c.slo.objective}% over ${c.slo.window}`,
        `> baseline: ${actual}`,
        `> error budget: ${budget}`,
        ...(r.note ? [`> note: ${mdText(r.note)}`] : []),
      ].join('\n');
    })
    .join('\n\n');
}
