import { Flags } from '@oclif/core';
import { createInterface } from 'node:readline/promises';
import { writeReportHtml } from '../../app/report.js';
import { SCENARIO_NAMES } from '../../core/config/types.js';
import { parseDuration } from '../../core/duration.js';
import { CheckFailed, UserError } from '../../core/errors.js';
import { BaseCommand } from '../base-command.js';
import { capacityFlags } from '../flags.js';
import { askQuestions, readAnswersFile, structureAnswers, type StructuredGuidance } from '../flow/questions.js';
import { runFlow } from '../../app/flow/run-flow.js';
import { BEFORE_TARGET_FLAGS, beforeTargetFromFlags } from '../load-options.js';
import { parseScenarioList, TRIGGERS, type Trigger } from '../../app/flow/triggers.js';

/** The command that completes this run's summary: the same config, output dir and --quick, with --after. */
function afterCommand(f: { config?: string | undefined; 'out-dir'?: string | undefined; quick: boolean }): string {
  const quote = (v: string): string => (/^[\w./:@=-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`);
  return ['perf flow --after', f.config ? `--config ${quote(f.config)}` : '', f['out-dir'] ? `--out-dir ${quote(f['out-dir'])}` : '', f.quick ? '--quick' : ''].filter(Boolean).join(' ');
}

export default class Flow extends BaseCommand<typeof Flow> {
  static override description =
    'Run the whole six-step performance optimisation flow: baseline, profile + analyze, plan, implement (pause, or --after), load test, SLO check + before/after summary';
  static override examples = [
    '<%= config.bin %> flow',
    '<%= config.bin %> flow --trigger slo-breach --guidance "API latency is critical, p95 must be under 100ms"',
    'SHOP_FIXES=1 <%= config.bin %> flow --after --before-env SHOP_FIXES=0',
    '<%= config.bin %> flow --interactive --answers answers.yaml',
    '<%= config.bin %> flow --quick --trigger proactive',
  ];
  static override flags = {
    trigger: Flags.string({ description: 'why you optimise: sets the emphasis and the default load-test scenarios', options: [...TRIGGERS], default: 'proactive' }),
    component: Flags.string({ description: 'focus on one journey (by name) or component' }),
    guidance: Flags.string({ description: 'priorities in words; keywords: database, API, frontend, cost, latency, throughput' }),
    interactive: Flags.boolean({ description: "ask the seven strategic questions (issue, baseline, target, suspected bottlenecks, monitoring, investment, timeline) (on a terminal, or from --answers)", default: false }),
    answers: Flags.string({ description: 'YAML file with the answers to the seven questions (issue, baseline, target, suspects, monitoring, investment, timeline)' }),
    after: Flags.boolean({ description: 'take the after-run now and compare it with the last archived before-run', default: false }),
    ...BEFORE_TARGET_FLAGS,
    quick: Flags.boolean({ description: 'short baseline, profile and load tests (CI smoke runs); PERF_QUICK_TOTAL is the budget of all load tests together (default 2m)', default: false }),
    scenarios: Flags.string({ description: `comma-separated load tests, run in this order [default: baseline, stress, spike, soak, ordered by trigger] (${SCENARIO_NAMES.join(', ')})` }),
    'skip-loadtest': Flags.boolean({ description: 'skip step 5 (no k6 run)', default: false }),
    connections: Flags.integer({ description: 'baseline and profile: closed model with this many connections', min: 1, max: 10_000 }),
    duration: Flags.string({ description: 'baseline measured duration, e.g. 15s' }),
    ...capacityFlags('flow: the baseline neither probes nor searches, and the load tests scale from it'),
  };

  public async run(): Promise<void> {
    const f = this.flags;
    const config = this.perfConfig();
    const store = this.store(config);
    const tty = process.stdin.isTTY === true && process.stdout.isTTY === true && !f.json;
    let structured: StructuredGuidance | undefined;
    if (f.answers) structured = structureAnswers(readAnswersFile(f.answers));
    else if (f.interactive) {
      if (!tty) throw new UserError('--interactive needs a terminal to ask the seven questions', { where: '--interactive', fix: 'pass --answers answers.yaml, or run on a terminal' });
      structured = structureAnswers(await askQuestions());
    }
    const scenarios = f.scenarios !== undefined ? parseScenarioList(f.scenarios) : undefined;
    const quickTotal = process.env.PERF_QUICK_TOTAL;
    const quickTotalMs = quickTotal ? parseDuration(quickTotal, 'PERF_QUICK_TOTAL') : undefined;
    const beforeTarget = beforeTargetFromFlags(f, config);
    if (structured) this.say(`Guidance from the answers: "${structured.text}" (depth ${structured.depth}, testing ${structured.rigor}, risk ${structured.risk})`);
    const result = await runFlow({
      config,
      store,
      trigger: f.trigger as Trigger,
      ...(f.component ? { component: f.component } : {}),
      ...(f.guidance ? { guidance: f.guidance } : {}),
      ...(structured ? { structured } : {}),
      after: f.after,
      quick: f.quick,
      ...(quickTotalMs !== undefined ? { quickTotalMs } : {}),
      ...(scenarios ? { scenarios } : {}),
      ...(f.connections !== undefined ? { connections: f.connections } : {}),
      ...(f.duration ? { durationMs: parseDuration(f.duration, '--duration') } : {}),
      capacity: !f['no-capacity'],
      ...(f.capacity !== undefined ? { capacityRps: f.capacity } : {}),
      skipLoadtest: f['skip-loadtest'],
      ...(beforeTarget ? { beforeTarget } : {}),
      afterCommand: afterCommand(f),
      ...(tty && !f.after ? { waitForImplementation: () => this.pause() } : {}),
      signal: this.interruptSignal(),
      say: (l) => this.say(l),
    });
    // The HTML report of everything this flow wrote; drawing it never fails the flow.
    try {
      // This run's artifacts only (working/runs/<runId>/), never an older report left in the output dir.
      this.say(`✓ HTML report: ${store.display((await writeReportHtml({ store, run: store.runId })).written.htmlPath)}`);
    } catch (err) {
      this.say(`⚠️ HTML report not written: ${(err as Error).message}`);
    }
    if (f.json) this.emitJson({ exitCode: result.exitCode, sloStatus: result.sloStatus, archive: result.archive, state: result.state, comparison: result.comparison ?? null });
    if (result.exitCode === 1) throw new CheckFailed(`SLO compliance ${result.sloStatus}: at least one SLO is breached`, { fix: 'see the SLO compliance report and the optimisation plan' });
  }

  private async pause(): Promise<boolean> {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const a = (await rl.question('> ')).trim().toLowerCase();
      return a !== 'skip' && a !== 's' && a !== 'n' && a !== 'no';
    } finally {
      rl.close();
    }
  }
}
