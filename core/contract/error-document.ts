/**
 * The JSON document every command prints on stdout under `--json` when it fails before it could
 * print its result (`perf.error/v1`), so a CI script that parses stdout gets a document either way.
 * Human text still goes to stderr. The exit code is the same as without --json.
 */
import { z } from 'zod';

export const errorDocument = z.object({
  schema: z.literal('perf.error/v1'),
  error: z.object({
    /** usage = bad flags/config/input (exit 2); runtime = target, k6 or a process failed (3); check = an SLO or check failed (1); interrupted (130); unexpected = a bug (3). */
    kind: z.enum(['usage', 'runtime', 'check', 'interrupted', 'unexpected']),
    message: z.string(),
    where: z.string().optional(),
    fix: z.string().optional(),
    exitCode: z.number().int(),
  }),
});

export type ErrorDocument = z.output<typeof errorDocument>;
