import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFindings } from '../../analyzers/database/findings.js';
import { runBaseline } from '../../capture/baseline/run-baseline.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { parseConfig } from '../../core/config/load.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

/** Identical author look-ups per /lookup request (the N+1 the test counts). */
const LOOKUPS = 5;
const BIG_ROWS = 120_000;

let server: TestPostgres;
const services: Array<{ http: Server; pool: pg.Pool }> = [];

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const s of services) {
    s.http.close();
    await s.pool.end();
  }
  await server?.stop();
});

/** A tiny service: /lookup runs LOOKUPS identical queries on a small indexed table and one unindexed filter on `big`. */
async function tinyService(url: string): Promise<string> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(`CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL);
    INSERT INTO authors SELECT g, 'author ' || g FROM generate_series(1, 100) g;
    CREATE TABLE big (id int PRIMARY KEY, customer_id int NOT NULL, total int NOT NULL);
    INSERT INTO big SELECT g, g % 2000, g % 97 FROM generate_series(1, ${BIG_ROWS}) g;
    ANALYZE authors; ANALYZE big;`);
  await setup.end();
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  const http = createServer((req, res) => {
    void (async () => {
      if (req.url?.startsWith('/lookup')) {
        const names: string[] = [];
        for (let i = 1; i <= LOOKUPS; i++) names.push((await pool.query('SELECT name FROM authors WHERE id = $1', [i * 7])).rows[0].name);
        const n = (await pool.query('SELECT count(*)::int AS n FROM big WHERE customer_id = $1', [17])).rows[0].n;
        res.end(JSON.stringify({ names, n }));
      } else res.end('{"status":"ok"}');
    })().catch((err: Error) => {
      res.statusCode = 500;
      res.end(err.message);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  services.push({ http, pool });
  return `http://127.0.0.1:${(http.address() as { port: number }).port}`;
}

function configFor(baseUrl: string): ReturnType<typeof parseConfig> {
  return parseConfig(
    `target:
  baseUrl: "${baseUrl}"
  database: { postgres: "\${PERF_TEST_DATABASE_URL}" }
journeys:
  - { name: lookup, steps: [{ path: "/lookup" }] }
  - { name: health, steps: [{ path: "/health" }] }
`,
    join(tmpdir(), 'perf.config.yaml'),
  );
}

describe('database evidence from a real PostgreSQL', () => {
  it('counts the identical queries per request exactly and names the unindexed table and column', async () => {
    const url = await server.createDatabase('tiny');
    const baseUrl = await tinyService(url);
    process.env.PERF_TEST_DATABASE_URL = url;
    const store = new ArtifactStore(join(mkdtempSync(join(tmpdir(), 'perf-db-')), '.aiwg'));
    const { artifact } = await runBaseline({ config: configFor(baseUrl), store, quick: true, capacity: false, connections: 2, durationMs: 2000 });
    const db = artifact.database!;
    expect(db.statementsAvailable).toBe(true);
    const lookup = db.phases.find((p) => p.journey === 'lookup')!;
    expect(lookup.requests).toBeGreaterThan(20);
    const authors = lookup.statements!.find((s) => /FROM authors WHERE id = \?/.test(s.text))!;
    expect(authors.callsPerRequest).toBe(LOOKUPS);
    expect(authors.calls).toBe(LOOKUPS * lookup.requests);
    expect(lookup.statements!.find((s) => /FROM big/.test(s.text))!.callsPerRequest).toBe(1);
    // The health journey sends no query.
    expect(db.phases.find((p) => p.journey === 'health')!.statements).toEqual([]);
    const big = lookup.tables.find((t) => t.table === 'big')!;
    expect(big.seqScansPerRequest).toBeGreaterThanOrEqual(1);
    expect(big.seqRowsReadPerRequest).toBeGreaterThanOrEqual(BIG_ROWS * 0.9);

    const findings = databaseFindings(db);
    const n1 = findings.find((f) => f.kind === 'n-plus-one')!;
    expect(n1.statement).toMatch(/SELECT name FROM authors WHERE id = \?/);
    expect(n1.perJourney.find((j) => j.journey === 'lookup')!.callsPerRequest).toBe(LOOKUPS);
    const scan = findings.find((f) => f.kind === 'missing-index')!;
    expect(scan.table).toBe('big');
    expect(scan.columns).toEqual(['customer_id']);
    expect(scan.title).toMatch(/big .*customer_id/);
    expect(scan.plan!.join('\n')).toMatch(/Seq Scan on big[\s\S]*Filter: \(customer_id = \$1\)/);
    expect(scan.sql[0]).toBe('CREATE INDEX CONCURRENTLY idx_big_customer_id ON big (customer_id);');
  });

  it('says in one line how to enable pg_stat_statements and still reports the sequential scans', async () => {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE DATABASE nostatements');
    await admin.end();
    const url = server.url.replace(/\/postgres$/, '/nostatements');
    const baseUrl = await tinyService(url);
    process.env.PERF_TEST_DATABASE_URL = url;
    const store = new ArtifactStore(join(mkdtempSync(join(tmpdir(), 'perf-db-')), '.aiwg'));
    const { artifact } = await runBaseline({ config: configFor(baseUrl), store, quick: true, capacity: false, connections: 2, durationMs: 2000 });
    const db = artifact.database!;
    expect(db.statementsAvailable).toBe(false);
    expect(db.statementsHint).toMatch(/shared_preload_libraries = 'pg_stat_statements'.*CREATE EXTENSION pg_stat_statements/);
    expect(artifact.notes).toContain(db.statementsHint);
    const scan = databaseFindings(db).find((f) => f.kind === 'missing-index')!;
    expect(scan.table).toBe('big');
    expect(scan.perJourney[0]!.journey).toBe('lookup');
  });
});
