import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pickHotFunctions, summarizeCpuProfile, type CpuProfile, type CpuProfileSummary } from '../../analyzers/cpuprofile.js';
import type { Artifact, ArtifactStore } from '../../core/artifacts/store.js';
import { DIRS } from '../../core/artifacts/layout.js';
import type { ProfilePayload } from '../../core/artifacts/schemas.js';
import { resolveHeaders } from '../../core/config/headers.js';
import type { PerfConfig } from '../../core/config/types.js';
import { resolveJourneyHeaders, selectJourneys } from '../load/select-journeys.js';
import { Interrupted, UserError } from '../../core/errors.js';
import { renderProfileMarkdown } from '../../templates/profile.js';
import { renderFlameGraphHtml } from '../../templates/profile-flame.js';
import { runLoad, type LoadModel, type LoadProgress } from '../load/run-load.js';
import { withTarget } from '../target/with-target.js';
import { openConnections } from '../baseline/capacity.js';
import { MONITOR_FILE } from './monitor-source.js';
import { CLINIC_ADD_HINT, CLINIC_ENV, clinicCommand, readClinicResult, resolveClinic, type ClinicInstall, type ClinicTool } from './clinic.js';
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
  /** Also run the target under clinic (optional dependency): doctor's diagnosis or flame's HTML. */
  clinic?: ClinicTool;
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

  // clinic wraps the start command; it is checked (installed? a `node …` command?) before any load.
  const clinic = opts.clinic ? prepareClinic(opts.clinic, config, profDir) : undefined;
  const targetConfig = clinic ? { ...config, target: { ...config.target, start: clinic.start } } : config;
  let outputTail = (): string => '';
  const run = await withTarget(
    targetConfig,
    {
      extraEnv: { ...extraEnv, ...(clinic ? CLINIC_ENV : {}) },
      ...(opts.signal ? { signal: opts.signal } : {}),
      // clinic writes its data and HTML only when the process ends on Ctrl-C, and needs time for it.
      ...(clinic ? { stopSignal: 'SIGINT' as const, stopGraceMs: 180_000 } : {}),
    },
    (running) => {
    if (running) outputTail = () => running.stderrTail();
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
  const clinicResult = clinic ? await readClinicResult(clinic.tool, clinic.install, clinic.dest, outputTail()) : clinicStatus();
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
    clinic: clinicResult,
    rawProfiles: [],
    load,
  };
  if (!canProfile) {
    payload.skippedReason = 'no target.start: perf profiles only a service it starts itself (add target.start to perf.config.yaml); load figures only';
  } else {
    // clinic's own process carries the preload too (and is busy analysing after the load): not the service.
    const wrapper = clinic ? wrapperPids(profDir, clinic.install.bin) : new Set<string>();
    const profiles = readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile') && !wrapper.has(/CPU\.(\d+)\./.exec(f)?.[1] ?? ''))
      .map((f) => join(profDir, f));
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

/** Pids whose monitor report shows they ran `bin` (a wrapper such as clinic's CLI). */
function wrapperPids(dir: string, bin: string): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(dir)) {
    const pid = /^monitor-(\d+)\.json$/.exec(f)?.[1];
    if (!pid) continue;
    try {
      if ((JSON.parse(readFileSync(join(dir, f), 'utf8')) as MonitorReport).argv[0] === bin) out.add(pid);
    } catch {
      // unreadable report: keep the profile
    }
  }
  return out;
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

/** clinic.js is optional: without --clinic, say whether it could run; its numbers are never the source. */
function clinicStatus(): ProfilePayload['clinic'] {
  const install = resolveClinic(clinicSearchPath());
  return install
    ? { ran: false, note: `clinic ${install.version} is installed; add --clinic doctor or --clinic flame to run it (the hot spots come from the V8 CPU profiler)` }
    : { ran: false, note: CLINIC_ADD_HINT };
}

/** Where clinic may be installed: the service's project, the current dir, perf's own install. */
function clinicSearchPath(cwd?: string): string[] {
  return [...(cwd ? [cwd] : []), process.cwd(), dirname(fileURLToPath(import.meta.url))];
}

function prepareClinic(tool: ClinicTool, config: PerfConfig, profDir: string): { tool: ClinicTool; install: ClinicInstall; dest: string; start: NonNullable<PerfConfig['target']['start']> } {
  const start = config.target.start;
  if (!start) {
    throw new UserError('--clinic needs target.start: clinic must launch the service itself', { where: 'target.start', fix: 'add target.start (a `node <file>` command) to perf.config.yaml, or drop --clinic' });
  }
  const install = resolveClinic(clinicSearchPath(start.cwd));
  if (!install) throw new UserError(CLINIC_ADD_HINT, { where: '--clinic', fix: 'npm i -D clinic' });
  const dest = join(profDir, 'clinic');
  mkdirSync(dest, { recursive: true });
  return { tool, install, dest, start: { ...start, command: clinicCommand(tool, install, dest, start.command) } };
}
