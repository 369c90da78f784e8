/**
 * Renderers of an SLO check: the `.aiwg/reports/slo-compliance.md` report, the GitHub step summary
 * table and the GitHub workflow-command annotations. Pure string functions of the perf.slo/v1 payload.
 */
import type { SloAlert, SloResult } from '../core/artifacts/schemas.js';
import { renderLimitsTable } from './resources.js';
import { describeRunners } from '../analyzers/merge/runners.js';
import { formatDuration } from '../core/duration.js';
import { fmtBudgetPct, fmtBurnRate, fmtErrorBudget, fmtFigure, fmtShare } from '../core/format.js';
import { mdCode, mdTable, mdText } from '../core/markdown.js';
import type { SloReport } from '../analyzers/slo/check.js';

const ICON: Record<string, string> = { PASS: '✅ PASS', PARTIAL: '⚠️ PARTIAL', FAIL: '❌ FAIL' };

export function targetText(s: SloResult): string {
  if (s.sli === 'latency') return `≤ ${fmtFigure(s.target)} ms`;
  if (s.sli === 'availability') return `≥ ${fmtFigure(s.target)}% good`;
  return `≤ ${fmtFigure(s.target)}% bad`;
}

export function actualText(s: SloResult): string {
  if (s.actual === null) return 'cannot be judged';
  return s.sli === 'latency' ? `${fmtFigure(s.actual)} ms` : `${fmtFigure(s.actual)}%`;
}

export function sliText(s: SloResult): string {
  const scope = s.journey ? ` (${s.journey})` : '';
  return `${s.sli}${scope}`;
}

const firingText = (alerts: SloAlert[]): string => {
  const f = alerts.filter((a) => a.firing);
  if (alerts.length === 0 || alerts.every((a) => a.longBurnRate === null && a.shortBurnRate === null)) return 'n/a';
  return f.length === 0 ? 'none' : f.map((a) => `${a.severity} ${a.factor}×`).join(', ');
};

/** "burn rate 0.5, budget consumed 0.0694% (of the 30d window)": the one wording of an SLO's budget. */
export function budgetText(s: SloResult): string {
  return fmtErrorBudget({ burnRate: s.burnRate, consumedPct: s.errorBudget.consumedPct, window: s.window });
}

/** One line per SLO with the numbers: used by JUnit failures, annotations and the console. */
export function sloLine(s: SloResult): string {
  return (
    `${s.name}: ${s.status} — ${s.sli === 'latency' ? 'observed' : 'SLI'} ${actualText(s)} (target ${targetText(s)}, objective ${fmtFigure(s.objective)}%); ` +
    `bad ${s.events.bad}/${s.events.total} = ${fmtShare(s.errorBudget.badFraction)} vs allowed ${fmtShare(s.errorBudget.allowedBadFraction)}; ` +
    `${budgetText(s)}, ${fmtBudgetPct(s.errorBudget.remainingPct)} remaining`
  );
}

export function summaryTable(r: SloReport): string {
  return mdTable(
    ['SLO', 'SLI', 'target', 'actual', 'status', 'bad / total', 'burn rate', 'budget consumed (of the SLO window)', 'alerts firing'],
    r.slos.map((s) => [
      s.name,
      sliText(s),
      targetText(s),
      actualText(s),
      ICON[s.status] ?? s.status,
      `${s.events.bad} / ${s.events.total}`,
      fmtBurnRate(s.burnRate),
      `${fmtBudgetPct(s.errorBudget.consumedPct)} of ${s.window ?? 'the window'}`,
      firingText(s.alerts),
    ]),
  );
}

