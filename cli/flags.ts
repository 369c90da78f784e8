/**
 * The typed flags of every command (oclif `Flags.custom`): a duration, a rate or a percent is parsed
 * and checked once, here, so each command gets a number in the unit it needs and every command says
 * the same thing about the same mistake. A bad value is a usage error naming the flag (exit 2,
 * before any load runs).
 */
import { Flags } from '@oclif/core';
import { tryParseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';

type Described = { description: string };

/** A duration such as 500ms, 15s, 10m, 4h, as ms (> 0; with `allowZero`, 0s is allowed). */
export function durationFlag(opts: Described & { allowZero?: boolean }) {
  return Flags.custom<number>({
    description: opts.description,
    helpValue: '<duration>',
    parse: async (text, _ctx, flag) => {
      const ms = tryParseDuration(text);
      if (ms === undefined || ms < 0 || (ms === 0 && !opts.allowZero)) {
        throw new UserError(`expected a duration like ${opts.allowZero ? '0s, ' : ''}500ms, 15s, 10m or 4h, found "${text}"`, {
          where: `--${flag.name}`,
          fix: 'use a number followed by ms, s, m, h, d or w (e.g. 15s)',
        });
      }
      return ms;
    },
  })();
}

/** A number of k6 runners (≥ 1); the command checks the range for where they run (segments.ts parseParallel). */
export function runnersFlag(opts: Described) {
  return Flags.custom<number>({
    description: opts.description,
    helpValue: '<N>',
    // The range depends on where the runners run (this machine or k6-operator): the command checks it.
    parse: async (text, _ctx, flag) => {
      if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) {
        throw new UserError(`expected a whole number of k6 runners ≥ 1, found "${text}"`, { where: `--${flag.name}`, fix: `pass e.g. --${flag.name} 2` });
      }
      return Number(text);
    },
  })();
}

/** A rate in requests/s (a number > 0). */
export function rateFlag(opts: Described) {
  return Flags.custom<number>({
    description: opts.description,
    helpValue: '<req/s>',
    parse: async (text, _ctx, flag) => {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n) || n <= 0) {
        throw new UserError(`expected a rate in requests/s > 0, found "${text}"`, { where: `--${flag.name}`, fix: `pass e.g. --${flag.name} 50` });
      }
      return n;
    },
  })();
}

/**
 * A percent: a number in [min, max] (default 0..100), given as "10" or "10%"; with `below`, the upper
 * bound is that value, excluded ([min, below)). Returned as the percent number.
 */
export function percentFlag(opts: Described & { min?: number; max?: number; below?: number }) {
  const min = opts.min ?? 0;
  const max = opts.below ?? opts.max ?? 100;
  const range = opts.below !== undefined ? `from ${min} up to (not including) ${max}` : `between ${min} and ${max}`;
  return Flags.custom<number>({
    description: opts.description,
    helpValue: '<percent>',
    parse: async (text, _ctx, flag) => {
      const n = Number(text.trim().replace(/%$/, ''));
      if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (opts.below !== undefined && n === max)) {
        throw new UserError(`expected a percent ${range}, found "${text}"`, { where: `--${flag.name}`, fix: `pass e.g. --${flag.name} ${Math.min(max, Math.max(min, 10))}` });
      }
      return n;
    },
  })();
}

/**
 * A plain number strictly between `above` and `below` (either optional), e.g. a probability or a number
 * of days; `what` names it in the message ("a probability between 0 and 1"), `example` is shown in the fix.
 */
export function numberFlag(opts: Described & { what: string; example: string; above?: number; below?: number }) {
  return Flags.custom<number>({
    description: opts.description,
    helpValue: '<number>',
    parse: async (text, _ctx, flag) => {
      const n = Number(text.trim().replace(/%$/, ''));
      if (text.trim() === '' || !Number.isFinite(n) || (opts.above !== undefined && n <= opts.above) || (opts.below !== undefined && n >= opts.below)) {
        throw new UserError(`expected ${opts.what}, found "${text}"`, { where: `--${flag.name}`, fix: `pass e.g. --${flag.name} ${opts.example}` });
      }
      return n;
    },
  })();
}

/** --quick means the same on every command: a CI-sized run, every phase scaled down, rates unchanged. */
export function quickFlag(what: string) {
  return Flags.boolean({ description: `CI-sized run: every phase scaled down, rates unchanged (${what})`, default: false });
}

/**
 * `--capacity <req/s>`, one meaning in every command: the capacity to use instead of the measured one
 * (load profiles apply their factors to it). `whatItChanges` says what the figure replaces here.
 */
export function capacityFlag(whatItChanges: string) {
  return rateFlag({ description: `requests/s to use as the capacity instead of measuring it (${whatItChanges})` });
}

/** `--capacity <req/s>` and, where a command measures the capacity, `--no-capacity`: do not measure it. */
export function capacityFlags(whatItChanges: string) {
  return {
    capacity: capacityFlag(whatItChanges),
    'no-capacity': Flags.boolean({ description: 'skip the capacity search: no knee is measured', default: false, exclusive: ['capacity'] }),
  };
}
