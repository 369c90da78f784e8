/**
 * Database evidence around measured phases: a snapshot before, pg_stat_activity samples during, a
 * snapshot after; at the end the top statements are explained and everything becomes the baseline's
 * `database` section. PostgreSQL flushes an idle backend's table and index counters up to 10 s late
 * (PGSTAT_IDLE_INTERVAL), so those are read `settleMs` after the phase; statement counters are exact
 * at once (pg_stat_statements updates them as each statement ends).
 */
import { summariseActivity } from '../../analyzers/database/activity.js';
import { diffPhase, unusedIndexes } from '../../analyzers/database/diff.js';
import { readPlan } from '../../analyzers/database/plan.js';
import type { ActivitySample, DatabaseEvidence, DatabaseSnapshot, PhaseEvidence, PlanExcerpt } from '../../analyzers/database/types.js';
import { resolveDatabaseUrl } from '../../core/config/headers.js';
import type { PerfConfig } from '../../core/config/types.js';
import { SecretSet } from '../../core/redact.js';
import { PostgresProbe } from './probe.js';

/** PGSTAT_IDLE_INTERVAL (10 s) plus a margin. */
export const DEFAULT_SETTLE_MS = 10_500;
export const ACTIVITY_INTERVAL_MS = 250;
/** Statements explained at the end (by database time per request, over all phases). */
export const EXPLAIN_TOP = 8;

export interface PhaseMeasure {
  requests: number;
  durationMs: number;
  latencyMeanMs: number | null;
  loadConnections: number | null;
}

export interface DatabaseRecorderOptions {
  settleMs?: number;
  activityIntervalMs?: number;
  /** Called around each snapshot (tests, progress lines). */
  onStep?: (what: string) => void;
}

export class DatabaseRecorder {
  private readonly phases: PhaseEvidence[] = [];
  private last: DatabaseSnapshot | undefined;
  private readonly notes: string[] = [];
  private roundTripMs: number | null = null;

  private constructor(
    private readonly probe: PostgresProbe,
    private readonly opts: Required<Omit<DatabaseRecorderOptions, 'onStep'>> & DatabaseRecorderOptions,
  ) {}

  /** Connects when the config names a database (before any load runs); undefined otherwise. */
  static async open(config: PerfConfig, opts: DatabaseRecorderOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<DatabaseRecorder | undefined> {
    if (!config.target.database) return undefined;
    const url = resolveDatabaseUrl(config.target.database.postgres, env);
    const secrets = new SecretSet();
    secrets.addDatabaseUrl(url);
    const probe = await PostgresProbe.connect(url, secrets);
    return new DatabaseRecorder(probe, { settleMs: opts.settleMs ?? DEFAULT_SETTLE_MS, activityIntervalMs: opts.activityIntervalMs ?? ACTIVITY_INTERVAL_MS, ...opts });
  }

  /** Runs `fn` as one measured phase and records its database evidence. */
  async phase<T>(phase: string, journey: string | null, fn: () => Promise<T>, measure: (r: T) => PhaseMeasure): Promise<T> {
    // Measured before the first load, on an idle server.
    this.roundTripMs ??= await this.probe.roundTripMs();
    const before = await this.probe.snapshot();
    const samples: ActivitySample[] = [];
    const t0 = Date.now();
    let sampling = Promise.resolve();
    const timer = setInterval(() => {
      sampling = sampling.then(async () => {
        samples.push(await this.probe.activity(Date.now() - t0));
      }).catch(() => undefined);
    }, this.opts.activityIntervalMs);
    let result: T;
    try {
      result = await fn();
    } finally {
      clearInterval(timer);
      await sampling;
    }
    const atEnd = await this.probe.snapshot();
    this.opts.onStep?.(`reading table and index statistics of "${phase}" in ${(this.opts.settleMs / 1000).toFixed(1)} s (PostgreSQL reports them late)`);
    if (this.opts.settleMs > 0) await new Promise((r) => setTimeout(r, this.opts.settleMs));
    const settled = await this.probe.snapshot();
    this.last = settled;
    const m = measure(result);
    this.phases.push(
      diffPhase({
        phase,
        journey,
        before,
        after: { statements: atEnd.statements, tables: settled.tables, indexes: settled.indexes },
        requests: m.requests,
        durationMs: m.durationMs,
        latencyMeanMs: m.latencyMeanMs,
        loadConnections: m.loadConnections,
        activity: summariseActivity(samples, this.opts.activityIntervalMs, this.probe.maxConnections),
      }),
    );
    return result;
  }

  /** Explains the top statements, lists unused indexes, closes the connection. */
  async finish(): Promise<DatabaseEvidence> {
    try {
      const plans: PlanExcerpt[] = [];
      if (this.probe.statementsAvailable) {
        const byId = new Map<string, { text: string; msPerRequest: number }>();
        for (const p of this.phases) {
          for (const s of p.statements ?? []) {
            const cur = byId.get(s.queryid);
            if (!cur || cur.msPerRequest < s.msPerRequest) byId.set(s.queryid, { text: s.text, msPerRequest: s.msPerRequest });
          }
        }
        const top = [...byId.entries()].sort((a, b) => b[1].msPerRequest - a[1].msPerRequest).slice(0, EXPLAIN_TOP);
        const raw = new Map((this.last?.statements ?? (await this.probe.snapshot()).statements ?? []).map((s) => [s.queryid, s.query]));
        const columns = await this.probe.columns();
        const tables = this.last?.tables ?? [];
        const schemas = [...new Set(tables.map((t) => t.schema))];
        const schemaOf = (t: string): string | null => {
          const found = tables.filter((x) => x.table === t);
          return found.length === 1 ? (found[0]?.schema ?? null) : null;
        };
        for (const [queryid, { text }] of top) {
          const query = raw.get(queryid);
          if (!query || !/^\s*(\/\*.*?\*\/\s*)*(select|with|update|delete)\b/is.test(query)) continue;
          try {
            const plan = await this.probe.explain(query, schemas);
            plans.push(readPlan(queryid, text, plan, (t) => columns.get(t), schemaOf));
          } catch (err) {
            plans.push({ queryid, text, excerpt: [], seqScans: [], proposedIndexes: [], error: (err as Error).message });
          }
        }
      } else this.notes.push('no statement plans: pg_stat_statements is not loaded, so perf cannot tell which statements ran');
      this.notes.push(`table and index counters were read ${(this.opts.settleMs / 1000).toFixed(1)} s after each phase (PostgreSQL reports an idle connection's counters up to 10 s late)`);
      return {
        engine: 'postgres',
        server: { version: this.probe.version, maxConnections: this.probe.maxConnections },
        statementsAvailable: this.probe.statementsAvailable,
        roundTripMs: this.roundTripMs,
        statementsHint: this.probe.statementsHint,
        phases: this.phases,
        plans,
        unusedIndexes: this.last ? unusedIndexes(this.phases, this.last) : [],
        notes: this.notes,
      };
    } finally {
      await this.probe.close();
    }
  }

  async close(): Promise<void> {
    await this.probe.close();
  }
}