export function renderSloMarkdown(r: SloReport): string {
  const lines: string[] = [];
  lines.push(`# SLO compliance — ${ICON[r.status] ?? r.status}`, '');
  lines.push(`- Source: ${mdCode(r.source.file)} (${mdText(r.source.format)})`);
  lines.push(`- Run length: ${r.runDurationMs > 0 ? formatDuration(r.runDurationMs) : 'unknown'}`);
  lines.push(`- SLOs from: ${mdCode(r.slosFrom)}`);
  if (r.runners) lines.push(`- Merged k6 runners: ${mdText(describeRunners(r.runners))}`);
  if (r.runInvalid && r.runInvalid.length > 0) {
    lines.push('', '**The run did not happen as planned, so no SLO can pass it:**', '', ...r.runInvalid.map((x) => `- ${mdText(x)}`), '');
  }
  if (r.partial) lines.push(`- Partial run: ${mdText(r.partial)}`);
  lines.push(`- PARTIAL = target met but within the ${fmtFigure(r.warnMargin * 100)}% warning margin (latency above ${fmtFigure((1 - r.warnMargin) * 100)}% of its threshold, or burn rate above ${fmtFigure(1 - r.warnMargin)})`);
  lines.push('', summaryTable(r), '');
  for (const s of r.slos) {
    lines.push(`## ${mdText(s.name)} — ${ICON[s.status] ?? s.status}`, '');
    lines.push(`- SLI: ${mdText(sliText(s))}; objective ${fmtFigure(s.objective)}% good events; target ${targetText(s)}; observed ${actualText(s)}`);
    lines.push(
      `- Error budget: allowed bad fraction ${fmtFigure(s.errorBudget.allowedBadFraction)}, observed ${fmtFigure(s.errorBudget.badFraction)} (${s.events.bad} of ${s.events.total}); ` +
        `${budgetText(s)}, ${fmtBudgetPct(s.errorBudget.remainingPct)} remains`,
    );
    lines.push(`- Burn rate: ${fmtBurnRate(s.burnRate)} (1 = spending the budget exactly over the SLO window)`);
    if (s.note) lines.push(`- Note: ${mdText(s.note)}`);
    if (s.alerts.length > 0) {
      lines.push(
        '',
        mdTable(
          ['alert', 'factor', 'long window', 'short window', 'long burn', 'short burn', 'firing', 'note'],
          s.alerts.map((a) => [a.severity, `${a.factor}×`, a.longWindow, a.shortWindow, fmtFigure(a.longBurnRate), fmtFigure(a.shortBurnRate), a.firing ? 'yes' : 'no', a.note ?? '']),
        ),
      );
    }
    lines.push('');
  }
  lines.push(...renderLimitsTable(r.resourceLimits ?? []));
  if (r.k6Thresholds && r.k6Thresholds.length > 0) {
    lines.push('## k6 thresholds (as k6 judged them)', '');
    lines.push(mdTable(['metric', 'threshold', 'result'], r.k6Thresholds.map((t) => [t.metric, t.expression, t.ok ? 'ok' : 'FAILED'])), '');
  }
  if (r.limits.length > 0) {
    lines.push('## What this input cannot tell', '', ...r.limits.map((l) => `- ${mdText(l)}`), '');
  }
  if (r.warnings.length > 0) {
    lines.push('## Warnings', '', ...r.warnings.map((w) => `- ${mdText(w)}`), '');
  }
  return lines.join('\n');
}

/** The markdown appended to $GITHUB_STEP_SUMMARY. */
export function renderStepSummary(r: SloReport): string {
  const invalid = r.runInvalid && r.runInvalid.length > 0 ? `The run did not happen as planned:\n\n${r.runInvalid.map((x) => `- ${mdText(x)}`).join('\n')}\n\n` : '';
  return `### perf slo-check: ${ICON[r.status] ?? r.status}\n\nSource: ${mdCode(r.source.file)} (${mdText(r.source.format)})\n\n${invalid}${summaryTable(r)}\n\n`;
}

const escData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s: string): string => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub workflow commands: ::error for FAIL, ::warning for PARTIAL. */
export function renderAnnotations(r: SloReport): string[] {
  const invalid = (r.runInvalid ?? []).map((x) => `::error title=${escProp('perf run did not happen')}::${escData(x)}`);
  return invalid.concat(r.slos
    .filter((s) => s.status !== 'PASS')
    .map((s) => `::${s.status === 'FAIL' ? 'error' : 'warning'} title=${escProp(`SLO ${s.name} ${s.status}`)}::${escData(sloLine(s) + (s.note ? `. ${s.note}` : ''))}`));
}
