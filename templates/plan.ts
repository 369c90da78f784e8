import type { PlanPayload, Tier } from '../analyzers/plan/plan.js';
import type { SynthesisResult } from '../agents/types.js';
import { mdCode, mdTable, mdText } from '../core/markdown.js';
import { narrative } from './bottleneck-analysis.js';

const TIERS: Array<[Tier, string]> = [
  ['quick-win', 'Quick wins (≤ 1 day)'],
  ['strategic', 'Strategic improvements (2–5 days)'],
  ['major-refactor', 'Major refactoring (> 5 days)'],
];

/** `planning/optimization-plan.md` */
export function renderPlan(p: PlanPayload, s: SynthesisResult): string {
  const out: string[] = ['# Optimization Plan', ''];
  out.push(`Source: ${mdText(p.source ?? '—')} · guidance: ${p.guidance.text ? `"${mdText(p.guidance.text)}" (${mdText(p.guidance.keywords.join(', ') || 'no keywords')})` : 'none'}`, '');
  out.push(narrative(s));
  out.push('## Overview', '');
  for (const c of p.constraints ?? []) out.push(`> Constraint from the guidance: **${c.name}** cannot change ("${c.text}"). Items whose work lies inside it are re-targeted to levers outside it, or left out.`, '');
  out.push(
    mdTable(
      ['#', 'item', 'tier', 'effort', 'at most (measured share)', 'risk', 'boosted by'],
      p.items.map((i) => [i.id, i.title, i.tier, `${i.effortDays} d`, i.estimatedImprovementPct === null ? 'n/a' : `${i.estimatedImprovementPct}%`, i.risk, i.boostedBy.join(', ') || '—']),
    ),
    '',
    'The "at most" column is the measured share of the work each item addresses (share × 100): the ceiling if that work disappeared entirely, not a promise. Items are ordered by that share × the typical reduction of the approach (a catalogue prior) ÷ effort.',
    '',
  );
  if (p.excluded?.length) {
    out.push('## Left out by the guidance', '');
    for (const e of p.excluded) out.push(`- ${e.bottleneckId} ${e.title}: ${e.reason}`);
    out.push('');
  }
  for (const [tier, label] of TIERS) {
    const items = p.items.filter((i) => i.tier === tier);
    out.push(`## ${label}`, '');
    if (items.length === 0) {
      out.push('None.', '');
      continue;
    }
    for (const i of items) {
      out.push(
        `### ${i.id}. ${mdText(i.title)}`,
        '',
        `From bottleneck ${i.bottleneckId}; journeys: ${mdText(i.journeys.join(', ') || '—')}; ~${i.effortDays} day(s); ${i.risk} risk. Estimate: ${mdText(i.estimateFormula ?? 'n/a')}.`,
        '',
        '**Implementation steps**',
        '',
      );
      i.steps.forEach((st, n) => out.push(`${n + 1}. ${mdText(st)}`));
      out.push('', '**Success criteria**', '', ...i.successCriteria.map((c) => `- ${mdText(c)}`), '', '**Testing**', '', ...i.testing.map((t) => `- ${mdCode(t)}`), '', `**Rollback**: ${mdText(i.rollback)}.`, '');
    }
  }
  return out.join('\n');
}
