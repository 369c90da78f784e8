/**
 * Database findings from the baseline's evidence: the N+1 signature (one statement many times per
 * request), sequential scans of large tables that a proposed index would serve, a full connection
 * pool and lock contention. Each finding carries the figures it rests on and the SQL to try.
 */
import { fmtDecimal, fmtMs, fmtNum, fmtPct } from '../../core/format.js';
import type { DatabaseEvidence, PhaseEvidence, PlanExcerpt, StatementDelta } from './types.js';

/** Calls per request from which one read statement is an N+1 candidate … */
export const N_PLUS_ONE_MIN_CALLS = 3;
/** … when each call returns at most this many rows (a per-item lookup, not a page). */
export const N_PLUS_ONE_MAX_ROWS_PER_CALL = 2;
/** A table this large is worth an index for a filtered scan. */
export const LARGE_TABLE_ROWS = 10_000;
/** Without statement statistics: rows read by sequential scans per request that flag a table. */
export const SEQ_ROWS_PER_REQUEST = 1_000;
export const POOL_BUSY_SHARE = 0.5;
export const LOCK_WAIT_SHARE = 0.1;

export type DatabaseFindingKind = 'missing-index' | 'n-plus-one' | 'pool-saturation' | 'lock-contention';

/** The figures of a finding in one journey (the phase that journey ran alone, or the mix). */
export interface FindingInJourney {
  journey: string | null;
  requests: number;
  callsPerRequest: number | null;
  msPerRequest: number | null;
  /** msPerRequest / the journey's mean latency, 0..1. */
  shareOfLatency: number | null;
  seqScansPerRequest?: number;
  seqRowsReadPerRequest?: number;
}

export interface DatabaseFinding {
  kind: DatabaseFindingKind;
  title: string;
  /** Statement text with parameters elided (missing-index, n-plus-one). */
  statement?: string;
  queryid?: string;
  table?: string;
  columns?: string[];
  /** EXPLAIN lines showing the scan and the filter. */
  plan?: string[];
  perJourney: FindingInJourney[];
  /** SQL (or code change) to try, first the main one. */
  sql: string[];
  evidence: string[];
}

const pct = (x: number | null): string => fmtPct(x, 1);

/** The phases that say something per journey: each journey alone, or the mix when nothing ran alone. */
export function journeyPhases(ev: DatabaseEvidence): PhaseEvidence[] {
  const alone = ev.phases.filter((p) => p.journey !== null);
  return alone.length ? alone : ev.phases.filter((p) => p.phase === 'overall');
}

function inJourney(p: PhaseEvidence, s: StatementDelta | undefined): FindingInJourney {
  return {
    journey: p.journey,
    requests: p.requests,
    callsPerRequest: s ? s.callsPerRequest : null,
    msPerRequest: s ? s.msPerRequest : null,
    shareOfLatency: s ? s.shareOfLatency : null,
  };
}

const jname = (j: string | null): string => (j === null ? 'the mix' : `"${j}"`);

/** `… WHERE col = $1` → `… WHERE col = ANY($1)`: one call for every id of the request. */
function batched(text: string): string | null {
  const m = /\b([a-z_][a-z0-9_.]*)\s*=\s*\?/i.exec(text);
  if (!m || (text.match(/\?/g) ?? []).length !== 1) return null;
  return text.replace(m[0], `${m[1]} = ANY(?)`);
}

