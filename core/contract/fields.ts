import { z } from 'zod';
import { tryParseDuration } from '../duration.js';
import { didYouMean } from '../config/suggest.js';
import { describeFound, KEY_MESSAGE_SEPARATOR, unknownKeyMessage } from './problems.js';

/**
 * Building blocks of the contract: each carries the wording of its own error ("expected a duration
 * like 30s, found "an hour"") so every schema built from them reports path, expected and found.
 */
type Issue = z.core.$ZodRawIssue;

/** An error function: `expected <what>, found <value>`; "required, …" when the key is missing. */
export function expecting(what: string, required = 'required'): (iss: Issue) => string {
  return (iss) => `${iss.input === undefined ? `${required}, ` : ''}expected ${what}, found ${describeFound(iss.input)}`;
}

export const str = (what = 'a string') => z.string({ error: expecting(what) });

/** A string from a fixed set; a near miss gets a did-you-mean. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, required?: string) {
  const what = `one of ${values.map((v) => `"${v}"`).join(', ')}`;
  return z.enum(values, {
    error: (iss) => {
      const base = expecting(what, required)(iss);
      const hint = typeof iss.input === 'string' ? didYouMean(iss.input, values) : undefined;
      return hint ? `${base} — did you mean "${hint}"?` : base;
    },
  });
}

/** A number with bounds; the description names them (`a number > 0`, `an integer >= 1`). */
export function num(o: { gt?: number; min?: number; max?: number; int?: boolean; what?: string; required?: string } = {}) {
  const parts = [o.int ? 'an integer' : 'a number'];
  if (o.gt !== undefined) parts.push(`> ${o.gt}`);
  if (o.min !== undefined) parts.push(`>= ${o.min}`);
  if (o.max !== undefined) parts.push(`<= ${o.max}`);
  const error = expecting(o.what ?? parts.join(' '), o.required);
  let s = o.int ? z.int({ error }) : z.number({ error });
  if (o.gt !== undefined) s = s.gt(o.gt);
  if (o.min !== undefined) s = s.min(o.min);
  if (o.max !== undefined) s = s.max(o.max);
  return s;
}

export const bool = () => z.boolean({ error: expecting('true or false') });

/** A list; an empty list where one item is needed says so. */
export function list<T extends z.ZodType>(item: T, o: { what?: string; min?: number } = {}) {
  const s = z.array(item, { error: expecting(o.what ?? 'a list') });
  return o.min === undefined ? s : s.min(o.min, { error: (iss) => `expected at least ${o.min} item(s), found ${Array.isArray(iss.input) ? iss.input.length : describeFound(iss.input)}` });
}

export const stringMap = (what = 'a map of names to string values') => z.record(z.string(), str(), { error: expecting(what) });

/**
 * An object that rejects unknown keys, naming each one with a did-you-mean over the allowed keys.
 * `explain` may word the rejection of particular keys (e.g. "only allowed on a latency SLI").
 */
export function strict<S extends z.ZodRawShape>(shape: S, o: { what?: string; explain?: (key: string) => string | undefined } = {}) {
  const known = Object.keys(shape);
  const wrongType = expecting(o.what ?? 'an object (key: value)');
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        return iss.keys.map((k) => o.explain?.(k) ?? unknownKeyMessage(k, known)).join(KEY_MESSAGE_SEPARATOR);
      }
      return wrongType(iss);
    },
  });
}

const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/;
const DURATION_WHAT = 'a duration like 30s, 5m, 1h or 30d';

/** `500ms`, `30s`, `1h30m`, `30d` — a positive duration (core/duration.ts reads it). */
export const duration = () =>
  z
    .string({ error: expecting(DURATION_WHAT) })
    .regex(DURATION_PATTERN)
    .refine((v) => (tryParseDuration(v) ?? 0) > 0, { error: expecting(DURATION_WHAT) })
    .meta({ description: DURATION_WHAT });

const DURATION_OR_ZERO_WHAT = 'a duration like 0s, 500ms, 10s or 1m';

/** A duration where 0 is allowed (`warmup: 0s` turns warm-up off). */
export const durationOrZero = () =>
  z
    .string({ error: expecting(DURATION_OR_ZERO_WHAT) })
    .regex(DURATION_PATTERN, { error: expecting(DURATION_OR_ZERO_WHAT) })
    .meta({ description: DURATION_OR_ZERO_WHAT });

const URL_WHAT = 'an http(s) URL like http://127.0.0.1:8080';
function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
export const httpUrl = () =>
  z
    .string({ error: expecting(URL_WHAT) })
    .refine(isHttpUrl, { error: expecting(URL_WHAT) })
    .meta({ description: URL_WHAT, format: 'uri' });

export const urlPath = () => z.string({ error: expecting('a path starting with "/", e.g. /health') }).regex(/^\//);
