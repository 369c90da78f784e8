import type { ComparePayload, JourneyComparison, SloSnapshot } from '../../analyzers/compare/compare.js';
import { fmtBudgetPct, fmtMs, fmtNum, fmtPct } from '../../core/format.js';
import { primary, type ReportInputs } from '../../report/inputs.js';
import { genericSection } from './generic.js';
import { html, joinHtml, type SafeHtml } from './safe.js';
import { table } from './table.js';

const pct = (v: unknown, digits = 1): string => (typeof v === 'number' && Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(digits)}%` : 'n/a');
const numOr = (v: unknown, f: (x: number) => string): string => (typeof v === 'number' && Number.isFinite(v) ? f(v) : 'n/a');

/** The before/after comparison (perf.compare/v1): verdicts with their tests' confidence, budget recovered. */
export function compareSection(inputs: ReportInputs): SafeHtml | '' {
  const cmp = primary(inputs.summary)?.artifact as (Record<string, unknown> & Partial<ComparePayload>) | undefined;
  if (!cmp) return '';
  if (!cmp.overall || !Array.isArray(cmp.journeys)) return genericSection('summary', 'Before / after comparison', inputs);
  const row = (j: Partial<JourneyComparison>): string[] => [
    String(j.name ?? ''),
    `${fmtMs(j.before?.p95Ms)} → ${fmtMs(j.after?.p95Ms)}`,
    pct(j.change?.p95),
    `${fmtMs(j.before?.p99Ms)} → ${fmtMs(j.after?.p99Ms)}`,
    pct(j.change?.throughput),
    numOr(j.change?.errorRatePoints, (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pts`),
    String(j.verdict ?? ''),
    numOr(j.confidence, (x) => fmtPct(x, 2)),
  ];
  const out: SafeHtml[] = [
    html`<h2 id="summary">Before / after comparison: ${String(cmp.verdict ?? cmp.overall.verdict ?? '')}</h2>`,
    html`<p>Before: <code>${String(cmp.before?.runId ?? '?')}</code> (${String(cmp.before?.file ?? '')}) — after: <code>${String(cmp.after?.runId ?? '?')}</code> (${String(cmp.after?.file ?? '')}).</p>`,
    table(['journey', 'p95', 'p95 change', 'p99', 'throughput change', 'error rate change', 'verdict', 'confidence'], [row(cmp.overall), ...cmp.journeys.map(row)], [false, true, true, true, true, true, false, true]),
  ];
  if (Array.isArray(cmp.slos) && cmp.slos.length) {
    out.push(
      table(
        ['SLO', 'budget consumed before (of the SLO window)', 'budget consumed after', 'budget recovered'],
        cmp.slos.map((s: Partial<SloSnapshot>) => [
          String(s.name ?? ''),
          numOr(s.before?.budgetConsumedPct, fmtBudgetPct),
          numOr(s.after?.budgetConsumedPct, fmtBudgetPct),
          numOr(s.budgetRecoveredPct, (x) => `${fmtBudgetPct(x).replace(/%$/, '')} pts`),
        ]),
        [false, true, true, true],
      ),
    );
  }
  if (cmp.roi) {
    const effort = cmp.roi.effortDays !== null ? ` for ${fmtNum(cmp.roi.effortDays)} days of effort (${numOr(cmp.roi.improvementPerDayPct, (x) => `${fmtNum(x)}%`)} per day)` : '';
    out.push(html`<p>ROI: p95 ${numOr(cmp.roi.p95ImprovementPct, (x) => `${fmtNum(x)}%`)} better${effort}.</p>`);
  }
  if (Array.isArray(cmp.notes) && cmp.notes.length) out.push(html`<ul>${cmp.notes.map((n) => html`<li>${String(n)}</li>`)}</ul>`);
  return joinHtml(out, '\n');
}
