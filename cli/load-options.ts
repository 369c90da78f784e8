import { Flags } from '@oclif/core';
import { beforeConfig, type BeforeTarget } from '../app/compare.js';
import type { PerfConfig } from '../core/config/types.js';
import { UserError } from '../core/errors.js';
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

/** --before-env / --before-url: how to run the before version now, for A B A B re-measurement (perf flow --after, perf compare --confirm). */
export const BEFORE_TARGET_FLAGS = {
  'before-env': Flags.string({
    description: 'KEY=VALUE for target.start that runs the before version (repeatable): a claimed change is re-measured on both sides, A B A B, before it is reported',
    multiple: true,
  }),
  'before-url': Flags.string({ description: 'base URL of the before version running beside the after one (instead of --before-env)' }),
};

/**
 * The before target from the flags, checked against the config before any load runs (an env
 * override needs a service perf starts itself); undefined when neither flag is given.
 */
export function beforeTargetFromFlags(f: { 'before-env'?: string[] | undefined; 'before-url'?: string | undefined }, config: PerfConfig): BeforeTarget | undefined {
  const env: Record<string, string> = {};
  for (const kv of f['before-env'] ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(kv);
    if (!m) throw new UserError(`expected KEY=VALUE, found "${kv}"`, { where: '--before-env', fix: 'e.g. --before-env SHOP_FIXES=0' });
    env[m[1] as string] = m[2] as string;
  }
  const url = f['before-url'];
  if (url && f['before-env']?.length) throw new UserError('pass either --before-env or --before-url, not both', { where: '--before-url' });
  if (url && !/^https?:\/\//.test(url)) throw new UserError(`expected an http(s) URL, found "${url}"`, { where: '--before-url' });
  const target: BeforeTarget | undefined = url ? { baseUrl: url.replace(/\/+$/, '') } : Object.keys(env).length ? { env } : undefined;
  if (target) beforeConfig(config, target);
  return target;
}
