import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/artifacts/atomic.js';
import { ARTIFACTS, HTML_REPORT } from '../core/artifacts/layout.js';
import { readArtifactFile, type ArtifactStore } from '../core/artifacts/store.js';
import { UserError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import { renderHtmlReport } from '../templates/html-report.js';
import { buildCharts, isChart, type Chart, type ChartNote } from './charts/index.js';
import { inputCount, inputsFromStore, resolveComparedRuns, type ReportInputs } from './inputs.js';
import { chartsMarkdownBlock, withChartsBlock } from './markdown-links.js';

export interface HtmlReportWritten {
  /** Absolute path of `reports/index.html`. */
  htmlPath: string;
  /** The .svg files written beside the markdown reports. */
  svgPaths: string[];
  /** Markdown reports that now link their charts. */
  linkedMarkdown: string[];
  charts: Chart[];
  /** Charts that had no data, and why. */
  missing: ChartNote[];
}

/**
 * Writes the standalone HTML report (`reports/index.html`), each chart as an .svg beside the
 * markdown report of its artifact kind, and a "Charts" block into those markdown reports when they
 * belong to the same run. `perf report`, `perf loadtest` and `perf flow` call this; without `inputs`
 * it reads the latest JSON twin of every kind from the store.
 */
export function writeHtmlReport(store: ArtifactStore, inputs: ReportInputs = inputsFromStore(store)): HtmlReportWritten {
  if (inputCount(inputs) === 0) {
    throw new UserError('no artifacts to report on', {
      where: store.root,
      fix: 'run perf baseline, perf loadtest or perf slo-check first, or pass --from <files>',
    });
  }
  if (inputs.summary.length && !inputs.compared) inputs = { ...inputs, compared: resolveComparedRuns(inputs, store) };
  const outcomes = buildCharts(inputs);
  const charts = outcomes.filter(isChart);
  const missing = outcomes.filter((c): c is ChartNote => !isChart(c));

  const htmlPath = store.writeText(HTML_REPORT, renderHtmlReport({ inputs, charts: outcomes, generatedAt: new Date().toISOString(), toolVersion: TOOL_VERSION }));

  const svgPaths: string[] = [];
  const linkedMarkdown: string[] = [];
  const byKind = new Map<string, Chart[]>();
  for (const c of charts) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  for (const [kind, list] of byKind) {
    const spec = ARTIFACTS[kind as keyof typeof ARTIFACTS];
    const mdPath = store.path(spec.markdown);
    const chartDir = join(dirname(mdPath), 'charts');
    for (const c of list) {
      const p = join(chartDir, `${c.id}.svg`);
      writeFileAtomic(p, `<?xml version="1.0" encoding="UTF-8"?>\n${c.svg}\n`);
      svgPaths.push(p);
    }
    // Link only into the markdown of the very run the charts were drawn from.
    const sameRun = list.filter((c) => c.runId !== '' && c.runId === runIdOf(store.path(spec.json)));
    if (sameRun.length && existsSync(mdPath)) {
      writeFileAtomic(mdPath, withChartsBlock(readFileSync(mdPath, 'utf8'), chartsMarkdownBlock(sameRun)));
      linkedMarkdown.push(mdPath);
    }
  }
  return { htmlPath, svgPaths, linkedMarkdown, charts, missing };
}

function runIdOf(jsonPath: string): string | undefined {
  if (!existsSync(jsonPath)) return undefined;
  try {
    return readArtifactFile(jsonPath).runId;
  } catch {
    return undefined;
  }
}
