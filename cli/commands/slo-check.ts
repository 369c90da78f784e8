import { Args, Flags } from '@oclif/core';
import { checkSloCompliance, DEFAULT_MAX_SERIES_PER_METRIC, INPUT_FORMATS, type FailOn, type InputFormat } from '../../app/slo-check.js';
import { CheckFailed, UserError } from '../../core/errors.js';
import { renderAnnotations, sloLine } from '../../templates/slo.js';
import { BaseCommand } from '../base-command.js';
import { durationFlag, percentFlag } from '../flags.js';

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
    'warn-margin': percentFlag({
      description: 'warning margin in percent: a met SLO within this margin of its target is PARTIAL [default: 10]',
      below: 100,
    }),
    junit: Flags.string({ description: 'also write JUnit XML (one testcase per SLO) to this file' }),
    annotations: Flags.boolean({ description: 'print GitHub ::error / ::warning annotations for FAIL / PARTIAL SLOs [default: on when GITHUB_ACTIONS=true]', allowNo: true }),
    lenient: Flags.boolean({ description: 'count and skip corrupt lines in NDJSON input instead of failing', default: false }),
    'max-dropped': percentFlag({
      description: 'largest share (percent) of k6 iterations that may be dropped before the run counts as not having happened [default: 1]',
    }),
    'max-series': Flags.integer({
      description: 'distinct tag sets kept per k6 metric in --out json input; beyond it, points go to one overflow series (with a warning)',
      default: DEFAULT_MAX_SERIES_PER_METRIC,
      min: 1,
    }),
    window: durationFlag({
      description: 'window width for bucketing k6 --out json points (burn-rate alerts) [default: half the shortest scaled short alert window, 10s..5m]',
    }),
  };

  public async run(): Promise<void> {
    const f = this.flags;
    const { argv } = await this.parse(SloCheck);
    const paths = argv as string[];
    const stray = paths.find((p) => p.startsWith('-'));
    if (stray) throw new UserError(`unknown flag "${stray}"`, { fix: 'see "perf slo-check --help" for its flags' });
    const slosFrom = f.openslo ? { openslo: f.openslo, config: this.optionalConfig() } : { config: this.perfConfig() };
    const failOn: FailOn = f['fail-on'] === 'partial' ? 'partial' : f['fail-on'] === 'never' ? 'never' : 'fail';
    const r = await checkSloCompliance({
      store: this.store(slosFrom.config),
      slosFrom,
      files: paths,
      ...(f.format ? { format: f.format as InputFormat } : {}),
      lenient: f.lenient,
      ...(f.window !== undefined ? { windowMs: f.window } : {}),
      warnMarginPct: f['warn-margin'] ?? 10,
      maxDroppedPct: f['max-dropped'] ?? 1,
      maxSeriesPerMetric: f['max-series'],
      failOn,
      ...(f.junit ? { junit: f.junit } : {}),
      ...(process.env.GITHUB_STEP_SUMMARY ? { stepSummary: process.env.GITHUB_STEP_SUMMARY } : {}),
      signal: this.interruptSignal(),
    });
    const { report } = r;

    if (r.junitPath) this.say(`junit: ${r.junitPath}`);
    if (r.stepSummaryError) process.stderr.write(`warning: ${r.stepSummaryError}\n`);
    if (f.annotations ?? process.env.GITHUB_ACTIONS === 'true') {
      // Workflow commands must reach the runner's stdout; under --json they go to stderr, which GitHub also reads.
      for (const line of renderAnnotations(report)) this.say(line);
    }
    for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);

    if (f.json) this.emitJson(r.written.artifact);
    this.say(`SLO compliance: ${report.status}  (${report.source.format}, ${report.slos.length} SLO${report.slos.length === 1 ? '' : 's'})`);
    if (r.runners) this.say(`  merged ${r.runners}`);
    for (const x of report.runInvalid ?? []) this.say(`  run did not happen: ${x}`);
    if (report.partial) this.say(`  note: ${report.partial}`);
    for (const s of report.slos) this.say(`  ${sloLine(s)}${s.note ? `\n    note: ${s.note}` : ''}`);
    for (const l of report.resourceLimits ?? []) this.say(`  limit ${l.name}: ${l.status} — ${l.evidence}`);
    this.say(`report: ${r.written.markdownPath}`);

    if (!r.gate.passed) throw new CheckFailed(r.gate.message, { fix: r.gate.fix });
  }
}
