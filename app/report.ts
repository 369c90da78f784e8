/**
 * `perf report`: the standalone HTML report (reports/index.html, SVG charts) from the JSON artifacts —
 * the latest ones, one run's copies, or any mix of files (perf artifacts, k6 --out json, k6 summaries
 * judged against the config's SLOs).
 */
import { defaultWindowMs, slosFromConfig } from '../analyzers/slo/check.js';
import { inputsFromAnyFiles } from '../k6-scripts/src/report-inputs.js';
import type { ArtifactStore } from '../core/artifacts/store.js';
import type { PerfConfig } from '../core/config/types.js';
import { inputsFromRun, inputsFromStore, writeHtmlReport, type HtmlReportWritten, type ReportInputs } from '../report/index.js';

export interface HtmlReportRequest {
  store: ArtifactStore;
  /** SLOs (for k6 summaries) and resource limits; absent: charts without them. */
  config?: PerfConfig;
  /** Files to report on [default: the latest artifacts in the store]. */
  from?: readonly string[];
  /** Report on one run's copies (working/runs/<id>/). */
  run?: string;
}

export interface HtmlReportResult {
  written: HtmlReportWritten;
  /** Files of `from` that were not reported on, and why. */
  skipped: ReportInputs['skipped'];
}

export async function writeReportHtml(req: HtmlReportRequest): Promise<HtmlReportResult> {
  const { store, config } = req;
  const slos = config ? slosFromConfig(config) : [];
  const inputs = req.from
    ? await inputsFromAnyFiles(req.from, { store, slos, slosFrom: config?.source ?? 'n/a', windowMs: slos.length ? defaultWindowMs(slos) : 10_000 })
    : req.run
      ? inputsFromRun(store, req.run)
      : inputsFromStore(store);
  if (config?.limits) inputs.limits = config.limits;
  return { written: writeHtmlReport(store, inputs), skipped: inputs.skipped };
}
