import { Flags } from '@oclif/core';
import { runAnalyze } from '../../app/analyze.js';
import { BaseCommand } from '../base-command.js';

export default class Analyze extends BaseCommand<typeof Analyze> {
  static override description = 'Rank bottlenecks from the baseline, profile and load-test results';
  static override examples = [
    '<%= config.bin %> analyze',
    '<%= config.bin %> analyze --guidance "database is slow"',
    '<%= config.bin %> analyze --baseline before/baseline.json --profile before/profiling.json',
  ];
  static override flags = {
    baseline: Flags.string({ description: 'perf.baseline/v1 JSON [default: latest in the output dir]' }),
    profile: Flags.string({ description: 'perf.profile/v1 JSON [default: latest in the output dir]' }),
    loadtest: Flags.string({ description: 'perf.loadtest/v1 JSON [default: latest in the output dir]' }),
    guidance: Flags.string({ description: 'free-text direction for the narrative (e.g. "focus on database")' }),
  };

  public async run(): Promise<void> {
    const config = this.optionalConfig();
    const store = this.store(config);
    const r = await runAnalyze(store, { config, guidance: this.flags.guidance, baseline: this.flags.baseline, profile: this.flags.profile, loadtest: this.flags.loadtest });
    if (this.flags.json) this.emitJson({ markdown: r.markdownPath, json: r.jsonPath, ...r.analysis, narrative: r.synthesis });
    this.say(`✓ Bottleneck analysis: ${store.display(r.markdownPath)}`);
    for (const g of r.analysis.gaps) this.say(`⚠️  ${g}`);
    for (const b of r.analysis.bottlenecks.slice(0, 5)) {
      const share = b.impact.cpuShare !== null ? `${(b.impact.cpuShare * 100).toFixed(1)}% of CPU` : b.impact.latencyShare !== null ? `${(b.impact.latencyShare * 100).toFixed(1)}% of request time` : 'no measured share';
      this.say(`  ${b.id} ${b.title} — ${share}, ${b.strength.level} evidence (${b.strength.basis}), rank score ${b.roi}`);
    }
    if (r.synthesis.fallback) this.say(`⚠️  agent ${r.synthesis.fallback.from} failed (${r.synthesis.fallback.reason}); deterministic narrative used`);
  }
}
