import { categorize, displayLocation, type CpuProfile, type CpuProfileNode } from '../cpuprofile.js';
import type { RuleId } from './catalogue.js';

export interface JourneyKeys {
  name: string;
  keys: Set<string>;
}

/** CPU time of one root cause: a rule, the journey whose handler was on the stack, and the app frames to blame. */
export interface StackGroup {
  rule: RuleId;
  /** Journey names ("," when tied); "" when no frame on the stacks names a journey. */
  journey: string;
  us: number;
  /** The application frames the time is charged to (nearest app code on the stack), µs each. */
  culprits: Array<{ functionName: string; location: string; journey: string; us: number }>;
  /** µs per journey ("" = none recognised). */
  journeys: Record<string, number>;
}

export interface StackAnalysis {
  /** Non-idle sample time (the denominator of the shares), µs. */
  busyUs: number;
  groups: StackGroup[];
  /** True when a database engine (sql.js/SQLite or a driver) appears on the stacks. */
  dbEngine: boolean;
  /**
   * Event-loop stalls: per blocking frame (a `…Sync`/busy-wait name), the longest stretch of
   * consecutive CPU samples with it on the stack — how long the loop stood still at once.
   */
  stalls: Array<{ functionName: string; location: string; journey: string; longestUs: number; totalUs: number }>;
}

const DB_LIB = /[\\/]node_modules[\\/](sql\.js|better-sqlite3|sqlite3|pg|mysql2?|mongodb|knex|sequelize|prisma|@prisma|typeorm|ioredis|redis)[\\/]/;

export interface Signatures {
  /** Tokens of database wrappers (db.mjs, query helpers): skipped when looking for the query site. */
  db: Set<string>;
  blocking: Set<string>;
  serialise: Set<string>;
  payload: Set<string>;
}

function isAppCode(n: CpuProfileNode): boolean {
  const { functionName, url } = n.callFrame;
  return categorize(functionName, url) === 'app' && !url.startsWith('wasm://');
}

/**
 * Classifies every CPU sample of raw V8 profiles by its call stack: the first frame from the top
 * with a signature decides the rule (database engine → db-query, `…Sync`/busy-wait names →
 * blocking-io, stringify → serialisation, zlib → payload-size), otherwise the sample is synchronous
 * CPU in the nearest app frame. The journey is that of the nearest app frame whose name matches
 * a journey (`orderHistory` → order-history). Pure: profiles in, groups out.
 */
