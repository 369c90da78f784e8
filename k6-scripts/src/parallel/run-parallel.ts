/**
 * `perf loadtest --parallel N` on one machine: N k6 processes, one execution segment each (the plan of
 * segments.ts), started paused on distinct loopback REST ports and resumed together once every one
 * answers. Each writes its own perf.k6-windows/v1 file; perf tails them live into one LiveMerge, feeds
 * the merged windows to the progress line and to the fast-burn guard (which stops every runner), and
 * writes the merged stream to `outFile`. A runner that dies is recorded (its exit status) and the merge
 * stops waiting for it; its record says it is short. Any failure of perf's own kills every runner.
 */
import { describeExit, LiveMerge, silentRunner, type RunnerExit, type RunnerRecord } from '../../../analyzers/merge/index.js';
import { FastBurnGuard, GUARD_MIN_EVENTS, type FastBurnTrip } from '../../../analyzers/slo/fast-burn.js';
import type { EvalSlo } from '../../../analyzers/slo/model.js';
import { writeFileAtomic } from '../../../core/artifacts/atomic.js';
import type { K6AbortLine, K6WindowLine, K6WindowsHeader, K6WindowsLine } from '../../../core/artifacts/k6-windows.js';
import { Interrupted, RuntimeFailure } from '../../../core/errors.js';
import { FileTail } from '../file-tail.js';
import { k6Completed, k6NotStarted, startK6, type K6Exit, type K6Process, type K6RunRequest } from '../run-k6.js';
import { freeLoopbackPorts, k6Answers, resumeK6 } from './k6-rest.js';
import { runnerK6Args, runnerOutput, runnerTagArgs } from './runner-outputs.js';
import type { ParallelPlan, RunnerSlot } from './segments.js';

/** How long the runners may take to load the script and open their REST API. */
const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 250;

export interface ParallelRunRequest extends Omit<K6RunRequest, 'segment' | 'pausedAt' | 'stoppedOnPurpose' | 'keepThresholds' | 'guard'> {
  plan: ParallelPlan;
  /** One id for every runner of the test (the store's run id). */
  runId: string;
  /** SLOs of the run: their file is passed to every runner (the header records the guard's windows); k6's own guard stays off. */
  guard?: { slosFile: string; durationMs: number };
  /** The SLOs the merged guard judges; with `abortOnBurn`, a fast burn of the merged windows stops every runner. */
  slos: readonly EvalSlo[];
  abortOnBurn: boolean;
  /** Each merged window as soon as every live runner has closed it. */
  onWindow?: (w: K6WindowLine) => void;
}

export interface ParallelOutcome {
  interrupted: boolean;
  runners: RunnerRecord[];
  /** The merged guard's trip, when it stopped the runners. */
  trip: FastBurnTrip | null;
  warnings: string[];
}

/** Runner i's windows file beside the merged one: `soak.perf.ndjson` → `soak.r0.perf.ndjson`. */
export function runnerFile(outFile: string, runner: string): string {
  return outFile.replace(/(\.perf)?\.ndjson$/, `.${runner}.perf.ndjson`);
}

interface Runner {
  slot: RunnerSlot;
  address: string;
  file: string;
  tail: FileTail;
  proc: K6Process;
  exit: K6Exit | null;
  /** Its exit has been handed to the merge (after its file was read to the end). */
  settled: boolean;
}

export async function runParallelK6(req: ParallelRunRequest): Promise<ParallelOutcome> {
  const ports = await freeLoopbackPorts(req.plan.n);
  const runners: Runner[] = req.plan.slots.map((slot, i) => {
    const address = `127.0.0.1:${ports[i]!}`;
    const file = runnerFile(req.outFile, slot.runner);
    const proc = startK6({
      ...req,
      // The user's own k6 outputs: one file per runner (checked before load: planRunnerOutputs).
      ...(req.extraOutputs ? { extraOutputs: req.extraOutputs.map((o) => runnerOutput(o, slot.runner)) } : {}),
      // A service output receives every runner's samples: each runner tags its own (runner=r0, …).
      extraArgs: [...runnerTagArgs(req.extraOutputs ?? [], req.extraArgs ?? [], slot.runner), ...runnerK6Args(req.extraArgs ?? [], slot.runner)],
      outFile: file,
      keepThresholds: false,
      segment: { segment: slot.segment, sequence: req.plan.sequence },
      identity: { runId: req.runId, runner: slot.runner },
      pausedAt: address,
      ...(req.guard ? { guard: { ...req.guard, live: false } } : {}),
    });
    const r: Runner = { slot, address, file, tail: new FileTail(file), proc, exit: null, settled: false };
    void proc.exited.then((e) => (r.exit = e));
    return r;
  });
  const stopAll = (): void => runners.forEach((r) => r.exit === null && r.proc.stop());
  const killAll = async (): Promise<void> => {
    runners.forEach((r) => r.exit === null && r.proc.kill());
    await Promise.all(runners.map((r) => r.proc.exited));
  };

  let interrupted = false;
  const onAbort = (): void => {
    interrupted = true;
    stopAll();
  };
  try {
    await resumeTogether(runners, req.k6, req.signal);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    if (req.signal?.aborted) onAbort();
    const out = await mergeLive(runners, req, stopAll);
    return { ...out, interrupted };
  } catch (err) {
    await killAll();
    throw err;
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
  }
}

