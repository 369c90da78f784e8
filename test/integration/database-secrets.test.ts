import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

// Canary: the database URL and its password must appear in no artifact, log line or agent prompt.
const PASSWORD = 'canary-pw-5c1e9b7a';
const CLI = resolve(import.meta.dirname, '../../cli/bin/run.js');

let server: TestPostgres;
let http: Server;
let pool: pg.Pool;
let url: string;
let baseUrl: string;

beforeAll(async () => {
  server = await startPostgres({ password: PASSWORD });
  url = await server.createDatabase('canary');
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(`CREATE TABLE events (id int PRIMARY KEY, account int NOT NULL);
    INSERT INTO events SELECT g, g % 500 FROM generate_series(1, 30000) g; ANALYZE events;`);
  await setup.end();
  pool = new pg.Pool({ connectionString: url, max: 2 });
  http = createServer((req, res) => {
    pool.query('SELECT count(*)::int AS n FROM events WHERE account = $1', [7]).then(
      (r) => res.end(JSON.stringify(r.rows[0])),
      (err: Error) => {
        res.statusCode = 500;
        res.end(err.message);
      },
    );
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  baseUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
}, 60_000);
afterAll(async () => {
  http?.close();
  await pool?.end();
  await server?.stop();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Runs the CLI asynchronously: the service under test lives in this process and must keep answering. */
function perf(dir: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  const child = spawn(process.execPath, [CLI, ...args, '--config', join(dir, 'perf.config.yaml')], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((ok) => child.on('close', (status) => ok({ status, out })));
}

describe('the database URL is a secret', () => {
  it('appears in no artifact, no terminal line and no agent prompt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-canary-'));
    const prompts = join(dir, 'prompts.txt');
    writeFileSync(
      join(dir, 'perf.config.yaml'),
      `target:
  baseUrl: "${baseUrl}"
  database: { postgres: "\${DATABASE_URL}" }
journeys:
  - { name: accounts, steps: [{ path: "/accounts/7" }] }
agent:
  provider: command
  command: "cat >> '${prompts}'; echo '## Summary'; echo 'ok'"
`,
    );
    const env = { DATABASE_URL: url };
    const runs = [
      await perf(dir, ['baseline', '--quick', '--no-capacity', '--duration', '2s', '--connections', '2'], env),
      await perf(dir, ['analyze'], env),
      await perf(dir, ['plan'], env),
      await perf(dir, ['baseline', '--quick', '--no-capacity', '--duration', '2s', '--connections', '2', '--json'], env),
    ];
    for (const r of runs) expect(r.status, r.out).toBe(0);
    // A wrong port: the connection error is reported (exit 3) without the URL.
    const refused = await perf(dir, ['baseline', '--quick', '--no-capacity'], { DATABASE_URL: url.replace(`:${server.port}/`, ':1/') });
    expect(refused.status).toBe(3);
    expect(refused.out).toMatch(/cannot connect to the target database/);

    const texts = [...runs, refused].map((r) => r.out);
    const files = filesUnder(dir).filter((f) => !f.endsWith('perf.config.yaml'));
    expect(files.some((f) => f.endsWith('baseline.json'))).toBe(true);
    expect(readFileSync(prompts, 'utf8')).toContain('SELECT count(*)');
    for (const f of files) texts.push(readFileSync(f, 'latin1'));
    const canaries = [PASSWORD, encodeURIComponent(PASSWORD), url, `perf_test:${PASSWORD}`];
    for (const [i, t] of texts.entries()) for (const c of canaries) expect(t.includes(c), `canary "${c}" in ${i < 5 ? `the output of run ${i}` : files[i - 5]}`).toBe(false);
    // The evidence itself is there: the analysis found the sequential scan.
    expect(readFileSync(join(dir, '.aiwg/reports/bottleneck-analysis.md'), 'utf8')).toMatch(/Sequential scan of events .*account/);
  });
});
