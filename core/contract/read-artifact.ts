import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import * as A from './artifacts.js';
import { formatPath } from './problems.js';

/** Every JSON artifact perf reads, by its `schema` key, with the payload schema that checks it. */
export const ARTIFACT_SCHEMAS = {
  'perf.baseline/v1': A.baselinePayload,
  'perf.profile/v1': A.profilePayload,
  'perf.bottlenecks/v1': A.bottlenecksPayload,
  'perf.plan/v1': A.planPayload,
  'perf.loadtest-plan/v1': A.loadTestPlanPayload,
  'perf.loadtest/v1': A.loadTestPayload,
  'perf.slo/v1': A.sloPayload,
  'perf.compare/v1': A.summaryPayload,
  'perf.flow/v1': A.flowState,
} as const;
export type ArtifactSchemaKey = keyof typeof ARTIFACT_SCHEMAS;
export type ArtifactEnvelope = z.output<typeof A.envelope>;
/** The data of an artifact file of a given schema key (flow state carries no envelope). */
export type ArtifactOf<K extends ArtifactSchemaKey> = z.output<(typeof ARTIFACT_SCHEMAS)[K]> & (K extends 'perf.flow/v1' ? unknown : ArtifactEnvelope);

/** Artifacts are JSON of at most this size; a bigger file (or /dev/zero) is not one. */
export const MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;

export function isArtifactSchemaKey(s: unknown): s is ArtifactSchemaKey {
  return typeof s === 'string' && Object.hasOwn(ARTIFACT_SCHEMAS, s);
}

/** Reads a regular file of at most `limit` bytes as UTF-8; special files and oversize files are UserErrors. */
export function readBoundedText(file: string, limit = MAX_ARTIFACT_BYTES): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`expected a regular file, found ${st.isDirectory() ? 'a directory' : 'a special file (device, FIFO or socket)'}`, { where: file });
    if (st.size > limit) throw new UserError(`file is larger than ${Math.round(limit / 1024 / 1024)} MB`, { where: file });
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n).toString('utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'file not found' : `cannot read the file: ${code ?? String(err)}`, { where: file });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Checks parsed artifact data against its payload schema (by its `schema` key); a UserError naming
 * the file, the first wrong field and how many more there are. Data of an unknown schema key is
 * returned as is (callers that need a kind pass `expected`).
 */
export function checkArtifact(data: unknown, file: string, expected?: ArtifactSchemaKey): unknown {
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (expected && schema !== expected) {
    throw new UserError(`expected a ${expected} artifact, found ${typeof schema === 'string' ? `schema "${schema}"` : 'no "schema" key'}`, { where: file });
  }
  if (!isArtifactSchemaKey(schema)) return data;
  return checkAgainst(ARTIFACT_SCHEMAS[schema], data, file, schema);
}

/** The SLO-relevant part of a baseline or load-test twin (see artifacts.ts `sloInputArtifact`). */
export function checkSloInputArtifact(data: unknown, file: string): unknown {
  return checkAgainst(A.sloInputArtifact, data, file, String((data as { schema?: unknown } | null)?.schema));
}

function checkAgainst(schema: z.ZodType, data: unknown, file: string, kind: string): unknown {
  const r = schema.safeParse(data);
  if (r.success) return data;
  const [first, ...rest] = r.error.issues;
  throw new UserError(`not a valid ${kind} artifact: ${formatPath(first!.path) || '(top level)'}: ${first!.message}${rest.length ? ` (and ${rest.length} more problem(s))` : ''}`, {
    where: file,
    fix: 'regenerate the file with the perf command that writes it (a hand-edited or truncated artifact cannot be read)',
  });
}

/** The one reader of JSON artifacts: a bounded regular file, valid JSON, the expected `schema`, a valid payload. */
export function readArtifact<K extends ArtifactSchemaKey>(kind: K, file: string): ArtifactOf<K> {
  return checkArtifact(parseJson(file), file, kind) as ArtifactOf<K>;
}

/** Parses an artifact file as JSON (no schema check), for readers that accept several kinds. */
export function parseJson(file: string): unknown {
  const text = readBoundedText(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`not valid JSON: ${(err as Error).message}`, { where: file });
  }
}
