import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pickHotFunctions, summarizeCpuProfile, type CpuProfile, type CpuProfileSummary } from '../../analyzers/cpuprofile.js';
import type { Artifact, ArtifactStore } from '../../core/artifacts/store.js';
import { DIRS } from '../../core/artifacts/layout.js';
import type { ProfilePayload } from '../../core/artifacts/schemas.js';
import { resolveHeaders } from '../../core/config/headers.js';
import type { PerfConfig } from '../../core/config/types.js';
import { resolveJourneyHeaders, selectJourneys } from '../load/select-journeys.js';
import { Interrupted } from '../../core/errors.js';
import { renderProfileMarkdown } from '../../templates/profile.js';
import { renderFlameGraphHtml } from '../../templates/profile-flame.js';
import { runLoad, type LoadModel, type LoadProgress } from '../load/run-load.js';
import { withTarget } from '../target/with-target.js';
import { openConnections } from '../baseline/capacity.js';
import { MONITOR_FILE } from './monitor-source.js';
import { pickHeapSites, summarizeHeapProfile, type HeapProfile } from '../../analyzers/heapprofile.js';

export interface RunProfileOptions {
  config: PerfConfig;
  store: ArtifactStore;
  /** Load duration while profiling (default 10 s; quick 5 s). */
  durationMs?: number;
  /** Closed model with this many connections (default 10). */
  connections?: number;
  /** Open model at this arrival rate instead. */
  rateRps?: number;
  journey?: string;
  quick?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
}

/** Mean bytes between heap samples: V8's default (32 KiB), fine enough for sites of a few MB. */
const HEAP_SAMPLING_BYTES = 32 * 1024;

export interface ProfileRun {
  artifact: Artifact<ProfilePayload>;
  markdownPath: string;
  jsonPath: string;
}

interface MonitorReport {
  pid: number;
  argv: string[];
  wallMs: number;
  /** True when the figures cover only the load period (the marker was seen). */
  sinceLoadStart?: boolean;
  eventLoopDelayMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  gc: { count: number; totalMs: number; byKind: Record<string, number> };
}

/**
 * Step 2 of the flow: start the target under Node's own CPU profiler plus an event-loop/GC monitor,
 * apply load, stop it, and turn the `.cpuprofile` into hot functions. Needs `target.start` (perf
 * must launch the process to profile it); otherwise the load figures are still reported.
 */
export async function runProfile(opts: RunProfileOptions): Promise<ProfileRun> {
  const { config, store } = opts;
  const resolved = resolveJourneyHeaders(selectJourneys(config.journeys, opts.journey));
  const headers = resolveHeaders(config.target.headers, 'target.headers');
  const durationMs = opts.durationMs ?? (opts.quick ? 5000 : 10_000);
  const model: LoadModel =
    opts.rateRps !== undefined
      ? { kind: 'open', rateRps: opts.rateRps, connections: opts.connections ?? openConnections(opts.rateRps) }
      : { kind: 'closed', connections: opts.connections ?? 10 };
  const profDir = store.dir(DIRS.profiles, store.runId);
  const canProfile = config.target.start !== undefined;
  // startTarget puts perf's preload into the target; these switch on its profiling part.
  const extraEnv: Record<string, string> = canProfile
    ? { PERF_MONITOR_DIR: profDir, PERF_HEAP_PROFILE: '1', PERF_HEAP_SAMPLING_BYTES: String(HEAP_SAMPLING_BYTES) }
    : {};

  const run = await withTarget(config, { extraEnv, ...(opts.signal ? { signal: opts.signal } : {}) }, () => {
    if (canProfile) writeFileSync(join(profDir, 'load-started'), new Date().toISOString());
    return runLoad({
      baseUrl: config.target.baseUrl,
      journeys: resolved,
      headers,
      model,
      durationMs,
      warmupMs: opts.quick ? 500 : 1000,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  });
  // withTarget stopped the target: the preload has written the profile and the monitor report.
  const load = run.overall.figures(run.durationMs, run.open);
  const payload: ProfilePayload = {
    target: { baseUrl: config.target.baseUrl, ...(config.target.start ? { command: config.target.start.command } : {}) },
    profiled: false,
    durationMs: run.durationMs,
    sampleCount: 0,
    hotFunctions: [],
    eventLoopDelayMs: null,
    gc: null,
    heapProfile: null,
    clinic: clinicStatus(),
    rawProfiles: [],
    load,
  };
  if (!canProfile) {
    payload.skippedReason = 'no target.start: perf profiles only a service it starts itself (add target.start to perf.config.yaml); load figures only';
  } else {
    const profiles = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profDir, f));
    payload.rawProfiles = profiles;
    if (profiles.length === 0) {
      payload.skippedReason =
        'no V8 CPU profile was written: the target does not look like a Node.js process (the NODE_OPTIONS --import preload never ran), or it was killed before it could exit normally; load figures only';
    } else {
      // A start command like `npm start` profiles npm too: the service is the busiest process.
      const summaries = profiles.map((p) => ({ file: p, s: summarizeCpuProfile(JSON.parse(readFileSync(p, 'utf8')) as CpuProfile, config.target.start?.cwd) }));
      const main = summaries.reduce((a, b) => (b.s.busyMs > a.s.busyMs ? b : a));
      applySummary(payload, main.s);
      const flame = main.file.replace(/\.cpuprofile$/, '.flame.html');
      writeFileSync(flame, renderFlameGraphHtml(JSON.parse(readFileSync(main.file, 'utf8')) as CpuProfile, { title: `CPU flame graph — ${config.target.start?.command ?? config.target.baseUrl}`, cwd: config.target.start?.cwd }));
      payload.flameGraphs = [flame];
      payload.heapProfile = readHeapProfile(main.file, config.target.start?.cwd);
      const monitor = readMonitor(profDir, main.file);
      if (monitor) {
        payload.eventLoopDelayMs = round(monitor.eventLoopDelayMs);
        payload.gc = {
          totalMs: Math.round(monitor.gc.totalMs * 1000) / 1000,
          share: monitor.wallMs > 0 ? Math.round((monitor.gc.totalMs / monitor.wallMs) * 10000) / 10000 : 0,
          count: monitor.gc.count,
          byKind: Object.fromEntries(Object.entries(monitor.gc.byKind).map(([k, v]) => [k, Math.round(v * 1000) / 1000])),
        };
      }
    }
  }
  const written = store.writeReport('profile', payload, renderProfileMarkdown(payload, { cwd: config.target.start?.cwd, interrupted: run.interrupted }));
  if (run.interrupted) throw new Interrupted('interrupted: partial profile written', { where: written.markdownPath });
  return written;
}

