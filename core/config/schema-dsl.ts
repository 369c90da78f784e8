import { didYouMean } from './suggest.js';

/**
 * A tiny declarative schema for config validation. Every problem is reported with its exact path
 * (`slos[1].thresholdMs`), what was expected and what was found; unknown keys get a did-you-mean.
 */
export interface Problem {
  path: string;
  message: string;
}

export type Schema =
  | { kind: 'string'; enum?: readonly string[]; pattern?: RegExp; describe?: string; check?: (v: string) => string | undefined }
  | { kind: 'number'; min?: number; max?: number; exclusiveMin?: number; integer?: boolean; describe?: string }
  | { kind: 'boolean' }
  | { kind: 'any' }
  | { kind: 'array'; items: Schema; minItems?: number; describe?: string }
  | { kind: 'object'; fields: Record<string, Field>; describe?: string }
  | { kind: 'map'; values: Schema; describe?: string }
  | { kind: 'oneOf'; options: readonly Schema[]; describe: string };

export interface Field {
  schema: Schema;
  required?: boolean;
}

export function describeFound(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function describeExpected(s: Schema): string {
  switch (s.kind) {
    case 'string':
      if (s.enum) return `one of ${s.enum.map((e) => `"${e}"`).join(', ')}`;
      return s.describe ?? 'a string';
    case 'number': {
      if (s.describe) return s.describe;
      const parts = [s.integer ? 'an integer' : 'a number'];
      if (s.exclusiveMin !== undefined) parts.push(`> ${s.exclusiveMin}`);
      if (s.min !== undefined) parts.push(`>= ${s.min}`);
      if (s.max !== undefined) parts.push(`<= ${s.max}`);
      return parts.join(' ');
    }
    case 'boolean':
      return 'true or false';
    case 'any':
      return 'any value';
    case 'array':
      return s.describe ?? 'a list';
    case 'object':
      return s.describe ?? 'an object (key: value)';
    case 'map':
      return s.describe ?? 'a map of names to values';
    case 'oneOf':
      return s.describe;
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Validates `value` against `schema`, pushing every problem found. */
export function validate(value: unknown, schema: Schema, path: string, problems: Problem[]): void {
  const mismatch = (): void => {
    problems.push({ path, message: `expected ${describeExpected(schema)}, found ${describeFound(value)}` });
  };
  switch (schema.kind) {
    case 'any':
      return;
    case 'string': {
      if (typeof value !== 'string') return mismatch();
      if (schema.enum && !schema.enum.includes(value)) {
        const hint = didYouMean(value, schema.enum);
        problems.push({
          path,
          message: `expected ${describeExpected(schema)}, found "${value}"${hint ? ` — did you mean "${hint}"?` : ''}`,
        });
        return;
      }
      if (schema.pattern && !schema.pattern.test(value)) return mismatch();
      const err = schema.check?.(value);
      if (err) problems.push({ path, message: `${err}, found "${value}"` });
      return;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return mismatch();
      if (schema.integer && !Number.isInteger(value)) return mismatch();
      if (schema.min !== undefined && value < schema.min) return mismatch();
      if (schema.max !== undefined && value > schema.max) return mismatch();
      if (schema.exclusiveMin !== undefined && value <= schema.exclusiveMin) return mismatch();
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') mismatch();
      return;
    case 'array': {
      if (!Array.isArray(value)) return mismatch();
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        problems.push({ path, message: `expected at least ${schema.minItems} item(s), found ${value.length}` });
        return;
      }
      value.forEach((item, i) => validate(item, schema.items, join(path, i), problems));
      return;
    }
    case 'map': {
      if (!isPlainObject(value)) return mismatch();
      for (const [k, v] of Object.entries(value)) validate(v, schema.values, join(path, k), problems);
      return;
    }
    case 'object': {
      if (!isPlainObject(value)) return mismatch();
      const known = Object.keys(schema.fields);
      for (const key of Object.keys(value)) {
        if (!(key in schema.fields)) {
          const hint = didYouMean(key, known);
          problems.push({
            path: join(path, key),
            message: `unknown key "${key}"${hint ? ` — did you mean "${hint}"?` : ''} (allowed: ${known.join(', ')})`,
          });
        }
      }
      for (const [key, field] of Object.entries(schema.fields)) {
        const v = value[key];
        if (v === undefined || v === null) {
          if (field.required) {
            problems.push({ path: join(path, key), message: `required, expected ${describeExpected(field.schema)}, found nothing` });
          }
          continue;
        }
        validate(v, field.schema, join(path, key), problems);
      }
      return;
    }
    case 'oneOf': {
      for (const option of schema.options) {
        const trial: Problem[] = [];
        validate(value, option, path, trial);
        if (trial.length === 0) return;
      }
      return mismatch();
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
