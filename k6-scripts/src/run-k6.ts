/**
 * Runs k6 processes: `k6 run` with our output (`--out perf=…`) or, on stock k6, `--out json=…`.
 * Ctrl-C (the signal) is forwarded ONCE as SIGINT so k6 stops gracefully and flushes its output;
 * k6 runs in its own process group (under a supervisor that ends the group when perf dies, even on
 * SIGKILL) so a terminal's Ctrl-C does not reach it twice.
 */
import { signalGroup, spawnSupervised } from '../../capture/target/supervise.js';
import { RuntimeFailure } from '../../core/errors.js';
import { K6_FIX, type K6Binary } from './k6-binary.js';
import { secretsOfEnv } from '../../core/redact.js';
import { describeExit } from '../../analyzers/merge/index.js';

export interface K6RunRequest {
  k6: K6Binary;
  script: string;
  outFile: string;
  windowMs: number;
  /** Keep k6 thresholds and its end-of-test summary (stock k6, breakpoint aborts). */
  keepThresholds: boolean;
  env: Record<string, string>;
  /**
   * SLOs for the perf extension: the JSON file and the expected duration (the header then records the
   * guard's windows). `live` (default true) lets k6's own guard stop the test (--abort-on-burn); off,
   * the header still carries the rule, for a guard perf runs elsewhere (the merged runners of --parallel).
   */
  guard?: { slosFile: string; durationMs: number; live?: boolean };
  /** The run and runner names the perf output writes into its header (`run=`, `runner=`): one runner of a split test. */
  identity?: { runId: string; runner: string };
  /** This process runs one execution segment of a test split over several k6 processes (--parallel). */
  segment?: { segment: string; sequence: string };
  /** Start paused with k6's REST API on this address (`127.0.0.1:PORT`), to be resumed through it. */
  pausedAt?: string;
  /** Asked when k6 exits non-zero: true when the stop was intended (guard abort written to the artifact). */
  stoppedOnPurpose?: () => boolean;
  signal?: AbortSignal;
  /** More k6 outputs beside perf's own (`--out NAME=ARG` each), e.g. experimental-prometheus-rw. */
  extraOutputs?: string[];
  /** More `k6 run` arguments (after `--` on perf's command line), placed before the script. */
  extraArgs?: string[];
  /** Called about every second while k6 runs. */
  onTick?: () => void;
}

export interface K6RunOutcome {
  exitCode: number | null;
  interrupted: boolean;
  /** k6's own error lines (level=error), for messages. */
  errorLines: string[];
  /** Thresholds crossed (99) or aborted by a threshold / the live guard. */
  thresholdsFailed: boolean;
}

/** How one k6 process ended, as the OS says (code, or the signal that ended it) plus its last lines. */
export interface K6Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** k6 could not be started at all (the supervisor's "cannot start …", or a spawn error). */
  notStarted: string | null;
  /** perf asked it to stop (Ctrl-C, or stop()). */
  interrupted: boolean;
  errorLines: string[];
  tail: string[];
}

/** A running k6 process (under the supervisor: it cannot outlive perf). */
export interface K6Process {
  pid: number | undefined;
  /** Resolves once k6 has exited; never rejects. */
  exited: Promise<K6Exit>;
  /** SIGINT once, so k6 stops gracefully and flushes; SIGKILL if it still runs 30 s later. */
  stop(): void;
  /** SIGKILL now. */
  kill(): void;
}

/** k6 exit codes we read (go.k6.io/k6/errext/exitcodes). */
export const K6_EXIT = { ThresholdsFailed: 99, ExternalAbort: 105, ScriptAborted: 108 } as const;

export function k6Args(req: Omit<K6RunRequest, 'signal' | 'onTick' | 'env' | 'k6' | 'stoppedOnPurpose'> & { extension: boolean }): string[] {
  const args = ['run', '--no-usage-report', '--quiet', '--no-color'];
  if (req.extension) {
    let out = `perf=file=${req.outFile},window=${Math.max(1, Math.round(req.windowMs / 1000))}s`;
    if (req.identity) out += `,run=${req.identity.runId},runner=${req.identity.runner}`;
    if (req.guard) out += `,slos=${req.guard.slosFile},guard=${req.guard.live === false ? 'off' : 'on'},duration=${Math.max(1, Math.round(req.guard.durationMs / 1000))}s`;
    args.push('--out', out);
  }
  else args.push('--out', `json=${req.outFile}`);
  for (const o of req.extraOutputs ?? []) args.push('--out', o);
  if (!req.keepThresholds) args.push('--no-thresholds', '--summary-mode=disabled');
  if (req.segment) args.push('--execution-segment', req.segment.segment, '--execution-segment-sequence', req.segment.sequence);
  if (req.pausedAt) args.push('--paused', '--address', req.pausedAt);
  args.push(...(req.extraArgs ?? []), req.script);
  return args;
}

