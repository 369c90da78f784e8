/**
 * Finds the k6 to run. Order: `PERF_K6` (explicit path, no fallback) → the installed platform package
 * (`@perf-toolkit/k6-<os>-<cpu>`, an optional dependency, the way esbuild ships its binary) → `bin/k6`
 * built from source (`perf k6 build`) → a stock `k6` on PATH (fallback: `--out json`, says what it loses).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { builtK6Path } from '../../core/paths.js';

export type K6Source = 'PERF_K6' | 'platform package' | 'source build' | 'PATH';

export interface K6Binary {
  path: string;
  version: string;
  /** True when the binary has our `perf` output (bounded-memory windows, live SLO guard). */
  extension: boolean;
  /** What the fallback loses, shown to the user and kept in the report. */
  lost: string[];
  source?: K6Source;
}

export const FALLBACK_LOSSES = [
  'bounded memory: stock k6 keeps every sample of a Trend in memory (long soaks can run out of memory)',
  'live SLO burn-rate guard (--abort-on-burn)',
  'compact windowed results: --out json writes every sample to disk',
];

/** The platform package for this machine, e.g. `@perf-toolkit/k6-linux-x64`. */
export function platformPackageName(platform: string = process.platform, arch: string = process.arch): string {
  return `@perf-toolkit/k6-${platform}-${arch}`;
}

const exeName = (platform: string = process.platform): string => (platform === 'win32' ? 'k6.exe' : 'k6');

/** Path of the k6 in the installed platform package, or undefined when that package is not installed. */
export function platformPackageK6(): string | undefined {
  try {
    const pj = createRequire(import.meta.url).resolve(`${platformPackageName()}/package.json`);
    const path = join(dirname(pj), 'bin', exeName());
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The candidates in resolution order (PERF_K6 alone when set). */
export function k6Candidates(env: NodeJS.ProcessEnv = process.env): Array<{ path: string; source: K6Source }> {
  if (env.PERF_K6) return [{ path: env.PERF_K6, source: 'PERF_K6' }];
  const out: Array<{ path: string; source: K6Source }> = [];
  const pkg = platformPackageK6();
  if (pkg) out.push({ path: pkg, source: 'platform package' });
  out.push({ path: builtK6Path(), source: 'source build' });
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir) out.push({ path: join(dir, exeName()), source: 'PATH' });
  return out;
}

/** How to get perf's k6, in commands that work from the user's own repo. */
const K6_INSTALL_FIX =
  `install perf's k6 for this platform: npm install ${platformPackageName()} (an optional dependency of perf-toolkit; ` +
  'check that optional dependencies are not omitted), or build it from source with Go >= 1.25: npx perf k6 build';
export const K6_FIX = `${K6_INSTALL_FIX}, or point PERF_K6 at a k6 binary`;

/** Resolves the k6 to run; none → UserError with the commands that fix it. */
export function findK6(env: NodeJS.ProcessEnv = process.env): K6Binary {
  for (const { path, source } of k6Candidates(env)) {
    if (!existsSync(path)) continue;
    const r = spawnSync(path, ['version'], { encoding: 'utf8', timeout: 15_000, env: { ...env, K6_NO_USAGE_REPORT: 'true' } });
    if (r.status !== 0) continue;
    const text = `${r.stdout}\n${r.stderr}`;
    const version = /k6 (v[\d.]+\S*)/.exec(text)?.[1] ?? 'unknown';
    const extension = /\bperf \[output\]/.test(text) || /k6\/x\/perf/.test(text);
    return { path, version, extension, lost: extension ? [] : FALLBACK_LOSSES, source };
  }
  if (env.PERF_K6) throw new UserError(`no working k6 at PERF_K6=${env.PERF_K6}`, { where: 'PERF_K6', fix: `unset PERF_K6, or ${K6_INSTALL_FIX}` });
  throw new UserError(`no k6 binary found: not the platform package ${platformPackageName()}, not a source build (bin/k6), not "k6" on PATH`, { fix: K6_FIX });
}

export interface K6Versions {
  k6: string;
  perf?: string;
  extension?: string;
  path: string;
  source: K6Source;
}

/**
 * The versions of the k6 perf would run, cheaply: from the `k6.versions.json` the build writes next to
 * the binary (no k6 process started); a binary without it is asked (`k6 version`).
 */
export function k6Versions(env: NodeJS.ProcessEnv = process.env): K6Versions | undefined {
  for (const { path, source } of k6Candidates(env)) {
    if (!existsSync(path)) continue;
    const file = join(dirname(path), 'k6.versions.json');
    if (source !== 'PATH' && existsSync(file)) {
      try {
        const v = JSON.parse(readFileSync(file, 'utf8')) as { k6?: string; perf?: string; extension?: string };
        if (v.k6) return { k6: v.k6, ...(v.perf ? { perf: v.perf } : {}), ...(v.extension ? { extension: v.extension } : {}), path, source };
      } catch {
        // fall through to asking the binary
      }
    }
    try {
      const b = findK6({ ...env, PERF_K6: path });
      return { k6: b.version, ...(b.extension ? { extension: 'present' } : {}), path, source };
    } catch {
      continue;
    }
  }
  return undefined;
}
