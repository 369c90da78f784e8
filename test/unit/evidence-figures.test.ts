import { describe, expect, it } from 'vitest';
import { databaseFindings } from '../../analyzers/database/findings.js';
import type { DatabaseEvidence, PhaseEvidence } from '../../analyzers/database/types.js';
import { renderDatabaseSection } from '../../templates/database.js';

// An evidence sentence and the report table beside it give one figure with one precision: both come
// from core/format.ts (analyzers/ has no toFixed of its own).
describe('figures in evidence sentences', () => {
  it('writes the N+1 ms per request and round trip with the precision of the database table (2.4 ms, not 2.40 ms)', () => {
    // 12 calls × (0.1 ms execution + 0.1 ms round trip) = 2.4 ms per request = 4.8% of 50 ms.
    const d = { queryid: '1', text: 'SELECT name FROM users WHERE id = ?', calls: 120, totalMs: 12, meanMs: 0.1, rows: 120, sharedBlksHit: 0, sharedBlksRead: 0, callsPerRequest: 12, msPerRequest: 1.2, rowsPerCall: 1, shareOfLatency: 0.024 };
    const phase: PhaseEvidence = { phase: 'j', journey: 'j', requests: 10, durationMs: 1000, latencyMeanMs: 50, loadConnections: 4, statements: [d], dbMsPerRequest: 1.2, dbShareOfLatency: 0.024, callsPerRequest: 12, tables: [], indexesUsed: [], activity: null };
    const ev: DatabaseEvidence = { engine: 'postgres', server: { version: '15.0', maxConnections: 100 }, statementsAvailable: true, roundTripMs: 0.1, statementsHint: null, phases: [phase], plans: [], unusedIndexes: [], notes: [] };
    const n1 = databaseFindings(ev).find((f) => f.kind === 'n-plus-one');
    expect(n1?.evidence[0]).toBe('"j": 12 calls per request (1 row each), 2.4 ms per request (execution + one 0.100 ms round trip per call) = 4.8% of its mean latency, over 10 requests');
    // The statement table of the same report: its 1.2 ms per request, in the same format.
    expect(renderDatabaseSection(ev).join('\n')).toContain('| 1.2 ms |');
  });
});
