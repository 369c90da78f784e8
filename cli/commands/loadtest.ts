import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { describeExit, PLAIN_PROGRESS_EVERY_MS, runLoadTestScenario, verdictError, type LoadtestK8s, type ShapeOverrides } from '../../app/loadtest.js';
import { SCENARIO_NAMES, type ScenarioName } from '../../core/config/types.js';
import { parseDuration } from '../../core/duration.js';
import { UserError } from '../../core/errors.js';
import { warmupFlag } from '../load-options.js';
import { capacityFlag, durationFlag, percentFlag, quickFlag, rateFlag, runnersFlag } from '../flags.js';

export default class Loadtest extends BaseCommand<typeof Loadtest> {
  static override description =
    'Run a k6 load-test scenario against the target and write .aiwg/testing/load-test-results.md (+ perf.loadtest/v1 JSON)';
  static override examples = [
    '<%= config.bin %> loadtest --scenario baseline',
    '<%= config.bin %> loadtest --scenario soak --duration 4h',
    '<%= config.bin %> loadtest --scenario stress --quick',
    'PERF_QUICK_TOTAL=15s <%= config.bin %> loadtest --scenario spike --quick   # CI smoke: whole profile in 15 s',
    'K6_PROMETHEUS_RW_SERVER_URL=http://127.0.0.1:9090/api/v1/write <%= config.bin %> loadtest --scenario soak --k6-out experimental-prometheus-rw',
    '<%= config.bin %> loadtest --scenario baseline -- --tag team=checkout --http-debug=headers   # extra k6 run arguments after --',
    '<%= config.bin %> loadtest --scenario soak --parallel 4   # 4 k6 processes, one merged verdict',
    '<%= config.bin %> loadtest --script .aiwg/testing/scripts/baseline.js   # your edited (or own) k6 script, evaluated by perf',
    '<%= config.bin %> loadtest --scenario soak --k8s k8s/ --parallel 4   # k6-operator TestRun + ConfigMap + collector + runner Dockerfile',
  ];
  /** Arguments after `--` go to `k6 run`; checked in run(). */
  static override strict = false;
  static override flags = {
    scenario: Flags.string({ description: 'the load profile to run (with --script: how the run is read and labelled) [default with --script: baseline]', options: [...SCENARIO_NAMES] }),
    script: Flags.string({ description: 'run this k6 script (edited or hand-written) instead of generating one; its options set the load shape, perf reads the results' }),
    'k6-out': Flags.string({ description: 'another k6 output beside perf\'s own, as k6 --out takes it (repeatable; K6_OUT adds one too), e.g. experimental-prometheus-rw, csv=results.csv', multiple: true }),
    duration: durationFlag({ description: 'hold duration, e.g. 10m (soak: the whole soak; spike: the spike)' }),
    rate: rateFlag({ description: 'peak rate in requests/s (default: scenarios.<name>.rate, else from the baseline capacity)' }),
    capacity: capacityFlag('the baseline\'s knee; each profile applies its factor: baseline 0.5×, stress 2×, spike 3×, soak 0.8×, breakpoint 4×'),
    quick: quickFlag('loadtest: the whole profile in about a minute, PERF_QUICK_TOTAL overrides; shapes unchanged'),
    warmup: warmupFlag("loadtest: a warm-up stage at the profile's starting rate; default 10s, --quick 3s"),
    'max-dropped': percentFlag({
      description: 'largest share (percent) of k6 iterations that may be dropped before the run counts as not having happened (exit 1) [default: 1]',
    }),
    parallel: runnersFlag({
      description:
        'split the test over N k6 processes on this machine (k6 execution segments); perf merges their windows live and judges the whole: one progress line, one guard, one verdict. With --k8s: the TestRun parallelism (1..256) [default: 1]',
    }),
    'abort-on-burn': Flags.boolean({ description: 'stop early when the live SLO guard sees a fast error-budget burn (perf k6 extension only)', default: false }),
    k8s: Flags.string({
      description:
        "write the k6-operator TestRun, the script ConfigMap, the collector (Service + Job running perf collect, its merged results on a PersistentVolumeClaim) and the runner image Dockerfile into this folder instead of running k6 here; the config's ${NAME} values reach the runners from a Secret (perf prints the kubectl create secret command), never from the files",
    }),
    apply: Flags.boolean({ description: 'with --k8s: kubectl apply the folder and wait for the TestRun to finish (needs kubectl and a reachable cluster)', default: false }),
  };

