import type { Journey, JourneyStep } from '../../core/config/types.js';
import type { BaselinePayload, HotFunction, LoadFigures, LoadTestPayload, ProfilePayload } from '../../core/artifacts/schemas.js';
import type { CpuProfile } from '../cpuprofile.js';
import { databaseDrafts } from '../database/bottlenecks.js';
import { RULES, type RuleId } from './catalogue.js';
import { analyzeStacks, packageOf, type StackAnalysis } from './stacks.js';
import { heapSiteEvidence, leakDraft } from './memory.js';
import type { Bottleneck, BottlenecksPayload, Evidence, MatrixQuadrant } from './types.js';

export interface AnalyzeInputs {
  baseline?: { file: string; payload: BaselinePayload };
  profile?: { file: string; payload: ProfilePayload };
  loadtest?: { file: string; payload: LoadTestPayload };
  /** Config journeys: their names and paths attribute hot functions to journeys. */
  journeys?: Journey[];
  /** The raw V8 CPU profiles (profile.rawProfiles, parsed): enables call-stack attribution. */
  cpuProfiles?: CpuProfile[];
  /** Directory `file:line` locations are shown relative to (the target's cwd). */
  cwd?: string;
}

/** Minimum self share of a hot frame to count as a bottleneck on its own. */
export const MIN_FRAME_SHARE = 0.03;
/** Event-loop delay p99 (ms) above which the loop counts as blocked. */
export const BLOCKED_LOOP_P99_MS = 50;
export const GC_SHARE_LIMIT = 0.05;
/** A blocking frame holding the CPU this long in one go (ms) is an event-loop stall. */
export const STALL_MIN_MS = 100;

const DB_TOKENS = new Set(['sql', 'sqlite', 'query', 'queries', 'select', 'db', 'database', 'knex', 'sequelize', 'prisma', 'typeorm', 'pg', 'mysql', 'mongo', 'mongodb', 'redis', 'prepare', 'stmt', 'statement', 'wasm']);
const BLOCKING_TOKENS = new Set(['sync', 'sleep', 'block', 'blocking', 'stall', 'busy', 'spin', 'wait', 'pbkdf2', 'scrypt']);
const SERIALISE_TOKENS = new Set(['stringify', 'serialize', 'serialise', 'serializer']);
/**
 * 'render' and 'template' name serialisation only inside a library (a template engine's render); in app
 * code they are the app's own work (the demo's renderProductDetail is an O(n²) loop, not a serialiser).
 */
const SERIALISE_LIBRARY_TOKENS = new Set(['render', 'template']);
const PAYLOAD_TOKENS = new Set(['gzip', 'deflate', 'zlib', 'compress', 'brotli', 'inflate']);
const STOP_TOKENS = new Set(['api', 'v1', 'v2', 'http', 'handle', 'handler', 'get', 'post', 'put', 'route', 'index', 'server', 'app', 'src', 'lib', 'js', 'mjs', 'ts', 'node', 'the', 'and', 'for']);

/** Splits camelCase, snake_case, paths and punctuation into lowercase tokens ("s" plural stripped). */
export function tokens(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9+]+/)
    .map((t) => t.toLowerCase())
    .filter((t) => t.length > 0)
    .map((t) => (t.length > 3 && t.endsWith('s') && !t.endsWith('ss') ? t.slice(0, -1) : t));
}

function frameText(f: HotFunction): string {
  const file = f.url.split(/[\\/]/).pop() ?? '';
  return `${f.functionName} ${file} ${f.category === 'node_modules' ? f.url : ''}`;
}

