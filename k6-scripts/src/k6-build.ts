/**
 * Building perf's k6 from the xk6/ sources shipped in the package: the checks that can fail before
 * Go starts (sources, Go, a writable output) and the build itself (xk6/build.sh, its output on the
 * terminal). Side effects only; app/k6-build.ts is the use case.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../core/errors.js';
import { assetPath } from '../../core/paths.js';
import { platformPackageName } from './k6-binary.js';

/** The build script of the shipped sources; a UserError (exit 2) when this install has none. */
export function k6BuildScript(): string {
  const script = assetPath('xk6', 'build.sh');
  if (!existsSync(script)) throw new UserError('this perf-toolkit has no xk6/ sources to build from', { where: script, fix: 'reinstall perf-toolkit (npm install perf-toolkit)' });
  return script;
}

/** Go on the PATH, or a UserError saying how to get it (or the prebuilt k6 instead). */
export function requireGo(): void {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new UserError('Go is not installed (building k6 from source needs Go >= 1.25)', {
      fix: `install Go from https://go.dev/dl/ and rerun "npx perf k6 build", or install the prebuilt k6: npm install ${platformPackageName()}`,
    });
  }
}

/** The output's directory exists (created) and is writable, or a UserError naming --output. */
export function requireWritableDir(out: string): void {
  try {
    mkdirSync(dirname(out), { recursive: true });
    accessSync(dirname(out), constants.W_OK);
  } catch {
    throw new UserError(`cannot write to ${dirname(out)}`, { where: '--output', fix: 'pass --output <a writable path> and set PERF_K6 to it' });
  }
}

/**
 * Runs the build script (its output goes to this terminal); resolves its exit code (null: it could
 * not start or was killed). An abort stops it with SIGINT, as Ctrl-C in a shell would.
 */
export function runK6Build(script: string, args: readonly string[], signal: AbortSignal): Promise<number | null> {
  return new Promise<number | null>((done) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    const stop = (): void => void child.kill('SIGINT');
    signal.addEventListener('abort', stop, { once: true });
    child.on('error', () => done(null));
    child.on('close', (c) => {
      signal.removeEventListener('abort', stop);
      done(c);
    });
  });
}