  public async run(): Promise<void> {
    const f = this.flags;
    const config = this.perfConfig();
    const tty = process.stderr.isTTY === true && !f.json;
    let lastPlain = 0;
    const r = await runLoadTestScenario({
      openStore: () => this.store(config),
      config,
      ...(f.scenario ? { scenario: f.scenario as ScenarioName } : {}),
      ...(f.script ? { script: f.script } : {}),
      shape: this.shape(),
      k6Outputs: [...(f['k6-out'] ?? []), ...(process.env.K6_OUT ? [process.env.K6_OUT] : [])],
      k6Args: await this.k6Args(),
      abortOnBurn: f['abort-on-burn'],
      ...(f.parallel !== undefined ? { parallel: f.parallel } : {}),
      maxDroppedPct: f['max-dropped'] ?? 1,
      ...(f.k8s ? { k8s: { dir: f.k8s, apply: f.apply } } : {}),
      apply: f.apply,
      signal: this.interruptSignal(),
      onNote: (line) => this.say(line),
      onProgress: (line) => {
        if (tty) {
          process.stderr.write(`\r\x1b[2K${line}`);
        } else if (Date.now() - lastPlain >= PLAIN_PROGRESS_EVERY_MS) {
          lastPlain = Date.now();
          process.stderr.write(`${line}\n`);
        }
      },
    });
    if (r.kind === 'k8s') return this.renderK8s(r);
    if (tty) process.stderr.write('\r\x1b[2K');
    const { payload: p, store } = r;
    if (f.json) this.emitJson({ ...p, markdown: r.markdownPath, json: r.jsonPath, script: r.script });
    const o = p.overall;
    this.say(
      `${p.scenario}: ${o.requests} requests, ${o.throughputRps} req/s, p95 ${o.latencyMs.p95} ms, errors ${(o.errorRate * 100).toFixed(2)}%, dropped iterations ${p.droppedIterations}`,
    );
    if (p.warmup && p.warmup.ms > 0) this.say(`warm-up: ${p.warmup.ms / 1000} s — ${p.warmup.note}`);
    if (p.breakingPoint) this.say(`breaking point: ${p.breakingPoint.rps} req/s achieved — ${p.breakingPoint.reason}`);
    else if (p.scenario === 'stress' || p.scenario === 'breakpoint') this.say('breaking point: none (no violation lasted 3 consecutive windows after the warm-up)');
    if (p.recovery) this.say(`recovery: ${p.recovery.recoveryTimeMs === null ? 'not measured' : `${p.recovery.recoveryTimeMs} ms`} — ${p.recovery.note}`);
    if (p.aborted) this.say(`aborted after ${Math.round(p.aborted.atMs / 1000)} s: ${p.aborted.reason}`);
    const warmupIncluded = p.warmup && p.warmup.ms > 0 ? ' (warm-up included)' : '';
    for (const x of p.runners ?? []) {
      this.say(`runner ${x.runner} (segment ${x.segment ?? 'whole'}): ${x.requests} requests${warmupIncluded}, ${describeExit(x.exitStatus)}${x.short ? ` — SHORT: ${x.shortReason}` : ''}`);
    }
    if (p.drift) this.say(`drift: p95 ${p.drift.firstP95Ms} → ${p.drift.lastP95Ms} ms (${p.drift.changePct}%)`);
    this.say(`wrote ${store.display(r.markdownPath)}`);
    this.say(`wrote ${store.display(r.jsonPath)}`);
    this.say('path' in r.htmlReport ? `report: ${store.display(r.htmlReport.path)}` : `report: not written (${r.htmlReport.error})`);
    const failed = verdictError(r.verdict);
    if (failed) throw failed;
    this.say('next: perf slo-check');
  }

  /** The load-shape flags (--duration, --rate, --capacity, --quick, --warmup, PERF_QUICK_TOTAL). */
  private shape(): ShapeOverrides {
    const quickTotal = process.env.PERF_QUICK_TOTAL;
    return {
      ...(this.flags.duration !== undefined ? { durationMs: this.flags.duration } : {}),
      ...(this.flags.rate !== undefined ? { rate: this.flags.rate } : {}),
      ...(this.flags.capacity !== undefined ? { capacityRps: this.flags.capacity } : {}),
      quick: this.flags.quick,
      ...(this.flags.warmup !== undefined ? { warmupMs: this.flags.warmup } : {}),
      ...(quickTotal ? { quickBudgetMs: parseDuration(quickTotal, 'PERF_QUICK_TOTAL') } : {}),
    };
  }

  /** --k8s: the manifests of the same test for k6-operator; nothing ran here unless --apply. */
  private renderK8s(result: LoadtestK8s): void {
    for (const f of result.files) this.say(`wrote ${f}`);
    if (this.flags.json) this.emitJson({ schema: 'perf.k8s/v1', dir: result.dir, files: result.files, testRun: result.testRun, applied: result.applied });
    if (!result.applied) {
      this.say(`next: docker build -t <runner image> ${result.dir} (push it where the cluster pulls from), then kubectl apply -f ${result.dir}`);
    }
  }

  /** Everything after `--` is for `k6 run`; any other stray argument is a usage error. */
  private async k6Args(): Promise<string[]> {
    const { argv } = await this.parse(Loadtest);
    const dashDash = this.argv.indexOf('--');
    const extra = dashDash >= 0 ? this.argv.slice(dashDash + 1) : [];
    const stray = (argv as string[]).slice(0, Math.max(0, argv.length - extra.length));
    if (stray.length > 0) {
      throw new UserError(`unexpected argument "${stray[0]}"`, { fix: 'put arguments for k6 after "--", e.g. perf loadtest --scenario baseline -- --tag team=checkout' });
    }
    return extra;
  }
}
