import { parseDuration } from '../core/duration.js';

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
