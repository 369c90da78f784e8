/**
 * An out-dir that cannot take the results: found before any load (exit 2),
 * a report and its JSON twin written as one unit, and results that cannot be written after the run
 * saved to a rescue dir (exit 3) instead of being lost.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFilesAtomic } from '../../core/artifacts/atomic.js';
import { ARTIFACTS } from '../../core/artifacts/layout.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { RuntimeFailure, UserError } from '../../core/errors.js';

const dirs: string[] = [];
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m]);
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'perf-outdir-'));
  dirs.push(d);
  return d;
}
const isRoot = process.getuid?.() === 0;

describe('the out-dir is checked before any load', () => {
  it('--out-dir under a regular file is an input error naming the dir (once: EPERM after 23 s of load)', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'afile'), 'x');
    const store = new ArtifactStore('afile/out', 'r1', cwd);
    const err = (() => {
      try {
        store.assertWritable();
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).message).toContain('not writable');
    expect((err as UserError).where).toContain(join(cwd, 'afile', 'out'));
  });

  it('finds one unwritable report directory up front', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, '.aiwg'), { recursive: true });
    writeFileSync(join(cwd, '.aiwg', 'reports'), 'not a dir');
    expect(() => new ArtifactStore('.aiwg', 'r1', cwd).assertWritable()).toThrow(/not writable/);
  });

  it.runIf(isRoot)('a 64 KB filesystem has no room for the probe: exit 2 before load, not a torn result after it', () => {
    const mnt = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
    mounts.push(mnt);
    let err: unknown = null;
    try {
      new ArtifactStore(join(mnt, 'out'), 'r1').assertWritable();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/no room for a 1 MB probe file \(ENOSPC\)/);
    // the probe leaves no trace: not even the run directory it created
    expect(existsSync(join(mnt, 'out', 'working', 'runs', 'r1'))).toBe(false);
  });

  it('leaves no probe file behind in a writable dir', () => {
    const cwd = tempDir();
    new ArtifactStore('.aiwg', 'r1', cwd).assertWritable();
    const all = execFileSync('find', [join(cwd, '.aiwg'), '-type', 'f'], { encoding: 'utf8' }).trim();
    expect(all).toBe('');
  });
});

describe('a report and its JSON twin are one unit', () => {
  it('leaves both old files when only reports/ is unwritable (once: twin updated, markdown stale)', () => {
    const cwd = tempDir();
    const store = new ArtifactStore('.aiwg', 'r1', cwd);
    store.writeReport('slo', { status: 'PASS' }, '# old');
    const oldJson = readFileSync(store.path(ARTIFACTS.slo.json), 'utf8');
    // reports/ becomes unwritable after the probe: simulate with a dir replaced by a read-only mount point
    // stand-in — a path whose parent is a file makes every write into it fail.
    const reports = store.path('reports');
    rmSync(reports, { recursive: true });
    writeFileSync(reports, 'blocked');
    process.env.PERF_RESCUE_DIR = tempDir();
    try {
      expect(() => store.writeReport('slo', { status: 'FAIL' }, '# new')).toThrow(RuntimeFailure);
    } finally {
      delete process.env.PERF_RESCUE_DIR;
    }
    expect(readFileSync(store.path(ARTIFACTS.slo.json), 'utf8')).toBe(oldJson);
    expect(readdirSync(store.path('working/performance')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('puts back the files already renamed when a later rename fails', () => {
    const d = tempDir();
    writeFileSync(join(d, 'a.json'), 'old a');
    mkdirSync(join(d, 'b.md')); // a directory where a file must go: its rename fails
    writeFileSync(join(d, 'b.md', 'keep'), 'x');
    expect(() => writeFilesAtomic([{ file: join(d, 'a.json'), data: 'new a' }, { file: join(d, 'b.md'), data: 'new b' }])).toThrow();
    expect(readFileSync(join(d, 'a.json'), 'utf8')).toBe('old a');
    expect(readdirSync(d).sort()).toEqual(['a.json', 'b.md']);
  });
});

describe('results that cannot be written after the run are rescued', () => {
  it('saves the report and its twin to the rescue dir and says where (exit 3)', () => {
    const cwd = tempDir();
    const rescue = tempDir();
    const store = new ArtifactStore('.aiwg', 'r9', cwd);
    store.assertWritable();
    rmSync(store.path('working'), { recursive: true });
    writeFileSync(store.path('working'), 'blocked');
    process.env.PERF_RESCUE_DIR = rescue;
    let err: unknown;
    try {
      store.writeReport('loadtest', { scenario: 'soak', overall: { requests: 42 } }, '# results');
    } catch (e) {
      err = e;
    } finally {
      delete process.env.PERF_RESCUE_DIR;
    }
    expect(err).toBeInstanceOf(RuntimeFailure);
    const e = err as RuntimeFailure;
    expect(e.exitCode).toBe(3);
    const saved = join(rescue, 'perf-rescue-r9');
    expect(e.message).toContain(`saved to ${saved}`);
    const twin = JSON.parse(readFileSync(join(saved, ARTIFACTS.loadtest.json), 'utf8'));
    expect(twin.overall.requests).toBe(42);
    expect(existsSync(join(saved, ARTIFACTS.loadtest.markdown))).toBe(true);
  });
});
