import { categorize, displayLocation, type CpuProfile, type CpuProfileNode } from '../cpuprofile.js';
import type { RuleId } from './catalogue.js';

export interface JourneyKeys {
  name: string;
  keys: Set<string>;
}

/** A frame the time is charged to: the nearest app frame, or — when the stack has none — a dependency frame. */
export interface Culprit {
  functionName: string;
  location: string;
  journey: string;
  us: number;
  /** npm package of a dependency culprit (`lowdb`, `@scope/pkg`); absent for app code. */
  package?: string;
}

/** CPU time of one root cause: a rule, the journey whose handler was on the stack, and the frames to blame. */
export interface StackGroup {
  rule: RuleId;
  /** Journey names ("," when tied); "" when no frame on the stacks names a journey. */
  journey: string;
  us: number;
  /** CPU samples in the group (the evidence size). */
  samples: number;
  /** `app`: charged to the application's own frames; `dependency`: no app frame on these stacks, charged to a package. */
  owner: 'app' | 'dependency';
  /** The package of a dependency group. */
  package?: string;
  /** Packages on the stacks between the culprit and the root (who called it), nearest first. */
  via: string[];
  /** The frames the time is charged to, µs each. */
  culprits: Culprit[];
  /** µs per journey ("" = none recognised). */
  journeys: Record<string, number>;
}

export interface StackAnalysis {
  /** Non-idle sample time (the denominator of the shares), µs. */
  busyUs: number;
  /** Non-idle samples (the evidence size of the shares). */
  busySamples: number;
  /** Busy time on stacks with no JavaScript frame to charge (Node internals, native code only), µs. */
  unattributedUs: number;
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
  /** Serialisation tokens that count only in dependency frames (a template engine's `render`). */
  serialiseLibrary: Set<string>;
  payload: Set<string>;
}

function isAppCode(n: CpuProfileNode): boolean {
  const { functionName, url } = n.callFrame;
  return categorize(functionName, url) === 'app' && !url.startsWith('wasm://');
}

function isDependency(n: CpuProfileNode): boolean {
  return categorize(n.callFrame.functionName, n.callFrame.url) === 'node_modules';
}

/** The npm package a file belongs to: the segment after the last `node_modules/` (scoped: two segments). */
export function packageOf(url: string): string | undefined {
  const parts = url.replace(/\\/g, '/').split('/node_modules/');
  if (parts.length < 2) return undefined;
  const [a, b] = (parts[parts.length - 1] as string).split('/');
  if (!a) return undefined;
  return a.startsWith('@') && b ? `${a}/${b}` : a;
}

/**
 * Classifies every CPU sample of raw V8 profiles by its call stack: the first frame from the top
 * with a signature decides the rule (database engine → db-query, `…Sync`/busy-wait names →
 * blocking-io, stringify → serialisation, zlib → payload-size), otherwise the sample is synchronous
 * CPU. The time is charged to the nearest app frame at or below that frame; a stack with no app
 * frame at all (a service that is all dependencies, like json-server) is charged to the nearest
 * dependency frame and its package. The journey is that of the nearest frame whose name matches a
 * journey — app frames first, then dependency frames (`create` in a router → create-comment).
 * Pure: profiles in, groups out.
 */
