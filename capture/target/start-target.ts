import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Target, TargetStart } from '../../core/config/types.js';
import { RuntimeFailure } from '../../core/errors.js';
import { secretsOfEnv } from '../../core/redact.js';
import { signalGroup as signalPgid, spawnSupervised } from './supervise.js';
import { installNodePreload } from './node-preload.js';

/** A service perf started itself; `stop()` ends its whole process group. */
export interface RunningTarget {
  pid: number;
  /** The last lines the process wrote to stderr (and stdout), for error messages. */
  stderrTail(): string;
  /** True once the process has exited (on its own or after stop()). */
  exited(): boolean;
  /** How it exited ("exited with code 1", "was killed by SIGKILL"), or null while it runs. */
  exitStatus(): string | null;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the group is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Where perf's Node preload writes the target's runtime series (removed by stop()). */
  runtimeDir?: string;
}

export interface StartTargetOptions {
  /** Extra environment for the target (e.g. NODE_OPTIONS for profiling); wins over config env. */
  extraEnv?: Record<string, string>;
  /** Skip the readiness wait (callers that poll themselves). */
  noWait?: boolean;
  /**
   * How stop() asks the group to end (default SIGTERM, SIGKILL after the grace): a wrapper that only
   * writes its results on Ctrl-C (clinic) needs SIGINT and a longer grace to write them.
   */
  stopSignal?: 'SIGTERM' | 'SIGINT';
  stopGraceMs?: number;
  signal?: AbortSignal;
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const TAIL_LINES = 20;

/** Resolves `${ENV}` in the configured env values from perf's own environment (unset → empty). */
export function resolveTargetEnv(env: Record<string, string>, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v.replace(ENV_REF, (_m, name: string) => from[name] ?? '');
  return out;
}

/**
 * Starts `target.start.command` through the shell in its own process group, then waits until
 * `baseUrl + readyPath` answers. Exits early → RuntimeFailure with the tail of its output.
 */
export async function startTarget(target: Target, opts: StartTargetOptions = {}): Promise<RunningTarget> {
  const start = target.start;
  if (!start) throw new RuntimeFailure('no target.start configured: perf cannot start the service', { where: 'target.start' });
  // Something already answering on baseUrl would pass the ready check for a start command that fails.
  const before = await probe(joinUrl(target.baseUrl, start.readyPath), 500);
  if (before.status !== undefined) {
    throw new RuntimeFailure(`something already answers at ${target.baseUrl} before perf started the target (port already in use)`, {
      where: 'target.baseUrl / target.start',
      fix: 'stop the process that holds that port, or remove target.start to measure the running service as it is',
    });
  }
  // Under a supervisor: the target's process group dies with perf, even on SIGKILL (supervise.ts).
  // perf's preload: Node runtime series for the resource sampler (and the profiles of perf profile).
  const preload = installNodePreload();
  const env = preload.env({ ...process.env, ...resolveTargetEnv(start.env), ...opts.extraEnv });
  const child = spawnSupervised(start.command, {
    shell: true,
    ...(start.cwd ? { cwd: start.cwd } : {}),
    env,
  });
  // What the target prints is shown to the user: its secrets (DB_PASSWORD, …) are redacted first.
  const secrets = secretsOfEnv(env, start.env);
  secrets.addHeaders(resolveTargetEnv(target.headers), target.headers);
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') tail.push(line);
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve();
    });
    child.on('error', (err) => {
      spawnError = err;
      exitInfo = { code: null, signal: null };
      resolve();
    });
  });
  const running: RunningTarget = {
    pid: child.pid ?? -1,
    stderrTail: () => secrets.redact(tail.join('\n')),
    exited: () => exitInfo !== undefined,
    exitStatus: () => (exitInfo === undefined ? null : spawnError ? spawnError.message : exitInfo.signal ? `was killed by ${exitInfo.signal}` : `exited with code ${exitInfo.code}`),
    stop: async (graceMs = opts.stopGraceMs ?? 5000) => {
      await stopGroup(child, exitedPromise, graceMs, opts.stopSignal ?? 'SIGTERM');
      preload.remove();
    },
    runtimeDir: preload.runtimeDir,
  };
  if (opts.noWait) return running;

  const readyUrl = joinUrl(target.baseUrl, start.readyPath);
  const deadline = Date.now() + start.readyTimeoutMs;
  let last: ProbeResult | undefined;
  while (Date.now() < deadline) {
    if (opts.signal?.aborted) break;
    if (exitInfo) {
      preload.remove();
      const how = spawnError ? spawnError.message : exitInfo.signal ? `was killed by ${exitInfo.signal}` : `exited with code ${exitInfo.code}`;
      throw new RuntimeFailure(`the target's start command ${how} before it became ready`, {
        where: `target.start.command (${start.command})`,
        fix: 'run the command by hand in target.start.cwd and fix what its output says (port in use? missing dependency?)',
        detail: running.stderrTail() || '(no output)',
      });
    }
    const r = await probe(readyUrl, 1000, target.headers);
    last = r;
    // Ready only when OUR process answers: an old server on the same port would answer too.
    if (r.ok && !exitInfo) return running;
    await Promise.race([sleep(100), exitedPromise]);
  }
  await running.stop(1000);
  if (opts.signal?.aborted) throw new RuntimeFailure('interrupted while waiting for the target to become ready');
  if (last?.status !== undefined) {
    // It answers, but not "ready": say what it answered instead of "did not answer".
    const body = last.body ? `: ${JSON.stringify(secrets.redact(last.body))}` : '';
    throw new RuntimeFailure(`the target answered HTTP ${last.status} at ${readyUrl} (not ready) for ${start.readyTimeoutMs} ms${body}`, {
      where: 'target.start.readyPath',
      fix: `make ${start.readyPath} answer with a status below 500 once the service is ready, or point readyPath at a path that does`,
      detail: running.stderrTail() || '(no output)',
    });
  }
  throw new RuntimeFailure(`the target did not answer ${readyUrl} within ${start.readyTimeoutMs} ms${last?.error ? ` (last error: ${last.error})` : ''}`, {
    where: 'target.start.readyPath / target.baseUrl',
    fix: 'check that the command listens on baseUrl\'s port, or raise target.start.readyTimeoutMs',
    detail: running.stderrTail() || '(no output)',
  });
}

