/**
 * Load profiles: the shapes of the five k6 scenarios as PURE functions of the config, the measured
 * capacity (baseline `capacity.maxRps`) and explicit overrides. No I/O, no clocks.
 *
 * Rates are in requests/s at the profile's peak (open model, the default) or VUs (closed model).
 * The script generator converts requests/s into journey iterations/s.
 */
import { formatDuration, tryParseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { minSamplesFor } from '../analyzers/sample-size.js';
import { PERCENTILE_VALUES, type Executor, type PerfConfig, type ScenarioName, type ScenarioOverride } from '../core/config/types.js';

export interface LoadStageSpec {
  durationMs: number;
  /** Rate (requests/s) or VUs reached at the end of the stage. */
  target: number;
  label: string;
  /** The warm-up stage: load is sent, results exclude it. */
  warmup?: boolean;
}

/**
 * Breakpoint's `abortOnFail`: thresholds are cumulative over the run, so an abort is only allowed
 * once the warm-up is over and enough requests have been made for the tightest percentile.
 */
export interface AbortPolicy {
  /** k6 `delayAbortEval`, ms from the start of the test. */
  delayAbortEvalMs: number;
  /** Requests the profile has sent by then (at least `minSamples`). */
  minSamples: number;
}

export interface LoadProfile {
  scenario: ScenarioName;
  model: Executor;
  /** Rate (requests/s) or VUs the profile starts from. */
  startTarget: number;
  stages: LoadStageSpec[];
  /** Highest target of any stage. */
  peak: number;
  totalMs: number;
  /** Where the peak came from, for the plan and the report. */
  rateSource: 'capacity' | 'config' | 'flag';
  /** capacity.maxRps the peak was derived from, if any. */
  capacityRps: number | null;
  /** Closed model: VUs; open model: the VU pool bound k6 may grow to. */
  maxVUs: number | null;
  /** Breakpoint: thresholds abort the test (the ramp climbs until they fail). */
  abortOnThresholds: boolean;
  /** Breakpoint only: when thresholds may abort (null for the other scenarios). */
  abort: AbortPolicy | null;
  /** Length of the leading warm-up stage (0 = none); results exclude [0, warmupMs). */
  warmupMs: number;
  /** Stretch of the profile the report reads as "the spike" (spike only), ms from start. */
  spike: { startMs: number; endMs: number } | null;
  quick: boolean;
  /** Human notes: what was scaled or defaulted. */
  notes: string[];
}

export interface ProfileInput {
  config: Pick<PerfConfig, 'scenarios'> & Partial<Pick<PerfConfig, 'slos' | 'warmupMs'>>;
  /** capacity.maxRps from the baseline, or null when no baseline exists. */
  capacityRps: number | null;
  /** --rate: peak rate in requests/s (wins over config and capacity). */
  rate?: number;
  /** --duration: the hold duration (soak: the whole soak; spike: the spike itself). */
  durationMs?: number;
  /** --quick: scale every duration down so the whole profile fits quickBudgetMs. */
  quick?: boolean;
  quickBudgetMs?: number;
  /** --warmup: length of the warm-up stage (wins over `warmup:` in the config; 0 = none). */
  warmupMs?: number;
}

/** Default shapes. Factors are multiples of capacity.maxRps; durations are k6 duration strings. */
export const PROFILE_DEFAULTS: Record<ScenarioName, Required<Pick<ScenarioOverride, 'capacityFactor' | 'duration' | 'rampUp' | 'rampDown'>>> = {
  baseline: { capacityFactor: 0.5, rampUp: '1m', duration: '5m', rampDown: '30s' },
  stress: { capacityFactor: 2, rampUp: '30s', duration: '8m', rampDown: '30s' },
  spike: { capacityFactor: 3, rampUp: '5s', duration: '1m', rampDown: '5s' },
  soak: { capacityFactor: 0.8, rampUp: '2m', duration: '1h', rampDown: '1m' },
  breakpoint: { capacityFactor: 4, rampUp: '0s', duration: '10m', rampDown: '0s' },
};

/** Warm-up before the measured stages (JIT, caches, pools), excluded from the results. */
export const DEFAULT_WARMUP_MS = 10_000;
export const QUICK_WARMUP_MS = 3_000;
/** Breakpoint: the abort needs this many times the sample-size rule's minimum for its percentile. */
const ABORT_SAMPLE_FACTOR = 5;

/** The whole of a --quick profile, so all five scenarios stay under two minutes each. */
export const QUICK_BUDGET_MS = 60_000;
/** Spike: the base load around the spike, as a share of the spike's peak (~50 % of capacity at 3×). */
const SPIKE_BASE_SHARE = 1 / 6;
/** Spike: how long the profile watches the recovery after the spike, as a multiple of the spike. */
const SPIKE_RECOVERY_FACTOR = 2;
/** Stress: the staircase levels as shares of the peak (50/100/150/200 % of capacity at 2×). */
const STRESS_STEPS = [0.25, 0.5, 0.75, 1];

/** A duration where 0 is allowed (no ramp). */
function durationOf(text: string, where: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined || ms < 0) {
    throw new UserError(`expected a duration like 30s, 5m or 1h, found "${text}"`, { where, fix: 'use a number followed by ms, s, m or h (e.g. 30s)' });
  }
  return ms;
}

