import { durationFlag } from './flags.js';

/** The load flags `perf baseline` and `perf profile` share, as the options their runners take. */
export interface LoadFlags {
  journey?: string | undefined;
  /** ms, from durationFlag. */
  duration?: number | undefined;
  connections?: number | undefined;
  rate?: number | undefined;
}

export function loadOptionsFromFlags(f: LoadFlags): { journey?: string; durationMs?: number; connections?: number; rateRps?: number } {
  return {
    ...(f.duration !== undefined ? { durationMs: f.duration } : {}),
    ...(f.connections !== undefined ? { connections: f.connections } : {}),
    ...(f.rate !== undefined ? { rateRps: f.rate } : {}),
    ...(f.journey !== undefined ? { journey: f.journey } : {}),
  };
}

/** --warmup on every command that runs load: ms (0 turns warm-up off). `defaults` says this command's defaults. */
export function warmupFlag(defaults: string) {
  return durationFlag({
    description: `load sent before each measured phase and excluded from the results, e.g. 10s; 0s for none [default: warmup: in the config, else per phase] (${defaults})`,
    allowZero: true,
  });
}
