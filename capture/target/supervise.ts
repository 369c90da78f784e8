/**
 * Children that cannot outlive perf, even when perf is killed with SIGKILL (no handler of perf's
 * runs then). Each long-lived child (the started target, k6) runs under a tiny supervisor: a Node
 * process that leads its own process group, starts the child inside that group, and holds the read
 * end of a pipe whose only write end is perf's. The kernel closes that pipe whenever perf dies, however
 * it dies; the supervisor sees end-of-file, sends SIGTERM to its whole group, and SIGKILL one second
 * later (or as soon as the child is gone), itself included.
 *
 * Contract for perf's side: signal the GROUP (`process.kill(-pid, sig)`), never the supervisor alone —
 * the supervisor ignores SIGINT/SIGTERM/SIGHUP so a group signal reaches the child exactly once, and
 * it exits the way the child exited (same code, or the same signal), so callers see the child's status.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** The supervisor program (CommonJS, run with `node -e`, so it works from the sources and the build alike). */
const SUPERVISOR_JS = `
const { spawn } = require('node:child_process');
const spec = JSON.parse(process.argv[process.argv.length - 1]);
const ignore = () => {};
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, ignore);
let orphaned = false;
const killGroup = (sig) => { try { process.kill(-process.pid, sig); } catch {} };
const env = { ...process.env };
delete env.NODE_OPTIONS;
if (env.PERF_CHILD_NODE_OPTIONS !== undefined) env.NODE_OPTIONS = env.PERF_CHILD_NODE_OPTIONS;
delete env.PERF_CHILD_NODE_OPTIONS;
const child = spawn(spec.command, spec.args, { shell: spec.shell, cwd: spec.cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
child.on('error', (e) => { process.stderr.write('cannot start ' + spec.command + ': ' + e.message + '\\n'); process.exit(127); });
child.on('exit', (code, sig) => {
  if (orphaned) return killGroup('SIGKILL');
  if (sig) { for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeListener(s, ignore); process.kill(process.pid, sig); }
  else process.exit(code === null ? 1 : code);
});
const onOrphaned = () => {
  if (orphaned) return;
  orphaned = true;
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), 1000);
};
process.stdin.on('end', onOrphaned);
process.stdin.on('close', onOrphaned);
process.stdin.on('error', onOrphaned);
process.stdin.resume();
`;

export interface SuperviseOptions {
  /** Run `command` through the shell (a target's start command); else `command` is a binary and `args` its arguments. */
  shell?: boolean;
  args?: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export type SupervisedChild = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * Starts `command` under a supervisor in a new process group led by the supervisor (whose pid is the
 * returned child's pid and the group id). stdout/stderr are the child's own; stdin is the lifeline.
 */
export function spawnSupervised(command: string, opts: SuperviseOptions = {}): SupervisedChild {
  const spec = JSON.stringify({ command, args: opts.args ?? [], shell: opts.shell ?? false, cwd: opts.cwd });
  // NODE_OPTIONS (e.g. the profiler preload) is the child's, not the supervisor's: it travels renamed.
  const { NODE_OPTIONS, ...env } = opts.env ?? process.env;
  if (NODE_OPTIONS !== undefined) env.PERF_CHILD_NODE_OPTIONS = NODE_OPTIONS;
  // The supervisor itself starts in perf's cwd: a bad cwd is the child's failure, reported as such.
  const child = spawn(process.execPath, ['-e', SUPERVISOR_JS, spec], {
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // The lifeline carries no data; a write error on it (the supervisor is gone) is not perf's failure.
  child.stdin.on('error', () => {});
  child.on('exit', () => child.stdin.destroy());
  return child;
}

/** Sends `sig` to the supervised group; false when the group is gone. */
export function signalGroup(pid: number | undefined, sig: NodeJS.Signals | 0): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, sig);
    return true;
  } catch {
    return false;
  }
}
