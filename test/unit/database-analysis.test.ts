import { describe, expect, it } from 'vitest';
import { summariseActivity } from '../../analyzers/database/activity.js';
import { compareDatabase } from '../../analyzers/database/compare.js';
import { diffPhase } from '../../analyzers/database/diff.js';
import { elideParameters } from '../../analyzers/database/elide.js';
import { databaseFindings } from '../../analyzers/database/findings.js';
import { readPlan, type PlanNode } from '../../analyzers/database/plan.js';
import type { ActivitySample, DatabaseEvidence, DatabaseSnapshot, PhaseEvidence } from '../../analyzers/database/types.js';

const stmt = (queryid: string, query: string, calls: number, totalExecMs: number, rows: number) => ({ queryid, query, calls, totalExecMs, rows, sharedBlksHit: 10 * calls, sharedBlksRead: 0 });
const snap = (statements: ReturnType<typeof stmt>[], seq = 0, tup = 0): DatabaseSnapshot => ({
  statements,
  tables: [{ schema: 'public', table: 'orders', seqScan: seq, seqTupRead: tup, idxScan: 0, idxTupFetch: 0, liveRows: 120_000 }],
  indexes: [],
});

function evidence(phases: PhaseEvidence[], plans: DatabaseEvidence['plans'] = [], roundTripMs: number | null = 0.1): DatabaseEvidence {
  return { engine: 'postgres', server: { version: '15.0', maxConnections: 100 }, statementsAvailable: true, roundTripMs, statementsHint: null, phases, plans, unusedIndexes: [], notes: [] };
}

