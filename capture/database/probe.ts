/**
 * perf's read-only connection to the target's PostgreSQL: snapshots of pg_stat_statements,
 * pg_stat_user_tables and pg_stat_user_indexes, pg_stat_activity samples and EXPLAIN (never
 * ANALYZE) of a normalised statement. Every query perf sends starts with the PERF_MARK comment, so
 * its own statements are left out of the diffs. Errors never carry the URL: messages are redacted.
 */
import pg from 'pg';
import { RuntimeFailure, UserError } from '../../core/errors.js';
import type { SecretSet } from '../../core/redact.js';
import type { PlanNode } from '../../analyzers/database/plan.js';
import type { ActivitySample, DatabaseSnapshot, IndexCounters, StatementCounters, TableCounters } from '../../analyzers/database/types.js';

export const PERF_MARK = '/* perf:database-evidence */';

export const STATEMENTS_HINT =
  'pg_stat_statements is not loaded: add shared_preload_libraries = \'pg_stat_statements\' to postgresql.conf, restart PostgreSQL and run CREATE EXTENSION pg_stat_statements; in the target database (statement figures, calls per request and plans are missing until then; table, index and connection figures still follow)';

export class PostgresProbe {
  private constructor(
    private readonly client: pg.Client,
    private readonly secrets: SecretSet,
    readonly version: string,
    readonly maxConnections: number,
    readonly statementsAvailable: boolean,
    private readonly pid: number,
  ) {}