export function analyzeStacks(profiles: CpuProfile[], journeys: JourneyKeys[], tokenize: (s: string) => string[], sig: Signatures, cwd?: string): StackAnalysis {
  const dbEngine = profiles.some((p) => p.nodes.some((n) => DB_LIB.test(n.callFrame.url)));
  const groups = new Map<string, { rule: RuleId; journey: string; us: number; journeys: Record<string, number>; culprits: Map<string, { functionName: string; location: string; journey: string; us: number }> }>();
  let busyUs = 0;
  const stalls = new Map<string, StackAnalysis['stalls'][number]>();
  for (const profile of profiles) {
    const byId = new Map<number, CpuProfileNode>();
    const parent = new Map<number, number>();
    for (const n of profile.nodes) byId.set(n.id, n);
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

    const journeyOfNode = (n: CpuProfileNode): string | undefined => {
      if (!isAppCode(n)) return undefined;
      const t = new Set(tokenize(n.callFrame.functionName));
      let best = 0;
      let names: string[] = [];
      for (const j of journeys) {
        let c = 0;
        for (const k of j.keys) if (t.has(k)) c++;
        if (c > best) {
          best = c;
          names = [j.name];
        } else if (c === best && c > 0) names.push(j.name);
      }
      return best > 0 ? names.join(',') : undefined;
    };
    const isDbWrapper = (n: CpuProfileNode): boolean =>
      tokenize(`${n.callFrame.functionName} ${n.callFrame.url.split(/[\\/]/).pop() ?? ''}`).some((x) => sig.db.has(x));
    const ruleOfNode = (n: CpuProfileNode): RuleId | undefined => {
      const { functionName, url } = n.callFrame;
      if (DB_LIB.test(url) || (dbEngine && url.startsWith('wasm://'))) return 'db-query';
      const t = tokenize(functionName);
      if (t.some((x) => sig.blocking.has(x))) return 'blocking-io';
      if (t.some((x) => sig.payload.has(x))) return 'payload-size';
      if (t.some((x) => sig.serialise.has(x))) return 'serialisation';
      return undefined;
    };
    // The classification of a stack depends only on its top node: memoise per node id.
    type Classified = { rule: RuleId; journey: string; culprit: CpuProfileNode; stall?: CpuProfileNode };
    const memo = new Map<number, Classified | null>();
    const classify = (topId: number): Classified | null => {
      if (memo.has(topId)) return memo.get(topId) as Classified | null;
      let stall: CpuProfileNode | undefined;
      let rule: RuleId | undefined;
      let ruleAt = -1;
      let firstApp: CpuProfileNode | undefined;
      let appAfterRule: CpuProfileNode | undefined;
      let journey = '';
      let depth = 0;
      for (let id: number | undefined = topId; id !== undefined; id = parent.get(id), depth++) {
        const n = byId.get(id) as CpuProfileNode;
        if (n.callFrame.functionName === '(root)') break;
        if (tokenize(n.callFrame.functionName).some((x) => sig.blocking.has(x)) && (isAppCode(n) || !stall)) stall = n;
        if (!rule) {
          const r = ruleOfNode(n);
          if (r) {
            rule = r;
            ruleAt = depth;
          }
        }
        if (isAppCode(n)) {
          firstApp ??= n;
          if (rule && depth >= ruleAt && !appAfterRule && !(rule === 'db-query' && isDbWrapper(n))) appAfterRule = n;
          if (!journey) journey = journeyOfNode(n) ?? '';
        }
      }
      let out: Classified | null = null;
      if (rule && (appAfterRule ?? firstApp)) out = { rule, journey, culprit: (appAfterRule ?? firstApp) as CpuProfileNode };
      else if (firstApp) out = { rule: 'sync-cpu', journey, culprit: firstApp };
      if (out && stall) out.stall = stall;
      memo.set(topId, out);
      return out;
    };

    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let runKey = '';
    let runUs = 0;
    for (let i = 0; i < samples.length; i++) {
      const d = Math.max(0, deltas[i + 1] ?? 0);
      const top = byId.get(samples[i] as number);
      if (!top || d === 0) continue;
      const cat = categorize(top.callFrame.functionName, top.callFrame.url);
      const c = cat === 'idle' || cat === 'program' ? null : classify(top.id);
      // Stall runs: consecutive samples under the same blocking frame (GC inside a stall continues it).
      if (c?.stall) {
        const { functionName, url, lineNumber } = c.stall.callFrame;
        const location = displayLocation(url, lineNumber + 1, cwd);
        const key = `${functionName}@${location}`;
        runUs = key === runKey ? runUs + d : d;
        runKey = key;
        const st = stalls.get(key) ?? { functionName: functionName || '(anonymous)', location, journey: c.journey, longestUs: 0, totalUs: 0 };
        st.longestUs = Math.max(st.longestUs, runUs);
        st.totalUs += d;
        if (!st.journey && c.journey) st.journey = c.journey;
        stalls.set(key, st);
      } else if (cat !== 'gc') {
        runKey = '';
        runUs = 0;
      }
      if (cat === 'idle') continue;
      busyUs += d;
      if (cat === 'program' || cat === 'gc') continue;
      if (!c) continue;
      const key = `${c.rule}|${c.rule === 'db-query' ? '*' : c.journey}`;
      let g = groups.get(key);
      if (!g) {
        g = { rule: c.rule, journey: c.rule === 'db-query' ? '*' : c.journey, us: 0, journeys: {}, culprits: new Map() };
        groups.set(key, g);
      }
      g.us += d;
      g.journeys[c.journey] = (g.journeys[c.journey] ?? 0) + d;
      const { functionName, url, lineNumber } = c.culprit.callFrame;
      const location = displayLocation(url, lineNumber + 1, cwd);
      const ck = `${functionName}@${location}@${c.journey}`;
      const cul = g.culprits.get(ck) ?? { functionName: functionName || '(anonymous)', location, journey: c.journey, us: 0 };
      cul.us += d;
      g.culprits.set(ck, cul);
    }
  }
  return {
    busyUs,
    dbEngine,
    stalls: [...stalls.values()].sort((a, b) => b.longestUs - a.longestUs),
    groups: [...groups.values()]
      .map((g) => ({ rule: g.rule, journey: g.journey, us: g.us, journeys: g.journeys, culprits: [...g.culprits.values()].sort((a, b) => b.us - a.us) }))
      .sort((a, b) => b.us - a.us),
  };
}