function applySummary(payload: ProfilePayload, s: CpuProfileSummary): void {
  payload.profiled = true;
  payload.sampleCount = s.sampleCount;
  // perf's own preload is not the application's code.
  payload.hotFunctions = pickHotFunctions(s.functions.filter((f) => !f.url.endsWith(`/${MONITOR_FILE}`)));
}

/** The heap profile of the profiled process (`CPU.<pid>.cpuprofile` → `Heap.<pid>.heapprofile`), summarised. */
function readHeapProfile(profileFile: string, cwd: string | undefined): ProfilePayload['heapProfile'] {
  const raw = profileFile.replace(/CPU\.(\d+)\.cpuprofile$/, 'Heap.$1.heapprofile');
  if (raw === profileFile || !existsSync(raw)) return null;
  let profile: HeapProfile;
  try {
    profile = JSON.parse(readFileSync(raw, 'utf8')) as HeapProfile;
  } catch {
    return null;
  }
  const s = summarizeHeapProfile(profile, cwd, (url) => url.endsWith(`/${MONITOR_FILE}`));
  return { samplingIntervalBytes: HEAP_SAMPLING_BYTES, sampledBytes: s.sampledBytes, sites: pickHeapSites(s.sites), raw };
}

/** The monitor file of the profiled process (`CPU.<pid>.cpuprofile` → `monitor-<pid>.json`), else the longest-lived one. */
function readMonitor(dir: string, profileFile: string): MonitorReport | undefined {
  const pid = /CPU\.(\d+)\.cpuprofile$/.exec(profileFile)?.[1];
  const direct = pid ? join(dir, `monitor-${pid}.json`) : undefined;
  const files = direct && existsSync(direct) ? [direct] : readdirSync(dir).filter((f) => /^monitor-\d+\.json$/.test(f)).map((f) => join(dir, f));
  const reports = files.flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(f, 'utf8')) as MonitorReport];
    } catch {
      return [];
    }
  });
  return reports.sort((a, b) => b.wallMs - a.wallMs)[0];
}

function round<T extends Record<string, number>>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 1000) / 1000])) as T;
}

/** clinic.js is optional: report honestly whether it is installed; its numbers are never the source. */
function clinicStatus(): ProfilePayload['clinic'] {
  const req = createRequire(import.meta.url);
  for (const pkg of ['@clinic/doctor', '@clinic/flame']) {
    try {
      req.resolve(pkg);
    } catch {
      return { ran: false, note: `clinic not available: ${pkg} is not installed (optional; the hot spots come from the V8 CPU profiler)` };
    }
  }
  return { ran: false, note: 'clinic is installed but perf does not run it yet; the hot spots come from the V8 CPU profiler' };
}

