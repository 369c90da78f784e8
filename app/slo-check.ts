/**
 * `perf slo-check`: the SLOs (config or OpenSLO) judged on a result file (the latest loadtest, else
 * baseline, artifact by default) or on the runner files of one scale-out run; resource limits; the
 * report pair, JUnit and the GitHub step summary written; and the CI gate's decision. The command
 * only parses flags, prints and maps the gate to exit 1.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isRunnerSet } from '../capture/results/runner-files.js';
import { describeRunners } from '../analyzers/merge/runners.js';
import type { InputFormat } from '../analyzers/parsers/detect.js';
import { checkLimits } from '../analyzers/resources/limits.js';
import { defaultWindowMs, gateFails, slosFromConfig, type FailOn, type SloReport } from '../analyzers/slo/check.js';
import type { EvalSlo } from '../analyzers/slo/model.js';
import { resourcesOf } from '../capture/resources/read-resources.js';
import { runSloCheck } from '../capture/results/slo-check.js';
import { readOpenSloFile } from '../capture/results/slo-input.js';
import { writeFileAtomic } from '../core/artifacts/atomic.js';
import { ARTIFACTS } from '../core/artifacts/layout.js';
import type { Artifact, ArtifactStore, WrittenReport } from '../core/artifacts/store.js';
import type { PerfConfig } from '../core/config/types.js';
import { UserError } from '../core/errors.js';
import { renderJunit } from '../templates/junit.js';
import { renderSloMarkdown, renderStepSummary } from '../templates/slo.js';

/** The vocabulary of the command's flags: the formats slo-check reads and the k6 series bound. */
export { INPUT_FORMATS, type InputFormat } from '../analyzers/parsers/detect.js';
export { DEFAULT_MAX_SERIES_PER_METRIC } from '../capture/results/k6-files.js';
export type { FailOn } from '../analyzers/slo/check.js';

/** Where the SLOs come from: an OpenSLO file (the config, if any, still gives the out-dir and limits) or the config. */
export type SloSource = { openslo: string; config?: PerfConfig } | { config: PerfConfig };

export interface SloCheckRequest {
  store: ArtifactStore;
  slosFrom: SloSource;
  /** Result files: none (the latest artifact), one, or the runners of one run (several files or a folder). */
  files: readonly string[];
  format?: InputFormat;
  lenient: boolean;
  /** Window for bucketing k6 --out json points [default: from the SLOs' alert windows]. */
  windowMs?: number;
  /** Warning margin for PARTIAL, in percent. */
  warnMarginPct: number;
  /** Largest dropped share of k6 iterations, in percent. */
  maxDroppedPct: number;
  maxSeriesPerMetric: number;
  failOn: FailOn;
  /** Also write JUnit XML here. */
  junit?: string;
  /** Append the markdown step summary to this file (GITHUB_STEP_SUMMARY). */
  stepSummary?: string;
  signal?: AbortSignal;
}

/** The CI gate: passed, or why it fails (exit 1). */
export type SloGate = { passed: true } | { passed: false; message: string; fix: string };

export interface SloCheckResult {
  report: SloReport;
  written: WrittenReport & { artifact: Artifact<SloReport> };
  junitPath?: string;
  /** Why the step summary could not be appended (it never fails the check). */
  stepSummaryError?: string;
  /** The merged runners in words, when the input was the runners of one run. */
  runners?: string;
  gate: SloGate;
}

function defaultInput(store: ArtifactStore): string {
  const loadtest = store.path(ARTIFACTS.loadtest.json);
  if (existsSync(loadtest)) return loadtest;
  const baseline = store.path(ARTIFACTS.baseline.json);
  if (existsSync(baseline)) return baseline;
  throw new UserError('no result file given and no loadtest or baseline artifact found', {
    where: loadtest,
    fix: 'pass a result file (perf slo-check results.json), or run "perf loadtest" / "perf baseline" first',
  });
}

async function slosOf(source: SloSource): Promise<{ slos: EvalSlo[]; slosFrom: string }> {
  if ('openslo' in source) return { slos: await readOpenSloFile(source.openslo), slosFrom: resolve(source.openslo) };
  return { slos: slosFromConfig(source.config), slosFrom: source.config.source };
}

/** The gate's decision: SLO status by --fail-on, then resource limits (unless --fail-on never). */
export function sloGate(report: SloReport, failOn: FailOn): SloGate {
  if (gateFails(report.status, failOn)) {
    const bad = report.slos.filter((s) => s.status === 'FAIL' || (failOn === 'partial' && s.status === 'PARTIAL')).map((s) => s.name);
    const invalid = report.runInvalid ?? [];
    return {
      passed: false,
      message: `SLO check ${report.status}: ${[...(invalid.length > 0 ? [`the run did not happen (${invalid.join('; ')})`] : []), ...bad].join(', ')}`,
      fix: failOn === 'partial' ? 'PARTIAL fails because of --fail-on partial' : 'see the report for the numbers',
    };
  }
  const overLimit = (report.resourceLimits ?? []).filter((l) => l.status === 'FAIL');
  if (overLimit.length > 0 && failOn !== 'never') {
    return { passed: false, message: `resource limits FAIL: ${overLimit.map((l) => `${l.name} ${l.observed} > ${l.limit}`).join(', ')}`, fix: 'see "Resource limits" in the report' };
  }
  return { passed: true };
}

function appendStepSummary(file: string, report: SloReport): string | undefined {
  try {
    appendFileSync(file, renderStepSummary(report));
    return undefined;
  } catch (err) {
    return `could not append to GITHUB_STEP_SUMMARY (${file}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}

export async function checkSloCompliance(req: SloCheckRequest): Promise<SloCheckResult> {
  const { slos, slosFrom } = await slosOf(req.slosFrom);
  const { store } = req;
  const file = req.files[0] ?? defaultInput(store);
  const report = await runSloCheck({
    file,
    ...(isRunnerSet(req.files) ? { runnerFiles: req.files } : {}),
    slos,
    slosFrom,
    ...(req.format ? { format: req.format } : {}),
    lenient: req.lenient,
    windowMs: req.windowMs ?? defaultWindowMs(slos),
    warnMargin: req.warnMarginPct / 100,
    maxDropped: req.maxDroppedPct / 100,
    maxSeriesPerMetric: req.maxSeriesPerMetric,
    ...(req.signal ? { signal: req.signal } : {}),
  });
  const limits = req.slosFrom.config?.limits;
  if (limits && !report.runners) report.resourceLimits = checkLimits(limits, resourcesOf(file, report.source.format));
  const written = store.writeReport('slo', report, renderSloMarkdown(report));
  let junitPath: string | undefined;
  if (req.junit) {
    junitPath = resolve(req.junit);
    mkdirSync(dirname(junitPath), { recursive: true });
    writeFileAtomic(junitPath, renderJunit(report, { failOnPartial: req.failOn === 'partial' }));
  }
  const stepSummaryError = req.stepSummary ? appendStepSummary(req.stepSummary, report) : undefined;
  return {
    report,
    written,
    ...(junitPath ? { junitPath } : {}),
    ...(stepSummaryError ? { stepSummaryError } : {}),
    ...(report.runners ? { runners: describeRunners(report.runners) } : {}),
    gate: sloGate(report, req.failOn),
  };
}