export function classifyFrame(f: HotFunction): RuleId | null {
  if (f.category === 'idle' || f.category === 'program' || f.category === 'gc') return null;
  const t = tokens(frameText(f));
  const has = (set: Set<string>): boolean => t.some((x) => set.has(x)) || /sql[.-]?(js|wasm)/i.test(f.url);
  if (t.some((x) => BLOCKING_TOKENS.has(x))) return 'blocking-io';
  if (has(DB_TOKENS)) return 'db-query';
  if (t.some((x) => PAYLOAD_TOKENS.has(x))) return 'payload-size';
  if (t.some((x) => SERIALISE_TOKENS.has(x))) return 'serialisation';
  if (f.category === 'node_modules' && t.some((x) => SERIALISE_LIBRARY_TOKENS.has(x))) return 'serialisation';
  if (f.category === 'app') return 'sync-cpu';
  return null;
}

interface JourneyStat {
  name: string;
  p95Ms: number;
  meanMs: number;
  requests: number;
  errorRate: number;
  latencyShare: number;
  keys: Set<string>;
}

/**
 * What a step does, in the words handlers are named by: POST → create, GET /items/42 → show, a
 * search parameter → search/query. Lets a router's `create` or `list` name the journey when the
 * stack holds no app code.
 */
function intentKeys(step: JourneyStep): string[] {
  const [path = '', query = ''] = step.path.split('?');
  const out: string[] = [];
  if (step.method === 'POST') out.push('create', 'insert', 'add');
  if (step.method === 'PUT' || step.method === 'PATCH') out.push('update', 'replace');
  if (step.method === 'DELETE') out.push('destroy', 'remove', 'delete');
  if (step.method === 'GET') out.push(/\/(\d+|\$\{[^}]+\}|\{\{[^}]+\}\}|:[a-z]\w*)\/?$/i.test(path) ? 'show' : 'list');
  if (/(^|&)(q|search|query|filter)=/.test(query)) out.push('search', 'query');
  return out;
}

/** The words that name a journey's handlers: its name, its steps' names and paths, and their intent. */
function journeyKeys(name: string, cfg: Journey | undefined): Set<string> {
  return new Set(
    [name, ...(cfg?.steps ?? []).flatMap((s) => [s.name, s.path, ...intentKeys(s)])]
      .flatMap(tokens)
      .filter((k) => k.length >= 3 && !STOP_TOKENS.has(k) && !/^\d+$/.test(k)),
  );
}

function journeyStats(figures: LoadFigures[], journeys: Journey[] = []): JourneyStat[] {
  const total = figures.reduce((s, j) => s + j.requests * j.latencyMs.mean, 0);
  return figures.map((j) => {
    const keys = journeyKeys(j.name, journeys.find((c) => c.name === j.name));
    return {
      name: j.name,
      p95Ms: j.latencyMs.p95,
      meanMs: j.latencyMs.mean,
      requests: j.requests,
      errorRate: j.errorRate,
      latencyShare: total > 0 ? (j.requests * j.latencyMs.mean) / total : 0,
      keys,
    };
  });
}

/** Journeys whose name or step paths share a token with the frame's function or file name. */
function attribute(frames: HotFunction[], stats: JourneyStat[]): string[] {
  const ft = new Set(frames.flatMap((f) => tokens(`${f.functionName} ${f.url.split(/[\\/]/).pop() ?? ''}`)));
  return stats.filter((s) => [...s.keys].some((k) => ft.has(k))).map((s) => s.name);
}

function quadrant(impactShare: number, effortDays: number): MatrixQuadrant {
  const high = impactShare >= 0.1;
  const cheap = effortDays <= 2;
  if (high) return cheap ? 'quick-win' : 'major-project';
  return cheap ? 'fill-in' : 'deprioritise';
}

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const ms = (x: number): string => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;

/**
 * Ranks bottlenecks by ROI (estimated improvement per effort day). Every number comes from the
 * inputs; the catalogue contributes only the approach, its typical reduction and its effort.
 */
