/**
 * Where the k6 runtime sources live (k6-scripts/runtime/ and the pure modules it imports): generated
 * scripts import them by a path relative to the script, and esbuild bundles them. Found from this
 * module's own location, which is k6-scripts/src/ in a checkout and dist/k6-scripts/src/ when built.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeFailure } from '../../core/errors.js';

let root: string | undefined;

/** The perf package root (the directory holding k6-scripts/runtime/index.ts). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'k6-scripts', 'runtime', 'index.ts'))) return (root = dir);
    dir = dirname(dir);
  }
  throw new RuntimeFailure('the k6 script runtime (k6-scripts/runtime/index.ts) is missing from the perf installation', {
    where: dirname(fileURLToPath(import.meta.url)),
    fix: 'reinstall perf',
  });
}

/** Import specifiers of the runtime and the plan type, relative to a script written in `scriptsDir`. */
export function runtimeImports(scriptsDir: string): { runtime: string; plan: string } {
  const rel = (p: string): string => {
    const r = relative(scriptsDir, join(packageRoot(), p)).split('\\').join('/');
    return r.startsWith('.') ? r : `./${r}`;
  };
  return { runtime: rel('k6-scripts/runtime/index.js'), plan: rel('k6-scripts/src/script-plan.js') };
}
