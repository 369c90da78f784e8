import { checkLimits } from '../../analyzers/resources/limits.js';
import { fmtPercentileMs } from '../../analyzers/sample-size.js';
import type { LoadFigures, LoadTestPayload } from '../../core/artifacts/schemas.js';
import type { ResourceLimits } from '../../core/contract/config.js';
import { fmtMs, fmtNum, fmtPct } from '../../core/format.js';
import type { ChartOutcome } from '../../report/charts/index.js';
import { leakSentence } from '../../report/charts/resources.js';
import type { ScenarioRun } from '../../report/scenarios.js';
import { formatOffset } from '../../report/svg/scale.js';
import { chartFigure } from './charts.js';
import { journeyTable } from './journeys.js';
import { html, joinHtml, type HtmlValue, type SafeHtml } from './safe.js';
import { verdictBadge } from './status.js';
import { table } from './table.js';

/** One load test's section: what ran, its charts, and its tables (journeys, endpoints, checks, resources). */
export function loadTestSection(s: ScenarioRun, charts: readonly ChartOutcome[], limits: ResourceLimits | undefined): SafeHtml {
  const lt = s.run;
  const id = `scenario-${s.scenario}`;
  return html`<section class="scenario" id="${id}" data-scenario="${s.scenario}">
<h2 id="${id}-title">Load test: ${s.scenario}${lt.partial ? ' (partial run)' : ''}</h2>
${facts(lt)}
${joinHtml(charts.map(chartFigure), '\n')}
<h3 id="journeys-${s.scenario}">Per-journey figures (${s.scenario})</h3>
${Array.isArray(lt.journeys) ? journeyTable(lt.journeys, lt.overall) : html`<p class="missing">No per-journey figures in this artifact.</p>`}
${endpointsTable(lt)}
${checksTable(lt)}
${resourcesTable(lt, limits)}
</section>`;
}

function facts(lt: LoadTestPayload): SafeHtml {
  const items: HtmlValue[] = [
    `${formatOffset(lt.durationMs)} from ${lt.startedAt}`,
    `${fmtNum(lt.overall.requests)} requests, ${fmtNum(lt.overall.throughputRps)} req/s, errors ${fmtPct(lt.overall.errorRate)}`,
    lt.warmup ? `warm-up: ${lt.warmup.note}` : null,
    lt.breakingPoint ? `breaking point at ${fmtNum(lt.breakingPoint.rps)} req/s: ${lt.breakingPoint.reason}` : null,
    lt.recovery ? `recovery: ${lt.recovery.recoveryTimeMs === null ? 'n/a' : formatOffset(lt.recovery.recoveryTimeMs)} — ${lt.recovery.note}` : null,
    lt.drift ? `drift: p95 ${fmtMs(lt.drift.firstP95Ms)} → ${fmtMs(lt.drift.lastP95Ms)} (${lt.drift.changePct >= 0 ? '+' : ''}${fmtNum(lt.drift.changePct, 2)}%), ${lt.drift.note}` : null,
    lt.aborted ? `aborted at ${formatOffset(lt.aborted.atMs)}: ${lt.aborted.reason}` : null,
    lt.targetExited ? `the target exited during the run: ${lt.targetExited}` : null,
  ];
  return html`<ul class="facts">${items.filter((i) => i !== null).map((i) => html`<li>${i}</li>`)}</ul>`;
}

/** Percentiles follow the sample-size rule: "n/a (n = 12)" where too few requests support them. */
function endpointRows(list: readonly LoadFigures[]): HtmlValue[][] {
  return list.map((f) => [
    f.name,
    fmtNum(f.requests),
    fmtNum(f.errors),
    fmtPct(f.errorRate),
    fmtPercentileMs(f.latencyMs.p50, f.requests, 50),
    fmtPercentileMs(f.latencyMs.p95, f.requests, 95),
    fmtPercentileMs(f.latencyMs.p99, f.requests, 99),
  ]);
}

export function endpointsTable(lt: LoadTestPayload): SafeHtml {
  const head = html`<h3>Per endpoint (k6 <code>name</code> tag)</h3>`;
  if (!Array.isArray(lt.endpoints)) return html`${head}\n<p class="missing" data-missing="endpoints">Not recorded: this artifact has no per-endpoint figures (written by an older perf).</p>`;
  if (lt.endpoints.length === 0) return html`${head}\n<p class="missing" data-missing="endpoints">No request carried a <code>name</code> tag.</p>`;
  return html`${head}\n${table(['endpoint', 'requests', 'errors', 'error rate', 'p50', 'p95', 'p99'], endpointRows(lt.endpoints), [false, true, true, true, true, true, true], { className: 'endpoints' })}`;
}

export function checksTable(lt: LoadTestPayload): SafeHtml {
  const head = html`<h3>Checks</h3>`;
  const names = Object.entries(lt.checks?.byName ?? {});
  if (names.length === 0) return html`${head}\n<p class="missing" data-missing="checks">No k6 checks ran in the measured part of this run.</p>`;
  const rate = (p: number, f: number): string => (p + f > 0 ? fmtPct(p / (p + f)) : 'n/a');
  const rows: HtmlValue[][] = names.map(([name, c]) => [name, fmtNum(c.passes), fmtNum(c.fails), rate(c.passes, c.fails)]);
  rows.push(['all checks', fmtNum(lt.checks.passes), fmtNum(lt.checks.fails), rate(lt.checks.passes, lt.checks.fails)]);
  return html`${head}\n${table(['check', 'passed', 'failed', 'pass rate'], rows, [false, true, true, true], { className: 'checks' })}`;
}

/** The resource limits of the config, judged on this run's samples by the one limits rule, and the leak verdicts. */
export function resourcesTable(lt: LoadTestPayload, limits: ResourceLimits | undefined): SafeHtml | '' {
  const r = lt.resources;
  if (!r) return '';
  const verdicts = checkLimits(limits, r);
  const rows = verdicts.map((v) => [v.name, fmtNum(v.limit), v.observed === null ? 'n/a' : fmtNum(v.observed), v.statistic, verdictBadge(v.status), v.evidence]);
  const leaks = [leakSentence('RSS', r.leak), ...(r.heapLeak ? [leakSentence('heap', r.heapLeak)] : [])];
  return html`<h3>Target resources</h3>
${rows.length ? table(['limit', 'value', 'observed', 'statistic', 'status', 'evidence'], rows, [false, true, true, false, false, false], { className: 'limits' }) : html`<p>No resource limits configured (<code>limits:</code> in perf.config.yaml).</p>`}
<ul class="leaks">${leaks.map((l) => html`<li>${l}</li>`)}</ul>`;
}