export function analyzeStacks(profiles: CpuProfile[], journeys: JourneyKeys[], tokenize: (s: string) => string[], sig: Signatures, cwd?: string): StackAnalysis {
  const dbEngine = profiles.some((p) => p.nodes.some((n) => DB_LIB.test(n.callFrame.url)));
  type Acc = Omit<StackGroup, 'culprits' | 'via'> & { culprits: Map<string, Culprit>; via: Map<string, number> };
  const groups = new Map<string, Acc>();
  let busyUs = 0;
  let busySamples = 0;
  let unattributedUs = 0;
  const stalls = new Map<string, StackAnalysis['stalls'][number]>();
  for (const profile of profiles) {
    const byId = new Map<number, CpuProfileNode>();
    const parent = new Map<number, number>();
    for (const n of profile.nodes) byId.set(n.id, n);
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

    const journeyOfNode = (n: CpuProfileNode): string | undefined => {
      if (!isAppCode(n) && !isDependency(n)) return undefined;
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
      if (isDependency(n) && t.some((x) => sig.serialiseLibrary.has(x))) return 'serialisation';
      return undefined;
    };
    // The classification of a stack depends only on its top node: memoise per node id.
    type Classified = { rule: RuleId; journey: string; culprit: CpuProfileNode; owner: 'app' | 'dependency'; via: string[]; stall?: CpuProfileNode };
    const memo = new Map<number, Classified | null>();
    const classify = (topId: number): Classified | null => {
      if (memo.has(topId)) return memo.get(topId) as Classified | null;
      let stall: CpuProfileNode | undefined;
      let rule: RuleId | undefined;
      let ruleAt = -1;
      let firstApp: CpuProfileNode | undefined;
      let appAfterRule: CpuProfileNode | undefined;
      let firstDep: CpuProfileNode | undefined;
      let depAfterRule: CpuProfileNode | undefined;
      let journey = '';
      let depJourney = '';
      const chain: CpuProfileNode[] = [];
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
        chain.push(n);
        if (isAppCode(n)) {
          firstApp ??= n;
          if (rule && depth >= ruleAt && !appAfterRule && !(rule === 'db-query' && isDbWrapper(n))) appAfterRule = n;
          if (!journey) journey = journeyOfNode(n) ?? '';
        } else if (isDependency(n)) {
          firstDep ??= n;
          if (rule && depth >= ruleAt && !depAfterRule) depAfterRule = n;
          if (!depJourney) depJourney = journeyOfNode(n) ?? '';
        }
      }
      // Packages below the culprit (its callers), nearest first: who asked for this work.
      const viaFrom = (c: CpuProfileNode): string[] => {
        const out: string[] = [];
        for (const n of chain.slice(chain.indexOf(c) + 1)) {
          const pkg = packageOf(n.callFrame.url);
          if (pkg && !out.includes(pkg)) out.push(pkg);
        }
        return out;
      };
      let out: Classified | null = null;
      const app = rule ? (appAfterRule ?? firstApp) : firstApp;
      const dep = rule ? (depAfterRule ?? firstDep) : firstDep;
      if (app) out = { rule: rule ?? 'sync-cpu', journey: journey || depJourney, culprit: app, owner: 'app', via: viaFrom(app) };
      else if (dep) out = { rule: rule ?? 'sync-cpu', journey: depJourney, culprit: dep, owner: 'dependency', via: viaFrom(dep) };
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
      busySamples++;
      if (cat === 'program' || cat === 'gc') continue;
      if (!c) {
        unattributedUs += d;
        continue;
      }
      const { functionName, url, lineNumber } = c.culprit.callFrame;
      const pkg = c.owner === 'dependency' ? packageOf(url) : undefined;
      // App code: one group per rule × journey. Dependencies: one per rule × journey × function, so
      // "lowdb stringify under create-comment" is a finding of its own.
      const key = `${c.rule}|${c.rule === 'db-query' ? '*' : c.journey}|${c.owner === 'dependency' ? `${pkg ?? ''}:${functionName}` : ''}`;
      let g = groups.get(key);
      if (!g) {
        g = { rule: c.rule, journey: c.rule === 'db-query' ? '*' : c.journey, us: 0, samples: 0, owner: c.owner, ...(pkg ? { package: pkg } : {}), journeys: {}, culprits: new Map(), via: new Map() };
        groups.set(key, g);
      }
      g.us += d;
      g.samples++;
      g.journeys[c.journey] = (g.journeys[c.journey] ?? 0) + d;
      for (const v of c.via) g.via.set(v, (g.via.get(v) ?? 0) + d);
      const location = displayLocation(url, lineNumber + 1, cwd);
      const ck = `${functionName}@${location}@${c.journey}`;
      const cul = g.culprits.get(ck) ?? { functionName: functionName || '(anonymous)', location, journey: c.journey, us: 0, ...(pkg ? { package: pkg } : {}) };
      cul.us += d;
      g.culprits.set(ck, cul);
    }
  }
  return {
    busyUs,
    busySamples,
    unattributedUs,
    dbEngine,
    stalls: [...stalls.values()].sort((a, b) => b.longestUs - a.longestUs),
    groups: [...groups.values()]
      .map((g) => ({
        ...g,
        // A package counts as a caller when it is under at least half of the group's time.
        via: [...g.via.entries()].filter(([, us]) => us >= g.us / 2).map(([p]) => p),
        culprits: [...g.culprits.values()].sort((a, b) => b.us - a.us),
      }))
      .sort((a, b) => b.us - a.us),
  };
}
