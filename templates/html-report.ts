import { createHash } from 'node:crypto';
import type { LoadFigures, SloResult, SloStatus } from '../core/artifacts/schemas.js';
import type { ComparePayload, JourneyComparison, SloSnapshot } from '../analyzers/compare/compare.js';
import type { PlanItem, PlanPayload } from '../analyzers/plan/plan.js';
import { fmtBudgetPct, fmtBurnRate, fmtMs, fmtNum, fmtPct } from '../core/format.js';
import { isChart, type ChartOutcome } from '../report/charts/index.js';
import { primary, REPORT_KINDS, type ReportInputs } from '../report/inputs.js';
import { esc } from '../report/svg/xml.js';

/**
 * The standalone HTML report: one file, no script, no external resource. Charts are inline SVG
 * rendered server-side; the only style sheet is inline and allowed by its hash in the CSP meta tag,
 * so the page works from disk, offline, under the strictest policy.
 */
export interface HtmlReportModel {
  inputs: ReportInputs;
  charts: ChartOutcome[];
  generatedAt: string;
  toolVersion: string;
}

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #f6f6f4; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 24px 16px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; margin: 0 0 16px; }
figure { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 16px 0; padding: 10px; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { margin-top: 6px; font-size: 14px; }
figcaption strong { display: block; font-size: 16px; }
.missing { background: #fff; border: 1px dashed #aaa; border-radius: 6px; padding: 10px 12px; color: #444; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; margin: 8px 0 16px; }
th, td { border: 1px solid #ddd; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { display: inline-block; font-weight: 700; border: 2px solid; border-radius: 4px; padding: 0 6px; }
.status-PASS { background: #d8f1e8; color: #00513c; border-color: #009E73; }
.status-PARTIAL { background: #fcebc4; color: #5e4100; border-color: #E69F00; }
.status-FAIL { background: #f8d9c8; color: #842f00; border-color: #D55E00; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.card b { display: block; font-size: 20px; }
ul.sources { font-size: 13px; color: #444; }
code { font-size: 13px; }
`;

/** The CSP allowing exactly our inline style sheet and nothing else (no script, no fetch). */
export function contentSecurityPolicy(css = CSS): string {
  const hash = createHash('sha256').update(css).digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`;
}

const STATUS_SYMBOL: Record<SloStatus, string> = { PASS: '✓', PARTIAL: '◐', FAIL: '✗' };

/** PASS / PARTIAL / FAIL as a badge: colour, symbol and word, so it reads without colour. */
export function statusBadge(status: SloStatus): string {
  const s = STATUS_SYMBOL[status] ? status : 'FAIL';
  return `<span class="status status-${s}">${STATUS_SYMBOL[s]} ${esc(status)}</span>`;
}

export function renderHtmlReport(model: HtmlReportModel): string {
  const { inputs } = model;
  const body: string[] = [];
  body.push('<h1>Performance report</h1>');
  body.push(`<p class="meta">Generated ${esc(model.generatedAt)} by perf ${esc(model.toolVersion)} from ${sourceCount(inputs)} artifact(s). Works offline; no script.</p>`);
  body.push(cards(inputs));
  body.push('<h2 id="charts">Charts</h2>');
  for (const c of model.charts) {
    if (isChart(c)) {
      body.push(`<figure id="${esc(c.id)}" data-chart-figure="${esc(c.id)}">${c.svg}<figcaption><strong>${esc(c.title)}</strong>${esc(c.summary)}</figcaption></figure>`);
    } else {
      body.push(`<p class="missing" id="${esc(c.id)}" data-chart-missing="${esc(c.id)}"><strong>${esc(c.title)}</strong> — not shown: ${esc(c.reason)}.</p>`);
    }
  }
  body.push(journeyTables(inputs));
  body.push(sloTable(inputs));
  body.push(bottleneckTable(inputs));
  body.push(planSection(inputs));
  body.push(compareSection(inputs));
  body.push(sources(inputs));
  const csp = contentSecurityPolicy();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="perf ${esc(model.toolVersion)}">
<title>Performance report</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.filter(Boolean).join('\n')}
</main>
</body>
</html>
`;
}

function sourceCount(inputs: ReportInputs): number {
  return REPORT_KINDS.reduce((n, k) => n + inputs[k].length, 0);
}

function cards(inputs: ReportInputs): string {
  const out: string[] = [];
  const slo = primary(inputs.slo)?.artifact;
  if (slo) out.push(`<div class="card">SLO status <b>${statusBadge(slo.status)}</b></div>`);
  const b = primary(inputs.baseline)?.artifact;
  if (b?.capacity) out.push(`<div class="card">Capacity <b>${esc(fmtNum(b.capacity.maxRps))} req/s</b>limited by ${esc(b.capacity.limitedBy)}</div>`);
  const lt = primary(inputs.loadtest)?.artifact;
  if (lt?.overall) {
    out.push(`<div class="card">Load test p95 <b>${esc(fmtMs(lt.overall.latencyMs.p95))}</b>${esc(lt.scenario)}${lt.partial ? ' (partial run)' : ''}</div>`);
    out.push(`<div class="card">Throughput <b>${esc(fmtNum(lt.overall.throughputRps))} req/s</b>errors ${esc(fmtPct(lt.overall.errorRate))}</div>`);
  } else if (b?.overall) {
    out.push(`<div class="card">Baseline p95 <b>${esc(fmtMs(b.overall.latencyMs.p95))}</b>${esc(fmtNum(b.overall.throughputRps))} req/s</div>`);
  }
  return out.length ? `<div class="cards">${out.join('')}</div>` : '';
}

function table(header: string[], rows: string[][], numeric: boolean[] = []): string {
  const th = header.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

function figuresRows(list: LoadFigures[]): string[][] {
  return list.map((f) => [
    esc(f.name),
    esc(fmtNum(f.requests)),
    esc(fmtNum(f.errors)),
    esc(fmtPct(f.errorRate)),
    esc(fmtNum(f.throughputRps)),
    esc(fmtMs(f.latencyMs?.p50)),
    esc(fmtMs(f.latencyMs?.p95)),
    esc(fmtMs(f.latencyMs?.p99)),
    esc(fmtMs(f.latencyMs?.max)),
  ]);
}

function journeyTables(inputs: ReportInputs): string {
  const header = ['journey', 'requests', 'errors', 'error rate', 'req/s', 'p50', 'p95', 'p99', 'max'];
  const numeric = [false, true, true, true, true, true, true, true, true];
  const out: string[] = [];
  const lt = primary(inputs.loadtest)?.artifact;
  if (lt && Array.isArray(lt.journeys)) {
    out.push(`<h3>Load test (${esc(lt.scenario)})</h3>`);
    out.push(table(header, figuresRows([...lt.journeys, lt.overall]), numeric));
  }
  const b = primary(inputs.baseline)?.artifact;
  if (b && Array.isArray(b.journeys)) {
    out.push('<h3>Baseline</h3>');
    out.push(table(header, figuresRows([...b.journeys, b.overall]), numeric));
  }
  return out.length ? `<h2 id="journeys">Per-journey figures</h2>\n${out.join('\n')}` : '';
}

function sloActual(s: SloResult): string {
  if (s.actual === null || s.actual === undefined) return 'n/a';
  return s.sli === 'latency' ? fmtMs(s.actual) : `${fmtNum(s.actual, 3)}%`;
}

function sloTable(inputs: ReportInputs): string {
  const slo = primary(inputs.slo)?.artifact;
  if (!slo || !Array.isArray(slo.slos)) return '';
  const rows = slo.slos.map((s) => [
    esc(s.name),
    esc(s.sli),
    esc(s.journey ?? 'all'),
    esc(`${fmtNum(s.objective, 3)}%`),
    esc(sloActual(s)),
    esc(s.sli === 'latency' ? fmtMs(s.target) : `${fmtNum(s.target, 3)}%`),
    statusBadge(s.status),
    esc(`${fmtBudgetPct(s.errorBudget?.consumedPct)} of ${s.window ?? 'the window'}`),
    esc(fmtBurnRate(s.burnRate)),
  ]);
  return (
    `<h2 id="slos">SLO compliance ${statusBadge(slo.status)}</h2>\n` +
    table(['SLO', 'SLI', 'journey', 'objective', 'actual', 'target', 'status', 'budget consumed (of the SLO window)', 'burn rate'], rows, [false, false, false, true, true, true, false, true, true])
  );
}

/** The bottleneck ranking; fields are read defensively (the artifact belongs to `perf analyze`). */
function bottleneckTable(inputs: ReportInputs): string {
  const bn = primary(inputs.bottlenecks)?.artifact;
  if (!bn) return '';
  const list = Array.isArray(bn.bottlenecks) ? (bn.bottlenecks as Record<string, unknown>[]) : [];
  const gaps = Array.isArray(bn.gaps) ? (bn.gaps as unknown[]).map(String) : [];
  const n = (v: unknown, f: (x: number) => string): string => (typeof v === 'number' ? esc(f(v)) : 'n/a');
  const rows = list.map((b, i) => {
    const impact = (b.impact ?? {}) as Record<string, unknown>;
    return [
      n(b.rank ?? i + 1, (x) => String(x)),
      esc(String(b.title ?? b.id ?? '')),
      esc(String(b.quadrant ?? '')),
      n(impact.cpuShare, (x) => fmtPct(x, 1)),
      n(impact.latencyShare, (x) => fmtPct(x, 1)),
      n(b.estimatedImprovementPct, (x) => `${fmtNum(x)}%`),
      n(b.effortDays, (x) => fmtNum(x)),
      n(b.roi, (x) => fmtNum(x, 2)),
    ];
  });
  return (
    '<h2 id="bottlenecks">Bottleneck ranking</h2>\n' +
    (rows.length
      ? table(['rank', 'bottleneck', 'quadrant', 'CPU share', 'latency share', 'est. improvement', 'effort (days)', 'ROI'], rows, [true, false, false, true, true, true, true, true])
      : '<p>No bottleneck found.</p>') +
    (gaps.length ? `<p>Not analysed: ${gaps.map(esc).join('; ')}</p>` : '')
  );
}

const pct = (v: unknown, digits = 1): string => (typeof v === 'number' && Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(digits)}%` : 'n/a');
const numOr = (v: unknown, f: (x: number) => string): string => (typeof v === 'number' && Number.isFinite(v) ? f(v) : 'n/a');

/** The optimisation plan (perf.plan/v1), read defensively; unknown extra lists still show generically. */
function planSection(inputs: ReportInputs): string {
  const plan = primary(inputs.plan)?.artifact as (Record<string, unknown> & Partial<PlanPayload>) | undefined;
  if (!plan) return '';
  if (!Array.isArray(plan.items)) return genericSection('plan', 'Optimisation plan', inputs);
  const rows = plan.items.map((it: Partial<PlanItem>) => [
    esc(numOr(it.priority, String)),
    esc(String(it.title ?? it.id ?? '')),
    esc(String(it.tier ?? '')),
    esc(numOr(it.effortDays, (x) => fmtNum(x))),
    esc(numOr(it.estimatedImprovementPct, (x) => `${fmtNum(x)}%`)),
    esc(numOr(it.roi, (x) => fmtNum(x, 2))),
    esc(String(it.risk ?? '')),
    esc(Array.isArray(it.journeys) ? it.journeys.join(', ') : ''),
  ]);
  const counts = plan.counts ? Object.entries(plan.counts).map(([k, v]) => `${v} ${k}`).join(', ') : '';
  return (
    '<h2 id="plan">Optimisation plan</h2>\n' +
    (counts || plan.totalEffortDays !== undefined ? `<p>${esc(counts)}${plan.totalEffortDays !== undefined ? ` — ${esc(fmtNum(plan.totalEffortDays))} days in total` : ''}.</p>\n` : '') +
    (rows.length
      ? table(['priority', 'item', 'tier', 'effort (days)', 'est. improvement', 'ROI', 'risk', 'journeys'], rows, [true, false, false, true, true, true, false, false])
      : '<p>Nothing to plan.</p>')
  );
}

/** The before/after comparison (perf.compare/v1): verdicts with their tests' confidence, budget recovered. */
function compareSection(inputs: ReportInputs): string {
  const cmp = primary(inputs.summary)?.artifact as (Record<string, unknown> & Partial<ComparePayload>) | undefined;
  if (!cmp) return '';
  if (!cmp.overall || !Array.isArray(cmp.journeys)) return genericSection('summary', 'Before / after comparison', inputs);
  const row = (j: Partial<JourneyComparison>): string[] => [
    esc(String(j.name ?? '')),
    esc(`${fmtMs(j.before?.p95Ms)} → ${fmtMs(j.after?.p95Ms)}`),
    esc(pct(j.change?.p95)),
    esc(`${fmtMs(j.before?.p99Ms)} → ${fmtMs(j.after?.p99Ms)}`),
    esc(pct(j.change?.throughput)),
    esc(numOr(j.change?.errorRatePoints, (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pts`)),
    esc(String(j.verdict ?? '')),
    esc(numOr(j.confidence, (x) => fmtPct(x, 2))),
  ];
  const out = [
    `<h2 id="summary">Before / after comparison: ${esc(String(cmp.verdict ?? cmp.overall.verdict ?? ''))}</h2>`,
    `<p>Before: <code>${esc(String(cmp.before?.runId ?? '?'))}</code> (${esc(String(cmp.before?.file ?? ''))}) — after: <code>${esc(String(cmp.after?.runId ?? '?'))}</code> (${esc(String(cmp.after?.file ?? ''))}).</p>`,
    table(['journey', 'p95', 'p95 change', 'p99', 'throughput change', 'error rate change', 'verdict', 'confidence'], [row(cmp.overall), ...cmp.journeys.map(row)], [false, true, true, true, true, true, false, true]),
  ];
  if (Array.isArray(cmp.slos) && cmp.slos.length) {
    out.push(
      table(
        ['SLO', 'budget consumed before (of the SLO window)', 'budget consumed after', 'budget recovered'],
        cmp.slos.map((s: Partial<SloSnapshot>) => [
          esc(String(s.name ?? '')),
          esc(numOr(s.before?.budgetConsumedPct, fmtBudgetPct)),
          esc(numOr(s.after?.budgetConsumedPct, fmtBudgetPct)),
          esc(numOr(s.budgetRecoveredPct, (x) => `${fmtBudgetPct(x).replace(/%$/, '')} pts`)),
        ]),
        [false, true, true, true],
      ),
    );
  }
  if (cmp.roi) {
    out.push(
      `<p>ROI: p95 ${esc(numOr(cmp.roi.p95ImprovementPct, (x) => `${fmtNum(x)}%`))} better` +
        (cmp.roi.effortDays !== null ? ` for ${esc(fmtNum(cmp.roi.effortDays))} days of effort (${esc(numOr(cmp.roi.improvementPerDayPct, (x) => `${fmtNum(x)}%`))} per day)` : '') +
        '.</p>',
    );
  }
  if (Array.isArray(cmp.notes) && cmp.notes.length) out.push(`<ul>${cmp.notes.map((n) => `<li>${esc(String(n))}</li>`).join('')}</ul>`);
  return out.join('\n');
}

/**
 * Artifacts whose shape this template does not know in detail (plan, comparison): every top-level
 * list of objects becomes a table of its scalar fields, so their numbers are shown, not guessed at.
 */
function genericSection(kind: 'plan' | 'summary', title: string, inputs: ReportInputs): string {
  const a = primary(inputs[kind])?.artifact;
  if (!a) return '';
  const out: string[] = [`<h2 id="${kind}">${esc(title)}</h2>`];
  const scalars = Object.entries(a).filter(([k, v]) => !['schema', 'runId', 'generatedAt', 'tool'].includes(k) && isScalar(v));
  if (scalars.length) out.push(table(['field', 'value'], scalars.map(([k, v]) => [esc(k), cellOf(v)])));
  for (const [key, value] of Object.entries(a)) {
    if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== 'object' || value[0] === null) continue;
    const items = value as Record<string, unknown>[];
    const cols = Object.keys(items[0] as object)
      .filter((k) => items.some((it) => isScalar(it[k])))
      .slice(0, 8);
    if (cols.length === 0) continue;
    out.push(`<h3>${esc(key)}</h3>`);
    out.push(table(cols, items.map((it) => cols.map((c) => cellOf(it[c])))));
  }
  return out.join('\n');
}

function cellOf(v: unknown): string {
  return isScalar(v) ? esc(fmtScalar(v)) : '';
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function fmtScalar(v: string | number | boolean): string {
  if (typeof v === 'number') return fmtNum(v, 3);
  const s = String(v);
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

function sources(inputs: ReportInputs): string {
  const items: string[] = [];
  for (const k of REPORT_KINDS) {
    for (const l of inputs[k]) {
      items.push(`<li>${esc(String(l.artifact.schema))} — run <code>${esc(l.artifact.runId)}</code>, generated ${esc(l.artifact.generatedAt)} — <code>${esc(l.file)}</code></li>`);
    }
  }
  for (const s of inputs.skipped) items.push(`<li>skipped <code>${esc(s.file)}</code>: ${esc(s.reason)}</li>`);
  return `<h2 id="sources">Sources</h2>\n<ul class="sources">${items.join('\n')}</ul>`;
}