/** Builds the load profile of one scenario; a missing rate is a UserError, never a guess. */
export function buildLoadProfile(scenario: ScenarioName, input: ProfileInput): LoadProfile {
  const o: ScenarioOverride = input.config.scenarios[scenario] ?? {};
  const d = PROFILE_DEFAULTS[scenario];
  const where = `scenarios.${scenario}`;
  const model: Executor = o.executor ?? 'arrival-rate';
  const notes: string[] = [];

  let peak: number;
  let rateSource: LoadProfile['rateSource'];
  const factor = o.capacityFactor ?? d.capacityFactor;
  if (model === 'vus') {
    if (o.vus === undefined) {
      throw new UserError(`scenario "${scenario}" uses executor "vus" but sets no vus`, {
        where: `${where}.vus`,
        fix: `add "vus: 20" (the peak number of virtual users) under ${where}`,
      });
    }
    peak = o.vus;
    rateSource = 'config';
  } else if (input.rate !== undefined) {
    peak = input.rate;
    rateSource = 'flag';
  } else if (o.rate !== undefined) {
    peak = o.rate;
    rateSource = 'config';
  } else if (input.capacityRps != null && input.capacityRps > 0) {
    peak = input.capacityRps * factor;
    rateSource = 'capacity';
    notes.push(`peak = ${round2(factor)} × capacity ${round2(input.capacityRps)} req/s`);
  } else {
    throw new UserError(`no request rate for scenario "${scenario}": there is no baseline capacity and no rate is configured`, {
      where: `${where}.rate`,
      fix: `run "perf baseline" first, or set ${where}.rate (peak requests/s) in the config, or pass --rate`,
    });
  }
  if (!(peak > 0)) throw new UserError(`the peak rate of scenario "${scenario}" must be > 0, found ${peak}`, { where: `${where}.rate` });

  const rampUp = durationOf(o.rampUp ?? d.rampUp, `${where}.rampUp`);
  const hold = input.durationMs ?? durationOf(o.duration ?? d.duration, `${where}.duration`);
  const rampDown = durationOf(o.rampDown ?? d.rampDown, `${where}.rampDown`);

  let startTarget = 0;
  let stages: LoadStageSpec[];
  let spike: LoadProfile['spike'] = null;
  switch (scenario) {
    case 'baseline':
    case 'soak':
      stages = [
        { durationMs: rampUp, target: peak, label: 'ramp up' },
        { durationMs: hold, target: peak, label: 'hold' },
        { durationMs: rampDown, target: 0, label: 'ramp down' },
      ];
      break;
    case 'stress': {
      const stepHold = hold / STRESS_STEPS.length;
      // Levels are shares of capacity when derived from it, else shares of the configured peak.
      const of = rateSource === 'capacity' ? 'capacity' : 'peak';
      stages = STRESS_STEPS.flatMap((share) => {
        const level = peak * share;
        const pct = Math.round(share * (rateSource === 'capacity' ? factor : 1) * 100);
        return [
          { durationMs: rampUp, target: level, label: `ramp to ${pct}% of ${of}` },
          { durationMs: stepHold, target: level, label: `hold ${pct}% of ${of}` },
        ];
      });
      stages.push({ durationMs: rampDown, target: 0, label: 'ramp down' });
      break;
    }
    case 'spike': {
      const base = peak * SPIKE_BASE_SHARE;
      startTarget = base;
      const warm = Math.max(hold / 2, 1000);
      stages = [
        { durationMs: warm, target: base, label: 'base load' },
        { durationMs: rampUp, target: peak, label: 'jump' },
        { durationMs: hold, target: peak, label: 'spike' },
        { durationMs: rampDown, target: base, label: 'drop' },
        { durationMs: hold * SPIKE_RECOVERY_FACTOR, target: base, label: 'recovery' },
      ];
      break;
    }
    case 'breakpoint':
      stages = [{ durationMs: hold, target: peak, label: 'climb until thresholds abort' }];
      break;
  }
  stages = stages.filter((s) => s.durationMs > 0);

  const total = sum(stages.map((s) => s.durationMs));
  const quick = input.quick === true;
  // --quick: 3 s, at most a quarter of the quick budget (PERF_QUICK_TOTAL=8s → 2 s).
  const quickWarmup = Math.min(QUICK_WARMUP_MS, Math.round((input.quickBudgetMs ?? QUICK_BUDGET_MS) / 4000) * 1000);
  const warmupMs = Math.max(0, input.warmupMs ?? input.config.warmupMs ?? (quick ? quickWarmup : DEFAULT_WARMUP_MS));
  if (quick) {
    // The warm-up is part of the budget; the measured stages get the rest (at least half of it).
    const budget = Math.max((input.quickBudgetMs ?? QUICK_BUDGET_MS) - warmupMs, (input.quickBudgetMs ?? QUICK_BUDGET_MS) / 2);
    if (total > budget) {
      const k = budget / total;
      stages = stages.map((s) => ({ ...s, durationMs: Math.max(1000, Math.round((s.durationMs * k) / 1000) * 1000) }));
      notes.push(`--quick: durations scaled by ${round2(k)} (${formatDuration(total)} → ${formatDuration(sum(stages.map((s) => s.durationMs)))}); rates unchanged`);
    }
  }
  // Warm-up: a constant stage at the rate the measured part starts from (a quarter of the peak for
  // the ramps), never scaled by --quick; the measured stages follow it unchanged.
  const warmTarget =
    scenario === 'spike' ? startTarget : scenario === 'stress' ? peak * (STRESS_STEPS[0] as number) : peak * (scenario === 'breakpoint' ? BREAKPOINT_WARMUP_SHARE : WARMUP_SHARE);
  if (warmupMs > 0) {
    stages = [{ durationMs: warmupMs, target: warmTarget, label: 'warm-up (excluded from results)', warmup: true }, ...stages];
    startTarget = warmTarget;
    notes.push(`warm-up: ${formatDuration(warmupMs)} at ${round2(warmTarget)} ${model === 'vus' ? 'VUs' : 'req/s'}, excluded from the results`);
  }
  if (scenario === 'spike') {
    const lead = warmupMs > 0 ? 2 : 1;
    const startMs = sum(stages.slice(0, lead).map((s) => s.durationMs));
    const endMs = startMs + sum(stages.slice(lead, lead + 2).map((s) => s.durationMs));
    spike = { startMs, endMs };
  }
  const abort = scenario === 'breakpoint' ? abortPolicy({ startTarget, stages }, warmupMs, input.config.slos ?? [], model) : null;

  return {
    scenario,
    model,
    startTarget,
    stages,
    peak,
    totalMs: sum(stages.map((s) => s.durationMs)),
    rateSource,
    capacityRps: input.capacityRps,
    maxVUs: o.maxVUs ?? null,
    abortOnThresholds: scenario === 'breakpoint',
    abort,
    warmupMs,
    spike,
    quick,
    notes,
  };
}

