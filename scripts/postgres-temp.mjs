/**
 * A real, throw-away PostgreSQL for tests and benches: Debian's server binaries (postgresql + postgresql-contrib,
 * installed by .ci/run), a cluster in a temp directory owned by the `postgres` user, listening on
 * 127.0.0.1 only on a free port, with pg_stat_statements preloaded. `stop()` shuts it down (fast
 * mode) and removes the directory. Never skipped: a missing install fails loudly with the fix.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The newest /usr/lib/postgresql/<version>/bin with a server binary. */
export function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install -y postgresql postgresql-contrib (.ci/run does it)');
  return join(root, versions[0], 'bin');
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function owner() {
  if (userInfo().uid !== 0) return undefined; // not root: run as ourselves
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('running as root but there is no "postgres" user: apt-get install -y postgresql');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** @param {{ password?: string }} [opts] */
export async function startPostgres(opts = {}) {
  const bin = postgresBinDir();
  const ids = owner();
  const dir = mkdtempSync(join(tmpdir(), 'perf-pg-'));
  const data = join(dir, 'data');
  const password = opts.password ?? `pw-${Math.random().toString(36).slice(2, 12)}`;
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  const asOwner = ids ? { uid: ids.uid, gid: ids.gid } : {};
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'perf_test', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-sync'], { ...asOwner, encoding: 'utf8', cwd: dir });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const proc = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'fsync=off', '-c', 'max_connections=40', '-c', 'pg_stat_statements.track=top'],
    { ...asOwner, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise((resolve) => proc.once('exit', () => resolve()));
  const url = (db) => `postgres://perf_test:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url('postgres') });
    try {
      await c.connect();
      await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await c.end();
      break;
    } catch (err) {
      await c.end().catch(() => undefined);
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`PostgreSQL did not start: ${err.message}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url: url('postgres'),
    password,
    port,
    async createDatabase(name) {
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      await c.end();
      const d = new pg.Client({ connectionString: url(name) });
      await d.connect();
      await d.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await d.end();
      return url(name);
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGINT'); // fast shutdown
        const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
