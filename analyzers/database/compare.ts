/**
 * Before/after database time per journey, from the `database` sections of two baselines. Statements
 * are matched by their elided text; a statement the fix removed (a batched N+1) has 0 calls after,
 * or null when the after-list was cut at TOP_STATEMENTS and cannot say.
 */
import type { DatabaseEvidence, PhaseEvidence, StatementDelta } from './types.js';
import { TOP_STATEMENTS } from './diff.js';
import { journeyPhases } from './findings.js';

export interface DatabaseComparison {
  journeys: Array<{
    journey: string;
    before: { dbMsPerRequest: number | null; callsPerRequest: number | null };
    after: { dbMsPerRequest: number | null; callsPerRequest: number | null };
    /** Relative change of DB time per request, percent (negative = less time). */
    changePct: number | null;
  }>;
  /** The before-run's top statements per journey and the same statements after. */
  statements: Array<{ journey: string; text: string; before: Pick<StatementDelta, 'msPerRequest' | 'callsPerRequest'> | null; after: Pick<StatementDelta, 'msPerRequest' | 'callsPerRequest'> | null }>;
  notes: string[];
}

const key = (p: PhaseEvidence): string => p.journey ?? 'overall';

export function compareDatabase(before: DatabaseEvidence | undefined, after: DatabaseEvidence | undefined): DatabaseComparison | undefined {
  if (!before && !after) return undefined;
  const notes: string[] = [];
  if (!before || !after) {
    notes.push(`database evidence only in the ${before ? 'before' : 'after'}-run: set target.database for both runs to compare database time`);
    return { journeys: [], statements: [], notes };
  }
  const a = new Map(journeyPhases(after).map((p) => [key(p), p]));
  const journeys: DatabaseComparison['journeys'] = [];
  const statements: DatabaseComparison['statements'] = [];
  for (const b of journeyPhases(before)) {
    const x = a.get(key(b));
    if (!x) continue;
    const change = b.dbMsPerRequest !== null && x.dbMsPerRequest !== null && b.dbMsPerRequest > 0 ? (x.dbMsPerRequest / b.dbMsPerRequest - 1) * 100 : null;
    journeys.push({
      journey: key(b),
      before: { dbMsPerRequest: b.dbMsPerRequest, callsPerRequest: b.callsPerRequest },
      after: { dbMsPerRequest: x.dbMsPerRequest, callsPerRequest: x.callsPerRequest },
      changePct: change,
    });
    // A statement missing from an after-list shorter than the cut-off did not run at all (0 calls).
    const complete = x.statements !== null && x.statements.length < TOP_STATEMENTS;
    for (const s of (b.statements ?? []).slice(0, 3)) {
      const m = (x.statements ?? []).find((y) => y.text === s.text);
      const after = m ? { msPerRequest: m.msPerRequest, callsPerRequest: m.callsPerRequest } : complete ? { msPerRequest: 0, callsPerRequest: 0 } : null;
      statements.push({ journey: key(b), text: s.text, before: { msPerRequest: s.msPerRequest, callsPerRequest: s.callsPerRequest }, after });
    }
  }
  if (!before.statementsAvailable || !after.statementsAvailable) notes.push('pg_stat_statements was not loaded in one of the runs: database time per request is n/a there');
  return { journeys, statements, notes };
}
