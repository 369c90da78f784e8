import type { ComparePayload, JourneyComparison, SloSide, Verdict } from '../analyzers/compare/compare.js';
import { renderDatabaseComparison } from './database.js';
import { fmtPValue, fmtSignedPct } from '../core/format.js';
import type { SynthesisResult } from '../agents/types.js';
import { fmtBudgetPct, fmtErrorBudget, fmtPct } from '../core/format.js';
import { mdTable, mdText } from '../core/markdown.js';
import { narrative } from './bottleneck-analysis.js';

const LABEL: Record<Verdict, string> = {
  improved: '📈 improved',
  regressed: '⚠️ regressed',
  mixed: '⚠️ mixed',
  'no-significant-change': 'no significant change',
  'insufficient-data': 'insufficient data',
  unconfirmed: 'not confirmed (no change claimed)',
};

const ms = (x: number): string => `${x.toFixed(1)} ms`;
const conf = (j: JourneyComparison): string => (j.confidence === null ? '—' : `${Math.min(99.99, j.confidence * 100).toFixed(2)}%`);

/** `reports/optimization-summary.md` */
export function renderSummary(c: ComparePayload, s: SynthesisResult, extra: { title?: string; trigger?: string } = {}): string {
  const o = c.overall;
  const out: string[] = [`# ${mdText(extra.title ?? 'Optimization Summary')}`, ''];
  out.push('## Executive Summary', '');
  if (extra.trigger) out.push(`- Trigger: ${mdText(extra.trigger)}`);
  out.push(
    `- Before: ${mdText(c.before.file)} (${c.before.schema}, run ${mdText(c.before.runId)})`,
    `- After: ${mdText(c.after.file)} (${c.after.schema}, run ${mdText(c.after.runId)})`,
    `- Verdict: **${LABEL[c.verdict]}**${c.improvements.length ? ` — improved: ${mdText(c.improvements.join(', '))}` : ''}${c.regressions.length ? ` — regressed: ${mdText(c.regressions.join(', '))}` : ''}`,
    `- Overall p95: ${ms(o.before.p95Ms)} → ${ms(o.after.p95Ms)} (${fmtSignedPct(o.change.p95)})`,
    '',
  );
  const refused = c.fairness.issues.filter((i) => i.severity === 'refuse');
  if (refused.length) out.push(`> ⚠️ **Not a fair comparison** (compared anyway with --allow-mismatch): ${mdText(refused.map((i) => i.text).join('; '))}. The verdicts below compare the loads as much as the service.`, '');
  for (const i of c.fairness.issues.filter((x) => x.severity === 'flag')) out.push(`> ⚠️ ${mdText(i.text)}`, '');
  out.push(
    `> Evidence: ${c.measurementsPerSide} measurement(s) per side${c.measurementsPerSide === 1 ? ' — one run each, so drift of the host between the runs is not separated from the change (perf flow re-measures both sides interleaved, A B A B, before it claims a change)' : ' (the first pair, then both sides re-measured interleaved: A B A B)'}.`,
    '',
  );
  for (const n of c.notes) out.push(`> ${mdText(n)}`, '');
  out.push(narrative(s));
  out.push('## Before vs After', '');
  out.push(
    mdTable(
      ['Metric', 'Before', 'After', 'Change'],
      [
        ['p50 Latency', ms(o.before.p50Ms), ms(o.after.p50Ms), fmtSignedPct(o.change.p50)],
        ['p95 Latency', ms(o.before.p95Ms), ms(o.after.p95Ms), fmtSignedPct(o.change.p95)],
        ['p99 Latency', ms(o.before.p99Ms), ms(o.after.p99Ms), fmtSignedPct(o.change.p99)],
        ['Throughput', `${o.before.throughputRps.toFixed(1)} RPS`, `${o.after.throughputRps.toFixed(1)} RPS`, fmtSignedPct(o.change.throughput)],
        ['Error Rate', `${(o.before.errorRate * 100).toFixed(2)}%`, `${(o.after.errorRate * 100).toFixed(2)}%`, `${o.change.errorRatePoints >= 0 ? '+' : ''}${(o.change.errorRatePoints * 100).toFixed(2)} pts`],
      ],
    ),
    '',
  );
  out.push('## Per journey', '');
  out.push(
    mdTable(
      ['journey', 'p50', 'p95', 'p99', 'throughput', 'errors', 'verdict', 'confidence'],
      [...c.journeys, { ...o, name: 'overall' }].map((j) => [
        j.name,
        `${ms(j.before.p50Ms)} → ${ms(j.after.p50Ms)} (${fmtSignedPct(j.change.p50)})`,
        `${ms(j.before.p95Ms)} → ${ms(j.after.p95Ms)} (${fmtSignedPct(j.change.p95)})`,
        `${ms(j.before.p99Ms)} → ${ms(j.after.p99Ms)} (${fmtSignedPct(j.change.p99)})`,
        `${j.before.throughputRps.toFixed(1)} → ${j.after.throughputRps.toFixed(1)} RPS`,
        `${(j.before.errorRate * 100).toFixed(2)}% → ${(j.after.errorRate * 100).toFixed(2)}%`,
        LABEL[j.verdict],
        conf(j),
      ]),
    ),
    '',
  );
  if (c.database) out.push(...renderDatabaseComparison(c.database), '');
  out.push('## Statistical significance', '');
  out.push(
    `Computed from the HDR histograms: Mann–Whitney U (normal approximation with tie correction; each HDR bucket is a tie group) and a ${o.p95Bootstrap ? `${o.p95Bootstrap.iterations}-iteration` : ''} percentile bootstrap of the p95 change. A change counts when p < ${c.options.alpha}, |Cliff's delta| ≥ ${c.options.minDelta} and the median moves by at least ${((c.options.minMedianChange ?? 0.1) * 100).toFixed(0)}%, or when the bootstrap interval of the p95 change excludes 0 and the change is at least ${(c.options.minP95Change * 100).toFixed(0)}% (tested only with ≥ 400 requests a side), in both cases moving the median or p95 by at least ${c.options.minAbsoluteMs ?? 1} ms; error rates use a two-proportion test (≥ ${(c.options.minErrorRateChange * 100).toFixed(1)} points). These tests see sampling noise within each run, not run-to-run drift of the machine.`,
    '',
  );
  out.push(
    mdTable(
      ['journey', 'Mann–Whitney p', "Cliff's delta", 'p95 change (95% CI)', 'why'],
      [...c.journeys, { ...o, name: 'overall' }].map((j) => [
        j.name,
        j.mannWhitney ? fmtPValue(j.mannWhitney.pValue) : '—',
        j.mannWhitney ? j.mannWhitney.cliffsDelta.toFixed(3) : '—',
        j.p95Bootstrap ? `${fmtSignedPct(j.p95Bootstrap.change)} (${fmtSignedPct(j.p95Bootstrap.ciLow)} … ${fmtSignedPct(j.p95Bootstrap.ciHigh)})` : '—',
        j.reasons.join('; '),
      ]),
    ),
    '',
  );
  if (c.confirmations?.length) {
    out.push('## Confirmation (both sides re-measured interleaved: A B A B)', '');
    out.push(
      'A claimed change stands only when every interleaved pair gives the same verdict and neither side differs from itself; otherwise no change is claimed. Every measurement is kept:',
      '',
    );
    out.push(
      mdTable(
        ['journey', 'order', 'side', 'requests', 'p50', 'p95', 'p99', 'errors', 'raw figures'],
        c.confirmations.flatMap((r) =>
          r.measurements.length === 0
            ? [[r.journey, '—', '—', '—', '—', '—', '—', '—', 'not re-measured']]
            : r.measurements.map((m) => [r.journey, String(m.order), m.side === 'before' ? 'A (before)' : 'B (after)', m.requests, ms(m.p50Ms), ms(m.p95Ms), ms(m.p99Ms), `${(m.errorRate * 100).toFixed(2)}%`, m.file ?? '—']),
        ),
      ),
      '',
    );
    out.push(
      mdTable(
        ['journey', 'first pair', 'pairs A/B', 'A vs A', 'B vs B', 'result'],
        c.confirmations.map((r) => [r.journey, LABEL[r.claimed], r.pairs.map((v) => LABEL[v]).join(' · ') || '—', r.sameSide.before ? LABEL[r.sameSide.before] : '—', r.sameSide.after ? LABEL[r.sameSide.after] : '—', `${r.held ? 'confirmed' : 'not claimed'}: ${r.reason}`]),
      ),
      '',
    );
  }
  if (c.unmatched.beforeOnly.length || c.unmatched.afterOnly.length) {
    out.push(`Journeys on one side only — before: ${mdText(c.unmatched.beforeOnly.join(', ') || '—')}; after: ${mdText(c.unmatched.afterOnly.join(', ') || '—')}.`, '');
  }
  out.push('## SLO compliance', '');
  if (c.slos.length === 0) out.push('No SLOs given (pass --config with slos to see compliance and error budgets).', '');
  else {
    const side = (x: SloSide | null, window: string | undefined): string =>
      x ? `${x.status ?? (x.met ? 'PASS' : 'FAIL')} (${fmtPct(x.badFraction)} bad, ${fmtErrorBudget({ burnRate: x.burnRate, consumedPct: x.budgetConsumedPct, window })})` : 'no data';
    out.push(
      mdTable(
        ['SLO', 'objective', 'before', 'after', 'error budget recovered'],
        c.slos.map((x) => [x.name, `${x.objective}%${x.journey ? ` (${x.journey})` : ''}`, side(x.before, x.window), side(x.after, x.window), x.budgetRecoveredPct === null ? '—' : `${x.budgetRecoveredPct >= 0 ? '+' : ''}${fmtBudgetPct(x.budgetRecoveredPct).replace(/%$/, '')} pts`]),
      ),
      '',
      'Each side is the SLO check of that run, as perf slo-check computes it: burn rate = bad fraction / allowed bad fraction (1 − objective), budget consumed = burn rate × run length / SLO window; perf slo-check adds burn-rate alerts over time windows.',
      '',
    );
  }
  out.push('## ROI Analysis', '');
  if (c.roi && c.roi.effortDays !== null) {
    out.push(
      `- Development effort: ${c.roi.effortDays} day(s) (${c.roi.effortSource === 'plan' ? 'from the optimisation plan' : 'entered by the user'})`,
      `- Overall p95 improvement: ${c.roi.p95ImprovementPct.toFixed(1)}%`,
      `- Improvement per effort day: ${c.roi.improvementPerDayPct === null ? 'n/a' : `${c.roi.improvementPerDayPct.toFixed(1)}%`}`,
      '',
    );
  } else out.push(`- Overall p95 improvement: ${(c.roi?.p95ImprovementPct ?? 0).toFixed(1)}%`, '- Development effort: not given (pass --effort-days, or --plan with an optimisation plan)', '');
  return out.join('\n');
}
