import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../../core/artifacts/atomic.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'perf-atomic-'));
  dirs.push(d);
  return d;
}

// The crash tests run writeFileAtomic in a real child process and SIGKILL it. The child loads the
// source compiled on the spot by esbuild, so the test does not depend on a build of dist/.
const ATOMIC_JS = join(tempDir(), 'atomic.mjs');
buildSync({
  entryPoints: [resolve(import.meta.dirname, '../../core/artifacts/atomic.ts')],
  outfile: ATOMIC_JS,
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'silent',
});

/**
 * A child that writes `mb` MiB with writeFileAtomic, and freezes at `pauseAt` (reporting "paused"
 * on stdout) so the parent can kill it exactly there:
 *  - "mid-write": after the first 1 MiB of the temp file is written;
 *  - "before-rename": after every byte is written and before fsync/rename;
 *  - "none": runs freely.
 */
function writer(target: string, mb: number, pauseAt: 'mid-write' | 'before-rename' | 'none'): ChildProcess {
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const freeze = () => { process.stdout.write('paused\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); };
    const pauseAt = ${JSON.stringify(pauseAt)};
    if (pauseAt === 'mid-write') {
      const real = fs.writeSync;
      fs.writeSync = (fd, buf, off, len) => { const n = real(fd, buf, off, Math.min(len, 1 << 20)); freeze(); return n; };
    }
    if (pauseAt === 'before-rename') fs.fsyncSync = () => freeze();
    syncBuiltinESMExports();
    const { writeFileAtomic } = await import(${JSON.stringify(ATOMIC_JS)});
    writeFileAtomic(${JSON.stringify(target)}, Buffer.alloc(${mb} * 1024 * 1024, 'N'));
    process.stdout.write('done\\n');
  `;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function waitFor(child: ChildProcess, word: string): Promise<void> {
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(word)) ok();
    });
    child.on('exit', (code) => fail(new Error(`writer exited (${code}) before "${word}"; stdout: ${out}`)));
  });
}

/** SIGKILLs the child; resolves at once if it already exited on its own (a fast writer can finish first). */
function killed(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok(child.signalCode);
    child.once('exit', (_code, signal) => ok(signal));
    child.kill('SIGKILL');
  });
}

const tempFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.includes('.tmp-'));

describe('writeFileAtomic', () => {
  it('replaces the content of an existing file', () => {
    const f = join(tempDir(), 'report.md');
    writeFileAtomic(f, 'old\n');
    writeFileAtomic(f, 'new\n');
    expect(readFileSync(f, 'utf8')).toBe('new\n');
    expect(tempFiles(join(f, '..'))).toEqual([]);
  });

  it('creates missing parent directories', () => {
    const f = join(tempDir(), 'a', 'b', 'c.json');
    writeJsonAtomic(f, { schema: 'perf.test/v1', n: 1 });
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ schema: 'perf.test/v1', n: 1 });
    expect(readFileSync(f, 'utf8').endsWith('\n')).toBe(true);
  });

  it('leaves no temp file behind when the final rename fails', () => {
    const dir = tempDir();
    // A non-empty directory in the target's place makes the rename fail.
    const blocked = join(dir, 'blocked');
    writeFileAtomic(join(blocked, 'x'), 'x');
    expect(() => writeFileAtomic(blocked, 'new')).toThrow();
    expect(tempFiles(dir)).toEqual([]);
    expect(readFileSync(join(blocked, 'x'), 'utf8')).toBe('x');
  });

  it('a crash in the middle of writing the data leaves the old file whole', async () => {
    const dir = tempDir();
    const f = join(dir, 'baseline.json');
    const old = JSON.stringify({ schema: 'perf.baseline/v1', rps: 1234 });
    writeFileSync(f, old);
    const child = writer(f, 64, 'mid-write');
    await waitFor(child, 'paused');
    const [tmp] = tempFiles(dir);
    expect(tmp).toBeDefined();
    expect(statSync(join(dir, tmp!)).size).toBe(1 << 20); // really mid-way: 1 of 64 MiB written
    expect(await killed(child)).toBe('SIGKILL');
    expect(readFileSync(f, 'utf8')).toBe(old);
  });

  it('a crash after the data is written but before the rename leaves the old file whole', async () => {
    const dir = tempDir();
    const f = join(dir, 'slo.json');
    writeFileSync(f, 'old report');
    const child = writer(f, 8, 'before-rename');
    await waitFor(child, 'paused');
    expect(await killed(child)).toBe('SIGKILL');
    expect(readFileSync(f, 'utf8')).toBe('old report');
  });

  it('a leftover temp file from a crash is never mistaken for the file, and the next write succeeds', async () => {
    const dir = tempDir();
    const f = join(dir, 'results.md');
    writeFileSync(f, 'old');
    const child = writer(f, 4, 'mid-write');
    await waitFor(child, 'paused');
    await killed(child);
    const [leftover] = tempFiles(dir);
    // Hidden, named after the file, the writer's pid and a random suffix: no reader or later writer collides with it.
    expect(leftover).toMatch(new RegExp(`^\\.results\\.md\\.tmp-${child.pid}-[0-9a-f]{8}$`));
    writeFileAtomic(f, 'new');
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(readdirSync(dir).filter((n) => !n.startsWith('.'))).toEqual(['results.md']);
  });

  it('a writer killed at arbitrary moments never leaves a partial file (10 kills)', async () => {
    const dir = tempDir();
    const f = join(dir, 'big.bin');
    const old = 'O'.repeat(1000);
    writeFileSync(f, old);
    const newSize = 16 * 1024 * 1024;
    for (let i = 0; i < 10; i++) {
      const child = writer(f, 16, 'none');
      await new Promise((r) => setTimeout(r, 20 + i * 15));
      await killed(child);
      const data = readFileSync(f);
      const whole = (data.length === old.length && data.toString() === old) || (data.length === newSize && data.every((b) => b === 78));
      expect(whole, `after kill ${i}: ${data.length} bytes`).toBe(true);
    }
    expect(existsSync(f)).toBe(true);
  });
});
