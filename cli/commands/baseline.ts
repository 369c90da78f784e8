import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { loadOptionsFromFlags, warmupFlag } from '../load-options.js';
import { capacityFlags, durationFlag, quickFlag } from '../flags.js';
import {
  DEFAULT_MAX_RATE_RPS,
  describeKnee,
  fmtPercentileMs,
  fmtSampleMs,
  measureBaseline,
  PLAIN_PROGRESS_EVERY_MS,
  progressLine,
  rankByP99,
  type BaselineProgress,
} from '../../app/baseline.js';
import { fmtMs, fmtNum, fmtPct } from '../../core/markdown.js';
import { textTable } from '../../core/text-table.js';
import { CheckFailed } from '../../core/errors.js';

export default class Baseline extends BaseCommand<typeof Baseline> {
  static override description =
    'Capture a latency baseline with autocannon (per journey and overall, coordinated-omission corrected under the open model) and find the capacity';
  static override examples = [
    '<%= config.bin %> baseline',
    '<%= config.bin %> baseline --duration 30s --rate 200',
    '<%= config.bin %> baseline --journey checkout --connections 20 --no-capacity',
    '<%= config.bin %> baseline --quick --json',
  ];
  static override flags = {
    journey: Flags.string({ description: 'measure only this journey [default: the weighted mix of all journeys]' }),
    duration: durationFlag({ description: 'measured duration after warm-up, e.g. 15s [default: 15s, --quick: 5s]' }),
    connections: Flags.integer({ description: 'closed model: concurrent connections [default: 10]', min: 1, max: 10_000 }),
    rate: Flags.integer({ description: 'open model: arrival rate in requests/s [default with a latency SLO: half the capacity knee]', min: 1 }),
    ...capacityFlags('baseline: no probe and no capacity search; the open-model rate is half of it'),
    quick: quickFlag('baseline: 1 s probe and capacity steps, 5 s measurement'),
    warmup: warmupFlag('baseline: duration / 10 within 0.5–2 s, --quick 0.5 s'),
    'max-rate': Flags.integer({ description: `the probe and the capacity search never offer more requests/s than this [default: ${DEFAULT_MAX_RATE_RPS}]`, min: 1 }),
    profile: Flags.boolean({ description: 'also profile the target afterwards (same as perf profile)', default: false }),
  };

  public async run(): Promise<void> {
    const config = this.perfConfig();
    const store = this.store(config);
    const live = process.stderr.isTTY === true;
    const result = await measureBaseline({
      config,
      store,
      ...loadOptionsFromFlags(this.flags),
      capacity: !this.flags['no-capacity'],
      ...(this.flags.capacity !== undefined ? { capacityRps: this.flags.capacity } : {}),
      quick: this.flags.quick,
      ...(this.flags.warmup !== undefined ? { warmupMs: this.flags.warmup } : {}),
      ...(this.flags['max-rate'] !== undefined ? { maxRateRps: this.flags['max-rate'] } : {}),
      profile: this.flags.profile,
      signal: this.interruptSignal(),
      onProgress: (p) => this.progress(p, live),
    });
    if (live) process.stderr.write('\r\x1b[K');
    const a = result.artifact;
    if (this.flags.json) this.emitJson(a);
    const rows = [...rankByP99(a.journeys), a.overall].map((f) => [
      f.name,
      fmtNum(f.requests),
      fmtNum(f.throughputRps),
      fmtPct(f.errorRate),
      fmtPercentileMs(f.latencyMs.p50, f.requests, 50),
      fmtPercentileMs(f.latencyMs.p95, f.requests, 95),
      fmtPercentileMs(f.latencyMs.p99, f.requests, 99),
      fmtSampleMs(f.latencyMs.max, f.requests),
    ]);
    this.say(a.model.kind === 'open' ? `open model, ${a.model.rateRps} req/s (latency from intended send time)` : `closed model, ${a.model.connections} connections`);
    this.say(textTable(['journey', 'requests', 'req/s', 'errors', 'p50', 'p95', 'p99', 'max'], rows));
    this.say(`warm-up: ${a.warmupMs} ms before each measured phase, excluded`);
    if (a.capacity) this.say(`capacity: ${describeKnee(a.capacity)}${a.capacity.confirmation ? ` (${a.capacity.confirmation})` : ''}`);
    for (const n of a.notes ?? []) if (n.startsWith('Warning:')) this.say(n);
    if (a.database) {
      if (a.database.statementsHint) this.say(`warning: ${a.database.statementsHint}`);
      for (const p of a.database.phases.filter((x) => x.journey !== null)) {
        this.say(`database, ${p.phase}: ${fmtMs(p.dbMsPerRequest)} per request (${fmtPct(p.dbShareOfLatency)} of its mean latency), ${p.callsPerRequest === null ? 'n/a' : fmtNum(p.callsPerRequest, 2)} statements per request`);
      }
    }
    for (const j of a.journeys) if (j.errors > 0) this.say(`warning: journey "${j.name}" had ${fmtNum(j.errors)} failed requests (${fmtPct(j.errorRate)}) — see the report`);
    this.say(`wrote ${store.display(result.markdownPath)} and ${store.display(result.jsonPath)}`);
    if (!result.verdict.measured) throw new CheckFailed(result.verdict.message, { fix: result.verdict.fix });
  }

  private progress(p: BaselineProgress, live: boolean): void {
    if (p.phase === 'capacity') {
      const s = p.step;
      this.clearLine(live);
      process.stderr.write(
        `capacity step ${p.index + 1}/${p.planned}${s.phase && s.phase !== 'search' ? ` (${s.phase})` : ''}: ${fmtNum(s.rateRps)}/s → achieved ${fmtNum(s.achievedRps)}/s, p95 ${s.requests !== undefined ? fmtPercentileMs(s.p95Ms, s.requests, 95) : fmtMs(s.p95Ms)}, errors ${fmtPct(s.errorRate)} [${s.verdict}]\n`,
      );
      return;
    }
    if (p.phase === 'database') {
      this.clearLine(live);
      process.stderr.write(`database: ${p.what}\n`);
      return;
    }
    if (p.phase === 'profile') {
      this.clearLine(live);
      process.stderr.write('profiling the target under load…\n');
      return;
    }
    const label = p.phase === 'journey' ? `journey ${p.index + 1}/${p.count} ${p.journey}` : p.phase === 'probe' ? 'probe' : 'baseline (mix)';
    if (live) process.stderr.write(`\r\x1b[K${progressLine(label, p)}`);
    else if (Date.now() - this.lastPlainProgress >= PLAIN_PROGRESS_EVERY_MS) {
      this.lastPlainProgress = Date.now();
      process.stderr.write(`${progressLine(label, p)}\n`);
    }
  }

  private lastPlainProgress = 0;

  private clearLine(live: boolean): void {
    if (live) process.stderr.write('\r\x1b[K');
  }
}
