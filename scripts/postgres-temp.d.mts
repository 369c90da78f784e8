/** Types of postgres-temp.mjs (a throw-away PostgreSQL cluster for tests and benches). */
export interface TestPostgres {
  /** postgres://perf_test:<password>@127.0.0.1:<port>/postgres — a secret in the canary tests. */
  url: string;
  password: string;
  port: number;
  /** Creates a database (with pg_stat_statements installed) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}
export function postgresBinDir(): string;
export function startPostgres(opts?: { password?: string }): Promise<TestPostgres>;
