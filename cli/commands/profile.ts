import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { loadOptionsFromFlags } from '../load-options.js';
import { durationFlag, quickFlag } from '../flags.js';
import { CLINIC_TOOLS, profileUnderLoad, progressLine } from '../../app/profile.js';
import { fmtMs, fmtPct } from '../../core/markdown.js';
import { textTable } from '../../core/text-table.js';

export default class Profile extends BaseCommand<typeof Profile> {
  static override description =
    'Profile the target under load: V8 CPU profile hot functions with file:line, live heap allocation sites, event-loop delay and GC share; optionally clinic doctor/flame';
  static override examples = ['<%= config.bin %> profile', '<%= config.bin %> profile --duration 20s --connections 20', '<%= config.bin %> profile --journey search --json', '<%= config.bin %> profile --clinic doctor'];
  static override flags = {
    journey: Flags.string({ description: 'load only this journey [default: the weighted mix]' }),
    duration: durationFlag({ description: 'load duration while profiling, e.g. 10s [default: 10s, --quick: 5s]' }),
    connections: Flags.integer({ description: 'closed model: concurrent connections [default: 10]', min: 1, max: 10_000 }),
    rate: Flags.integer({ description: 'open model: arrival rate in requests/s instead of the closed model', min: 1 }),
    quick: quickFlag('profile: 5 s of load'),
    clinic: Flags.option({ options: CLINIC_TOOLS, description: 'also run the target under clinic.js (optional dependency: npm i -D clinic); doctor adds its diagnosis, both keep their HTML beside the profile' })(),
  };

  public async run(): Promise<void> {
    const config = this.perfConfig();
    const store = this.store(config);
    const live = process.stderr.isTTY === true;
    const result = await profileUnderLoad({
      config,
      store,
      ...loadOptionsFromFlags(this.flags),
      quick: this.flags.quick,
      ...(this.flags.clinic ? { clinic: this.flags.clinic } : {}),
      signal: this.interruptSignal(),
      onProgress: (p) => {
        if (live) process.stderr.write(`\r\x1b[K${progressLine('profile', p)}`);
      },
    });
    if (live) process.stderr.write('\r\x1b[K');
    const a = result.artifact;
    if (this.flags.json) this.emitJson(a);
    if (!a.profiled) this.say(`profiling skipped: ${a.skippedReason ?? ''}`);
    else {
      const h = result.highlights;
      this.say(h.scope === 'app' ? "hot functions of the application's own code (by total time):" : 'no frame of the application\'s own code was sampled; where the CPU went, in every category (by self time):');
      this.say(textTable(['function', 'file:line', ...(h.scope === 'all' ? ['category'] : []), 'self %', 'total %'], h.functions.map((f) => [f.functionName, f.location, ...(h.scope === 'all' ? [f.category] : []), fmtPct(f.selfShare, 1), fmtPct(f.totalShare, 1)])));
      this.say(`(${a.sampleCount} CPU samples over ${(a.durationMs / 1000).toFixed(1)} s of load; the profile report has every function)`);
      if (a.eventLoopDelayMs) this.say(`event-loop delay p99 ${fmtMs(a.eventLoopDelayMs.p99)}, max ${fmtMs(a.eventLoopDelayMs.max)}`);
      if (a.gc) this.say(`GC ${fmtPct(a.gc.share)} of wall time (${a.gc.count} pauses)`);
      const site = h.topAppSite;
      if (site) this.say(`top live allocation site of the app: ${site.functionName} at ${site.location} (${fmtPct(site.selfShare, 1)} of sampled heap)`);
    }
    if (this.flags.clinic) this.say(`clinic ${this.flags.clinic}: ${a.clinic.note ?? (a.clinic.ran ? 'ran' : 'did not run')}`);
    if (a.load) this.say(`load: ${a.load.requests} requests, p95 ${fmtMs(a.load.latencyMs.p95)}, errors ${fmtPct(a.load.errorRate)}`);
    this.say(`wrote ${store.display(result.markdownPath)} and ${store.display(result.jsonPath)}`);
  }
}
