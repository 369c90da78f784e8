import type { PlanItem, PlanPayload } from '../../analyzers/plan/plan.js';
import { fmtNum } from '../../core/format.js';
import { primary, type ReportInputs } from '../../report/inputs.js';
import { genericSection } from './generic.js';
import { html, type SafeHtml } from './safe.js';
import { table } from './table.js';

const numOr = (v: unknown, f: (x: number) => string): string => (typeof v === 'number' && Number.isFinite(v) ? f(v) : 'n/a');

/** The optimisation plan (perf.plan/v1), read defensively; unknown extra lists still show generically. */
export function planSection(inputs: ReportInputs): SafeHtml | '' {
  const plan = primary(inputs.plan)?.artifact as (Record<string, unknown> & Partial<PlanPayload>) | undefined;
  if (!plan) return '';
  if (!Array.isArray(plan.items)) return genericSection('plan', 'Optimisation plan', inputs);
  const rows = plan.items.map((it: Partial<PlanItem>) => [
    numOr(it.priority, String),
    String(it.title ?? it.id ?? ''),
    String(it.tier ?? ''),
    numOr(it.effortDays, (x) => fmtNum(x)),
    numOr(it.estimatedImprovementPct, (x) => `${fmtNum(x)}%`),
    numOr(it.roi, (x) => fmtNum(x, 2)),
    String(it.risk ?? ''),
    Array.isArray(it.journeys) ? it.journeys.join(', ') : '',
  ]);
  const counts = plan.counts ? Object.entries(plan.counts).map(([k, v]) => `${v} ${k}`).join(', ') : '';
  const total = plan.totalEffortDays !== undefined ? ` — ${fmtNum(plan.totalEffortDays)} days in total` : '';
  return html`<h2 id="plan">Optimisation plan</h2>
${counts || total ? html`<p>${counts}${total}.</p>\n` : ''}${
    rows.length ? table(['priority', 'item', 'tier', 'effort (days)', 'est. improvement', 'ROI', 'risk', 'journeys'], rows, [true, false, false, true, true, true, false, false]) : html`<p>Nothing to plan.</p>`
  }`;
}
