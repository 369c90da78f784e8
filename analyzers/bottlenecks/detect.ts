import type { Journey } from '../../core/config/types.js';
import type { BaselinePayload, LoadTestPayload, ProfilePayload } from '../../core/artifacts/schemas.js';
import type { CpuProfile } from '../cpuprofile.js';
import { databaseDrafts } from '../database/bottlenecks.js';
import { BLOCKED_LOOP_P99_MS, draftsFromHotFunctions, draftsFromStacks, gcDraft, loopStallDraft } from './cpu.js';
import { journeyEvidenceOf, journeyKeys, journeyStats, latencyShareOfStats } from './journeys.js';
import { leakDraft } from './memory.js';
import { rankDrafts, type Draft } from './rank.js';
import { saturationDraft } from './saturation.js';
import { SIGNATURES, tokens } from './signatures.js';
import { analyzeStacks } from './stacks.js';
import { pct } from './text.js';
import type { BottlenecksPayload } from './types.js';

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

/**
 * The bottleneck analysis: every detector (CPU stacks or hot functions, event-loop stalls, GC, memory
 * growth, PostgreSQL, saturation) turns what was measured into findings, which are then ranked by ROI.
 * Every number comes from the inputs; the catalogue contributes only the approach, its typical
 * reduction and its effort. Pure: artifacts in, ranking out.
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
  const journeyEvidence = journeyEvidenceOf(stats);
  const latencyShareOf = latencyShareOfStats(stats);
  const loopBlocked = profile?.eventLoopDelayMs && profile.eventLoopDelayMs.p99 >= BLOCKED_LOOP_P99_MS ? profile.eventLoopDelayMs : null;

  const stackAnalysis = profile?.profiled && inputs.cpuProfiles?.length ? analyzeStacks(inputs.cpuProfiles, attributable, tokens, SIGNATURES, inputs.cwd) : undefined;
  const haveStacks = stackAnalysis !== undefined && stackAnalysis.busyUs > 0;
  if (stackAnalysis && haveStacks && stackAnalysis.unattributedUs / stackAnalysis.busyUs >= 0.1) {
    gaps.push(`${pct(stackAnalysis.unattributedUs / stackAnalysis.busyUs)} of busy CPU is on stacks with no JavaScript frame (Node internals or native code only): not charged to any finding`);
  }
  if (profile?.profiled) {
    // Call stacks when recorded; the flat hot-function list only without them.
    if (stackAnalysis && haveStacks) {
      drafts.push(...draftsFromStacks(stackAnalysis, stats, attributable.map((j) => j.name), profile, load?.overall.latencyMs.p95 ?? null, journeyEvidence, latencyShareOf));
    } else {
      drafts.push(...draftsFromHotFunctions(profile, stats, journeyEvidence, latencyShareOf, loopBlocked !== null));
    }
    if (loopBlocked && !drafts.some((d) => d.rule === 'blocking-io')) drafts.push(loopStallDraft(loopBlocked, stats, journeyEvidence, latencyShareOf));
    const gc = gcDraft(profile, stats, latencyShareOf);
    if (gc) drafts.push(gc);
  }

  // Memory that grows over the run (resources of the load test, else the baseline), heap sites as evidence.
  const leakOf = inputs.loadtest?.payload.resources ? { file: inputs.loadtest.file, series: inputs.loadtest.payload.resources } : inputs.baseline?.payload.resources ? { file: inputs.baseline.file, series: inputs.baseline.payload.resources } : undefined;
  const leak = leakDraft(leakOf, profile?.heapProfile, stats.map((s) => s.name));
  if (leak) drafts.push(leak);

  // PostgreSQL evidence of the baseline (statements, scans, pool): its impact share is the measured share
  // of request time spent in the statements.
  const db = inputs.baseline?.payload.database;
  drafts.push(
    ...databaseDrafts(db, stats).map((d) => ({
      ...d,
      measured: d.impactShare > 0 ? { share: d.impactShare, of: 'request time in the database statements' } : null,
      strength: { level: 'moderate' as const, basis: 'database statement statistics of the baseline', samples: null },
      owner: { kind: 'unknown' as const, via: [] },
    })),
  );
  if (db?.statementsHint) gaps.push(db.statementsHint);

  const lt = inputs.loadtest?.payload;
  const saturation = saturationDraft(lt, inputs.baseline?.payload, stats, latencyShareOf);
  if (saturation) drafts.push(saturation);

  return {
    inputs: { baseline: inputs.baseline?.file ?? null, profile: inputs.profile?.file ?? null, loadtest: inputs.loadtest?.file ?? null },
    gaps,
    bottlenecks: rankDrafts(drafts),
    journeys: stats.map(({ keys: _k, ...s }) => s),
    eventLoopDelayMs: profile?.eventLoopDelayMs ? { p99: profile.eventLoopDelayMs.p99, max: profile.eventLoopDelayMs.max } : null,
    gcShare: profile?.gc?.share ?? null,
    breakingPoint: lt?.breakingPoint ? { rps: lt.breakingPoint.rps, reason: lt.breakingPoint.reason } : null,
  };
}
