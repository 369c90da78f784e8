import type { ReportInputs } from '../../report/inputs.js';
import { limitsOf, type ChartOutcome } from '../../report/charts/index.js';
import { scenarioRuns } from '../../report/scenarios.js';
import { bottleneckTable } from './bottlenecks.js';
import { cards } from './cards.js';
import { chartFigure } from './charts.js';
import { compareSection } from './compare.js';
import { headerSection } from './header.js';
import { journeysSection } from './journeys.js';
import { loadTestSection } from './loadtest.js';
import { planSection } from './plan.js';
import { html, joinHtml, raw, type SafeHtml } from './safe.js';
import { sloTable } from './slos.js';
import { sources } from './sources.js';
import { contentSecurityPolicy, CSS } from './style.js';

/**
 * The standalone HTML report: one file, no script, no external resource. Charts are inline SVG
 * rendered server-side; the only style sheet is inline and allowed by its hash in the CSP meta tag,
 * so the page works from disk, offline, under the strictest policy. Every section escapes through
 * the `html` tag (safe.ts); only the charts' SVG is inserted raw.
 */
export interface HtmlReportModel {
  inputs: ReportInputs;
  charts: ChartOutcome[];
  generatedAt: string;
  toolVersion: string;
}

export function renderHtmlReport(model: HtmlReportModel): string {
  const { inputs } = model;
  const limits = limitsOf(inputs);
  const runs = scenarioRuns(inputs);
  const scenarioCharts = (s: string): ChartOutcome[] => model.charts.filter((c) => c.scenario === s);
  const others = model.charts.filter((c) => c.scenario === undefined);
  const body: Array<SafeHtml | ''> = [
    headerSection(inputs, model.toolVersion, model.generatedAt),
    cards(inputs),
    ...runs.map((r) => loadTestSection(r, scenarioCharts(r.scenario), limits)),
    html`<h2 id="charts">${runs.length ? 'Across the run' : 'Charts'}</h2>`,
    ...others.map(chartFigure),
    journeysSection(inputs),
    sloTable(inputs),
    bottleneckTable(inputs),
    planSection(inputs),
    compareSection(inputs),
    sources(inputs),
  ];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${raw(contentSecurityPolicy())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="perf ${model.toolVersion}">
<title>Performance report</title>
<style>${raw(CSS)}</style>
</head>
<body>
<main>
${joinHtml(body, '\n')}
</main>
</body>
</html>
`.value;
}
