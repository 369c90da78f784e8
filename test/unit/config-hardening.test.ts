import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, MAX_ALIAS_COUNT, MAX_CONFIG_BYTES, parseConfig } from '../../core/config/load.js';
import { ExitCode, formatError, UserError } from '../../core/errors.js';
import { catchUserError } from '../helpers/user-error.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE = '/configs/perf.config.yaml';
const dir = mkdtempSync(join(tmpdir(), 'perf-config-hard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const HEAD = 'target: { baseUrl: "http://127.0.0.1:8080" }\n';

describe('YAML aliases in the config', () => {
  it('rejects a billion-laughs document with exit 2 at the line of its first alias', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `${HEAD}x-laughs:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    const e = catchUserError(() => parseConfig(text, SOURCE));
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toContain(`more than ${MAX_ALIAS_COUNT}`);
    expect(e.where).toBe(`${SOURCE}:4:10`);
  });

  it('names an unresolved alias and its line', () => {
    const e = catchUserError(() => parseConfig(`${HEAD}journeys:\n  - *missing\n`, SOURCE));
    expect(formatError(e)).toContain(`${SOURCE}:3:5: config uses the YAML alias *missing but no anchor &missing`);
  });

  it('accepts one anchor reused by 106 steps', () => {
    const steps = Array.from({ length: 106 }, (_, i) => (i === 0 ? '      - &step { path: /, expectStatus: 200 }' : '      - *step')).join('\n');
    const c = parseConfig(`${HEAD}journeys:\n  - name: home\n    steps:\n${steps}\n`, SOURCE);
    expect(c.journeys[0]!.steps).toHaveLength(106);
  });
});

describe('the config file itself', () => {
  it('refuses a character device such as /dev/zero instead of reading it forever', () => {
    const e = catchUserError(() => loadConfig('/dev/zero'));
    expect(formatError(e)).toContain('/dev/zero: the config must be a regular file, found a device');
  });

  it('refuses a FIFO without blocking on it', () => {
    const fifo = join(dir, 'fifo.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(formatError(catchUserError(() => loadConfig(fifo)))).toContain('found a FIFO');
  });

  it('refuses a directory', () => {
    mkdirSync(join(dir, 'adir'));
    expect(formatError(catchUserError(() => loadConfig(join(dir, 'adir'))))).toContain('found a directory');
  });

  it('refuses a 50 MB config with a size error instead of validating it', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `${HEAD}journeys:\n${'  - { name: 1 }\n'.repeat(50 * 1024 * 1024 / 16)}`);
    const e = catchUserError(() => loadConfig(big));
    expect(e.message).toContain(`larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB`);
  });

  it('prints at most 20 problems and counts the rest', () => {
    const journeys = Array.from({ length: 500 }, (_, i) => `  - { name: "j${i}", steps: [{ path: nope }] }`).join('\n');
    const printed = formatError(catchUserError(() => parseConfig(`${HEAD}journeys:\n${journeys}\n`, SOURCE)));
    expect(printed.split('\n').filter((l) => l.includes('must') || l.includes('expected')).length).toBeLessThanOrEqual(20);
    expect(printed).toContain('499 more problem(s)');
    expect(printed).toContain('… and 480 more problem(s) not shown');
  });
});

describe('keys named like object builtins', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('rejects an unknown key "%s" at the top level and in a step', (key) => {
    const top = formatError(catchUserError(() => parseConfig(`${HEAD}${key}: 1\n`, SOURCE)));
    expect(top).toContain(`${key}: unknown key "${key}"`);
    const step = formatError(catchUserError(() => parseConfig(`${HEAD}journeys:\n  - name: j\n    steps:\n      - { path: /, ${key}: 1 }\n`, SOURCE)));
    expect(step).toContain(`journeys[0].steps[0].${key}: unknown key`);
  });

  it('suggests the intended key for a near miss of a builtin-like name', () => {
    expect(formatError(catchUserError(() => parseConfig(`${HEAD}outdir: x\n`, SOURCE)))).toContain('did you mean "outDir"');
  });
});

describe('journey data files', () => {
  it('rejects a missing journeys[].data.file at load time, naming the resolved path', () => {
    const cfg = join(dir, 'data-missing.yaml');
    writeFileSync(cfg, `${HEAD}journeys:\n  - name: login\n    data: { file: data/users.csv }\n    steps: [{ path: /login }]\n`);
    const e = catchUserError(() => loadConfig(cfg));
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(formatError(e)).toContain(`${cfg}: journeys[0].data.file (${join(dir, 'data/users.csv')}): the data file does not exist`);
  });

  it('loads when the data file exists next to the config', () => {
    const sub = join(dir, 'with-data');
    mkdirSync(join(sub, 'data'), { recursive: true });
    writeFileSync(join(sub, 'data/users.csv'), 'user,password\nalice,secret\n');
    writeFileSync(join(sub, 'perf.config.yaml'), `${HEAD}journeys:\n  - name: login\n    data: { file: data/users.csv }\n    steps: [{ path: /login }]\n`);
    expect(loadConfig(join(sub, 'perf.config.yaml')).journeys[0]!.data).toEqual({ file: join(sub, 'data/users.csv'), format: 'csv' });
  });
});

describe('through the CLI', () => {
  const cli = join(ROOT, 'cli/bin/run.js');
  it.each([
    ['a billion-laughs config', 'laughs.yaml', `${HEAD}x: &a [1,1,1,1,1,1,1,1,1,1]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nz: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nw: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`, 'laughs.yaml:3:'],
    ['a missing data file', 'nodata.yaml', `${HEAD}journeys:\n  - name: j\n    data: { file: rows.json }\n    steps: [{ path: / }]\n`, 'journeys[0].data.file'],
  ])('perf generate with %s exits 2 with a config error, never "unexpected failure"', (_what, name, text, says) => {
    writeFileSync(join(dir, name), text);
    const r = spawnSync(process.execPath, [cli, 'generate', '--scenario', 'baseline', '--config', join(dir, name)], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    expect(r.status).toBe(ExitCode.Usage);
    expect(r.stderr).toContain(says);
    expect(r.stderr).not.toContain('unexpected failure');
  });
});