/** Starts k6; the caller decides what its exit means (runK6 for one process, the parallel runner for N). */
export function startK6(req: Omit<K6RunRequest, 'signal' | 'onTick' | 'stoppedOnPurpose'>): K6Process {
  const args = k6Args({ ...req, extension: req.k6.extension });
  const env = { ...process.env, ...req.env, K6_NO_USAGE_REPORT: 'true' };
  const child = spawnSupervised(req.k6.path, { args, env });
  // k6's lines can echo request headers or env values: redacted before they are kept for messages.
  const secrets = secretsOfEnv(env);
  const errorLines: string[] = [];
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const raw of chunk.toString('utf8').split('\n')) {
      if (raw.trim() === '') continue;
      const line = secrets.redact(raw);
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (/level=error|ERRO\[/.test(line)) errorLines.push(cleanK6Line(line));
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let interrupted = false;
  let killTimer: NodeJS.Timeout | undefined;
  // A perf that dies must not leave k6 running detached.
  const onExit = (): void => {
    signalGroup(child.pid, 'SIGKILL');
  };
  process.once('exit', onExit);
  const exited = new Promise<K6Exit>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      if (killTimer) clearTimeout(killTimer);
      process.removeListener('exit', onExit);
      // The supervisor reports a k6 that could not be started as exit 127 with "cannot start …".
      const notStarted = spawnError?.message ?? (code === 127 ? (tail.find((l) => l.startsWith('cannot start ')) ?? null) : null);
      resolve({ code, signal, notStarted, interrupted, errorLines, tail });
    };
    child.on('error', (err) => done(null, null, err));
    child.on('close', (c, sig) => done(c, sig));
  });
  return {
    pid: child.pid,
    exited,
    stop: () => {
      if (interrupted) return;
      interrupted = true;
      signalGroup(child.pid, 'SIGINT');
      // k6 needs a moment to stop VUs and flush; a hung k6 is killed rather than waited on forever.
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 30_000);
    },
    kill: () => {
      signalGroup(child.pid, 'SIGKILL');
    },
  };
}

/** k6 that could not start at all: a runtime failure with the fix (exit 3). */
export function k6NotStarted(exit: K6Exit, k6: K6Binary): RuntimeFailure {
  return new RuntimeFailure(`could not start k6: ${exit.notStarted ?? 'unknown error'}`, { where: k6.path, fix: K6_FIX });
}

/** k6's exit code means it ran the test to its end (thresholds crossed or a script abort included). */
export function k6Completed(code: number | null): boolean {
  return code === 0 || code === K6_EXIT.ThresholdsFailed || code === K6_EXIT.ScriptAborted;
}

/** Runs one k6 process to its end: Ctrl-C (the signal) stops it gracefully; a failed k6 is a RuntimeFailure. */
export async function runK6(req: K6RunRequest): Promise<K6RunOutcome> {
  const k6 = startK6(req);
  const onAbort = (): void => k6.stop();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  if (req.signal?.aborted) onAbort();
  const ticker = req.onTick ? setInterval(req.onTick, 1000) : undefined;
  const exit = await k6.exited;
  if (ticker) clearInterval(ticker);
  req.signal?.removeEventListener('abort', onAbort);

  if (exit.notStarted) throw k6NotStarted(exit, req.k6);
  const { code, interrupted, errorLines, tail } = exit;
  const ok = k6Completed(code) || (code !== null && req.stoppedOnPurpose?.() === true);
  if (!ok && !interrupted) {
    const shown = errorLines.length ? errorLines.slice(-3) : tail.slice(-5);
    throw new RuntimeFailure(`k6 failed (${describeExit(exit)}): ${shown[0] ?? 'no error output'}`, {
      where: req.script,
      fix: 'fix the error k6 reports above (script error? target down?), then re-run',
      detail: shown.slice(1).join('\n') || undefined,
    });
  }
  return { exitCode: code, interrupted, errorLines, thresholdsFailed: code === K6_EXIT.ThresholdsFailed };
}

/** `time="…" level=error msg="boom" source=…` → `boom …`. */
function cleanK6Line(line: string): string {
  const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  return msg ? msg.replace(/\\"/g, '"').replace(/\\n/g, ' ') : line.trim();
}