async function stopGroup(child: ChildProcess, exited: Promise<void>, graceMs: number, signal: NodeJS.Signals): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signalGroup = (sig: NodeJS.Signals | 0): boolean => signalPgid(pid, sig);
  if (!signalGroup(signal)) {
    await exited;
    return;
  }
  const deadline = Date.now() + graceMs;
  // Wait for the whole group (the shell may exit before the service finishes writing its profile).
  while (Date.now() < deadline) {
    if (!signalGroup(0)) break;
    await sleep(50);
  }
  if (signalGroup(0)) signalGroup('SIGKILL');
  await Promise.race([exited, sleep(1000)]);
}

export interface ProbeResult {
  ok: boolean;
  status?: number;
  /** The first bytes of a failing (status >= 500) answer, for messages. */
  body?: string;
  error?: string;
}

const PROBE_BODY_BYTES = 200;

/** One GET; ok when the service answers with a status < 500. */
export function probe(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : request)(
      u,
      { method: 'GET', timeout: timeoutMs, headers: stripTemplates(headers), rejectUnauthorized: false },
      (res) => {
        const status = res.statusCode ?? 500;
        if (status < 500) {
          res.resume();
          resolve({ ok: true, status });
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body.length < PROBE_BODY_BYTES) body += c;
        });
        const done = (): void => resolve({ ok: false, status, ...(body.trim() ? { body: body.trim().slice(0, PROBE_BODY_BYTES) } : {}) });
        res.on('end', done);
        res.on('error', done);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}

/** Readiness probes never need secrets: unresolved `${ENV}` header templates are left out. */
function stripTemplates(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => !v.includes('${')));
}

/**
 * Polls `baseUrl` until it answers (any status < 500 on `path`, or any HTTP answer at all when
 * `anyStatus`), else RuntimeFailure after `timeoutMs` naming the last error.
 */
export async function waitUntilReachable(baseUrl: string, timeoutMs: number, path = '/', anyStatus = true): Promise<void> {
  const url = joinUrl(baseUrl, path);
  const deadline = Date.now() + timeoutMs;
  let last: ProbeResult = { ok: false, error: 'not tried' };
  do {
    last = await probe(url, Math.min(1000, Math.max(100, deadline - Date.now())));
    if (last.ok || (anyStatus && last.status !== undefined)) return;
    await sleep(100);
  } while (Date.now() < deadline);
  throw new RuntimeFailure(`the target ${baseUrl} is not reachable (${last.error ?? `HTTP ${last.status}`}) after ${timeoutMs} ms`, {
    where: 'target.baseUrl',
    fix: 'start the service first, fix target.baseUrl, or configure target.start so perf starts it',
  });
}

export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export type { TargetStart };
