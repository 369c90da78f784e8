// The npm package as published: not private, what it ships, two bin names, and the five k6 platform
// packages pinned at the same version with the os/cpu npm selects them by.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { k6Candidates, platformPackageName } from '../../k6-scripts/src/k6-binary.js';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const PLATFORMS = ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64'];

describe('package.json', () => {
  it('is publishable: not private, files list with the compiled CLI and manifest, built in prepack, engines set', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/', 'oclif.manifest.json', 'cli/bin/run.js']));
    expect(pkg.files.some((f: string) => f.startsWith('test') || f.startsWith('bench') || f.startsWith('.ci'))).toBe(false);
    expect(pkg.scripts.prepack).toContain('scripts/build.mjs');
    expect(pkg.engines.node).toBe('>=20');
  });

  it('has a second bin name that does not collide with Linux perf', () => {
    expect(pkg.bin).toEqual({ perf: './cli/bin/run.js', 'perf-toolkit': './cli/bin/run.js' });
  });

  it('keeps the compiler and test tools out of the runtime dependencies', () => {
    for (const dev of ['typescript', 'vitest', 'fast-check', '@types/node']) {
      expect(pkg.dependencies[dev], dev).toBeUndefined();
      expect(pkg.devDependencies[dev], dev).toBeDefined();
    }
  });

  it('leaves the k6 platform packages out of the checkout (scripts/pack-main.sh adds them), so npm ci works before they are published', () => {
    expect(pkg.optionalDependencies).toBeUndefined();
    expect(readFileSync(join(ROOT, 'scripts/pack-main.sh'), 'utf8')).toContain('optionalDependencies');
  });
});

describe('what npm pack ships', () => {
  it('holds every source file the generated k6 scripts bundle (the runtime and what it imports)', async () => {
    const esbuild = await import('esbuild');
    const r = await esbuild.build({ entryPoints: [join(ROOT, 'k6-scripts/runtime/index.ts')], absWorkingDir: ROOT, bundle: true, write: false, metafile: true, external: ['k6', 'k6/*', 'papaparse'], platform: 'neutral', format: 'esm', logLevel: 'silent' });
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ files: Array<{ path: string }> }>;
    const files = new Set(packed[0]!.files.map((f) => f.path));
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(3);
    for (const input of inputs) expect(files, `npm pack ships ${input}`).toContain(input);
    expect([...files].some((f) => f.startsWith('test/') || f.startsWith('bench/'))).toBe(false);
  });
});

describe('npm/k6-<platform> packages', () => {
  it('exist for the five platforms, each selected by os and cpu, shipping only its binary', () => {
    expect(readdirSync(join(ROOT, 'npm')).filter((d) => d.startsWith('k6-')).sort()).toEqual(PLATFORMS.map((p) => `k6-${p}`));
    for (const p of PLATFORMS) {
      const [os, cpu] = p.split('-') as [string, string];
      const m = JSON.parse(readFileSync(join(ROOT, 'npm', `k6-${p}`, 'package.json'), 'utf8'));
      expect(m.name).toBe(platformPackageName(os, cpu));
      expect(m.version).toBe(pkg.version);
      expect(m.os).toEqual([os]);
      expect(m.cpu).toEqual([cpu]);
      expect(m.perfK6.goos).toBe(os === 'win32' ? 'windows' : os);
      expect(m.perfK6.goarch).toBe(cpu === 'x64' ? 'amd64' : 'arm64');
      expect(m.perfK6.binary).toBe(os === 'win32' ? 'bin/k6.exe' : 'bin/k6');
    }
  });
});

describe('k6 resolution order', () => {
  it('PERF_K6 alone when set', () => {
    expect(k6Candidates({ PERF_K6: '/opt/k6', PATH: '/usr/bin' })).toEqual([{ path: '/opt/k6', source: 'PERF_K6' }]);
  });

  it('else the source build before every k6 on PATH, in PATH order (the platform package first when installed)', () => {
    const c = k6Candidates({ PATH: '/a:/b' });
    const sources = c.map((x) => x.source);
    expect(sources.slice(-3)).toEqual(['source build', 'PATH', 'PATH']);
    expect(c.slice(-2).map((x) => x.path)).toEqual(['/a/k6', '/b/k6']);
    expect(sources.filter((s) => s === 'platform package').length).toBeLessThanOrEqual(1);
    if (sources[0] === 'platform package') expect(c[0]!.path).toContain(platformPackageName());
  });
});
