import { Args, Flags } from '@oclif/core';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BaseCommand } from '../base-command.js';
import { defaultWindowMs, gateFails, loadOpenSloFile, runSloCheck, slosFromConfig, type FailOn } from '../../analyzers/slo/check.js';
import { isRunnerSet } from '../../analyzers/merge/runner-files.js';
import { describeRunners } from '../../analyzers/merge/runners.js';
import { INPUT_FORMATS, type InputFormat } from '../../analyzers/parsers/detect.js';
import { DEFAULT_MAX_SERIES_PER_METRIC } from '../../analyzers/parsers/k6-json.js';
import { writeFileAtomic } from '../../core/artifacts/atomic.js';
import { ARTIFACTS } from '../../core/artifacts/layout.js';
import { tryParseDuration } from '../../core/duration.js';
import { CheckFailed, UserError } from '../../core/errors.js';
import { checkLimits } from '../../analyzers/resources/limits.js';
import { resourcesOf } from '../../capture/resources/read-resources.js';
import { renderJunit } from '../../templates/junit.js';
import { renderAnnotations, renderSloMarkdown, renderStepSummary, sloLine } from '../../templates/slo.js';

export default class SloCheck extends BaseCommand<typeof SloCheck> {
  static override description =
    'Evaluate SLOs, error budgets and burn rates from a result file (CI gate)\n\n' +
    'Reads perf artifacts (baseline.json, loadtest.json, the perf.k6-windows/v1 NDJSON), k6 --out json (streamed), ' +
    'k6 --summary-export / handleSummary / --new-machine-readable-summary JSON and autocannon --json; the format is detected. ' +
    'Without FILE it uses the latest loadtest (else baseline) artifact under --out-dir. ' +
    'Several perf.k6-windows/v1 files (or a folder of them) of one scale-out run are merged and judged as one run. ' +
    'Exit 0 when all SLOs pass, 1 on a breach (see --fail-on), 2 on bad input.';
  static override examples = [
    '<%= config.bin %> slo-check',
    '<%= config.bin %> slo-check results.json --junit slo-junit.xml --annotations',
    '<%= config.bin %> slo-check k6-summary.json --openslo slos.yaml --fail-on partial',
    '<%= config.bin %> slo-check runner-0.ndjson runner-1.ndjson   # the runners of one run, merged',
  ];
  /** Several FILEs (runners of one run) are allowed; read from argv in run(). */
  static override strict = false;
  static override args = {
    file: Args.string({
      description: 'result file to evaluate [default: latest loadtest, else baseline, artifact]; several perf.k6-windows/v1 files or a folder of them: the runners of one run, merged',
      required: false,
    }),
  };
  static override flags = {
    format: Flags.string({ description: 'input format (skips detection)', options: [...INPUT_FORMATS] }),
    openslo: Flags.string({ description: 'read SLOs from an OpenSLO v1 YAML file instead of perf.config.yaml' }),
    'fail-on': Flags.string({
      description: 'exit 1 on: "breach" (FAIL), "partial" (FAIL or PARTIAL) or "never"',
      options: ['breach', 'partial', 'never'],
      default: 'breach',
    }),
    'warn-margin': Flags.string({
      description: 'warning margin in percent: a met SLO within this margin of its target is PARTIAL',
      default: '10',
    }),
    junit: Flags.string({ description: 'also write JUnit XML (one testcase per SLO) to this file' }),
    annotations: Flags.boolean({ description: 'print GitHub ::error / ::warning annotations for FAIL / PARTIAL SLOs [default: on when GITHUB_ACTIONS=true]', allowNo: true }),
    lenient: Flags.boolean({ description: 'count and skip corrupt lines in NDJSON input instead of failing', default: false }),
    'max-dropped': Flags.string({
      description: 'largest share (percent) of k6 iterations that may be dropped before the run counts as not having happened',
      default: '1',
    }),
    'max-series': Flags.integer({
      description: 'distinct tag sets kept per k6 metric in --out json input; beyond it, points go to one overflow series (with a warning)',
      default: DEFAULT_MAX_SERIES_PER_METRIC,
      min: 1,
    }),
    window: Flags.string({
      description: 'window width for bucketing k6 --out json points (burn-rate alerts) [default: half the shortest scaled short alert window, 10s..5m]',
    }),
  };