/** Share of the peak the warm-up of baseline and soak runs at. */
const WARMUP_SHARE = 0.25;
/** Breakpoint's peak is 4 × capacity: its warm-up runs at a fifth of capacity. */
const BREAKPOINT_WARMUP_SHARE = 0.05;

/**
 * When breakpoint's thresholds may abort: after the warm-up plus one second, and once the requests
 * sent reach ABORT_SAMPLE_FACTOR × the sample-size minimum of the tightest latency percentile (p95
 * without latency SLOs), computed from the profile's own rates.
 */
function abortPolicy(
  shape: Pick<LoadProfile, 'startTarget' | 'stages'>,
  warmupMs: number,
  slos: NonNullable<ProfileInput['config']['slos']>,
  model: Executor,
): AbortPolicy {
  const percentiles = slos.filter((s) => s.sli === 'latency').map((s) => PERCENTILE_VALUES[s.percentile ?? 'p95']);
  const minSamples = ABORT_SAMPLE_FACTOR * minSamplesFor(Math.max(95, ...percentiles));
  const total = sum(shape.stages.map((s) => s.durationMs));
  let at = warmupMs + 1000;
  if (model === 'arrival-rate') {
    // Requests sent by time t = ∫ rate dt; step through in 100 ms slices (bounded by the profile).
    let sent = 0;
    let t = 0;
    for (; t < total && (sent < minSamples || t < at); t += 100) sent += (targetAt(shape, t + 50) * 100) / 1000;
    at = Math.max(at, t);
  }
  return { delayAbortEvalMs: Math.round(at / 1000) * 1000, minSamples };
}

/** Target (rate or VUs) the profile asks for at `atMs` from the start, interpolating ramps linearly. */
export function targetAt(profile: Pick<LoadProfile, 'startTarget' | 'stages'>, atMs: number): number {
  let t = 0;
  let from = profile.startTarget;
  for (const s of profile.stages) {
    if (atMs <= t + s.durationMs) {
      const f = s.durationMs === 0 ? 1 : (atMs - t) / s.durationMs;
      return from + (s.target - from) * Math.max(0, f);
    }
    t += s.durationMs;
    from = s.target;
  }
  return from;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
