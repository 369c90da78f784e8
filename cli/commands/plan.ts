import { Flags } from '@oclif/core';
import { runPlan } from '../../app/plan.js';
import { BaseCommand } from '../base-command.js';

export default class Plan extends BaseCommand<typeof Plan> {
  static override description = 'Turn the bottleneck analysis into a prioritised optimisation plan';
  static override examples = ['<%= config.bin %> plan', '<%= config.bin %> plan --guidance "Focus on database performance"'];
  static override flags = {
    analysis: Flags.string({ description: 'perf.bottlenecks/v1 JSON [default: latest in the output dir]' }),
    guidance: Flags.string({ description: 'priorities (keywords: database, API, frontend, cost, latency, throughput) and constraints ("we cannot change json-server")' }),
  };

  public async run(): Promise<void> {
    const config = this.optionalConfig();
    const store = this.store(config);
    const r = await runPlan(store, { config, guidance: this.flags.guidance, analysis: this.flags.analysis });
    if (this.flags.json) this.emitJson({ markdown: r.markdownPath, json: r.jsonPath, ...r.plan, narrative: r.synthesis });
    this.say(`✓ Optimization plan created: ${store.display(r.markdownPath)}`);
    this.say(`  - Quick wins: ${r.plan.counts['quick-win']} optimizations`);
    this.say(`  - Strategic improvements: ${r.plan.counts.strategic} optimizations`);
    this.say(`  - Major refactoring: ${r.plan.counts['major-refactor']} optimizations`);
    for (const c of r.plan.constraints) this.say(`  - Constraint: ${c.name} cannot change ("${c.text}"): ${r.plan.items.filter((i) => i.constraint?.name === c.name).length} item(s) re-targeted outside it`);
    for (const e of r.plan.excluded) this.say(`  - Left out: ${e.bottleneckId} ${e.title} (${e.reason})`);
    if (r.synthesis.fallback) this.say(`⚠️  agent ${r.synthesis.fallback.from} failed (${r.synthesis.fallback.reason}); deterministic narrative used`);
  }
}
