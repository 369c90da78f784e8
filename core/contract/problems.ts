import type { z } from 'zod';
import { didYouMean } from '../config/suggest.js';

/**
 * Turns zod issues into the problems perf prints: the exact path (`slos[1].thresholdMs`), what was
 * expected, what was found, and a did-you-mean for unknown keys and enum values. The wording lives in
 * the error functions of core/contract/fields.ts; this file only flattens and orders the issues.
 */
export interface Problem {
  path: string;
  message: string;
}

/** A short, bounded description of a found value (never the whole of a huge string). */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The message of one unknown key; the allowed keys come from the object schema that rejected it. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  return `unknown key "${key}"${hint ? ` — did you mean "${hint}"?` : ''} (allowed: ${known.join(', ')})`;
}

/** Separates the per-key messages of one `unrecognized_keys` issue (see fields.ts `strict`). */
export const KEY_MESSAGE_SEPARATOR = '\n';

/** Flattens zod issues into problems, one per unknown key, in document order of the issues. */
export function problemsOf(error: z.ZodError): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const messages = issue.message.split(KEY_MESSAGE_SEPARATOR);
      issue.keys.forEach((key, i) => {
        problems.push({ path: formatPath([...issue.path, key]), message: messages[i] ?? messages[0] ?? `unknown key "${key}"` });
      });
      continue;
    }
    problems.push({ path, message: issue.message });
  }
  return problems;
}

/** At most this many problems are printed; the rest are counted. */
export const MAX_PRINTED_PROBLEMS = 20;