/** Waits until every runner's REST API answers (a runner exiting first is a runtime failure), then resumes all at once. */
async function resumeTogether(runners: Runner[], k6: K6RunRequest['k6'], signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const ready = new Set<string>();
  while (ready.size < runners.length) {
    if (signal?.aborted) throw new Interrupted('interrupted before the runners started: nothing ran, no report written');
    for (const r of runners) {
      if (r.exit) {
        if (r.exit.notStarted) throw k6NotStarted(r.exit, k6);
        const shown = r.exit.errorLines.at(-1) ?? r.exit.tail.at(-1) ?? 'no error output';
        throw new RuntimeFailure(`runner ${r.slot.runner} exited before the test started (${describeExit(r.exit)}): ${shown}`, {
          fix: 'fix the error k6 reports (k6 inspect <script> shows script errors), then re-run',
        });
      }
      if (!ready.has(r.slot.runner) && (await k6Answers(r.address))) ready.add(r.slot.runner);
    }
    if (ready.size === runners.length) break;
    if (Date.now() > deadline) {
      throw new RuntimeFailure(`runners ${runners.filter((r) => !ready.has(r.slot.runner)).map((r) => r.slot.runner).join(', ')} did not open k6's REST API within ${READY_TIMEOUT_MS / 1000} s`, {
        fix: 'check the machine is not overloaded (fewer --parallel runners), then re-run',
      });
    }
    await sleep(100);
  }
  await Promise.all(runners.map((r) => resumeK6(r.address, r.slot.runner)));
}

/** Tails every runner's file into the merge until all have exited; returns the records and the guard's trip. */
async function mergeLive(runners: Runner[], req: ParallelRunRequest, stopAll: () => void): Promise<Omit<ParallelOutcome, 'interrupted'>> {
  const merge = new LiveMerge({ expectedRunners: runners.length });
  // Assigned inside read(): typed by assertion so TypeScript does not narrow it to null.
  let guard = null as FastBurnGuard | null;
  let trip = null as FastBurnTrip | null;
  const headers = new Map<string, K6WindowsHeader>();
  const read = (r: Runner): void => {
    for (const text of r.tail.newLines()) {
      if (text.trim() === '') continue;
      let line = JSON.parse(text) as K6WindowsLine;
      if (line.type === 'header') {
        // The output writes the same identity (run=, runner=, k6's segment options); perf's own plan is the one merged by.
        line = { ...line, runId: req.runId, runner: r.slot.runner, segment: r.slot.segment, segmentSequence: req.plan.sequence };
        headers.set(r.slot.runner, line);
        if (req.abortOnBurn && !guard && line.guard && req.slos.length > 0) {
          guard = new FastBurnGuard(req.slos, { longWindowMs: line.guard.longWindowMs, shortWindowMs: line.guard.shortWindowMs, factor: line.guard.factor, minEvents: GUARD_MIN_EVENTS });
        }
      }
      merge.add(r.slot.runner, line, r.file);
    }
  };
  const ticker = req.onTick ? setInterval(req.onTick, 1000) : undefined;
  try {
    for (;;) {
      const allExited = runners.every((r) => r.exit !== null);
      for (const r of runners) {
        read(r);
        if (r.exit && !r.settled) {
          r.settled = true;
          // A runner perf did not stop that ended without finishing: the merge no longer waits for it.
          if (!k6Completed(r.exit.code) && !r.exit.interrupted && headers.has(r.slot.runner)) merge.markDead(r.slot.runner, 'its k6 process died');
        }
      }
      for (const w of merge.takeClosed()) {
        req.onWindow?.(w);
        const t = guard?.observe(w) ?? null;
        if (t && !trip) {
          trip = t;
          stopAll();
        }
      }
      if (allExited) break;
      await sleep(POLL_MS);
    }
  } finally {
    if (ticker) clearInterval(ticker);
  }
  if (headers.size === 0) {
    const r = runners[0]!;
    throw new RuntimeFailure(`no runner wrote results (runner ${r.slot.runner}: ${describeExit(r.exit!)}: ${r.exit!.errorLines.at(-1) ?? r.exit!.tail.at(-1) ?? 'no error output'})`, {
      where: r.file,
      fix: 'check the k6 output above',
    });
  }
  const merged = merge.finish();
  const lines: K6WindowsLine[] = [...merged.lines];
  if (trip) {
    const abort: K6AbortLine = { type: 'abort', atMs: trip.atMs, slo: trip.slo, reason: trip.reason, longBurnRate: trip.longBurnRate, shortBurnRate: trip.shortBurnRate };
    const summaryAt = lines.findIndex((l) => l.type === 'summary');
    lines.splice(summaryAt < 0 ? lines.length : summaryAt, 0, abort);
  }
  writeFileAtomic(req.outFile, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return { runners: records(runners, merged.runners, trip), trip, warnings: merged.warnings };
}

/**
 * The merge's records with each process's exit; a runner that never wrote its header gets a record too.
 * A runner perf stopped on the merged guard's trip records that abort (its own file cannot: perf's SIGINT
 * carries no reason), so its exit reads as the global verdict's stop, not as a crash.
 */
function records(runners: Runner[], merged: RunnerRecord[], trip: FastBurnTrip | null): RunnerRecord[] {
  return runners.map((r) => {
    const exitStatus: RunnerExit = { code: r.exit!.code, signal: r.exit!.signal };
    const rec = merged.find((m) => m.runner === r.slot.runner);
    if (rec && trip && r.exit!.interrupted && rec.aborted === null) {
      return { ...rec, exitStatus, aborted: { reason: `global SLO guard: ${trip.reason}`, atMs: trip.atMs } };
    }
    if (rec) return { ...rec, exitStatus };
    return { ...silentRunner(r.slot.runner, r.slot.segment, `it wrote no results (k6 ${describeExit(r.exit!)})`), exitStatus };
  });
}


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
