// Helpers for tests that use perf the way a service's repo does: packed tarballs (scripts/pack.sh),
// installed into a fresh temp project, run with a PATH that has no Go (and no k6) on it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

let packed: string[] | undefined;

/** The tarballs of `bash scripts/pack.sh DIR` (main + this machine's k6 package), packed once per test file. */
export function packTarballs(): string[] {
  if (packed) return packed;
  const out = mkdtempSync(join(tmpdir(), 'perf-pack-'));
  execFileSync('bash', [join(ROOT, 'scripts/pack.sh'), out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 900_000 });
  packed = readdirSync(out).filter((f) => f.endsWith('.tgz')).map((f) => join(out, f));
  return packed;
}

/** process.env with every PATH entry that holds a `go` or `k6` removed, and no PERF_K6. */
export function envWithoutGo(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? '').split(delimiter).filter((d) => d && !existsSync(join(d, 'go')) && !existsSync(join(d, 'k6')));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path.join(delimiter), ...extra };
  delete env.PERF_K6;
  delete env.GOROOT;
  return env;
}

/** A fresh service repo: package.json with a `start` script and a tiny loopback service (PORT env). */
export function freshServiceRepo(prefix = 'perf-svc-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'svc', version: '1.0.0', private: true, type: 'module', scripts: { start: 'node server.mjs' } }, null, 2)}\n`);
  writeFileSync(
    join(dir, 'server.mjs'),
    [
      "import { createServer } from 'node:http';",
      "// /slow answers after 25 ms (a latency SLO below that fails); everything else at once.",
      "const server = createServer((req, res) => { const answer = () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ ok: true, path: req.url })); }; if (req.url?.startsWith('/slow')) setTimeout(answer, 25); else answer(); });",
      "server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));",
      "process.on('SIGTERM', () => server.close(() => process.exit(0)));",
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, '.git'));
  return dir;
}

/** npm install of the tarballs into dir (dependencies from the registry, through npm's cache). */
export function installTarballs(dir: string, tarballs: string[], env: NodeJS.ProcessEnv): void {
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
}

/** The repo's service on a free loopback port; resolves once it listens. */
export async function startService(dir: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(dir, 'server.mjs')], { cwd: dir, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res, rej) => {
    child.stdout!.on('data', (c: Buffer) => {
      const m = /listening (\d+)/.exec(c.toString());
      if (m) res(Number(m[1]));
    });
    child.on('exit', (code) => rej(new Error(`service exited ${code}`)));
  });
  return { port, child };
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command (e.g. `npx perf …`) in dir and collects its output. */
export function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
