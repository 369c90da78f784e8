import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/load.js';

// The real CLI (cli/bin/run.js over the built dist/), run as a user would run `perf`.
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'cli/bin/run.js');
const CONTRACT_COMMANDS = ['init', 'baseline', 'profile', 'generate', 'loadtest', 'slo-check', 'analyze', 'plan', 'compare', 'flow'];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function emptyDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'perf-cli-'));
  dirs.push(d);
  return d;
}

function perf(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('perf --help and --version', () => {
  it('perf --help lists every command of the contract', () => {
    const r = perf(['--help']);
    expect(r.status).toBe(0);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]);
    for (const c of CONTRACT_COMMANDS) expect(listed, `perf --help lists ${c}`).toContain(c);
  });

  it('perf --version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = perf(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`perf-toolkit/${version}`);
  });

  it.each(CONTRACT_COMMANDS)('perf %s --help shows a description, usage and the global flags', (command) => {
    const r = perf([command, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`$ perf ${command}`);
    for (const flag of ['--config', '--out-dir', '--json']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/DESCRIPTION|EXAMPLES/);
  });

  it('an unknown command exits 2 without a stack trace', () => {
    const r = perf(['benchmark-everything']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('benchmark-everything');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('perf init', () => {
  it('perf init --yes --target URL in an empty folder writes a config that loads', () => {
    const dir = emptyDir();
    const r = perf(['init', '--yes', '--target', 'http://127.0.0.1:8080'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('perf.config.yaml');
    const config = loadConfig('perf.config.yaml', dir);
    expect(config.target.baseUrl).toBe('http://127.0.0.1:8080');
    expect(config.journeys).toHaveLength(1);
    expect(config.slos.map((s) => s.sli)).toEqual(['latency', 'availability']);
    expect(readFileSync(join(dir, 'perf.config.yaml'), 'utf8')).toMatch(/^# /m); // commented
  });

  it('the written config is accepted by the CLI itself (validated before a command runs)', () => {
    const dir = emptyDir();
    expect(perf(['init', '--yes', '--target', 'http://127.0.0.1:8080', '--p95', '150', '--objective', '99.5'], dir).status).toBe(0);
    writeFileSync(join(dir, 'broken.yaml'), readFileSync(join(dir, 'perf.config.yaml'), 'utf8').replace('thresholdMs: 150', 'thresholdMs: -1'));
    const bad = perf(['analyze', '--config', 'broken.yaml'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('slos[0].thresholdMs');
    expect(loadConfig('perf.config.yaml', dir).slos[0]).toMatchObject({ thresholdMs: 150, objective: 99.5 });
  });

  it('never overwrites an existing config without --force', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'perf.config.yaml'), '# my hand-written config\n');
    const r = perf(['init', '--yes', '--target', 'http://127.0.0.1:8080'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('already exists');
    expect(r.stderr).toContain('--force');
    expect(readFileSync(join(dir, 'perf.config.yaml'), 'utf8')).toBe('# my hand-written config\n');
    expect(perf(['init', '--yes', '--target', 'http://127.0.0.1:9090', '--force'], dir).status).toBe(0);
    expect(loadConfig('perf.config.yaml', dir).target.baseUrl).toBe('http://127.0.0.1:9090');
  });

  it('writes to the file named by --config', () => {
    const dir = emptyDir();
    expect(perf(['init', '--yes', '--target', 'http://127.0.0.1:8080', '--config', 'staging.yaml'], dir).status).toBe(0);
    expect(loadConfig('staging.yaml', dir).target.baseUrl).toBe('http://127.0.0.1:8080');
  });

  it('--json puts exactly one JSON document on stdout and the human text on stderr', () => {
    const dir = emptyDir();
    const r = perf(['init', '--yes', '--target', 'http://127.0.0.1:8080', '--json'], dir);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { written: string; baseUrl: string };
    expect(doc).toMatchObject({ written: join(dir, 'perf.config.yaml'), baseUrl: 'http://127.0.0.1:8080' });
    expect(r.stderr).toContain('wrote');
  });

  it.each([
    ['a bad input file', ['slo-check', 'no-such-results.json', '--json'], 2, 'usage'],
    ['an unknown flag', ['baseline', '--durration', '5s', '--json'], 2, 'usage'],
    ['a config with an error', ['baseline', '--config', 'broken.yaml', '--json'], 2, 'usage'],
  ])('--json prints one perf.error/v1 document on stdout for %s, with the same exit code', (_what, args, exitCode, kind) => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'broken.yaml'), 'target:\n  baseUrl: 42\n');
    const r = perf(args as string[], dir);
    expect(r.status).toBe(exitCode);
    const doc = JSON.parse(r.stdout) as { schema: string; error: { kind: string; message: string; exitCode: number; fix?: string } };
    expect(doc.schema).toBe('perf.error/v1');
    expect(doc.error).toMatchObject({ kind, exitCode });
    expect(doc.error.message.length).toBeGreaterThan(0);
    expect(r.stderr).toContain('error:');
  });

  it.each([
    [['baseline', '--duration', 'soon'], '--duration: expected a duration like 500ms, 15s, 10m or 4h, found "soon"'],
    [['baseline', '--warmup', 'x'], '--warmup: expected a duration like 0s, 500ms, 15s, 10m or 4h, found "x"'],
    [['loadtest', '--scenario', 'stress', '--rate', '0'], '--rate: expected a rate in requests/s > 0, found "0"'],
    [['generate', '--capacity', 'lots'], '--capacity: expected a rate in requests/s > 0, found "lots"'],
    [['baseline', '--capacity', '0'], '--capacity: expected a rate in requests/s > 0, found "0"'],
    [['flow', '--capacity', '100', '--no-capacity'], '--capacity=100 cannot also be provided when using --no-capacity'],
    [['loadtest', '--scenario', 'soak', '--max-dropped', '150'], '--max-dropped: expected a percent between 0 and 100, found "150"'],
    [['compare', 'a.json', 'b.json', '--alpha', '2'], '--alpha: expected a probability between 0 and 1, found "2"'],
    [['compare', 'a.json', 'b.json', '--effort-days', '0'], '--effort-days: expected a number of days > 0, found "0"'],
    [['init', '--yes', '--objective', '100'], '--objective: expected a percent between 0 and 100 (exclusive), found "100"'],
  ])('a typed flag rejects a bad value with one message naming it, exit 2: %j', (args, message) => {
    const r = perf(args, emptyDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error: ${message}`);
    expect(r.stderr).not.toContain('Parsing --');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('without a terminal and without --target it exits 2 and says which flag to pass', () => {
    const r = perf(['init'], emptyDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--target');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it.each([
    ['a target that is not a URL', ['--target', 'localhost'], '--target'],
    ['a path without a leading slash', ['--target', 'http://127.0.0.1:1', '--path', 'health'], '--path'],
    ['an objective of 100', ['--target', 'http://127.0.0.1:1', '--objective', '100'], '--objective'],
    ['an unknown flag', ['--target', 'http://127.0.0.1:1', '--targte', 'x'], 'targte'],
  ])('rejects %s with exit 2 naming %s', (_what, args, names) => {
    const dir = emptyDir();
    const r = perf(['init', '--yes', ...args], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(names);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('the demo shop config', () => {
  it('examples/shop/perf.config.yaml loads and starts the shop on the fixed loopback port', () => {
    const config = loadConfig('examples/shop/perf.config.yaml', ROOT);
    expect(config.target.baseUrl).toBe('http://127.0.0.1:18080');
    expect(config.target.start).toMatchObject({ command: 'node server.mjs', readyPath: '/health' });
  });
});
