import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { GENERATE_SCENARIOS, generateLoadScripts, type GenerateScenario } from '../../app/generate.js';
import { capacityFlag, durationFlag, quickFlag, rateFlag } from '../flags.js';

export default class Generate extends BaseCommand<typeof Generate> {
  static override description =
    'Write k6 load-test scripts (TypeScript + bundled JS) for the critical journeys, and the load-test plan';
  static override examples = [
    '<%= config.bin %> generate',
    '<%= config.bin %> generate --scenario stress',
    '<%= config.bin %> generate --scenario soak --duration 4h',
    '<%= config.bin %> generate --scenario all --rate 50   # no baseline yet: peak 50 req/s',
  ];
  static override flags = {
    scenario: Flags.string({ description: 'which scenario to write', options: [...GENERATE_SCENARIOS], default: 'all' }),
    rate: rateFlag({ description: 'peak rate in requests/s (default: from scenarios.<name>.rate, else from the baseline capacity)' }),
    capacity: capacityFlag('the baseline\'s knee; each profile applies its factor: baseline 0.5×, stress 2×, spike 3×, soak 0.8×, breakpoint 4×'),
    duration: durationFlag({ description: 'hold duration, e.g. 10m (soak: the whole soak; spike: the spike)' }),
    quick: quickFlag('scripts last about a minute'),
    portable: Flags.boolean({ description: 'write scripts for stock k6 (no k6/x/perf import) even when bin/k6 is built', default: false }),
  };

  public async run(): Promise<void> {
    const config = this.perfConfig();
    const store = this.store(config);
    const result = await generateLoadScripts({
      config,
      store,
      scenario: this.flags.scenario as GenerateScenario,
      ...(this.flags.rate !== undefined ? { rate: this.flags.rate } : {}),
      ...(this.flags.capacity !== undefined ? { capacityRps: this.flags.capacity } : {}),
      ...(this.flags.duration !== undefined ? { durationMs: this.flags.duration } : {}),
      quick: this.flags.quick,
      portable: this.flags.portable,
    });
    if (this.flags.json) {
      this.emitJson({
        scripts: result.scripts.map((s) => ({ scenario: s.scenario, script: s.jsPath, source: s.tsPath, bundleBytes: s.bundleBytes, totalMs: s.profile.totalMs, peak: s.profile.peak, rateSource: s.profile.rateSource })),
        plan: result.planPath,
        extension: result.extension,
      });
    }
    for (const s of result.scripts) {
      this.say(`wrote ${store.display(s.jsPath)}  (${s.scenario}: peak ${Math.round(s.profile.peak * 100) / 100} ${s.profile.model === 'vus' ? 'VUs' : 'req/s'} from ${s.profile.rateSource}; source ${store.display(s.tsPath)})`);
    }
    this.say(result.extension ? 'scripts use k6/x/perf: run them with "perf loadtest --script <file>" (perf\'s k6), or regenerate with --portable for stock k6' : 'scripts are portable: any k6 v2 runs them');
    if (result.planPath) this.say(`wrote ${store.display(result.planPath)}`);
    this.say(`next: perf loadtest --scenario ${result.scenarios[0] ?? 'baseline'}`);
  }
}
