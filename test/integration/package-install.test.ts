// perf as a service's repo uses it: `bash scripts/pack.sh D`, both tarballs installed into a fresh
// project with no Go (and no k6) on PATH, then init → baseline → loadtest (with perf's k6 from the
// platform package, not the stock fallback) → slo-check against the project's own loopback service.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envWithoutGo, freshServiceRepo, installTarballs, packTarballs, run, startService } from '../support/installed-package.js';

let repo: string;
let service: ChildProcess | undefined;
let port: number;
const env = envWithoutGo({ PERF_QUICK_TOTAL: '8s', CI: 'true' });
const npx = (args: string[]) => run('npx', ['--no-install', ...args], { cwd: repo, env });

beforeAll(async () => {
  const tarballs = packTarballs();
  expect(tarballs.map((t) => t.split('/').at(-1)).sort()).toEqual([`perf-toolkit-0.1.0.tgz`, `perf-toolkit-k6-${process.platform}-${process.arch}-0.1.0.tgz`]);
  repo = freshServiceRepo();
  installTarballs(repo, tarballs, env);
  ({ port, child: service } = await startService(repo));
}, 900_000);

afterAll(() => {
  service?.kill('SIGTERM');
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('perf installed from its tarballs into a project without Go', () => {
  it('installed perf-toolkit names all five k6 platform packages as optional dependencies at its version', () => {
    const m = JSON.parse(readFileSync(join(repo, 'node_modules/perf-toolkit/package.json'), 'utf8'));
    expect(m.private).toBeUndefined();
    expect(m.optionalDependencies).toEqual(Object.fromEntries(['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64'].map((p) => [`@perf-toolkit/k6-${p}`, m.version])));
  });

  it('has no Go on the PATH the commands run with', () => {
    expect(() => execFileSync('go', ['version'], { env, stdio: 'ignore' })).toThrow();
  });

  it('answers --version under both bin names, with the platform package\'s k6 and its extension version', async () => {
    for (const bin of ['perf', 'perf-toolkit']) {
      const r = await npx([bin, '--version']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('perf-toolkit/0.1.0');
      expect(r.stdout).toMatch(/k6 v2\.\d+\.\d+ with the perf extension v0\.1\.0/);
      expect(r.stdout).toContain(`platform package: ${join(repo, 'node_modules/@perf-toolkit')}`);
    }
  });

  it('runs init, baseline, loadtest (extension) and slo-check in the project', async () => {
    const init = await npx(['perf', 'init', '--yes', '--target', `http://127.0.0.1:${port}`, '--path', '/health']);
    expect(init.code, init.stderr).toBe(0);
    const config = readFileSync(join(repo, 'perf.config.yaml'), 'utf8');
    expect(config).toContain(`http://127.0.0.1:${port}`);
    // The editor's $schema line points into the installed package, and the file is there.
    const ref = /\$schema=(\S+)/.exec(config)?.[1];
    expect(ref && existsSync(join(repo, ref))).toBe(true);

    const baseline = await npx(['perf', 'baseline', '--quick', '--no-capacity', '--connections', '2', '--duration', '2s']);
    expect(baseline.code, baseline.stderr).toBe(0);
    const b = JSON.parse(readFileSync(join(repo, '.aiwg/working/performance/baseline.json'), 'utf8'));
    expect(b.overall.requests).toBeGreaterThan(0);

    const load = await npx(['perf', 'loadtest', '--scenario', 'baseline', '--quick', '--rate', '20']);
    expect(load.code, load.stderr).toBe(0);
    expect(load.stdout).not.toContain('falling back');
    const l = JSON.parse(readFileSync(join(repo, '.aiwg/working/performance/loadtest.json'), 'utf8'));
    expect(l.k6.extension).toBe(true);
    expect(l.k6.binary).toBe(join(repo, `node_modules/@perf-toolkit/k6-${process.platform}-${process.arch}/bin/k6`));
    expect(l.rawArtifact).toMatch(/\.perf\.ndjson$/);
    expect(l.overall.requests).toBeGreaterThan(0);

    const slo = await npx(['perf', 'slo-check']);
    expect(slo.code, slo.stdout + slo.stderr).toBe(0);
    expect(slo.stdout).toContain('SLO compliance: PASS');
  });
});