describe('database analysis', () => {
  it('divides the statement deltas of a phase by its requests (calls, ms and rows per request)', () => {
    // 40 requests: 200 calls of the author lookup (5 per request, 1 row each) taking 20 ms in all;
    // 40 scans of orders reading 120,000 rows each.
    const p = diffPhase({
      phase: 'detail',
      journey: 'detail',
      before: snap([stmt('1', 'SELECT name FROM users WHERE id = $1', 100, 10, 100)], 5, 600_000),
      after: snap([stmt('1', 'SELECT name FROM users WHERE id = $1', 300, 30, 300), stmt('2', "SELECT * FROM orders WHERE customer_id = $1 AND status = 'x'", 40, 400, 800)], 45, 5_400_000),
      requests: 40,
      durationMs: 2000,
      latencyMeanMs: 20,
      loadConnections: 4,
      activity: null,
    });
    const authors = p.statements!.find((s) => s.queryid === '1')!;
    expect(authors).toMatchObject({ calls: 200, callsPerRequest: 5, msPerRequest: 0.5, rowsPerCall: 1, shareOfLatency: 0.025, text: 'SELECT name FROM users WHERE id = ?' });
    expect(p.statements![0]!.text).toBe('SELECT * FROM orders WHERE customer_id = ? AND status = ?'); // most time first, literals elided
    expect(p.dbMsPerRequest).toBe(10.5); // (20 + 400) / 40
    expect(p.callsPerRequest).toBe(6);
    expect(p.tables[0]).toMatchObject({ table: 'orders', seqScans: 40, seqScansPerRequest: 1, seqRowsReadPerRequest: 120_000 });
  });

  it('elides literals and parameters but keeps identifiers with digits', () => {
    expect(elideParameters("SELECT v2 FROM t1 WHERE a = $1 AND b IN (3, 4.5) AND c = 'it''s'")).toBe('SELECT v2 FROM t1 WHERE a = ? AND b IN (?, ?) AND c = ?');
  });

  it('reads a parallel plan: the filtered column, the sort keys above the scan, and one index for both', () => {
    const plan: PlanNode = {
      'Node Type': 'Limit',
      Plans: [{ 'Node Type': 'Gather Merge', Plans: [{ 'Node Type': 'Sort', 'Sort Key': ['created_at DESC', 'id DESC'], Plans: [{ 'Node Type': 'Parallel Seq Scan', 'Relation Name': 'orders', Filter: '(customer_id = $1)', 'Plan Rows': 25 }] }] }],
    };
    const known = new Set(['id', 'customer_id', 'created_at', 'status']);
    const r = readPlan('9', 'SELECT … FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?', plan, () => known, () => 'shop');
    expect(r.seqScans[0]).toMatchObject({ table: 'orders', columns: ['customer_id', 'created_at DESC', 'id DESC'] });
    expect(r.proposedIndexes).toEqual(['CREATE INDEX CONCURRENTLY idx_orders_customer_id_created_at_id ON shop.orders (customer_id, "created_at DESC", "id DESC");'.replace('"created_at DESC", "id DESC"', 'created_at DESC, id DESC')]);
    expect(r.excerpt.join('\n')).toMatch(/-> Parallel Seq Scan on orders \(est. rows 25\)\n\s+Filter: \(customer_id = \$1\)/);
    // A LIKE filter is not served by a b-tree: no proposal.
    const like = readPlan('8', 'x', { 'Node Type': 'Seq Scan', 'Relation Name': 'products', Filter: "(lower(name) ~~ $1)" }, () => new Set(['name']));
    expect(like.proposedIndexes).toEqual([]);
  });

  it('finds the N+1 (a read called 3+ times per request, one row each) and not per-item writes or pages', () => {
    const phase = (statements: PhaseEvidence['statements']): PhaseEvidence => ({ phase: 'j', journey: 'j', requests: 10, durationMs: 1000, latencyMeanMs: 50, loadConnections: 4, statements, dbMsPerRequest: 1, dbShareOfLatency: 0.02, callsPerRequest: 10, tables: [], indexesUsed: [], activity: null });
    const d = (queryid: string, text: string, callsPerRequest: number, rowsPerCall: number) => ({ queryid, text, calls: callsPerRequest * 10, totalMs: callsPerRequest, meanMs: 0.1, rows: rowsPerCall * callsPerRequest * 10, sharedBlksHit: 0, sharedBlksRead: 0, callsPerRequest, msPerRequest: callsPerRequest * 0.1, rowsPerCall, shareOfLatency: (callsPerRequest * 0.1) / 50 });
    const f = databaseFindings(evidence([phase([d('1', 'SELECT name FROM users WHERE id = ?', 12, 1), d('2', 'UPDATE stock SET n = n - ? WHERE id = ?', 12, 1), d('3', 'SELECT * FROM items WHERE list = ?', 12, 20), d('4', 'SELECT id FROM carts WHERE id = ?', 2, 1)])]));
    const n1 = f.filter((x) => x.kind === 'n-plus-one');
    expect(n1.map((x) => x.queryid)).toEqual(['1']);
    // 12 calls × (0.1 ms execution + 0.1 ms round trip) = 2.4 ms per request = 4.8% of 50 ms.
    const j = n1[0]!.perJourney[0]!;
    expect(j.callsPerRequest).toBe(12);
    expect(j.msPerRequest).toBeCloseTo(2.4, 9);
    expect(j.shareOfLatency).toBeCloseTo(0.048, 9);
    expect(n1[0]!.sql[0]).toMatch(/^SELECT name FROM users WHERE id = ANY\(\?\)/);
  });

  it('calls the pool saturated only when the application holds fewer connections than requests in flight, all busy', () => {
    const samples: ActivitySample[] = Array.from({ length: 8 }, (_, i) => ({ atMs: i * 250, total: 4, active: 4, idleInTransaction: 0, waits: (i % 2 ? { 'Lock:tuple': 2 } : {}) as Record<string, number> }));
    const a = summariseActivity(samples, 250, 100)!;
    expect(a).toMatchObject({ maxTotal: 4, meanActive: 4, allBusyShare: 1, lockWaitShare: 0.25 }); // 4 samples × 2 waiting = 8 of 32 active backend-samples
    const phase = (loadConnections: number): PhaseEvidence => ({ phase: 'j', journey: 'j', requests: 10, durationMs: 2000, latencyMeanMs: 50, loadConnections, statements: [], dbMsPerRequest: 0, dbShareOfLatency: 0, callsPerRequest: 0, tables: [], indexesUsed: [], activity: a });
    expect(databaseFindings(evidence([phase(16)])).map((f) => f.kind)).toEqual(['pool-saturation', 'lock-contention']);
    expect(databaseFindings(evidence([phase(4)])).map((f) => f.kind)).toEqual(['lock-contention']);
  });

  it('compares database time per journey before and after, matching statements by their text', () => {
    const ph = (ms: number, calls: number, text: string): PhaseEvidence => ({ phase: 'j', journey: 'j', requests: 10, durationMs: 1000, latencyMeanMs: 50, loadConnections: 4, statements: [{ queryid: text, text, calls, totalMs: ms * 10, meanMs: 1, rows: 1, sharedBlksHit: 0, sharedBlksRead: 0, callsPerRequest: calls, msPerRequest: ms, rowsPerCall: 1, shareOfLatency: ms / 50 }], dbMsPerRequest: ms, dbShareOfLatency: ms / 50, callsPerRequest: calls, tables: [], indexesUsed: [], activity: null });
    const c = compareDatabase(evidence([ph(20, 2, 'SELECT a')]), evidence([ph(2, 2, 'SELECT a')]))!;
    expect(c.journeys[0]).toMatchObject({ journey: 'j', before: { dbMsPerRequest: 20 }, after: { dbMsPerRequest: 2 }, changePct: -90 });
    expect(c.statements[0]).toMatchObject({ text: 'SELECT a', after: { msPerRequest: 2 } });
    // The batched N+1 is gone after the fix: 0 calls, not "unknown".
    expect(compareDatabase(evidence([ph(20, 70, 'SELECT n1')]), evidence([ph(1, 1, 'SELECT joined')]))!.statements[0]!.after).toEqual({ msPerRequest: 0, callsPerRequest: 0 });
    expect(compareDatabase(evidence([ph(1, 1, 'x')]), undefined)!.notes[0]).toMatch(/only in the before-run/);
  });
});
