import { parseDuration, tryParseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';

/** The load flags `perf baseline` and `perf profile` share, as the options their runners take. */
export interface LoadFlags {
  journey?: string | undefined;
  duration?: string | undefined;
  connections?: number | undefined;
  rate?: number | undefined;
}

export function loadOptionsFromFlags(f: LoadFlags): { journey?: string; durationMs?: number; connections?: number; rateRps?: number } {
  return {
    ...(f.duration !== undefined ? { durationMs: parseDuration(f.duration, '--duration') } : {}),
    ...(f.connections !== undefined ? { connections: f.connections } : {}),
    ...(f.rate !== undefined ? { rateRps: f.rate } : {}),
    ...(f.journey !== undefined ? { journey: f.journey } : {}),
  };
}

/** `--warmup 10s` (0s turns warm-up off) as ms; undefined when the flag is absent. */
export function warmupFromFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = tryParseDuration(text);
  if (ms === undefined || ms < 0) {
    throw new UserError(`expected a warm-up duration like 0s, 500ms, 10s or 1m, found "${text}"`, { where: '--warmup', fix: 'pass e.g. --warmup 10s (or --warmup 0s for none)' });
  }
  return ms;
}

/** The --warmup flag's help, shared by every command that runs load. */
export const WARMUP_FLAG_HELP = 'load sent before each measured phase and excluded from the results, e.g. 10s; 0s for none [default: warmup: in the config, else per phase]';
