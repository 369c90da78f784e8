/**
 * Database evidence (PostgreSQL): the plain data perf reads from the server's statistics views and
 * what it derives per measured phase. Counters are cumulative in a snapshot and deltas in a phase;
 * "per request" always divides by the requests the load generator had answered (or failed) in that
 * phase, warm-up included, because the server ran their queries too.
 */

/** One row of pg_stat_statements (cumulative). */
export interface StatementCounters {
  queryid: string;
  /** Normalised text as the server stores it (constants already replaced by $1, $2 …). */
  query: string;
  calls: number;
  totalExecMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
}

/** One row of pg_stat_user_tables (cumulative). */
export interface TableCounters {
  schema: string;
  table: string;
  seqScan: number;
  seqTupRead: number;
  idxScan: number;
  idxTupFetch: number;
  liveRows: number;
}

/** One row of pg_stat_user_indexes (cumulative) with its definition. */
export interface IndexCounters {
  schema: string;
  table: string;
  index: string;
  idxScan: number;
  definition: string;
  unique: boolean;
}

export interface DatabaseSnapshot {
  /** null when pg_stat_statements is not loaded. */
  statements: StatementCounters[] | null;
  tables: TableCounters[];
  indexes: IndexCounters[];
}

/** One pg_stat_activity sample of the target database's client backends (perf's own excluded). */
export interface ActivitySample {
  atMs: number;
  total: number;
  active: number;
  idleInTransaction: number;
  /** Active backends waiting, by `wait_event_type:wait_event` (e.g. `Lock:transactionid`). */
  waits: Record<string, number>;
}

export interface ActivitySummary {
  samples: number;
  intervalMs: number;
  maxConnections: number;
  maxTotal: number;
  maxActive: number;
  meanActive: number;
  /** Share of samples in which every client connection was active (a full application pool). */
  allBusyShare: number;
  /** Per wait `type:event`: backend-samples spent waiting / all active backend-samples. */
  waitShares: Record<string, number>;
  /** Share of active backend-samples waiting on a heavyweight lock (wait_event_type Lock). */
  lockWaitShare: number;
}

export interface StatementDelta {
  queryid: string;
  /** Statement text with every parameter and literal elided. */
  text: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  callsPerRequest: number;
  msPerRequest: number;
  rowsPerCall: number;
  /** msPerRequest / the phase's mean request latency, 0..1 (null without a latency figure). */
  shareOfLatency: number | null;
}

export interface TableDelta {
  schema: string;
  table: string;
  liveRows: number;
  seqScans: number;
  seqRowsRead: number;
  idxScans: number;
  seqScansPerRequest: number;
  seqRowsReadPerRequest: number;
}

/** The evidence of one measured phase: the weighted mix ("overall") or one journey run alone. */
export interface PhaseEvidence {
  phase: string;
  journey: string | null;
  requests: number;
  durationMs: number;
  latencyMeanMs: number | null;
  /** Concurrent connections of the load generator (the most requests in flight at once). */
  loadConnections: number | null;
  /** Top statements by time (null when pg_stat_statements is not loaded). */
  statements: StatementDelta[] | null;
  /** Database execution time per request (all statements) and its share of the mean latency. */
  dbMsPerRequest: number | null;
  dbShareOfLatency: number | null;
  callsPerRequest: number | null;
  /** Tables read by sequential scans in this phase, most rows first. */
  tables: TableDelta[];
  /** Indexes scanned in this phase. */
  indexesUsed: string[];
  activity: ActivitySummary | null;
}

/** The interesting part of a plan: the scan, its filter and the index that would serve it. */
export interface PlanExcerpt {
  queryid: string;
  text: string;
  /** Indented `Node on relation` lines with Filter / Sort Key lines, as EXPLAIN shows them. */
  excerpt: string[];
  seqScans: Array<{ schema: string | null; table: string; filter: string | null; columns: string[]; sortKeys: string[] }>;
  /** `CREATE INDEX …` proposals for the filtered scans. */
  proposedIndexes: string[];
  error?: string;
}

/** perf.baseline/v1 `database` section. */
export interface DatabaseEvidence {
  engine: 'postgres';
  server: { version: string; maxConnections: number };
  statementsAvailable: boolean;
  /** Median driver round trip of perf's own connection (`SELECT 1`), ms: the floor of each extra call's cost. */
  roundTripMs: number | null;
  /** The one line saying how to enable pg_stat_statements, when it is not loaded. */
  statementsHint: string | null;
  phases: PhaseEvidence[];
  plans: PlanExcerpt[];
  /** Indexes no phase used and the server never scanned since its statistics were reset. */
  unusedIndexes: Array<{ schema: string; table: string; index: string; definition: string }>;
  notes: string[];
}
