import { elideParameters } from './elide.js';
import type { ActivitySummary, DatabaseSnapshot, IndexCounters, PhaseEvidence, StatementDelta, TableDelta } from './types.js';

/** Statements kept per phase (by total time). */
export const TOP_STATEMENTS = 15;

export interface PhaseInput {
  phase: string;
  journey: string | null;
  before: DatabaseSnapshot;
  after: DatabaseSnapshot;
  /** Requests answered or failed during the phase (warm-up included). */
  requests: number;
  durationMs: number;
  /** Mean service time of the phase's requests (ms), for the database share of latency. */
  latencyMeanMs: number | null;
  loadConnections: number | null;
  activity: ActivitySummary | null;
}

const per = (x: number, n: number): number => (n > 0 ? x / n : 0);

/** The difference of two snapshots around one phase, per request. */
export function diffPhase(p: PhaseInput): PhaseEvidence {
  const n = p.requests;
  let statements: StatementDelta[] | null = null;
  let dbMs: number | null = null;
  let calls: number | null = null;
  if (p.before.statements && p.after.statements) {
    const prev = new Map(p.before.statements.map((s) => [s.queryid, s]));
    const all: StatementDelta[] = [];
    for (const s of p.after.statements) {
      const b = prev.get(s.queryid);
      const dCalls = s.calls - (b?.calls ?? 0);
      if (dCalls <= 0) continue;
      const totalMs = s.totalExecMs - (b?.totalExecMs ?? 0);
      const rows = s.rows - (b?.rows ?? 0);
      const msPerRequest = per(totalMs, n);
      all.push({
        queryid: s.queryid,
        text: elideParameters(s.query),
        calls: dCalls,
        totalMs,
        meanMs: totalMs / dCalls,
        rows,
        sharedBlksHit: s.sharedBlksHit - (b?.sharedBlksHit ?? 0),
        sharedBlksRead: s.sharedBlksRead - (b?.sharedBlksRead ?? 0),
        callsPerRequest: per(dCalls, n),
        msPerRequest,
        rowsPerCall: rows / dCalls,
        shareOfLatency: p.latencyMeanMs && p.latencyMeanMs > 0 ? Math.min(1, msPerRequest / p.latencyMeanMs) : null,
      });
    }
    all.sort((a, b) => b.totalMs - a.totalMs);
    dbMs = per(all.reduce((a, s) => a + s.totalMs, 0), n);
    calls = per(all.reduce((a, s) => a + s.calls, 0), n);
    statements = all.slice(0, TOP_STATEMENTS);
  }
  const prevTables = new Map(p.before.tables.map((t) => [`${t.schema}.${t.table}`, t]));
  const tables: TableDelta[] = [];
  for (const t of p.after.tables) {
    const b = prevTables.get(`${t.schema}.${t.table}`);
    const seqScans = t.seqScan - (b?.seqScan ?? 0);
    const seqRowsRead = t.seqTupRead - (b?.seqTupRead ?? 0);
    if (seqScans <= 0 && seqRowsRead <= 0) continue;
    tables.push({
      schema: t.schema,
      table: t.table,
      liveRows: t.liveRows,
      seqScans,
      seqRowsRead,
      idxScans: t.idxScan - (b?.idxScan ?? 0),
      seqScansPerRequest: per(seqScans, n),
      seqRowsReadPerRequest: per(seqRowsRead, n),
    });
  }
  tables.sort((a, b) => b.seqRowsRead - a.seqRowsRead);
  const prevIdx = new Map(p.before.indexes.map((i) => [indexKey(i), i.idxScan]));
  const indexesUsed = p.after.indexes.filter((i) => i.idxScan > (prevIdx.get(indexKey(i)) ?? 0)).map(indexKey);
  return {
    phase: p.phase,
    journey: p.journey,
    requests: n,
    durationMs: p.durationMs,
    latencyMeanMs: p.latencyMeanMs,
    loadConnections: p.loadConnections,
    statements,
    dbMsPerRequest: dbMs,
    dbShareOfLatency: dbMs !== null && p.latencyMeanMs && p.latencyMeanMs > 0 ? Math.min(1, dbMs / p.latencyMeanMs) : null,
    callsPerRequest: calls,
    tables,
    indexesUsed,
    activity: p.activity,
  };
}

export function indexKey(i: Pick<IndexCounters, 'schema' | 'index'>): string {
  return `${i.schema}.${i.index}`;
}

/** Indexes no phase scanned and whose server-wide counter is still 0 (unique ones enforce a constraint: kept out). */
export function unusedIndexes(phases: PhaseEvidence[], last: DatabaseSnapshot): Array<{ schema: string; table: string; index: string; definition: string }> {
  const used = new Set(phases.flatMap((p) => p.indexesUsed));
  return last.indexes
    .filter((i) => !i.unique && i.idxScan === 0 && !used.has(indexKey(i)))
    .map((i) => ({ schema: i.schema, table: i.table, index: i.index, definition: i.definition }));
}
