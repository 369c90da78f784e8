import type { BottlenecksPayload } from '../analyzers/bottlenecks/types.js';
import type { ComparePayload } from '../analyzers/compare/compare.js';
import { fmtSignedPct } from '../core/format.js';
import type { PlanPayload } from '../analyzers/plan/plan.js';
import type { Section } from './types.js';

/** The aggregates each synthesis kind is written from. */
export interface SynthesisInputs {
  bottlenecks: BottlenecksPayload;
  plan: PlanPayload;
  summary: ComparePayload;
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function bottlenecks(a: BottlenecksPayload): Section[] {
  const [top, ...rest] = a.bottlenecks;
  if (!top) {
    return [
      {
        title: 'Summary',
        markdown: `No bottleneck crossed the detection thresholds.${a.gaps.length ? ` Missing inputs: ${a.gaps.join('; ')}.` : ''}`,
      },
    ];
  }
  const summary = [
    `The top bottleneck is **${top.title}** (${top.id}): ${top.impact.cpuShare !== null ? `${pct(top.impact.cpuShare)} of CPU samples` : 'no CPU share measured'}, affecting ${top.impact.journeys.length ? top.impact.journeys.map((j) => `"${j}"`).join(', ') : 'no journey with load data'}${top.impact.latencyShare !== null ? ` (${pct(top.impact.latencyShare)} of all request time)` : ''}.`,
    rest.length ? `${rest.length} more: ${rest.map((b) => `${b.id} ${b.title}`).join('; ')}.` : '',
    a.eventLoopDelayMs ? `Event-loop delay under load: p99 ${a.eventLoopDelayMs.p99.toFixed(1)} ms, max ${a.eventLoopDelayMs.max.toFixed(1)} ms.` : '',
  ].filter(Boolean);
  const quick = a.bottlenecks.filter((b) => b.quadrant === 'quick-win');
  const recs = [
    quick.length
      ? `Start with the quick wins (${quick.map((b) => b.id).join(', ')}): high impact for ${quick.reduce((s, b) => s + b.effortDays, 0)} day(s) of estimated effort.`
      : `Start with ${top.id}, the highest rank score (${top.roi}: measured share × catalogue prior ÷ effort).`,
    `Approach for ${top.id}: ${top.approach}.`,
    a.gaps.length ? `Gaps: ${a.gaps.join('; ')}.` : '',
    'Each "at most" figure is a measured share (share × 100), the ceiling if that work disappeared; the catalogue only orders the findings. Verify each change with perf compare.',
  ].filter(Boolean);
  return [
    { title: 'Summary', markdown: summary.join(' ') },
    { title: 'Recommendations', markdown: recs.map((r) => `- ${r}`).join('\n') },
  ];
}

function plan(p: PlanPayload): Section[] {
  const first = p.items[0];
  const approach = [
    p.guidance.keywords.length
      ? `Guidance "${p.guidance.text}" emphasises ${p.guidance.keywords.join(', ')}: items serving these come first when their ROI is close.`
      : 'No guidance given: items are ordered by estimated improvement per effort day.',
    first
      ? `Begin with ${first.id} (${first.tier}, ~${first.effortDays} day(s); ${first.estimatedImprovementPct === null ? 'no measured share' : `addresses work measured at ${first.estimatedImprovementPct}%, the most it can give back`}).`
      : 'There is nothing to plan: no bottleneck was found.',
    ...(p.constraints?.length ? [`Constraints from the guidance: ${p.constraints.map((c) => `${c.name} cannot change`).join('; ')}; ${p.excluded?.length ?? 0} finding(s) left out, items inside it re-targeted to levers outside it.`] : []),
    `${p.counts['quick-win']} quick win(s), ${p.counts.strategic} strategic item(s), ${p.counts['major-refactor']} major refactor(s); ${p.totalEffortDays} day(s) in total.`,
    'Measure after each item (perf baseline, then perf compare) so each change is credited or rolled back on its own.',
  ];
  const risky = p.items.filter((i) => i.risk !== 'low');
  return [
    { title: 'Approach', markdown: approach.join(' ') },
    {
      title: 'Risks',
      markdown: risky.length ? risky.map((i) => `- ${i.id} is ${i.risk} risk: rollback — ${i.rollback}.`).join('\n') : '- All items are low risk and revert with a single change.',
    },
  ];
}

function summary(c: ComparePayload): Section[] {
  const o = c.overall;
  const outcome: string[] = [];
  if (c.verdict === 'improved') outcome.push(`The change improved performance: overall p95 ${o.before.p95Ms.toFixed(1)} → ${o.after.p95Ms.toFixed(1)} ms (${fmtSignedPct(o.change.p95)}).`);
  else if (c.verdict === 'regressed') outcome.push(`The change made performance worse: overall p95 ${fmtSignedPct(o.change.p95)}. Regressed: ${c.regressions.join(', ')}.`);
  else if (c.verdict === 'mixed') outcome.push(`Mixed result: improved ${c.improvements.join(', ') || 'nothing'}, regressed ${c.regressions.join(', ')}.`);
  else if (c.verdict === 'insufficient-data') outcome.push('Too few requests to say whether anything changed.');
  else if (c.verdict === 'unconfirmed') outcome.push(`No change is claimed: the difference seen in one measurement per side (overall p95 ${fmtSignedPct(o.change.p95)}) was not confirmed by re-measuring both sides interleaved (A B A B), or could not be.`);
  else outcome.push(`No significant change: overall p95 ${fmtSignedPct(o.change.p95)} is within the noise thresholds.`);
  if (c.improvements.length && c.verdict !== 'mixed') outcome.push(`Significantly improved: ${c.improvements.join(', ')}.`);
  const unchanged = c.journeys.filter((j) => j.verdict === 'no-significant-change').map((j) => j.name);
  if (unchanged.length) outcome.push(`No significant change: ${unchanged.join(', ')}.`);
  const next: string[] = [];
  if (c.verdict === 'regressed') next.push('The change made things worse: roll it back (or fix it) and re-analyse the bottleneck (perf analyze).');
  if (c.verdict === 'no-significant-change') next.push('No change was measured: if an optimisation was applied, check it reached the measured service, then re-analyse (perf analyze) and try the next plan item.');
  if (c.verdict === 'unconfirmed') next.push('Re-measure before acting: perf flow --after --before-env KEY=VALUE (or --before-url) re-measures both sides interleaved.');
  if (c.regressions.length) next.push(`Investigate the regression(s) in ${c.regressions.join(', ')} before shipping.`);
  const breached = c.slos.filter((s) => s.after && !s.after.met).map((s) => s.name);
  if (breached.length) next.push(`SLO(s) still breached after the change: ${breached.join(', ')} — continue with the next plan item.`);
  else if (c.slos.length) next.push('All SLOs with data are met after the change; keep perf slo-check in CI to hold them.');
  next.push('Re-run perf flow after the next optimisation to keep the before/after record.');
  return [
    { title: 'Outcome', markdown: outcome.join(' ') },
    { title: 'Next steps', markdown: next.map((n) => `- ${n}`).join('\n') },
  ];
}

/** Rule-based narrative from the aggregates: the offline default and the fallback of every provider. */
export function deterministicSections<K extends keyof SynthesisInputs>(kind: K, aggregates: SynthesisInputs[K]): Section[] {
  if (kind === 'bottlenecks') return bottlenecks(aggregates as BottlenecksPayload);
  if (kind === 'plan') return plan(aggregates as PlanPayload);
  return summary(aggregates as ComparePayload);
}