  /** Connects and checks what the server offers. A refused or failed connection is a runtime failure (exit 3). */
  static async connect(url: string, secrets: SecretSet): Promise<PostgresProbe> {
    const client = new pg.Client({ connectionString: url, application_name: 'perf', connectionTimeoutMillis: 10_000, statement_timeout: 30_000 });
    client.on('error', () => undefined); // a dropped connection surfaces on the next query
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw new RuntimeFailure(`cannot connect to the target database: ${secrets.redact((err as Error).message)}`, {
        where: 'target.database.postgres',
        fix: 'check that PostgreSQL is running and that the URL in the environment variable (host, port, user, password, database) is right',
      });
    }
    const one = async <T>(sql: string): Promise<T | undefined> => ((await client.query(`${PERF_MARK} ${sql}`)).rows[0] as T | undefined);
    const v = await one<{ v: string; m: string; pid: number }>("SELECT current_setting('server_version') AS v, current_setting('max_connections') AS m, pg_backend_pid() AS pid");
    let statements = false;
    try {
      await client.query(`${PERF_MARK} SELECT 1 FROM pg_stat_statements LIMIT 1`);
      statements = true;
    } catch {
      statements = false; // not created in this database, or not preloaded
    }
    return new PostgresProbe(client, secrets, v?.v ?? 'unknown', Number(v?.m ?? 0), statements, Number(v?.pid ?? 0));
  }

  get statementsHint(): string | null {
    return this.statementsAvailable ? null : STATEMENTS_HINT;
  }

  private async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.client.query(`${PERF_MARK} ${sql}`, params)).rows as T[];
    } catch (err) {
      throw new RuntimeFailure(`reading database statistics failed: ${this.secrets.redact((err as Error).message)}`, { where: 'target.database.postgres' });
    }
  }

  async snapshot(): Promise<DatabaseSnapshot> {
    const statements = this.statementsAvailable
      ? (
          await this.rows<{ queryid: string; query: string; calls: string; total: number; rows: string; hit: string; read: string }>(
            `SELECT queryid::text AS queryid, query, calls, total_exec_time AS total, rows, shared_blks_hit AS hit, shared_blks_read AS read
               FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE $1`,
            [`${PERF_MARK}%`],
          )
        ).map(
          (r): StatementCounters => ({
            queryid: r.queryid,
            query: r.query,
            calls: Number(r.calls),
            totalExecMs: Number(r.total),
            rows: Number(r.rows),
            sharedBlksHit: Number(r.hit),
            sharedBlksRead: Number(r.read),
          }),
        )
      : null;
    const tables = (
      await this.rows<{ schemaname: string; relname: string; seq_scan: string; seq_tup_read: string; idx_scan: string | null; idx_tup_fetch: string | null; n_live_tup: string; reltuples: number }>(
        `SELECT t.schemaname, t.relname, t.seq_scan, t.seq_tup_read, t.idx_scan, t.idx_tup_fetch, t.n_live_tup, c.reltuples
           FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid`,
      )
    ).map(
      (r): TableCounters => ({
        schema: r.schemaname,
        table: r.relname,
        seqScan: Number(r.seq_scan),
        seqTupRead: Number(r.seq_tup_read),
        idxScan: Number(r.idx_scan ?? 0),
        idxTupFetch: Number(r.idx_tup_fetch ?? 0),
        liveRows: Math.max(Number(r.n_live_tup), Number(r.reltuples)),
      }),
    );
    const indexes = (
      await this.rows<{ schemaname: string; relname: string; indexrelname: string; idx_scan: string; def: string; uniq: boolean }>(
        `SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan, pg_get_indexdef(s.indexrelid) AS def, i.indisunique AS uniq
           FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid`,
      )
    ).map((r): IndexCounters => ({ schema: r.schemaname, table: r.relname, index: r.indexrelname, idxScan: Number(r.idx_scan), definition: r.def, unique: r.uniq }));
    return { statements, tables, indexes };
  }

  /** One pg_stat_activity sample of the client backends of this database, perf's own connection excluded. */
  async activity(atMs: number): Promise<ActivitySample> {
    const rows = await this.rows<{ state: string | null; wtype: string | null; wevent: string | null }>(
      `SELECT state, wait_event_type AS wtype, wait_event AS wevent FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> $1`,
      [this.pid],
    );
    const waits: Record<string, number> = {};
    let active = 0;
    let idleInTransaction = 0;
    for (const r of rows) {
      if (r.state === 'active') {
        active++;
        if (r.wtype) waits[`${r.wtype}:${r.wevent ?? ''}`] = (waits[`${r.wtype}:${r.wevent ?? ''}`] ?? 0) + 1;
      } else if (r.state?.startsWith('idle in transaction')) {
        idleInTransaction++;
      }
    }
    return { atMs, total: rows.length, active, idleInTransaction, waits };
  }

  /** Median time (ms) of a `SELECT 1` round trip through the driver: what every extra call of an N+1 costs at least. */
  async roundTripMs(samples = 31): Promise<number> {
    const xs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await this.client.query(`${PERF_MARK} SELECT 1`);
      xs.push(performance.now() - t0);
    }
    xs.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)] as number;
  }

  /** Column names per table (for reading filters in plans). */
  async columns(): Promise<Map<string, Set<string>>> {
    const rows = await this.rows<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      const s = out.get(r.table_name) ?? new Set<string>();
      s.add(r.column_name.toLowerCase());
      out.set(r.table_name, s);
    }
    return out;
  }

  /**
   * The generic plan of a normalised statement ($1 … as parameters): PREPARE + EXPLAIN EXECUTE with
   * NULLs under plan_cache_mode = force_generic_plan, inside a transaction that is rolled back.
   * EXPLAIN without ANALYZE never executes the statement. Only SELECT, UPDATE and DELETE are explained.
   */
  async explain(query: string, searchSchemas: string[]): Promise<PlanNode> {
    if (!/^\s*(\/\*.*?\*\/\s*)*(select|with|update|delete)\b/is.test(query)) throw new UserError('only SELECT, UPDATE and DELETE statements are explained');
    const params = Math.max(0, ...[...query.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    const args = params ? `(${Array.from({ length: params }, () => 'NULL').join(', ')})` : '';
    const attempt = async (schemas: string[] | null): Promise<PlanNode> => {
      await this.client.query(`${PERF_MARK} BEGIN`);
      try {
        await this.client.query(`${PERF_MARK} SET LOCAL plan_cache_mode = force_generic_plan`);
        if (schemas) await this.client.query(`${PERF_MARK} SELECT set_config('search_path', $1, true)`, [schemas.map((s) => `"${s.replace(/"/g, '""')}"`).join(', ')]);
        await this.client.query(`PREPARE perf_explain AS ${query}`);
        const r = await this.client.query(`${PERF_MARK} EXPLAIN (FORMAT JSON) EXECUTE perf_explain${args}`);
        const plan = (r.rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'][0]?.Plan;
        if (!plan) throw new Error('EXPLAIN returned no plan');
        return plan;
      } finally {
        await this.client.query(`${PERF_MARK} ROLLBACK`).catch(() => undefined);
        await this.client.query(`${PERF_MARK} DEALLOCATE ALL`).catch(() => undefined);
      }
    };
    try {
      return await attempt(null);
    } catch (err) {
      // Unqualified tables in another schema (the application's search_path): retry with the user schemas.
      if ((err as { code?: string }).code === '42P01' && searchSchemas.length) return attempt([...searchSchemas, 'public']);
      throw new Error(this.secrets.redact((err as Error).message));
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
