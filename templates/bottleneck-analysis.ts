import type { BottlenecksPayload, MatrixQuadrant } from '../analyzers/bottlenecks/types.js';
import type { SynthesisResult } from '../agents/types.js';
import { mdQuote, mdTable, mdText } from '../core/markdown.js';

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/** The provider line and narrative sections every synthesised report carries. */
export function narrative(s: SynthesisResult): string {
  const by = s.fallback
    ? `_Narrative: deterministic rules — the ${mdText(s.fallback.from)} agent failed after ${s.fallback.attempts} attempt(s) (${mdText(s.fallback.reason)}), so perf fell back to its rule-based text._`
    : s.provider === 'deterministic'
      ? '_Narrative: deterministic rules (no LLM)._'
      : `_Narrative: written by the ${mdText(s.provider)} agent${s.model ? ` (${mdText(s.model)})` : ''} from the aggregates below; all numbers come from perf's analyzers._`;
  // Deterministic sections are perf's own markdown; an agent's reply is quoted text, never markdown structure.
  const body = (text: string): string => (s.provider === 'deterministic' && !s.fallback ? text : mdQuote(text));
  return [by, '', ...s.sections.flatMap((sec) => [`## ${mdText(sec.title)}`, '', body(sec.markdown), ''])].join('\n');
}

const QUADRANT_LABEL: Record<MatrixQuadrant, string> = {
  'quick-win': 'high impact · low effort — do first',
  'major-project': 'high impact · high effort — plan it',
  'fill-in': 'low impact · low effort — fill-in',
  deprioritise: 'low impact · high effort — later',
};

/** `reports/bottleneck-analysis.md` */
export function renderBottleneckAnalysis(p: BottlenecksPayload, s: SynthesisResult): string {
  const out: string[] = ['# Bottleneck Analysis', ''];
  out.push(`Inputs: baseline ${p.inputs.baseline ?? '—'} · profile ${p.inputs.profile ?? '—'} · load test ${p.inputs.loadtest ?? '—'}`, '');
  if (p.gaps.length) out.push('> ⚠️ ' + p.gaps.join('\n> ⚠️ '), '');
  out.push(narrative(s));
  out.push('## Ranking', '');
  out.push(
    'Ordered by rank score = measured share (%) × the typical reduction of the approach (a catalogue prior, not a measurement) ÷ effort days. "At most" is the measured share itself: what disappears if the work disappears entirely.',
    '',
  );
  if (p.bottlenecks.length === 0) out.push('No bottleneck crossed the detection thresholds.', '');
  else {
    out.push(
      mdTable(
        ['#', 'bottleneck', 'CPU share', 'latency share', 'journeys', 'at most', 'evidence', 'effort', 'rank score'],
        p.bottlenecks.map((b) => [
          b.id,
          b.title,
          pct(b.impact.cpuShare),
          pct(b.impact.latencyShare),
          b.impact.journeys.join(', ') || '—',
          b.estimatedImprovementPct === null ? 'n/a' : `${b.estimatedImprovementPct}%`,
          b.strength?.level ?? '—',
          `${b.effortDays} d`,
          b.roi,
        ]),
      ),
      '',
    );
  }
  for (const b of p.bottlenecks) {
    out.push(`### ${b.id}. ${mdText(b.title)}`, '', mdText(b.description), '', '**Evidence**', '');
    for (const e of b.evidence) out.push(`- ${mdText(e.text)}`);
    out.push(
      '',
      `**Impact**: ${pct(b.impact.cpuShare)} of CPU samples; ${pct(b.impact.latencyShare)} of request time; journeys: ${mdText(b.impact.journeys.join(', ') || '—')}`,
      '',
      `**Approach**: ${mdText(b.approach)}. Alternatives: ${mdText(b.alternatives.join('; '))}.`,
      '',
      ...(b.sql?.length ? ['**SQL to try**', '', '```sql', ...b.sql, '```', ''] : []),
      `**Estimate**: ${b.estimateFormula ?? 'n/a'}; ${b.effortDays} day(s), rank score ${b.roi}.`,
      '',
      `**Evidence strength**: ${b.strength ? `${b.strength.level} — ${b.strength.basis}` : 'n/a'}.`,
      '',
    );
  }
  out.push('## Option matrix (impact × effort)', '');
  out.push(
    mdTable(
      ['quadrant', 'bottlenecks'],
      (Object.keys(QUADRANT_LABEL) as MatrixQuadrant[]).map((q) => [QUADRANT_LABEL[q], p.bottlenecks.filter((b) => b.quadrant === q).map((b) => b.id).join(', ') || '—']),
    ),
    '',
    'High impact = at least 10% of CPU samples or request time; low effort = 2 days or less.',
    '',
  );
  if (p.journeys.length) {
    out.push('## Journeys', '');
    out.push(mdTable(['journey', 'requests', 'p95', 'mean', 'errors', 'share of request time'], p.journeys.map((j) => [j.name, j.requests, `${j.p95Ms.toFixed(1)} ms`, `${j.meanMs.toFixed(1)} ms`, pct(j.errorRate), pct(j.latencyShare)])), '');
  }
  return out.join('\n');
}
