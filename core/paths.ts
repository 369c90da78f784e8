import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package root (holds package.json "perf-toolkit"), whether running from source or dist/. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'perf-toolkit') {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('perf-toolkit package root not found');
    dir = up;
  }
}

/** Path of a file shipped in the package (templates, examples, k6 runtime), from its root. */
export function assetPath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

/** The k6 binary built from our extensions (`bin/k6`). */
export function builtK6Path(): string {
  return assetPath('bin', 'k6');
}