  public async run(): Promise<void> {
    const f = this.flags;
    const { argv } = await this.parse(SloCheck);
    const paths = argv as string[];
    const stray = paths.find((p) => p.startsWith('-'));
    if (stray) throw new UserError(`unknown flag "${stray}"`, { fix: 'see "perf slo-check --help" for its flags' });
    const margin = Number(f['warn-margin']);
    if (!Number.isFinite(margin) || margin < 0 || margin >= 100) {
      throw new UserError(`warning margin "${f['warn-margin']}" is not a percent in [0, 100)`, { where: '--warn-margin', fix: 'pass e.g. --warn-margin 10' });
    }
    const maxDropped = Number(f['max-dropped']);
    if (!Number.isFinite(maxDropped) || maxDropped < 0 || maxDropped > 100) {
      throw new UserError(`"${f['max-dropped']}" is not a percent in [0, 100]`, { where: '--max-dropped', fix: 'pass e.g. --max-dropped 1' });
    }
    let windowMs: number | undefined;
    if (f.window !== undefined) {
      windowMs = tryParseDuration(f.window);
      if (!windowMs || windowMs <= 0) throw new UserError(`"${f.window}" is not a duration`, { where: '--window', fix: 'pass e.g. --window 10s' });
    }

    let slos;
    let slosFrom: string;
    let config;
    if (f.openslo) {
      slos = await loadOpenSloFile(f.openslo);
      slosFrom = resolve(f.openslo);
      config = this.optionalConfig();
    } else {
      config = this.perfConfig();
      slos = slosFromConfig(config);
      slosFrom = config.source;
    }
    const store = this.store(config);
    const file = paths[0] ?? this.defaultInput(store.path(ARTIFACTS.loadtest.json), store.path(ARTIFACTS.baseline.json));

    const report = await runSloCheck({
      file,
      ...(isRunnerSet(paths) ? { runnerFiles: paths } : {}),
      slos,
      slosFrom,
      ...(f.format ? { format: f.format as InputFormat } : {}),
      lenient: f.lenient,
      windowMs: windowMs ?? defaultWindowMs(slos),
      warnMargin: margin / 100,
      maxDropped: maxDropped / 100,
      maxSeriesPerMetric: f['max-series'],
      signal: this.interruptSignal(),
    });
    if (config?.limits && !report.runners) report.resourceLimits = checkLimits(config.limits, resourcesOf(file, report.source.format));
    const failOn: FailOn = f['fail-on'] === 'partial' ? 'partial' : f['fail-on'] === 'never' ? 'never' : 'fail';
    const written = store.writeReport('slo', report, renderSloMarkdown(report));

    if (f.junit) {
      const junitPath = resolve(f.junit);
      mkdirSync(dirname(junitPath), { recursive: true });
      writeFileAtomic(junitPath, renderJunit(report, { failOnPartial: failOn === 'partial' }));
      this.say(`junit: ${junitPath}`);
    }
    const stepSummary = process.env.GITHUB_STEP_SUMMARY;
    if (stepSummary) {
      try {
        appendFileSync(stepSummary, renderStepSummary(report));
      } catch (err) {
        process.stderr.write(`warning: could not append to GITHUB_STEP_SUMMARY (${stepSummary}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      }
    }
    if (f.annotations ?? process.env.GITHUB_ACTIONS === 'true') {
      // Workflow commands must reach the runner's stdout; under --json they go to stderr, which GitHub also reads.
      for (const line of renderAnnotations(report)) this.say(line);
    }
    for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);

    if (f.json) this.emitJson(written.artifact);
    this.say(`SLO compliance: ${report.status}  (${report.source.format}, ${report.slos.length} SLO${report.slos.length === 1 ? '' : 's'})`);
    if (report.runners) this.say(`  merged ${describeRunners(report.runners)}`);
    for (const x of report.runInvalid ?? []) this.say(`  run did not happen: ${x}`);
    if (report.partial) this.say(`  note: ${report.partial}`);
    for (const s of report.slos) this.say(`  ${sloLine(s)}${s.note ? `\n    note: ${s.note}` : ''}`);
    for (const l of report.resourceLimits ?? []) this.say(`  limit ${l.name}: ${l.status} — ${l.evidence}`);
    this.say(`report: ${written.markdownPath}`);

    if (gateFails(report.status, failOn)) {
      const bad = report.slos.filter((s) => s.status === 'FAIL' || (failOn === 'partial' && s.status === 'PARTIAL')).map((s) => s.name);
      const invalid = report.runInvalid ?? [];
      throw new CheckFailed(`SLO check ${report.status}: ${[...(invalid.length > 0 ? [`the run did not happen (${invalid.join('; ')})`] : []), ...bad].join(', ')}`, {
        fix: failOn === 'partial' ? 'PARTIAL fails because of --fail-on partial' : 'see the report for the numbers',
      });
    }
    const overLimit = (report.resourceLimits ?? []).filter((l) => l.status === 'FAIL');
    if (overLimit.length > 0 && failOn !== 'never') {
      throw new CheckFailed(`resource limits FAIL: ${overLimit.map((l) => `${l.name} ${l.observed} > ${l.limit}`).join(', ')}`, { fix: 'see "Resource limits" in the report' });
    }
  }

  private defaultInput(loadtest: string, baseline: string): string {
    if (existsSync(loadtest)) return loadtest;
    if (existsSync(baseline)) return baseline;
    throw new UserError('no result file given and no loadtest or baseline artifact found', {
      where: loadtest,
      fix: 'pass a result file (perf slo-check results.json), or run "perf loadtest" / "perf baseline" first',
    });
  }
}
