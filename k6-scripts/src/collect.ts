/**
 * `perf collect`: the collector of a scale-out run. Listens for the runners' pushed windows
 * (core/artifacts/k6-push.ts), merges them live and guards the merged windows (PushCollector), and
 * when the run ends — every expected runner sent its summary, --timeout of silence, or Ctrl-C/SIGTERM —
 * writes the merged perf.k6-windows/v1 file, the load test's results (the loadtest's own writer) with
 * the runners record, and the global SLO verdict.
 */
import { join } from 'node:path';
import { PushCollector, type CollectProgress } from '../../analyzers/merge/push-collector.js';
import { k6RunOfLines } from '../../analyzers/parsers/k6-windows.js';
import { slosFromConfig, type SloReport } from '../../analyzers/slo/check.js';
import { runSloCheck } from '../../capture/results/slo-check.js';
import { startPushServer } from '../../capture/collect/push-server.js';
import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import type { PerfConfig, ScenarioName } from '../../core/config/types.js';
import { RuntimeFailure } from '../../core/errors.js';
import { renderSloMarkdown } from '../../templates/slo.js';
import { buildLoadProfile } from '../../profiles/index.js';
import { scriptProfile } from './loadtest.js';
import { writeLoadtestArtifact } from './loadtest-artifact.js';

/** How long the collector still answers after the last runner finished (retries of a lost last reply). */
const FINISHED_LINGER_MS = 1000;

export interface CollectOptions {
  config: PerfConfig;
  store: ArtifactStore;
  host: string;
  port: number;
  runId: string;
  expectedRunners?: number;
  /** Silence after which the run ends and the runners that did not finish are short. */
  timeoutMs: number;
  /** How the merged run is labelled in the artifact (the runners' script sets the load). */
  scenario: ScenarioName;
  warnMargin: number;
  signal?: AbortSignal;
  /** The address bound, once listening (port 0 → the OS's choice). */
  onListening?: (address: string) => void;
  onProgress?: (p: CollectProgress, elapsedMs: number) => void;
  onNote?: (line: string) => void;
}

export interface CollectResult {
  ended: 'finished' | 'timeout' | 'interrupted';
  payload: LoadTestPayload;
  slo: SloReport | null;
  windowsFile: string;
  markdownPath: string;
  jsonPath: string;
  sloMarkdownPath: string | null;
}

export async function runCollect(opts: CollectOptions): Promise<CollectResult> {
  const slos = slosFromConfig(opts.config);
  const collector = new PushCollector({ runId: opts.runId, slos, ...(opts.expectedRunners !== undefined ? { expectedRunners: opts.expectedRunners } : {}) });
  const started = Date.now();
  let wake: () => void = () => {};
  const server = await startPushServer(opts.host, opts.port, collector, () => wake());
  opts.onListening?.(server.address);
  let ended: CollectResult['ended'];
  try {
    ended = await new Promise<CollectResult['ended']>((resolve) => {
      let lastProgress = started;
      const end = (why: CollectResult['ended']): void => {
        clearInterval(timer);
        opts.signal?.removeEventListener('abort', check);
        wake = () => {};
        resolve(why);
      };
      function check(): void {
        if (opts.signal?.aborted) end('interrupted');
        else if (collector.done()) end('finished');
        else if (Date.now() - collector.lastActivityMs >= opts.timeoutMs) end('timeout');
      }
      const timer = setInterval(() => {
        if (Date.now() - lastProgress >= 1000) {
          lastProgress = Date.now();
          opts.onProgress?.(collector.progress(), lastProgress - started);
        }
        check();
      }, 250);
      wake = check;
      opts.signal?.addEventListener('abort', check, { once: true });
      check();
    });
    // A runner whose last reply was lost retries its last batch: answer it (a duplicate) before closing.
    if (ended === 'finished') await new Promise((r) => setTimeout(r, FINISHED_LINGER_MS));
  } finally {
    // Runners still pushing get no reply once the collector has stopped listening: they keep their local files.
    await server.close();
  }
  const why = ended === 'timeout' ? `silent for ${Math.round(opts.timeoutMs / 1000)} s` : ended === 'interrupted' ? 'the collector was stopped' : 'did not finish';
  const merged = collector.finish(why);
  if (!merged) throw new RuntimeFailure(`no runner pushed any window to ${server.address} (${ended === 'timeout' ? `${Math.round(opts.timeoutMs / 1000)} s of silence` : 'stopped'})`, {
    where: '--listen',
    fix: `start the runners with k6 run --out perf=…,push=http://${server.address}/push,run=${opts.runId}; check that they can reach this address`,
  });
  if (merged.trip) merged.lines.push({ type: 'abort', atMs: merged.trip.atMs, slo: merged.trip.slo, reason: `collector: ${merged.trip.reason}`, longBurnRate: merged.trip.longBurnRate, shortBurnRate: merged.trip.shortBurnRate });
  for (const w of merged.warnings) opts.onNote?.(`warning: ${w}`);

  const windowsFile = opts.store.writeText(join('working', 'runs', opts.store.runId, `${opts.scenario}.merged.perf.ndjson`), merged.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const run = k6RunOfLines(merged.lines, windowsFile, merged.warnings);
  // The runners' script runs (and tags) its own warm-up: every merged request counts here.
  const base = buildLoadProfile(opts.scenario, { config: opts.config, capacityRps: null, rate: 1, warmupMs: 0 });
  const header = merged.lines[0];
  const versions = run.versions;
  const written = writeLoadtestArtifact(run, {
    config: opts.config,
    store: opts.store,
    profile: scriptProfile(base, run.endMs - run.startMs),
    partial: ended === 'interrupted',
    k6: { binary: `n/a (${merged.runners.length} runners pushing to perf collect)`, version: versions?.k6 ?? 'n/a', extension: true, ...(versions ? { extensionVersion: versions.extension } : {}) },
    rawArtifact: opts.store.display(windowsFile),
    capacityLatencyMs: null,
    windowMs: header?.type === 'header' ? header.windowMs : run.windowMs,
    runners: merged.runners,
  });
  let slo: SloReport | null = null;
  let sloMarkdownPath: string | null = null;
  if (slos.length > 0) {
    slo = await runSloCheck({ file: windowsFile, slos, slosFrom: opts.config.source, format: 'perf.k6-windows/v1', lenient: true, warnMargin: opts.warnMargin, runners: merged.runners });
    sloMarkdownPath = opts.store.writeReport('slo', slo, renderSloMarkdown(slo)).markdownPath;
  } else opts.onNote?.('no SLOs in the config: no global verdict (add "slos:" to perf.config.yaml)');
  return { ended, payload: written.payload, slo, windowsFile, markdownPath: written.markdownPath, jsonPath: written.jsonPath, sloMarkdownPath };
}
