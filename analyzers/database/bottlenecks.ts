/**
 * Database findings as inputs of the bottleneck ranking. A finding's impact is the share of all
 * request time it accounts for: per journey, its ms per request over the journey's mean latency,
 * weighted by the journey's share of request time (the same weights the CPU findings use).
 */
import { fmtNum } from '../../core/format.js';
import type { RuleId } from '../bottlenecks/catalogue.js';
import type { Bottleneck, Evidence } from '../bottlenecks/types.js';
import { databaseFindings, type DatabaseFinding } from './findings.js';
import type { DatabaseEvidence } from './types.js';

export type DatabaseDraft = Omit<Bottleneck, 'rank' | 'roi' | 'quadrant' | 'estimatedImprovementPct' | 'estimateFormula' | 'strength' | 'owner' | 'effortDays' | 'id' | 'approach' | 'alternatives'> & {
  impactShare: number;
  approach: string;
};

export interface JourneyWeight {
  name: string;
  latencyShare: number;
}

const RULE: Record<DatabaseFinding['kind'], RuleId> = {
  'missing-index': 'db-missing-index',
  'n-plus-one': 'db-n-plus-one',
  'pool-saturation': 'pool-saturation',
  'lock-contention': 'pool-saturation',
};

const APPROACH: Record<DatabaseFinding['kind'], (f: DatabaseFinding) => string> = {
  'missing-index': (f) => (f.columns ? `add the index: ${f.sql[0]}` : `index the filtered column of ${f.table}`),
  'n-plus-one': () => 'batch or join the N+1: fetch every item of the request in one query (JOIN or = ANY(array)), or cache the repeated read',
  'pool-saturation': () => 'size the connection pool to the measured concurrency (and make the statements holding it cheaper)',
  'lock-contention': () => 'shorten the transactions that contend for the same rows, or change the hot-row update pattern',
};

export function databaseDrafts(ev: DatabaseEvidence | undefined, journeys: JourneyWeight[]): DatabaseDraft[] {
  if (!ev) return [];
  const all = journeys.map((j) => j.name);
  return databaseFindings(ev).map((f) => {
    const named = f.perJourney.map((p) => p.journey).filter((j): j is string => j !== null && all.includes(j));
    const affected = named.length ? [...new Set(named)] : all;
    const weight = (j: string | null): number => (j === null ? 1 : (journeys.find((x) => x.name === j)?.latencyShare ?? 0));
    const impactShare = Math.min(1, f.perJourney.reduce((a, p) => a + (p.shareOfLatency ?? 0) * weight(p.journey), 0));
    const latencyShare = journeys.length ? journeys.filter((j) => affected.includes(j.name)).reduce((a, j) => a + j.latencyShare, 0) : null;
    const evidence: Evidence[] = [
      ...(f.statement ? [{ kind: 'database' as const, text: `statement: ${f.statement}` }] : []),
      ...f.evidence.map((text, i) => ({ kind: 'database' as const, text, ...(f.perJourney[i]?.callsPerRequest != null ? { value: f.perJourney[i]?.callsPerRequest as number } : {}) })),
      ...(f.plan?.length ? [{ kind: 'database' as const, text: `plan: ${f.plan.map((l) => l.trim()).join(' | ')}` }] : []),
    ];
    const top = f.perJourney[0];
    return {
      rule: RULE[f.kind],
      title: f.title,
      description:
        f.kind === 'n-plus-one'
          ? `The same statement runs ${typeof top?.callsPerRequest === 'number' ? fmtNum(top.callsPerRequest, 2) : 'n/a'} times per request, one row each: one round trip per item.`
          : f.kind === 'missing-index'
            ? `Every call reads the whole table${f.columns ? ` to find the rows matching ${f.columns.join(', ')}` : ''}; an index turns the scan into a lookup.`
            : f.title,
      evidence,
      impact: { cpuShare: null, latencyShare, journeys: affected },
      impactShare,
      approach: APPROACH[f.kind](f),
      sql: f.sql,
    };
  });
}