export function analyzeBottlenecks(inputs: AnalyzeInputs): BottlenecksPayload {
  const gaps: string[] = [];
  const load = inputs.loadtest?.payload.journeys.length ? inputs.loadtest.payload : inputs.baseline?.payload;
  const stats = journeyStats(load?.journeys ?? [], inputs.journeys);
  // Journeys of the config without load figures still name the handlers on the stacks.
  const unmeasured = (inputs.journeys ?? []).filter((j) => !stats.some((s) => s.name === j.name));
  const attributable = [...stats.map((j) => ({ name: j.name, keys: j.keys })), ...unmeasured.map((j) => ({ name: j.name, keys: journeyKeys(j.name, j) }))];
  if (!inputs.baseline && !inputs.loadtest) gaps.push('no baseline or load-test results: journey impact is unknown (run perf baseline)');
  const profile = inputs.profile?.payload;
  if (!profile) gaps.push('no profile: CPU hot spots are unknown (run perf profile)');
  else if (!profile.profiled) gaps.push(`the target was not profiled: ${profile.skippedReason ?? 'no reason given'}`);

  const drafts: Draft[] = [];
  const journeyEvidence = (names: string[]): Evidence[] =>
    stats
      .filter((s) => names.includes(s.name))
      .map((s) => ({
        kind: 'journey-latency' as const,
        text: `journey "${s.name}": p95 ${ms(s.p95Ms)}, mean ${ms(s.meanMs)}, ${pct(s.latencyShare)} of all request time`,
        value: s.p95Ms,
      }));
  const latencyShareOf = (names: string[]): number | null =>
    stats.length === 0 ? null : stats.filter((s) => names.includes(s.name)).reduce((a, s) => a + s.latencyShare, 0);
  const loopBlocked = profile?.eventLoopDelayMs && profile.eventLoopDelayMs.p99 >= BLOCKED_LOOP_P99_MS ? profile.eventLoopDelayMs : null;

  const stackAnalysis =
    profile?.profiled && inputs.cpuProfiles?.length
      ? analyzeStacks(inputs.cpuProfiles, attributable, tokens, { db: DB_TOKENS, blocking: BLOCKING_TOKENS, serialise: SERIALISE_TOKENS, serialiseLibrary: SERIALISE_LIBRARY_TOKENS, payload: PAYLOAD_TOKENS }, inputs.cwd)
      : undefined;
  if (stackAnalysis && stackAnalysis.busyUs > 0 && stackAnalysis.unattributedUs / stackAnalysis.busyUs >= 0.1) {
    gaps.push(`${pct(stackAnalysis.unattributedUs / stackAnalysis.busyUs)} of busy CPU is on stacks with no JavaScript frame (Node internals or native code only): not charged to any finding`);
  }
  if (profile?.profiled && stackAnalysis && stackAnalysis.busyUs > 0) {
    drafts.push(...draftsFromStacks(stackAnalysis, stats, attributable.map((j) => j.name), profile, load?.overall.latencyMs.p95 ?? null, journeyEvidence, latencyShareOf));
  }
  if (profile?.profiled) {
    // Group frames by (rule, attributed journeys) so one root cause is one bottleneck.
    const groups = new Map<string, { rule: RuleId; frames: HotFunction[]; journeys: string[] }>();
    for (const f of profile.hotFunctions) {
      const rule = classifyFrame(f);
      if (!rule) continue;
      const journeys = attribute([f], stats);
      // App frames stand alone; library frames (DB engines, zlib) group per rule.
      const key = rule === 'sync-cpu' || rule === 'blocking-io' ? `${rule}:${f.location}` : `${rule}:${journeys.join(',')}`;
      const g = groups.get(key) ?? { rule, frames: [], journeys };
      g.frames.push(f);
      groups.set(key, g);
    }
    for (const g of stackAnalysis && stackAnalysis.busyUs > 0 ? [] : groups.values()) {
      const selfShare = g.frames.reduce((a, f) => a + f.selfShare, 0);
      if (selfShare < MIN_FRAME_SHARE) continue;
      const affected = g.journeys.length > 0 ? g.journeys : stats.map((s) => s.name);
      const rule = RULES[g.rule];
      const top = [...g.frames].sort((a, b) => b.selfShare - a.selfShare);
      const evidence: Evidence[] = top.slice(0, 5).map((f) => ({
        kind: 'hot-function',
        text: `${f.functionName || '(anonymous)'} at ${f.location}: ${pct(f.selfShare)} self, ${pct(f.totalShare)} total of CPU samples (${f.selfMs.toFixed(0)} ms self)`,
        location: f.location,
        value: f.selfShare,
      }));
      if (g.rule === 'blocking-io' && profile.eventLoopDelayMs) {
        evidence.push({
          kind: 'event-loop',
          text: `event-loop delay p99 ${ms(profile.eventLoopDelayMs.p99)}, max ${ms(profile.eventLoopDelayMs.max)}`,
          value: profile.eventLoopDelayMs.p99,
        });
      }
      evidence.push(...journeyEvidence(affected));
      const latencyShare = latencyShareOf(affected);
      const main = top[0] as HotFunction;
      const pkg = main.category === 'node_modules' ? packageOf(main.url) : undefined;
      drafts.push({
        rule: g.rule,
        title: `${rule.title}: ${g.rule === 'db-query' ? 'database frames' : `${pkg ? `${pkg} ` : ''}${main.functionName || '(anonymous)'}`}${g.journeys.length ? ` (${g.journeys.join(', ')})` : ''}`,
        description: `${upperFirst(rule.meaning)}. Hottest frame: ${main.functionName || '(anonymous)'} at ${main.location}.${g.journeys.length ? '' : ' Not attributable to one journey by name: all journeys are counted as affected.'}`,
        evidence,
        impact: { cpuShare: selfShare, latencyShare, journeys: affected },
        impactShare: g.rule === 'blocking-io' ? Math.max(selfShare, loopBlocked ? (latencyShare ?? 0) : 0) : selfShare,
        measured: { share: selfShare, of: 'CPU samples (self time)' },
        strength: { level: 'moderate', basis: `self time in the flat hot-function list of ${profile.sampleCount} CPU samples (no call stacks: callers and journeys are guessed by name)`, samples: profile.sampleCount },
        owner: { kind: pkg ? 'dependency' : main.category === 'app' ? 'app' : 'unknown', ...(pkg ? { package: pkg } : {}), via: [] },
      });
    }
    if (loopBlocked && !drafts.some((d) => d.rule === 'blocking-io')) {
      const all = stats.map((s) => s.name);
      drafts.push({
        rule: 'blocking-io',
        title: `${RULES['blocking-io'].title}: event-loop stalls`,
        description: `${upperFirst(RULES['blocking-io'].meaning)}. No hot frame names the blocking call; look for synchronous calls in the slowest journey.`,
        evidence: [
          { kind: 'event-loop', text: `event-loop delay p99 ${ms(loopBlocked.p99)}, max ${ms(loopBlocked.max)} (limit ${BLOCKED_LOOP_P99_MS} ms)`, value: loopBlocked.p99 },
          ...journeyEvidence(all),
        ],
        impact: { cpuShare: null, latencyShare: latencyShareOf(all), journeys: all },
        // No frame, no share: nothing measured says how much fixing it would give back.
        impactShare: 0,
        measured: null,
        strength: { level: 'weak', basis: `event-loop delay only (p99 ${ms(loopBlocked.p99)}); no CPU frame names the blocking call`, samples: null },
        owner: { kind: 'unknown', via: [] },
      });
    }
    if (profile.gc && profile.gc.share >= GC_SHARE_LIMIT) {
      const all = stats.map((s) => s.name);
      drafts.push({
        rule: 'gc-pressure',
        title: RULES['gc-pressure'].title,
        description: `${upperFirst(RULES['gc-pressure'].meaning)}.`,
        evidence: [{ kind: 'gc', text: `GC took ${pct(profile.gc.share)} of the profile (${profile.gc.count} collections, ${profile.gc.totalMs.toFixed(0)} ms)`, value: profile.gc.share }, ...heapSiteEvidence(profile.heapProfile)],
        impact: { cpuShare: profile.gc.share, latencyShare: latencyShareOf(all), journeys: all },
        impactShare: profile.gc.share,
        measured: { share: profile.gc.share, of: 'profiled wall time spent in GC' },
        strength: { level: 'moderate', basis: `GC time measured by the in-process monitor (${profile.gc.count} collections)`, samples: profile.gc.count },
        owner: { kind: 'unknown', via: [] },
      });
    }
  }

  // Memory that grows over the run (resources of the load test, else the baseline), heap sites as evidence.
  const leakOf = inputs.loadtest?.payload.resources ? { file: inputs.loadtest.file, series: inputs.loadtest.payload.resources } : inputs.baseline?.payload.resources ? { file: inputs.baseline.file, series: inputs.baseline.payload.resources } : undefined;
  const leak = leakDraft(leakOf, profile?.heapProfile, stats.map((s) => s.name));
  if (leak) drafts.push(leak);

  // PostgreSQL evidence of the baseline (statements, scans, pool): a detector of its own.
  const db = inputs.baseline?.payload.database;
  // Database findings: their impact share is the measured share of request time spent in the statements.
  drafts.push(
    ...databaseDrafts(db, stats).map((d) => ({
      ...d,
      measured: d.impactShare > 0 ? { share: d.impactShare, of: 'request time in the database statements' } : null,
      strength: { level: 'moderate' as const, basis: 'database statement statistics of the baseline', samples: null },
      owner: { kind: 'unknown' as const, via: [] },
    })),
  );
  if (db?.statementsHint) gaps.push(db.statementsHint);

  // Saturation: a breaking point, a capacity plateau or error bursts under load.
  const lt = inputs.loadtest?.payload;
  const cap = inputs.baseline?.payload.capacity;
  const satEvidence: Evidence[] = [];
  if (lt?.breakingPoint) satEvidence.push({ kind: 'breaking-point', text: `breaking point at ${lt.breakingPoint.rps.toFixed(0)} req/s (${lt.breakingPoint.reason})`, value: lt.breakingPoint.rps });
  if (cap && (cap.limitedBy === 'plateau' || cap.limitedBy === 'errors')) {
    satEvidence.push({ kind: 'capacity', text: `capacity search stopped at ${cap.maxRps.toFixed(0)} req/s, limited by ${cap.limitedBy}`, value: cap.maxRps });
  }
  const bursts = (lt?.windows ?? []).filter((w) => w.requests > 0 && w.errorRate >= 0.05);
  if (bursts.length > 0) {
    const worst = bursts.reduce((a, w) => (w.errorRate > a.errorRate ? w : a));
    satEvidence.push({ kind: 'errors', text: `${bursts.length} window(s) with ≥5% errors; worst ${pct(worst.errorRate)} at ${(worst.startMs / 1000).toFixed(0)} s (${worst.rps.toFixed(0)} req/s)`, value: worst.errorRate });
  }
  if (satEvidence.length > 0) {
    const all = stats.map((s) => s.name);
    const errorShare = Math.max(lt?.overall.errorRate ?? 0, inputs.baseline?.payload.overall.errorRate ?? 0);
    drafts.push({
      rule: 'pool-saturation',
      title: RULES['pool-saturation'].title,
      description: `${upperFirst(RULES['pool-saturation'].meaning)}.`,
      evidence: satEvidence,
      impact: { cpuShare: null, latencyShare: latencyShareOf(all), journeys: all },
      impactShare: errorShare,
      measured: errorShare > 0 ? { share: errorShare, of: 'requests that failed under load' } : null,
      strength: {
        level: lt?.breakingPoint || bursts.length > 0 ? 'moderate' : 'weak',
        basis: `${satEvidence.length} load signal(s): ${satEvidence.map((e) => e.kind).join(', ')}`,
        samples: lt?.overall.requests ?? inputs.baseline?.payload.overall.requests ?? null,
      },
      owner: { kind: 'unknown', via: [] },
    });
  }

  const ranked: Bottleneck[] = drafts
    .map((d) => {
      const rule = RULES[d.rule];
      const { impactShare, measured, approach, ...rest } = d;
      const share = measured ? Math.min(1, measured.share) : null;
      const est = share === null ? null : Math.round(share * 1000) / 10;
      return {
        ...rest,
        id: '',
        rank: 0,
        approach: approach ?? rule.approach,
        alternatives: rule.alternatives,
        estimatedImprovementPct: est,
        estimateFormula:
          measured && est !== null
            ? `at most ${est}% = ${pct(measured.share)} of ${measured.of} (measured) × 100: what disappears if this work disappears entirely`
            : 'n/a: no share was measured for this finding',
        effortDays: rule.effortDays,
        // The catalogue prior (typical reduction of the approach) only orders the findings.
        roi: est === null ? 0 : Math.round(((est * rule.expectedReduction) / rule.effortDays) * 100) / 100,
        quadrant: quadrant(impactShare, rule.effortDays),
      };
    })
    .sort((a, b) => b.roi - a.roi || (b.impact.cpuShare ?? 0) - (a.impact.cpuShare ?? 0));
  ranked.forEach((b, i) => {
    b.rank = i + 1;
    b.id = `B${i + 1}`;
  });

  return {
    inputs: { baseline: inputs.baseline?.file ?? null, profile: inputs.profile?.file ?? null, loadtest: inputs.loadtest?.file ?? null },
    gaps,
    bottlenecks: ranked,
    journeys: stats.map(({ keys: _k, ...s }) => s),
    eventLoopDelayMs: profile?.eventLoopDelayMs ? { p99: profile.eventLoopDelayMs.p99, max: profile.eventLoopDelayMs.max } : null,
    gcShare: profile?.gc?.share ?? null,
    breakingPoint: lt?.breakingPoint ? { rps: lt.breakingPoint.rps, reason: lt.breakingPoint.reason } : null,
  };
}

