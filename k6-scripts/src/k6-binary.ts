/** Finds the k6 to run: our build (`bin/k6`, with the perf extension) or a stock k6 on PATH (fallback). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { builtK6Path } from '../../core/paths.js';

export interface K6Binary {
  path: string;
  version: string;
  /** True when the binary has our `perf` output (bounded-memory windows, live SLO guard). */
  extension: boolean;
  /** What the fallback loses, shown to the user and kept in the report. */
  lost: string[];
}

export const FALLBACK_LOSSES = [
  'bounded memory: stock k6 keeps every sample of a Trend in memory (long soaks can run out of memory)',
  'live SLO burn-rate guard (--abort-on-burn)',
  'compact windowed results: --out json writes every sample to disk',
];

/** `PERF_K6` (explicit path) → `bin/k6` → `k6` on PATH; none → UserError with the build command. */
export function findK6(env: NodeJS.ProcessEnv = process.env): K6Binary {
  // PERF_K6 pins one binary (no fallback), e.g. a k6 built elsewhere.
  const candidates: string[] = env.PERF_K6 ? [env.PERF_K6] : [builtK6Path()];
  if (!env.PERF_K6) for (const dir of (env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, 'k6'));
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const r = spawnSync(path, ['version'], { encoding: 'utf8', timeout: 15_000, env: { ...env, K6_NO_USAGE_REPORT: 'true' } });
    if (r.status !== 0) continue;
    const text = `${r.stdout}\n${r.stderr}`;
    const version = /k6 (v[\d.]+\S*)/.exec(text)?.[1] ?? 'unknown';
    const extension = /\bperf \[output\]/.test(text) || /k6\/x\/perf/.test(text);
    return { path, version, extension, lost: extension ? [] : FALLBACK_LOSSES };
  }
  if (env.PERF_K6) throw new UserError(`no working k6 at PERF_K6=${env.PERF_K6}`, { where: 'PERF_K6', fix: 'unset PERF_K6, or build perf\'s k6 with: bash xk6/build.sh' });
  throw new UserError('no k6 binary found: neither bin/k6 (perf\'s build with its extensions) nor "k6" on PATH', {
    fix: 'build it once with: bash xk6/build.sh',
  });
}
