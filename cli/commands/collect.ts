import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { checkRunId, collectFailure, collectRun, PLAIN_PROGRESS_EVERY_MS, type CollectProgress } from '../../app/collect.js';
import { SCENARIO_NAMES, type ScenarioName } from '../../core/config/types.js';
import { CheckFailed, UserError } from '../../core/errors.js';
import { fmtNum } from '../../core/format.js';
import { sloLine } from '../../templates/slo.js';
import { durationFlag } from '../flags.js';

/** HOST:PORT (IPv6 in brackets; ":PORT" is loopback), checked before anything listens. */
export function parseListen(raw: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(raw.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new UserError(`--listen "${raw}" is not HOST:PORT`, { where: '--listen', fix: 'pass e.g. --listen 127.0.0.1:6464 (loopback), or --listen 0.0.0.0:6464 to take runners from other hosts' });
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

function progressText(runId: string, p: CollectProgress, expected: number | undefined, elapsedMs: number): string {
  return `collect ${runId} ${Math.round(elapsedMs / 1000)}s: ${p.runners}${expected !== undefined ? `/${expected}` : ''} runners (${p.finished} finished), ${fmtNum(p.requests)} requests, ${p.mergedWindows} merged windows${p.trip ? `, guard fired: stopping runners (${p.trip.slo})` : ''}`;
}

export default class Collect extends BaseCommand<typeof Collect> {
  static override description =
    'Collect the windows k6 runners push (k6 run --out perf=…,push=URL), merge them live, stop every runner on a global fast burn, ' +
    'and write the merged load test and the global SLO verdict when the run ends\n\n' +
    'The run ends when every expected runner (--runners, else every runner seen) sent its summary, after --timeout of silence ' +
    '(runners that did not finish are short), or on Ctrl-C / SIGTERM. Exit 0 when the SLOs are met, 1 when violated or the load was short, 2 on bad input, 3 on a runtime failure.';
  static override examples = [
    '<%= config.bin %> collect --run soak-42 --runners 4',
    '<%= config.bin %> collect --listen 0.0.0.0:6464 --run soak-42 --runners 4 --timeout 5m   # runners on other hosts',
  ];
  static override flags = {
    listen: Flags.string({ description: 'HOST:PORT to take pushes on (loopback unless you name another address)', default: '127.0.0.1:6464' }),
    run: Flags.string({ description: 'the run id every runner pushes with (k6 --out perf=…,run=ID; X-Perf-Run)', required: true }),
    runners: Flags.integer({ description: 'runners to wait for [default: the runners seen]', min: 1, max: 10_000 }),
    timeout: durationFlag({ description: 'silence after which the run ends and unfinished runners are short [default: 2m]' }),
    scenario: Flags.string({ description: 'how the merged run is labelled in the results (the runners\' script sets the load)', options: [...SCENARIO_NAMES], default: 'baseline' }),
  };

  public async run(): Promise<void> {
    const f = this.flags;
    const { host, port } = parseListen(f.listen);
    checkRunId(f.run);
    const config = this.perfConfig();
    const store = this.store(config);
    const tty = process.stderr.isTTY === true && !f.json;
    let lastPlain = 0;
    const result = await collectRun({
      config,
      store,
      host,
      port,
      runId: f.run,
      ...(f.runners !== undefined ? { expectedRunners: f.runners } : {}),
      timeoutMs: f.timeout ?? 120_000,
      scenario: f.scenario as ScenarioName,
      warnMargin: 0.1,
      signal: this.interruptSignal(),
      onListening: (address) => this.say(`perf collect: run ${f.run}, listening on http://${address}/ (push=http://${address}/push)`),
      onNote: (line) => this.say(line),
      onProgress: (p, elapsedMs) => {
        const line = progressText(f.run, p, f.runners, elapsedMs);
        if (tty) process.stderr.write(`\r\x1b[2K${line}`);
        else if (Date.now() - lastPlain >= PLAIN_PROGRESS_EVERY_MS) {
          lastPlain = Date.now();
          process.stderr.write(`${line}\n`);
        }
      },
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    const p = result.payload;
    if (f.json) this.emitJson({ ...p, ended: result.ended, slo: result.slo, windows: result.windowsFile, markdown: result.markdownPath, json: result.jsonPath });
    this.say(`run ended (${result.ended}): ${result.runnersLine}`);
    this.say(`merged: ${fmtNum(p.overall.requests)} requests, ${p.overall.throughputRps} req/s, p95 ${p.overall.latencyMs.p95} ms, errors ${(p.overall.errorRate * 100).toFixed(2)}%`);
    if (p.aborted) this.say(`stopped: ${p.aborted.reason}`);
    this.say(`wrote ${store.display(result.windowsFile)}`);
    this.say(`wrote ${store.display(result.markdownPath)}`);
    if (result.slo) {
      this.say(`SLO compliance (global): ${result.slo.status}`);
      for (const s of result.slo.slos) this.say(`  ${sloLine(s)}`);
      for (const x of result.slo.runInvalid ?? []) this.say(`  run did not happen as planned: ${x}`);
      if (result.sloMarkdownPath) this.say(`wrote ${store.display(result.sloMarkdownPath)}`);
    }
    const failure = collectFailure(result);
    if (failure) throw new CheckFailed(failure.message, { fix: failure.fix });
  }
}