type JourneyEvidence = (names: string[]) => Evidence[];
type LatencyShareOf = (names: string[]) => number | null;
/** A finding before ranking: `measured` is the share its estimate is computed from (null: none). */
export type Draft = Omit<Bottleneck, 'rank' | 'roi' | 'quadrant' | 'estimatedImprovementPct' | 'estimateFormula' | 'effortDays' | 'id' | 'approach' | 'alternatives'> & {
  impactShare: number;
  measured: { share: number; of: string } | null;
  approach?: string;
};

/** Samples and share a stack group needs for "strong" evidence. */
export const STRONG_SAMPLES = 100;
export const STRONG_SHARE = 0.05;

/** One bottleneck per stack group (rule × journey; all database time is one group). */
function draftsFromStacks(
  sa: StackAnalysis,
  stats: JourneyStat[],
  journeyNames: string[],
  profile: ProfilePayload,
  overallP95Ms: number | null,
  journeyEvidence: JourneyEvidence,
  latencyShareOf: LatencyShareOf,
): Draft[] {
  const out: Draft[] = [];
  const known = new Set(journeyNames);
  for (const g of sa.groups) {
    const share = g.us / sa.busyUs;
    if (share < MIN_FRAME_SHARE) continue;
    const rule = RULES[g.rule];
    const journeyNames = Object.entries(g.journeys)
      .filter(([j, us]) => j !== '' && us / g.us >= 0.1)
      .flatMap(([j]) => j.split(','))
      .filter((j) => known.has(j));
    const attributed = [...new Set(journeyNames)];
    const affected = attributed.length > 0 ? attributed : stats.map((s) => s.name);
    // Frames run under a journey's handler first; unattributed ones (start-up, shared code) after.
    const culprits = [...g.culprits.filter((c) => c.journey !== ''), ...g.culprits.filter((c) => c.journey === '')];
    const evidence: Evidence[] = culprits.slice(0, 4).map((c) => ({
      kind: 'hot-function',
      text: `${c.functionName} at ${c.location}${c.journey ? ` (journey ${c.journey})` : ''}: ${pct(c.us / sa.busyUs)} of CPU samples${g.rule === 'db-query' ? ' inside the database engine called from here' : g.rule === 'blocking-io' ? ' blocking the event loop' : ''}`,
      location: c.location,
      value: c.us / sa.busyUs,
    }));
    // The longest stall of this group's blocking frames: while it runs, no request is served.
    const groupJourneys = new Set(g.journey.split(','));
    const stall = g.rule === 'blocking-io' ? sa.stalls.find((st) => groupJourneys.has(st.journey) || (g.journey === '' && st.journey === '')) : undefined;
    if (stall) {
      evidence.push({ kind: 'event-loop', text: `longest stall: ${ms(stall.longestUs / 1000)} of uninterrupted CPU in ${stall.functionName} (${stall.location}); no request is served meanwhile`, location: stall.location, value: stall.longestUs / 1000 });
    }
    if (g.rule === 'blocking-io' && profile.eventLoopDelayMs) {
      evidence.push({ kind: 'event-loop', text: `event-loop delay p99 ${ms(profile.eventLoopDelayMs.p99)}, max ${ms(profile.eventLoopDelayMs.max)}`, value: profile.eventLoopDelayMs.max });
    }
    evidence.push(...journeyEvidence(affected));
    // A stall as long as the overall p95 sets the tail of every journey: weigh it by that ratio.
    // Shorter blocking calls are per-request CPU and are weighed by their CPU share alone.
    const stallShare = stall && overallP95Ms && stall.longestUs / 1000 >= STALL_MIN_MS ? Math.min(1, stall.longestUs / 1000 / overallP95Ms) : 0;
    const main = culprits[0];
    const latencyShare = latencyShareOf(affected);
    const dep = g.owner === 'dependency';
    const what = main ? (dep ? `${g.package ?? 'a dependency'} \`${main.functionName}\`` : main.functionName) : 'unknown frame';
    const viaText = g.via.length ? ` (called via ${g.via.slice(0, 4).join(', ')})` : '';
    out.push({
      rule: g.rule,
      title: `${rule.title}: ${what}${attributed.length ? (dep ? ` under ${attributed.join(', ')}` : ` (${attributed.join(', ')})`) : ''}`,
      description: `${upperFirst(rule.meaning)}. ${pct(share)} of CPU samples (${g.samples} samples), charged to ${main ? `${main.functionName} at ${main.location}` : 'no frame'}${
        dep ? `: no application frame is on these stacks, so the time is charged to the dependency ${g.package ?? ''}${viaText}` : ''
      }.${attributed.length ? '' : ' No frame on these stacks names a journey: all journeys are counted as affected.'}`,
      evidence,
      impact: { cpuShare: share, latencyShare, journeys: affected },
      impactShare: Math.max(share, stallShare),
      measured: { share, of: 'CPU samples (call stacks)' },
      strength: {
        level: g.samples >= STRONG_SAMPLES && share >= STRONG_SHARE ? 'strong' : 'moderate',
        basis: `${g.samples} of ${sa.busySamples} busy CPU samples on call stacks${attributed.length ? `; journey from the frame names on the stack` : ''}`,
        samples: g.samples,
      },
      owner: { kind: g.owner, ...(g.package ? { package: g.package } : {}), via: g.via },
    });
  }
  return out;
}
