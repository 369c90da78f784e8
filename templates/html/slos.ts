import type { SloResult } from '../../core/artifacts/schemas.js';
import { fmtBudgetPct, fmtBurnRate, fmtMs, fmtNum } from '../../core/format.js';
import { primary, type ReportInputs } from '../../report/inputs.js';
import { html, type SafeHtml } from './safe.js';
import { statusBadge } from './status.js';
import { table } from './table.js';

function sloActual(s: SloResult): string {
  if (s.actual === null || s.actual === undefined) return 'n/a';
  return s.sli === 'latency' ? fmtMs(s.actual) : `${fmtNum(s.actual, 3)}%`;
}

/** The SLO table: every budget figure is the one ErrorBudget's, as perf slo-check computed it. */
export function sloTable(inputs: ReportInputs): SafeHtml | '' {
  const slo = primary(inputs.slo)?.artifact;
  if (!slo || !Array.isArray(slo.slos)) return '';
  const rows = slo.slos.map((s) => [
    s.name,
    s.sli,
    s.journey ?? 'all',
    `${fmtNum(s.objective, 3)}%`,
    sloActual(s),
    s.sli === 'latency' ? fmtMs(s.target) : `${fmtNum(s.target, 3)}%`,
    statusBadge(s.status),
    `${fmtBudgetPct(s.errorBudget?.consumedPct)} of ${s.window ?? 'the window'}`,
    fmtBurnRate(s.burnRate),
  ]);
  return html`<h2 id="slos">SLO compliance ${statusBadge(slo.status)}</h2>
${table(['SLO', 'SLI', 'journey', 'objective', 'actual', 'target', 'status', 'budget consumed (of the SLO window)', 'burn rate'], rows, [false, false, false, true, true, true, false, true, true])}`;
}
