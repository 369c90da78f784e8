import type { HotFunction, ProfilePayload } from '../../core/artifacts/schemas.js';
import { RULES, type RuleId } from './catalogue.js';
import { attribute, type JourneyEvidence, type JourneyStat, type LatencyShareOf } from './journeys.js';
import { heapSiteEvidence } from './memory.js';
import type { Draft } from './rank.js';
import { classifyFrame } from './signatures.js';
import { packageOf, type StackAnalysis } from './stacks.js';
import { ms, pct, upperFirst } from './text.js';
import type { Evidence } from './types.js';

/** The CPU detectors: call-stack groups, the flat hot-function list, event-loop stalls and GC. */

/** Minimum self share of a hot frame to count as a bottleneck on its own. */
export const MIN_FRAME_SHARE = 0.03;
/** Event-loop delay p99 (ms) above which the loop counts as blocked. */
export const BLOCKED_LOOP_P99_MS = 50;
export const GC_SHARE_LIMIT = 0.05;
/** A blocking frame holding the CPU this long in one go (ms) is an event-loop stall. */
export const STALL_MIN_MS = 100;

/** Samples and share a stack group needs for "strong" evidence. */
export const STRONG_SAMPLES = 100;
export const STRONG_SHARE = 0.05;

/** One bottleneck per stack group (rule × journey; all database time is one group). */
export function draftsFromStacks(
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

/**
 * Findings from the flat hot-function list (no call stacks recorded): frames grouped by (rule,
 * journeys guessed from their names), one finding per group above MIN_FRAME_SHARE of self time.
 */
export function draftsFromHotFunctions(profile: ProfilePayload, stats: JourneyStat[], journeyEvidence: JourneyEvidence, latencyShareOf: LatencyShareOf, loopBlocked: boolean): Draft[] {
  const drafts: Draft[] = [];
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
  for (const g of groups.values()) {
    const selfShare = g.frames.reduce((a, f) => a + f.selfShare, 0);
    if (selfShare < MIN_FRAME_SHARE) continue;
    const affected = g.journeys.length > 0 ? g.journeys : stats.map((s) => s.name);
    const rule = RULES[g.rule];
    const top = [...g.frames].sort((a, b) => b.selfShare - a.selfShare);
    const evidence: Evidence[] = top.slice(0, 5).map((f) => ({
      kind: 'hot-function',
      text: `${f.functionName || '(anonymous)'} at ${f.location}: ${pct(f.selfShare)} self, ${pct(f.totalShare)} total of CPU samples (${ms(f.selfMs)} self)`,
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
  return drafts;
}

/** Event-loop stalls no hot frame explains: a weak finding with no estimate (nothing measured says how much). */
export function loopStallDraft(loopBlocked: { p99: number; max: number }, stats: JourneyStat[], journeyEvidence: JourneyEvidence, latencyShareOf: LatencyShareOf): Draft {
  const all = stats.map((s) => s.name);
  return {
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
  };
}

/** GC taking more than GC_SHARE_LIMIT of the profiled time, the heap profile's sites as evidence. */
export function gcDraft(profile: ProfilePayload, stats: JourneyStat[], latencyShareOf: LatencyShareOf): Draft | null {
  const gc = profile.gc;
  if (!gc || gc.share < GC_SHARE_LIMIT) return null;
  const all = stats.map((s) => s.name);
  return {
    rule: 'gc-pressure',
    title: RULES['gc-pressure'].title,
    description: `${upperFirst(RULES['gc-pressure'].meaning)}.`,
    evidence: [{ kind: 'gc', text: `GC took ${pct(gc.share)} of the profile (${gc.count} collections, ${ms(gc.totalMs)})`, value: gc.share }, ...heapSiteEvidence(profile.heapProfile)],
    impact: { cpuShare: gc.share, latencyShare: latencyShareOf(all), journeys: all },
    impactShare: gc.share,
    measured: { share: gc.share, of: 'profiled wall time spent in GC' },
    strength: { level: 'moderate', basis: `GC time measured by the in-process monitor (${gc.count} collections)`, samples: gc.count },
    owner: { kind: 'unknown', via: [] },
  };
}
