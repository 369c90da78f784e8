/** The "Database" section of the baseline report (and its before/after table in the summary). */
import { databaseFindings } from '../analyzers/database/findings.js';
import type { DatabaseComparison } from '../analyzers/database/compare.js';
import type { DatabaseEvidence } from '../analyzers/database/types.js';
import { fmtMs, fmtNum, fmtPct, mdTable } from '../core/markdown.js';

const phaseName = (p: { phase: string; journey: string | null }): string => (p.journey === null ? 'mix (overall)' : p.phase);
const num = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : fmtNum(x, 2));

export function renderDatabaseSection(ev: DatabaseEvidence): string[] {
  const out: string[] = ['', `## Database (PostgreSQL ${ev.server.version})`, ''];
  if (ev.statementsHint) out.push(`> ⚠️ ${ev.statementsHint}`, '');
  out.push(
    'Measured around each phase: `pg_stat_statements` (per statement), `pg_stat_user_tables` / `pg_stat_user_indexes` (scans) and `pg_stat_activity` (connections, waits). Per request = divided by the requests of that phase.',
    '',
    mdTable(
      ['phase', 'requests', 'DB time / request', 'share of latency', 'statements / request', 'connections (peak / max)', 'mean active', 'lock waits'],
      ev.phases.map((p) => [
        phaseName(p),
        fmtNum(p.requests),
        fmtMs(p.dbMsPerRequest),
        fmtPct(p.dbShareOfLatency, 1),
        num(p.callsPerRequest),
        p.activity ? `${p.activity.maxTotal} / ${p.activity.maxConnections}` : 'n/a',
        p.activity ? fmtNum(p.activity.meanActive, 2) : 'n/a',
        p.activity ? fmtPct(p.activity.lockWaitShare, 1) : 'n/a',
      ]),
    ),
  );
  const rows = ev.phases.filter((p) => p.journey !== null || ev.phases.length === 1).flatMap((p) =>
    (p.statements ?? []).slice(0, 5).map((s) => [phaseName(p), s.text, num(s.callsPerRequest), fmtMs(s.msPerRequest), fmtPct(s.shareOfLatency, 1), fmtNum(s.rowsPerCall, 1), `${fmtNum(s.sharedBlksHit)} / ${fmtNum(s.sharedBlksRead)}`]),
  );
  if (rows.length) out.push('', '### Top statements per journey', '', mdTable(['journey', 'statement (parameters elided)', 'calls / request', 'ms / request', 'share of latency', 'rows / call', 'shared blocks hit / read'], rows));
  const scans = ev.phases.flatMap((p) => p.tables.filter((t) => t.seqScans > 0).map((t) => [phaseName(p), `${t.schema}.${t.table}`, fmtNum(t.liveRows), num(t.seqScansPerRequest), fmtNum(Math.round(t.seqRowsReadPerRequest))]));
  if (scans.length) out.push('', '### Sequential scans', '', mdTable(['phase', 'table', 'rows', 'seq scans / request', 'rows read / request'], scans));
  const plans = ev.plans.filter((p) => p.seqScans.length || p.error);
  if (plans.length) {
    out.push('', '### Plans of the top statements (EXPLAIN, generic plan, not executed)', '');
    for (const p of plans) {
      out.push(`- \`${p.text.replace(/`/g, "'")}\``);
      if (p.error) out.push(`  - plan n/a: ${p.error}`);
      else out.push('', '  ```', ...p.excerpt.map((l) => `  ${l}`), '  ```', ...p.proposedIndexes.map((i) => `  - proposed: \`${i}\``), '');
    }
  }
  const findings = databaseFindings(ev);
  if (findings.length) {
    out.push('', '### Findings', '');
    for (const f of findings) out.push(`- **${f.title}** — ${f.evidence[0] ?? ''}${f.sql[0] ? ` → \`${f.sql[0].replace(/`/g, "'")}\`` : ''}`);
  }
  if (ev.unusedIndexes.length) out.push('', '### Unused indexes', '', 'No phase used them and the server has never scanned them since its statistics were reset:', '', ...ev.unusedIndexes.map((i) => `- \`${i.definition}\``));
  if (ev.notes.length) out.push('', ...ev.notes.map((n) => `_${n}._`));
  return out;
}

export function renderDatabaseComparison(c: DatabaseComparison): string[] {
  if (c.journeys.length === 0) return [];
  return [
    '',
    '## Database time per journey',
    '',
    mdTable(
      ['journey', 'DB time / request before', 'after', 'change', 'statements / request before', 'after'],
      c.journeys.map((j) => [j.journey, fmtMs(j.before.dbMsPerRequest), fmtMs(j.after.dbMsPerRequest), j.changePct === null ? 'n/a' : `${j.changePct >= 0 ? '+' : ''}${j.changePct.toFixed(1)}%`, num(j.before.callsPerRequest), num(j.after.callsPerRequest)]),
    ),
    ...(c.statements.length
      ? [
          '',
          mdTable(
            ['journey', 'statement', 'ms / request before', 'after', 'calls / request before', 'after'],
            c.statements.map((s) => [s.journey, s.text, fmtMs(s.before?.msPerRequest), fmtMs(s.after?.msPerRequest), num(s.before?.callsPerRequest), num(s.after?.callsPerRequest)]),
          ),
        ]
      : []),
    ...c.notes.map((n) => `_${n}_`),
  ];
}
