import type { PerfConfig } from '../../core/config/types.js';
import { startTarget, waitUntilReachable, type RunningTarget } from './start-target.js';

/** How long an already-running target (no target.start) gets to answer before perf gives up. */
export const DEFAULT_REACH_TIMEOUT_MS = 5000;

/**
 * Runs `fn` against a ready target: started (and stopped afterwards) when `target.start` is set,
 * otherwise checked for reachability first. `running` is undefined when perf did not start it.
 */
export async function withTarget<T>(
  config: PerfConfig,
  opts: { extraEnv?: Record<string, string>; signal?: AbortSignal; stopSignal?: 'SIGTERM' | 'SIGINT'; stopGraceMs?: number },
  fn: (running: RunningTarget | undefined) => Promise<T>,
): Promise<T> {
  if (!config.target.start) {
    await waitUntilReachable(config.target.baseUrl, DEFAULT_REACH_TIMEOUT_MS);
    return fn(undefined);
  }
  const running = await startTarget(config.target, {
    ...(opts.extraEnv ? { extraEnv: opts.extraEnv } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.stopSignal ? { stopSignal: opts.stopSignal } : {}),
    ...(opts.stopGraceMs ? { stopGraceMs: opts.stopGraceMs } : {}),
  });
  try {
    return await fn(running);
  } finally {
    await running.stop();
  }
}