export function databaseFindings(ev: DatabaseEvidence): DatabaseFinding[] {
  const out: DatabaseFinding[] = [];
  const phases = journeyPhases(ev);

  // N+1: the same statement several times per request, one row or so each.
  const nPlusOne = new Map<string, { s: StatementDelta; in: FindingInJourney[] }>();
  for (const p of phases) {
    for (const s of p.statements ?? []) {
      if (s.callsPerRequest < N_PLUS_ONE_MIN_CALLS || s.rowsPerCall > N_PLUS_ONE_MAX_ROWS_PER_CALL || !/^\s*(select|with)\b/i.test(s.text)) continue;
      const cur = nPlusOne.get(s.queryid) ?? { s, in: [] };
      // Each call is one more round trip besides its execution time: the part a JOIN saves.
      const j = inJourney(p, s);
      if (ev.roundTripMs !== null && j.msPerRequest !== null) {
        j.msPerRequest += s.callsPerRequest * ev.roundTripMs;
        j.shareOfLatency = p.latencyMeanMs ? Math.min(1, j.msPerRequest / p.latencyMeanMs) : null;
      }
      cur.in.push(j);
      nPlusOne.set(s.queryid, cur);
    }
  }
  for (const { s, in: per } of nPlusOne.values()) {
    const b = batched(s.text);
    out.push({
      kind: 'n-plus-one',
      title: `N+1 queries: ${s.text.slice(0, 80)}`,
      statement: s.text,
      queryid: s.queryid,
      perJourney: per,
      sql: [
        ...(b ? [`${b} -- one call with every id of the request (or JOIN it into the query that produced the ids)`] : ['batch the per-item calls into one query (JOIN or = ANY(array))']),
        'or cache the repeated read per request / with a short TTL',
      ],
      evidence: per.map(
        (j) =>
          `${jname(j.journey)}: ${fmtNum(j.callsPerRequest ?? 0, 2)} calls per request (${fmtNum(s.rowsPerCall, 1)} ${fmtNum(s.rowsPerCall, 1) === '1' ? 'row' : 'rows'} each), ${fmtMs(j.msPerRequest ?? 0)} per request${ev.roundTripMs !== null ? ` (execution + one ${fmtMs(ev.roundTripMs)} round trip per call)` : ''} = ${pct(j.shareOfLatency)} of its mean latency, over ${j.requests} requests`,
      ),
    });
  }

  // Missing indexes: a filtered sequential scan of a large table in a top statement's plan.
  const plans = new Map(ev.plans.map((p) => [p.queryid, p]));
  const liveRows = (table: string): number => Math.max(0, ...ev.phases.flatMap((p) => p.tables.filter((t) => t.table === table).map((t) => t.liveRows)));
  interface IndexDraft {
    table: string;
    columns: string[];
    proposal: string;
    plans: PlanExcerpt[];
    statements: Set<string>;
  }
  const drafts: IndexDraft[] = [];
  for (const plan of ev.plans) {
    plan.seqScans.forEach((scan, i) => {
      if (scan.columns.length === 0 || liveRows(scan.table) < LARGE_TABLE_ROWS) return;
      const proposal = plan.proposedIndexes.find((x) => new RegExp(`\\b${scan.table}\\b`).test(x) && x.includes(scan.columns[0] as string)) ?? plan.proposedIndexes[i] ?? '';
      drafts.push({ table: scan.table, columns: scan.columns, proposal, plans: [plan], statements: new Set([plan.queryid]) });
    });
  }
  // One index serves several statements when their columns are a prefix of its columns.
  drafts.sort((a, b) => b.columns.length - a.columns.length);
  const merged: IndexDraft[] = [];
  for (const d of drafts) {
    const bare = (c: string): string => c.replace(/ DESC$/, '');
    const host = merged.find((m) => m.table === d.table && d.columns.every((c, k) => bare(m.columns[k] ?? '') === bare(c)));
    if (host) {
      host.plans.push(...d.plans);
      for (const q of d.statements) host.statements.add(q);
    } else merged.push(d);
  }
  for (const d of merged) {
    const per: FindingInJourney[] = [];
    for (const p of phases) {
      const stmts = (p.statements ?? []).filter((s) => d.statements.has(s.queryid));
      if (stmts.length === 0) continue;
      const t = p.tables.find((x) => x.table === d.table);
      const ms = stmts.reduce((a, s) => a + s.msPerRequest, 0);
      per.push({
        journey: p.journey,
        requests: p.requests,
        callsPerRequest: stmts.reduce((a, s) => a + s.callsPerRequest, 0),
        msPerRequest: ms,
        shareOfLatency: p.latencyMeanMs ? Math.min(1, ms / p.latencyMeanMs) : null,
        ...(t ? { seqScansPerRequest: t.seqScansPerRequest, seqRowsReadPerRequest: t.seqRowsReadPerRequest } : {}),
      });
    }
    if (per.length === 0) continue;
    const main = d.plans[0] as PlanExcerpt;
    out.push({
      kind: 'missing-index',
      title: `Sequential scan of ${d.table} (${liveRows(d.table).toLocaleString('en-US')} rows) filtered on ${d.columns.map((c) => c.replace(/ DESC$/, '')).join(', ')}`,
      statement: main.text,
      queryid: main.queryid,
      table: d.table,
      columns: d.columns,
      plan: main.excerpt,
      perJourney: per,
      sql: [d.proposal],
      evidence: [
        ...per.map(
          (j) =>
            `${jname(j.journey)}: ${fmtMs(j.msPerRequest ?? 0)} per request in ${d.statements.size} statement(s) on ${d.table} = ${pct(j.shareOfLatency)} of its mean latency${j.seqScansPerRequest !== undefined ? `; ${fmtNum(j.seqScansPerRequest, 2)} sequential scans and ${Math.round(j.seqRowsReadPerRequest ?? 0).toLocaleString('en-US')} rows read per request` : ''}`,
        ),
        ...d.plans.slice(1).map((p) => `the same index also serves: ${p.text.slice(0, 100)}`),
      ],
    });
  }

  // Without statement statistics (or plans): tables read by large sequential scans per request.
  for (const p of phases) {
    for (const t of p.tables) {
      if (t.liveRows < LARGE_TABLE_ROWS || t.seqRowsReadPerRequest < SEQ_ROWS_PER_REQUEST) continue;
      if (out.some((f) => f.kind === 'missing-index' && f.table === t.table && f.columns !== undefined)) continue;
      const known = out.find((f) => f.kind === 'missing-index' && f.table === t.table && f.columns === undefined);
      const entry: FindingInJourney = { journey: p.journey, requests: p.requests, callsPerRequest: null, msPerRequest: null, shareOfLatency: null, seqScansPerRequest: t.seqScansPerRequest, seqRowsReadPerRequest: t.seqRowsReadPerRequest };
      const line = `${jname(p.journey)}: ${fmtNum(t.seqScansPerRequest, 2)} sequential scans and ${Math.round(t.seqRowsReadPerRequest).toLocaleString('en-US')} rows read per request on ${t.table} (${t.liveRows.toLocaleString('en-US')} rows)`;
      if (known) {
        known.perJourney.push(entry);
        known.evidence.push(line);
        continue;
      }
      out.push({
        kind: 'missing-index',
        title: `Sequential scans of ${t.table} (${t.liveRows.toLocaleString('en-US')} rows)`,
        table: t.table,
        perJourney: [entry],
        sql: [`-- find the filtered column: ${ev.statementsAvailable ? `EXPLAIN the queries on ${t.table}` : 'enable pg_stat_statements (see the note) and re-run'}, then CREATE INDEX CONCURRENTLY ON ${t.table} (<column>);`],
        evidence: [line],
      });
    }
  }

  // The connection pool is full, or backends wait on locks.
  for (const p of ev.phases) {
    const a = p.activity;
    if (!a) continue;
    // A pool is the limit when the application holds fewer connections than requests are in flight
    // and keeps all of them busy (requests queue for a connection), or when the server is nearly full.
    const nearServer = a.maxConnections > 0 && a.maxTotal >= 0.8 * a.maxConnections;
    const poolBound = p.loadConnections !== null && a.maxTotal < p.loadConnections && a.allBusyShare >= POOL_BUSY_SHARE;
    if (a.maxTotal >= 1 && (poolBound || nearServer)) {
      out.push({
        kind: 'pool-saturation',
        title: `Connection pool saturated in ${jname(p.journey)}: all ${a.maxTotal} connections busy in ${pct(a.allBusyShare)} of samples`,
        perJourney: [{ journey: p.journey, requests: p.requests, callsPerRequest: p.callsPerRequest, msPerRequest: p.dbMsPerRequest, shareOfLatency: p.dbShareOfLatency }],
        sql: [
          nearServer
            ? `-- ${a.maxTotal} of max_connections ${a.maxConnections} in use: put a pooler (PgBouncer) in front, or raise max_connections`
            : `-- the application pool (${a.maxTotal} connections) is the limit: size it to the measured concurrency (mean ${fmtDecimal(a.meanActive, 1)} active, peak ${a.maxActive}) or make the statements cheaper`,
        ],
        evidence: [`pg_stat_activity, ${a.samples} samples every ${a.intervalMs} ms: ${a.maxTotal} connections (max_connections ${a.maxConnections}) for ${p.loadConnections ?? 'n/a'} concurrent requests, ${fmtDecimal(a.meanActive, 1)} active on average, all busy in ${pct(a.allBusyShare)} of samples`],
      });
    }
    if (a.lockWaitShare >= LOCK_WAIT_SHARE) {
      const top = Object.entries(a.waitShares).filter(([k]) => k.startsWith('Lock:')).sort((x, y) => y[1] - x[1]);
      out.push({
        kind: 'lock-contention',
        title: `Lock contention in ${jname(p.journey)}: ${pct(a.lockWaitShare)} of active time waiting on locks`,
        perJourney: [{ journey: p.journey, requests: p.requests, callsPerRequest: p.callsPerRequest, msPerRequest: p.dbMsPerRequest, shareOfLatency: p.dbShareOfLatency }],
        sql: ['-- shorten the transactions that update the same rows, update in a fixed order, or move the hot counter out of the row'],
        evidence: [`pg_stat_activity: ${top.map(([k, v]) => `${k} ${pct(v)}`).join(', ')} of active backend samples`],
      });
    }
  }
  return out;
}
