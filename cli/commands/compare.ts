import { Args, Flags } from '@oclif/core';
import { runCompare } from '../../app/compare.js';
import { fmtSignedPct } from '../../core/format.js';
import { CheckFailed, UserError } from '../../core/errors.js';
import { BaseCommand } from '../base-command.js';
import { numberFlag } from '../flags.js';
import { BEFORE_TARGET_FLAGS, beforeTargetFromFlags } from '../load-options.js';

export default class Compare extends BaseCommand<typeof Compare> {
  static override description = 'Compare a before and an after run with statistical significance';
  static override examples = [
    '<%= config.bin %> compare before/baseline.json .aiwg/working/performance/baseline.json',
    '<%= config.bin %> compare before.json after.json --fail-on-regression --effort-days 2',
    'SHOP_FIXES=1 <%= config.bin %> compare before.json after.json --confirm --before-env SHOP_FIXES=0',
  ];
  static override args = {
    before: Args.string({ description: 'baseline or load-test JSON twin of the "before" run', required: true }),
    after: Args.string({ description: 'baseline or load-test JSON twin of the "after" run', required: true }),
  };
  static override flags = {
    'fail-on-regression': Flags.boolean({ description: 'exit 1 when any journey regressed significantly (CI gate)', default: false }),
    'effort-days': numberFlag({ description: 'development effort in days for the ROI section [default: from the plan]', what: 'a number of days > 0', example: '2', above: 0 }),
    plan: Flags.string({ description: 'perf.plan/v1 JSON to take the effort from [default: latest in the output dir]' }),
    alpha: numberFlag({ description: 'significance level of the tests [default: 0.01]', what: 'a probability between 0 and 1', example: '0.01', above: 0, below: 1 }),
    'min-effect': numberFlag({ description: 'smallest p95 change that counts, in percent [default: 20]', what: 'a percent > 0 and < 1000', example: '20', above: 0, below: 1000 }),
    'allow-mismatch': Flags.boolean({
      description: 'compare runs at different offered load, load model or tool anyway (the summary flags it) instead of exiting 2',
      default: false,
    }),
    confirm: Flags.boolean({
      description:
        're-measure both sides of every claimed change interleaved (A B A B) under the after-run\'s load before claiming it: the after side is the configured target, the before side --before-env or --before-url (baselines only)',
      default: false,
    }),
    ...BEFORE_TARGET_FLAGS,
  };

  public async run(): Promise<void> {
    const { args } = await this.parse(Compare);
    const f = this.flags;
    if (!f.confirm && (f['before-env']?.length || f['before-url'])) {
      throw new UserError('--before-env and --before-url only matter with --confirm', { where: f['before-url'] ? '--before-url' : '--before-env', fix: 'add --confirm, or drop them' });
    }
    const config = f.confirm ? this.perfConfig() : this.optionalConfig();
    const store = this.store(config);
    // Everything --confirm needs is checked before any load runs (runCompare checks the after file first).
    const beforeTarget = f.confirm && config ? beforeTargetFromFlags(f, config) : undefined;
    if (f.confirm && !beforeTarget) {
      throw new UserError('--confirm needs a way to run the before version now', {
        where: '--confirm',
        fix: 'add --before-env KEY=VALUE (environment for target.start that runs the before version) or --before-url URL (the before version running beside the after one)',
      });
    }
    const alpha = f.alpha;
    const minEffect = f['min-effect'];
    const r = await runCompare(store, {
      config,
      before: args.before,
      after: args.after,
      effortDays: f['effort-days'],
      plan: f.plan,
      options: { ...(alpha !== undefined ? { alpha } : {}), ...(minEffect !== undefined ? { minP95Change: minEffect / 100 } : {}) },
      allowMismatch: f['allow-mismatch'],
      ...(beforeTarget ? { confirm: { beforeTarget, signal: this.interruptSignal() } } : {}),
      onProgress: (e) => {
        if (e.phase === 'confirm') this.say(e.line);
      },
    });
    const c = r.comparison;
    if (f.json) this.emitJson({ markdown: r.markdownPath, json: r.jsonPath, ...c, narrative: r.synthesis });
    this.say(`✓ Optimization summary: ${store.display(r.markdownPath)}`);
    for (const i of c.fairness.issues) this.say(`⚠️ ${i.severity === 'refuse' ? 'not a fair comparison (--allow-mismatch)' : 'note'}: ${i.text}`);
    this.say(
      c.measurementsPerSide > 1
        ? `  evidence: ${c.measurementsPerSide} measurements per side (the first pair, then A B A B re-measured interleaved)`
        : `  evidence: one measurement per side (${c.before.runId} vs ${c.after.runId}); host drift between the two runs is not separated from the change${f.confirm ? '' : ' (--confirm re-measures both sides interleaved)'}`,
    );
    for (const j of [...c.journeys, { ...c.overall, name: 'overall' }]) {
      const mark = j.verdict === 'improved' ? '📈' : j.verdict === 'regressed' || j.verdict === 'mixed' ? '⚠️ ' : '  ';
      this.say(`${mark} ${j.name}: p95 ${j.before.p95Ms.toFixed(1)} → ${j.after.p95Ms.toFixed(1)} ms (${fmtSignedPct(j.change.p95)}) — ${j.verdict}${j.confidence !== null ? `, confidence ${(Math.min(0.9999, j.confidence) * 100).toFixed(2)}%` : ''}`);
    }
    if (f['fail-on-regression'] && c.regressions.length > 0) {
      throw new CheckFailed(`significant regression in ${c.regressions.join(', ')}`, { fix: `see ${store.display(r.markdownPath)}` });
    }
  }
}
