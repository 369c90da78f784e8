/**
 * `perf k6 build`: perf's k6 (k6 + the perf extensions) from the shipped xk6/ sources, for machines
 * no prebuilt platform package fits. Everything that can be wrong is checked before Go starts.
 */
import { resolve } from 'node:path';
import { Interrupted, RuntimeFailure, UserError } from '../core/errors.js';
import { builtK6Path } from '../core/paths.js';
import { k6Versions, platformPackageName } from '../k6-scripts/src/k6-binary.js';
import { k6BuildScript, requireGo, requireWritableDir, runK6Build } from '../k6-scripts/src/k6-build.js';

export { k6Versions, platformPackageName };

export interface K6BuildRequest {
  force: boolean;
  /** Where to write k6 [default: <perf-toolkit>/bin/k6, which perf finds by itself]. */
  output?: string;
  signal: AbortSignal;
}

export interface K6BuildResult {
  path: string;
  /** True when perf finds it by itself; else the user points PERF_K6 at it. */
  foundAutomatically: boolean;
}

/** What the build script's exit code means to the user: null when it built. */
export function k6BuildFailure(code: number | null, interrupted: boolean): Error | null {
  if (interrupted) return new Interrupted('interrupted: k6 not built');
  if (code === 0) return null;
  if (code === 2) return new UserError('the k6 build could not start (see above)');
  return new RuntimeFailure(`the k6 build failed (exit ${code ?? 'killed'})`, { fix: 'see the build output above' });
}

export async function buildK6(r: K6BuildRequest): Promise<K6BuildResult> {
  const script = k6BuildScript();
  requireGo();
  const path = r.output ? resolve(r.output) : builtK6Path();
  requireWritableDir(path);
  const code = await runK6Build(script, [...(r.force ? ['--force'] : []), ...(r.output ? ['--output', path] : [])], r.signal);
  const failure = k6BuildFailure(code, r.signal.aborted);
  if (failure) throw failure;
  return { path, foundAutomatically: r.output === undefined };
}
