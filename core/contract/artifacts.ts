import { z } from 'zod';
import { SCENARIO_NAMES, SLI_KINDS } from './config.js';
import type { DatabaseEvidence } from '../../analyzers/database/types.js';
import type { DatabaseComparison } from '../../analyzers/database/compare.js';

/**
 * Payloads of the JSON artifacts (each twin also carries the envelope: `schema`, `runId`, …).
 * Writers build these types; every reader gets them through readArtifact (read-artifact.ts), so a
 * template can trust the shape. Unknown keys are allowed (a newer perf may add keys) and
 * readArtifact returns the file's data as read, so such keys are kept.
 * Histograms are HdrHistogram V2 compressed base64 of **microseconds** (analyzers/histogram.ts).
 * Changing a key here is a contract change: bump the schema version.
 */
const obj = z.object;
const count = z.number();
const nullableNumber = z.number().nullable();
/** A number that a writer may have serialised from ±Infinity/NaN (JSON turns those into null). */
const figure = z.number().nullable();

/** Passed and failed k6 checks. */
const passFail = obj({ passes: count, fails: count });

export const envelope = obj({
  schema: z.string(),
  runId: z.string(),
  generatedAt: z.string(),
  tool: obj({ name: z.literal('perf'), version: z.string() }),
});

export const latencyStats = obj({ min: z.number(), p50: z.number(), p90: z.number(), p95: z.number(), p99: z.number(), p999: z.number(), max: z.number(), mean: z.number() });

/** Load figures of one journey or of the overall mix. */
export const loadFigures = obj({
  /** Journey name, or "overall". */
  name: z.string(),
  requests: count,
  /** Failed requests: network errors, status >= 400 not expected by the step, or k6 http_req_failed. */
  errors: count,
  /** errors / requests, 0..1. */
  errorRate: z.number(),
  /** Count per HTTP status ("200", "503"; "0" for network errors/timeouts). */
  statusCodes: z.record(z.string(), count),
  throughputRps: z.number(),
  durationMs: z.number(),
  latencyMs: latencyStats,
  histogram: z.string(),
  /** Present when an open-model run corrected for coordinated omission: the raw service-time view. */
  latencyMsUncorrected: latencyStats.optional(),
  histogramUncorrected: z.string().optional(),
  /** Optional: the open-model arrival rate this journey ran at (baseline per-journey runs). */
  rateRps: z.number().optional(),
  /**
   * Optional: the measured period cut into equal consecutive batches (`ms` each, by intended send
   * time), each with its own median and p95 — the unit of replication of perf compare's tests, so
   * drift within a run widens the comparison instead of passing for a change. p50 is null without
   * requests, p95 below 20 (the sample-size rule).
   */
  batches: obj({ ms: z.number(), series: z.array(obj({ requests: count, errors: count, p50Ms: figure, p95Ms: figure })) }).optional(),
});

/** The load generator's own saturation during a run or step (see capture/load/run-load.ts). */
export const generatorLoad = obj({
  /** CPU of the perf process over the measured window, as a share of one core. */
  cpuShare: z.number(),
  eventLoopDelayP99Ms: z.number(),
  /** Open model: lateness of sends that waited for their intended time (pure generator lag), ms. */
  sendLagMs: obj({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number(), n: count }).nullable(),
  /** Open model: share of sends whose slot was already past because every connection was busy. */
  backloggedShare: z.number(),
});

export const capacityStep = obj({
  rateRps: z.number(),
  achievedRps: z.number(),
  p95Ms: z.number(),
  errorRate: z.number(),
  /** Why the search stopped at this step, or "ok" if it went on. "generator": perf itself was saturated. */
  verdict: z.enum(['ok', 'latency', 'errors', 'plateau', 'generator']),
  /** Optional: answered requests in the step (the sample size of its p95). */
  requests: z.number().optional(),
  /** Optional: the search's first pass, a bisection between the last ok and first failing rate, or a repeat. */
  phase: z.enum(['search', 'refine', 'confirm']).optional(),
  generator: generatorLoad.optional(),
});

/** The capacity a baseline measured: the knee of the search and the steps that found it. */
export const capacity = obj({
  /** The knee: the highest arrival rate that met the criteria (in a majority of its trials). */
  maxRps: z.number(),
  /**
   * What stopped the search above the knee. "generator": perf's own load generator saturated, so the
   * knee is a lower bound of the service's; "max-rate": the search reached --max-rate; "search-range":
   * the highest planned step still passed (a lower bound too).
   */
  limitedBy: z.enum(['latency', 'errors', 'plateau', 'max-rate', 'generator', 'search-range']),
  /** The p95 threshold (ms) the search used, from the tightest latency SLO. */
  latencyThresholdMs: z.number(),
  steps: z.array(capacityStep),
  /** Optional: mean achieved throughput of the knee's trials. */
  achievedRps: z.number().optional(),
  /** Optional: the --max-rate cap of the probe and the search. */
  maxRateRps: z.number().optional(),
  /** Optional: true when the knee is only a lower bound (limited by the generator, --max-rate or the search range). */
  lowerBound: z.boolean().optional(),
  /** Optional: how the knee was confirmed ("120/s passed 3 of 3 trials; 135/s failed 2 of 2"). */
  confirmation: z.string().optional(),
});

/** How a baseline drove load: open model (arrival rate) or closed model (connections). */
export const baselineModel = z.discriminatedUnion('kind', [obj({ kind: z.literal('open'), rateRps: z.number() }), obj({ kind: z.literal('closed'), connections: z.number() })]);

/** The parts of the baseline's `database` section its readers rely on (the shape: analyzers/database/types.ts). */
const databaseEvidence = z.custom<DatabaseEvidence>(
  (v) =>
    obj({ engine: z.literal('postgres'), statementsAvailable: z.boolean(), phases: z.array(obj({ phase: z.string(), journey: z.string().nullable(), requests: z.number() })), plans: z.array(z.unknown()) }).safeParse(v).success,
  { error: 'expected the database evidence of a perf baseline (engine, statementsAvailable, phases, plans)' },
);

/** One sample of the target's resources (its whole process tree for a pid; the service's own figures for metricsUrl). */
export const resourceSample = obj({
  /** ms since the sampler started. */
  tMs: z.number(),
  /** CPU of the tree over the last interval, percent of one core (200 = two cores busy). */
  cpuPct: nullableNumber,
  rssMb: nullableNumber,
  heapUsedMb: nullableNumber.optional(),
  fds: nullableNumber.optional(),
  threads: nullableNumber.optional(),
  processes: z.number().optional(),
  /** Optional, Node targets perf started (its preload): V8 heap size, summed over the tree's Node processes. */
  heapTotalMb: nullableNumber.optional(),
  /** Optional, Node preload: heap used right after the last major GC (the live heap; the leak fit's basis). */
  heapAfterGcMb: nullableNumber.optional(),
  /** Optional, Node preload: event-loop delay over the interval (perf_hooks.monitorEventLoopDelay), worst process. */
  eventLoopDelayMs: obj({ p50: z.number(), p99: z.number(), max: z.number() }).nullable().optional(),
  /** Optional, Node preload: GC pause time and count during the interval (PerformanceObserver 'gc'). */
  gcMs: z.number().optional(),
  gcCount: z.number().optional(),
});

/** Leak verdict of a memory series (analyzers/resources/leak.ts; rule in README "Resources and leaks"). */
export const leakVerdict = obj({
  suspected: z.boolean(),
  /** Least-squares slope of the analysed part, MB per hour (null when too few samples). */
  slopeMbPerHour: nullableNumber,
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  /** What the verdict was computed from, or why it could not be. */
  basis: z.string(),
  series: z.enum(['rssMb', 'heapUsedMb', 'heapAfterGcMb']),
});

/** The target's resources during a run: `perf` sampled them from /proc (pid) or a Prometheus endpoint. */
export const resourceSeries = obj({
  source: z.enum(['proc', 'prometheus']),
  pid: z.number().optional(),
  metricsUrl: z.string().optional(),
  intervalMs: z.number(),
  /** Optional: when sampling started (ISO, UTC): `tMs` counts from here, so the series lines up with the run's windows. */
  startedAt: z.string().optional(),
  samples: z.array(resourceSample),
  leak: leakVerdict,
  /** Leak verdict of the heap: heap-after-GC (Node preload) when recorded, else heap used (metricsUrl). */
  heapLeak: leakVerdict.optional(),
  /** Optional: whether the Node runtime series (heap, event-loop delay, GC) were recorded, and from what. */
  runtime: obj({ recorded: z.boolean(), note: z.string() }).optional(),
  notes: z.array(z.string()).optional(),
});

/** perf.baseline/v1 */
export const baselinePayload = obj({
  target: obj({ baseUrl: z.string() }),
  model: baselineModel,
  durationMs: z.number(),
  warmupMs: z.number(),
  journeys: z.array(loadFigures),
  overall: loadFigures,
  capacity: capacity.nullable(),
  /** Optional: each journey's share of the weighted mix run (when `journeys` come from isolated runs). */
  journeysInMix: z.array(loadFigures).optional(),
  /** Optional: honest remarks about the run (unanswered requests, interrupted, model choice). */
  notes: z.array(z.string()).optional(),
  /** Optional: path of the perf.profile/v1 twin when `perf baseline --profile` ran. */
  profileJson: z.string().optional(),
  /** Optional: PostgreSQL evidence per phase (analyzers/database/types.ts) when `target.database` is set. */
  database: databaseEvidence.optional(),
  /** Optional: the load generator's own cost during the measured mix run (beside the corrected view). */
  generator: generatorLoad.optional(),
  /** Optional: the target's CPU, memory, fds and threads during the run, with a leak verdict. */
  resources: resourceSeries.optional(),
  /** Optional: true when the run was interrupted (Ctrl-C, closed output): the figures cover what ran. */
  partial: z.boolean().optional(),
  /** Optional: the target perf started exited during the measurement (its exit status). */
  targetExited: z.string().optional(),
});

export const hotFunction = obj({
  functionName: z.string(),
  /** `file:line` (1-based line), relative to the target's cwd where possible. */
  location: z.string(),
  url: z.string(),
  line: z.number(),
  category: z.enum(['app', 'node_modules', 'node-internal', 'native', 'gc', 'idle', 'program']),
  selfMs: z.number(),
  totalMs: z.number(),
  /** Shares of all non-idle samples, 0..1. */
  selfShare: z.number(),
  totalShare: z.number(),
});

/** One allocation site of a sampling heap profile (analyzers/heapprofile.ts): a function and its sampled bytes. */
export const heapSite = obj({
  functionName: z.string(),
  /** `file:line` of the function (1-based line), relative to the target's cwd where possible. */
  location: z.string(),
  url: z.string(),
  line: z.number(),
  category: hotFunction.shape.category,
  /** Sampled bytes allocated by the function itself, and with it anywhere on the stack. */
  selfBytes: z.number(),
  totalBytes: z.number(),
  /** Shares of all sampled bytes, 0..1. */
  selfShare: z.number(),
  totalShare: z.number(),
});

/** perf.profile/v1 */
export const profilePayload = obj({
  target: obj({ baseUrl: z.string(), command: z.string().optional() }),
  profiled: z.boolean(),
  /** Why profiling was skipped (e.g. the target is not Node). */
  skippedReason: z.string().optional(),
  durationMs: z.number(),
  sampleCount: z.number(),
  hotFunctions: z.array(hotFunction),
  eventLoopDelayMs: obj({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number(), mean: z.number() }).nullable(),
  gc: obj({ totalMs: z.number(), share: z.number(), count: z.number(), byKind: z.record(z.string(), z.number()) }).nullable(),
  /**
   * Optional: the sampling heap profile of the load period (HeapProfiler sampling in perf's preload):
   * the sampled allocations still live when the load ended, by allocation site; null when none was written.
   */
  heapProfile: obj({
    /** Mean bytes between samples (V8's Poisson sampling). */
    samplingIntervalBytes: z.number(),
    sampledBytes: z.number(),
    sites: z.array(heapSite),
    raw: z.string(),
  })
    .nullable()
    .optional(),
  clinic: obj({
    ran: z.boolean(),
    /** Optional: which clinic tool ran (`perf profile --clinic doctor|flame`). */
    tool: z.enum(['doctor', 'flame']).optional(),
    /** doctor's issue category (its analysis of the collected data), e.g. "event-loop", "gc", "none". */
    diagnosis: z.string().optional(),
    categories: z.array(z.string()).optional(),
    htmlPaths: z.array(z.string()).optional(),
    note: z.string().optional(),
  }),
  rawProfiles: z.array(z.string()),
  /** Optional: self-contained HTML flame graphs perf rendered from the raw profiles. */
  flameGraphs: z.array(z.string()).optional(),
  load: loadFigures.nullable(),
});

export const loadWindow = obj({
  startMs: z.number(),
  endMs: z.number(),
  requests: count,
  errors: count,
  rps: z.number(),
  errorRate: z.number(),
  latencyMs: obj({ p50: z.number(), p95: z.number(), p99: z.number() }),
  /**
   * k6's `vus` gauge, the window's maximum: VUs running an iteration when k6 sampled (once a second).
   * With an arrival-rate executor a VU is busy only during an iteration, so a fast service reads 0.
   */
  vus: z.number(),
  /** Optional: k6's `vus_max` gauge, the window's maximum: VUs allocated (the pool iterations start on). */
  vusMax: z.number().optional(),
  histogram: z.string(),
  /** Per-journey counts and histogram in this window (for journey-filtered SLO burn rates). */
  journeys: z.record(z.string(), obj({ requests: count, errors: count, histogram: z.string() })),
  /** Optional: k6 dropped_iterations in this window (the open model could not start them in time). */
  droppedIterations: count.optional(),
  /** Optional: k6 checks evaluated in this window. */
  checks: passFail.optional(),
});

export const loadStage = obj({
  startMs: z.number(),
  endMs: z.number(),
  /** Target arrival rate (iterations/s) or VUs at the end of the stage. */
  target: z.number(),
  label: z.string().optional(),
  /** The warm-up stage (excluded from the figures). */
  warmup: z.boolean().optional(),
});

/**
 * One k6 runner of a scale-out run (execution segment, k6-operator pod), as the merge recorded it
 * (analyzers/merge/runners.ts): what it ran, what it sent, and whether its load fell short.
 */
export const runnerRecord = obj({
  runner: z.string(),
  /** Its k6 execution segment ("0:1/2"), null when unsegmented or not recorded. */
  segment: z.string().nullable(),
  /** http_reqs of the runner (its summary line, else the sum over its windows). */
  requests: count,
  windows: count,
  /** It wrote its summary line (k6 stopped cleanly). */
  complete: z.boolean(),
  aborted: obj({ reason: z.string(), atMs: z.number() }).nullable(),
  /** End of its last window (its start when it wrote none). */
  lastEndMs: z.number(),
  /** It ended early: no summary line (killed, lost), or its last window ends more than a window before the others'. */
  short: z.boolean(),
  /** Why it is short, in words; null when not short. */
  shortReason: z.string().nullable(),
  /** How its k6 process ended, when perf ran it (`perf loadtest --parallel`); absent for files merged after the fact. */
  exitStatus: obj({ code: z.number().nullable(), signal: z.string().nullable() }).optional(),
});

/** perf.loadtest/v1 */
export const loadTestPayload = obj({
  scenario: z.enum(SCENARIO_NAMES),
  partial: z.boolean(),
  quick: z.boolean(),
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: z.number(),
  /** The warm-up stage at the start: its length, and whether the figures could exclude it. */
  warmup: obj({ ms: z.number(), excluded: z.boolean(), note: z.string() }).optional(),
  /** k6 that ran; `extensionVersion` (optional) is the perf extension's, from the k6 output's header. */
  k6: obj({ binary: z.string(), version: z.string(), extension: z.boolean(), extensionVersion: z.string().optional(), lost: z.array(z.string()).optional() }),
  /** The raw k6 artifact (perf.k6-windows/v1 NDJSON, or k6 --out json in fallback mode). */
  rawArtifact: z.string(),
  journeys: z.array(loadFigures),
  overall: loadFigures,
  windowMs: z.number(),
  windows: z.array(loadWindow),
  stages: z.array(loadStage),
  droppedIterations: count,
  /** Optional: consecutive windows a violation must last to be a breaking point (the rule this run was judged by). */
  sustainWindows: count.optional(),
  /** Optional: k6 iterations that ran (the denominator of the dropped share). */
  iterations: count.optional(),
  /** Optional: the target perf started exited during the run (its exit status). */
  targetExited: z.string().optional(),
  checks: obj({ passes: count, fails: count, byName: z.record(z.string(), passFail) }),
  /**
   * A sustained violation (N consecutive windows with enough samples, after the warm-up). `rps` is
   * the ACHIEVED rate (VUs in the closed model) where it began; `targetRps` what the profile asked.
   */
  breakingPoint: obj({
    rps: z.number(),
    atMs: z.number(),
    reason: z.string(),
    targetRps: z.number().optional(),
    span: obj({ startMs: z.number(), endMs: z.number(), windows: z.number() }).nullable().optional(),
    evidence: z.array(z.string()).optional(),
  }).nullable(),
  recovery: obj({ recoveryTimeMs: nullableNumber, spikeEndMs: z.number(), note: z.string() }).nullable(),
  /**
   * Soak: p95 of the first vs the last third (or hour), and (optional) the p95-per-window trend:
   * least-squares slope in ms/h over `windows` windows with its CI95, the fitted change over the
   * measured span, and `degraded` (null when too few windows support a p95).
   */
  drift: obj({
    firstP95Ms: z.number(),
    lastP95Ms: z.number(),
    changePct: z.number(),
    note: z.string(),
    slopeMsPerHour: nullableNumber.optional(),
    ci95: z.tuple([z.number(), z.number()]).nullable().optional(),
    windows: count.optional(),
    fittedChangePct: nullableNumber.optional(),
    degraded: z.boolean().nullable().optional(),
  }).nullable(),
  aborted: obj({ reason: z.string(), atMs: z.number() }).nullable(),
  /** Optional: the target's CPU, memory, fds and threads during the run, with a leak verdict. */
  resources: resourceSeries.optional(),
  /** Optional: the service the load went to. */
  target: obj({ baseUrl: z.string() }).optional(),
  /** Optional: figures per endpoint (k6's `name` tag: the URL, or the name a step gave its request). */
  endpoints: z.array(loadFigures).optional(),
  /** Optional: the k6 runners whose windows were merged into this one (scale-out runs: --parallel N, perf collect, several files). */
  runners: z.array(runnerRecord).optional(),
});

export const sloStatus = z.enum(['PASS', 'PARTIAL', 'FAIL']);

export const sloAlert = obj({
  severity: z.enum(['page', 'ticket']),
  /** Burn-rate factor of the rule (14.4, 6, 3, 1). */
  factor: z.number(),
  longWindow: z.string(),
  shortWindow: z.string(),
  longBurnRate: nullableNumber,
  shortBurnRate: nullableNumber,
  firing: z.boolean(),
  /** Why the verdict could not be computed (e.g. the run is shorter than the scaled window). */
  note: z.string().optional(),
});

export const sloResult = obj({
  name: z.string(),
  sli: z.enum(SLI_KINDS),
  journey: z.string().optional(),
  objective: z.number(),
  /** Optional (latency SLIs): the percentile 0-100 whose value `actual` is and `target` bounds. */
  percentile: z.number().optional(),
  /** The SLO window the budget is counted over ("30d"). */
  window: z.string().optional(),
  /** Observed SLI: ms for latency (the SLO's percentile), percent good for availability, percent bad for error-rate. */
  actual: nullableNumber,
  target: z.number(),
  status: sloStatus,
  errorBudget: obj({ allowedBadFraction: z.number(), badFraction: z.number(), consumedPct: z.number(), remainingPct: z.number() }),
  burnRate: z.number(),
  alerts: z.array(sloAlert),
  events: obj({ total: count, bad: count }),
  note: z.string().optional(),
});

/** perf.slo/v1 */
export const sloPayload = obj({
  status: sloStatus,
  source: obj({ file: z.string(), format: z.string() }),
  runDurationMs: z.number(),
  slos: z.array(sloResult),
  /** Optional: the config's resource limits checked on the input's `resources` (analyzers/resources/limits.ts). */
  resourceLimits: z
    .array(obj({ name: z.enum(['cpuPct', 'rssMb', 'heapMb', 'fds']), limit: z.number(), observed: nullableNumber, statistic: z.enum(['p95', 'peak']), status: z.enum(['PASS', 'FAIL', 'n/a']), evidence: z.string() }))
    .optional(),
  /** Optional: the k6 runners whose windows were merged into the evaluated input (scale-out runs). */
  runners: z.array(runnerRecord).optional(),
});

/**
 * What `perf slo-check` reads from a baseline or load-test twin: counts and histograms of the
 * figures and windows. A file carrying these (an older perf's, or a trimmed one) is evaluated; the
 * rest of the payload is not needed for an SLO verdict.
 */
const sloFigures = loadFigures.pick({ name: true, requests: true, errors: true, histogram: true });
export const sloInputArtifact = obj({
  schema: z.enum(['perf.baseline/v1', 'perf.loadtest/v1']),
  overall: sloFigures,
  journeys: z.array(sloFigures),
  durationMs: z.number().optional(),
  partial: z.boolean().optional(),
  windows: z
    .array(loadWindow.pick({ startMs: true, endMs: true, requests: true, errors: true, histogram: true }).extend({ journeys: loadWindow.shape.journeys.optional() }))
    .optional(),
});

// The payloads below are declared as TypeScript interfaces next to the code that computes them
// (analyzers/bottlenecks, analyzers/plan, analyzers/compare, app/flow, templates/load-test-plan);
// these schemas check the structure their readers rely on, and test/unit/contract-artifacts.test.ts
// checks that what they accept is assignable to those interfaces.

/** perf.bottlenecks/v1 */
export const bottlenecksPayload = obj({
  inputs: obj({ baseline: z.string().nullable(), profile: z.string().nullable(), loadtest: z.string().nullable() }),
  gaps: z.array(z.string()),
  bottlenecks: z.array(
    obj({
      id: z.string(),
      rank: z.number(),
      rule: z.string(),
      title: z.string(),
      description: z.string(),
      evidence: z.array(obj({ kind: z.string(), text: z.string(), location: z.string().optional(), value: z.number().optional() })),
      impact: obj({ cpuShare: nullableNumber, latencyShare: nullableNumber, journeys: z.array(z.string()) }),
      approach: z.string(),
      alternatives: z.array(z.string()),
      sql: z.array(z.string()).optional(),
      // The measured ceiling (share × 100); null when no share was measured.
      estimatedImprovementPct: nullableNumber,
      estimateFormula: z.string().optional(),
      effortDays: z.number(),
      roi: figure,
      quadrant: z.enum(['quick-win', 'major-project', 'fill-in', 'deprioritise']),
      strength: obj({ level: z.enum(['strong', 'moderate', 'weak']), basis: z.string(), samples: nullableNumber }).optional(),
      owner: obj({ kind: z.enum(['app', 'dependency', 'unknown']), package: z.string().optional(), via: z.array(z.string()) }).optional(),
    }),
  ),
  journeys: z.array(obj({ name: z.string(), p95Ms: z.number(), meanMs: z.number(), requests: count, errorRate: z.number(), latencyShare: z.number() })),
  eventLoopDelayMs: obj({ p99: z.number(), max: z.number() }).nullable(),
  gcShare: nullableNumber,
  breakingPoint: obj({ rps: z.number(), reason: z.string() }).nullable(),
});

const tier = z.enum(['quick-win', 'strategic', 'major-refactor']);

/** perf.plan/v1 */
export const planPayload = obj({
  source: z.string().nullable(),
  guidance: obj({ text: z.string(), keywords: z.array(z.string()) }),
  items: z.array(
    obj({
      id: z.string(),
      bottleneckId: z.string(),
      title: z.string(),
      tier,
      priority: z.number(),
      effortDays: z.number(),
      estimatedImprovementPct: nullableNumber,
      estimateFormula: z.string().optional(),
      roi: figure,
      constraint: obj({ name: z.string(), guidance: z.string() }).optional(),
      boostedBy: z.array(z.string()),
      risk: z.enum(['low', 'moderate', 'high']),
      journeys: z.array(z.string()),
      steps: z.array(z.string()),
      successCriteria: z.array(z.string()),
      testing: z.array(z.string()),
      rollback: z.string(),
    }),
  ),
  constraints: z.array(obj({ name: z.string(), text: z.string() })).optional(),
  excluded: z.array(obj({ bottleneckId: z.string(), title: z.string(), reason: z.string() })).optional(),
  counts: z.record(tier, z.number()),
  totalEffortDays: z.number(),
});

const verdict = z.enum(['improved', 'regressed', 'mixed', 'no-significant-change', 'insufficient-data', 'unconfirmed']);
const snapshot = obj({ requests: count, p50Ms: z.number(), p95Ms: z.number(), p99Ms: z.number(), throughputRps: z.number(), errorRate: z.number() });
const journeyComparison = obj({
  name: z.string(),
  before: snapshot,
  after: snapshot,
  // A change from 0 is infinite, which JSON writes as null.
  change: obj({ p50: figure, p95: figure, p99: figure, throughput: figure, errorRatePoints: figure }),
  verdict,
  confidence: nullableNumber,
  reasons: z.array(z.string()),
});
const runRef = obj({ file: z.string(), schema: z.string(), runId: z.string() });
const sloSide = obj({ badFraction: z.number(), budgetConsumedPct: figure, met: z.boolean() }).nullable();

/** perf.compare/v1 */
export const comparePayload = obj({
  before: runRef,
  after: runRef,
  overall: journeyComparison,
  journeys: z.array(journeyComparison),
  unmatched: obj({ beforeOnly: z.array(z.string()), afterOnly: z.array(z.string()) }),
  verdict,
  regressions: z.array(z.string()),
  improvements: z.array(z.string()),
  slos: z.array(obj({ name: z.string(), sli: z.enum(SLI_KINDS), journey: z.string().optional(), objective: z.number(), before: sloSide, after: sloSide, budgetRecoveredPct: figure })),
  fairness: obj({ comparable: z.boolean(), issues: z.array(obj({ kind: z.string(), severity: z.enum(['refuse', 'flag']), text: z.string() })) }).optional(),
  measurementsPerSide: z.number().optional(),
  confirmations: z
    .array(
      obj({
        journey: z.string(),
        claimed: verdict,
        measurements: z.array(obj({ side: z.enum(['before', 'after']), order: z.number(), requests: count, p50Ms: z.number(), p95Ms: z.number(), p99Ms: z.number(), errorRate: z.number(), file: z.string().optional() })),
        pairs: z.array(verdict),
        sameSide: obj({ before: verdict.nullable(), after: verdict.nullable() }),
        held: z.boolean(),
        verdict,
        reason: z.string(),
      }),
    )
    .optional(),
  notes: z.array(z.string()),
  database: z.custom<DatabaseComparison>((v) => obj({ journeys: z.array(z.unknown()), statements: z.array(z.unknown()), notes: z.array(z.string()) }).safeParse(v).success).optional(),
});

/** perf.compare/v1 with `status: "pending"`: a flow run's summary before an after-run exists (app/flow/pending-summary.ts). */
export const pendingSummaryPayload = obj({
  status: z.literal('pending'),
  reason: z.string(),
  completeWith: z.string(),
  trigger: z.string(),
  baseline: obj({ file: z.string(), runId: z.string(), requests: count, p50Ms: z.number(), p95Ms: z.number(), p99Ms: z.number(), throughputRps: z.number(), errorRate: z.number() }).nullable(),
  bottlenecks: z.array(obj({ id: z.string(), title: z.string(), evidence: z.string(), estimatedImprovementPct: nullableNumber })),
  plan: obj({ quickWins: count, strategic: count, majorRefactor: count, totalEffortDays: z.number() }).nullable(),
  loadTests: z.array(obj({ scenario: z.string(), headline: z.string(), verdict: sloStatus.nullable() })),
  slo: obj({ status: sloStatus, slos: z.array(obj({ name: z.string(), status: sloStatus, actual: nullableNumber, target: z.number(), budgetConsumedPct: z.number(), budgetRemainingPct: z.number() })) }).nullable(),
});

/** What `reports/optimization-summary.json` holds: a comparison, or a flow run's pending summary. */
export const summaryPayload = z.union([comparePayload, pendingSummaryPayload]);

/** perf.loadtest-plan/v1 */
export const loadTestPlanPayload = obj({
  target: obj({ baseUrl: z.string() }),
  capacity: obj({ maxRps: z.number(), latencyThresholdMs: nullableNumber, source: z.enum(['baseline', 'flag']) }).nullable(),
  requestsPerIteration: z.number(),
  mix: z.array(obj({ journey: z.string(), weight: z.number(), share: z.number(), steps: z.array(z.string()), thinkTimeMs: z.number(), data: z.string().nullable() })),
  scenarios: z.array(obj({ scenario: z.string(), model: z.enum(['arrival-rate', 'vus']), peak: z.number(), totalMs: z.number(), script: z.string() })),
  successCriteria: z.array(obj({ name: z.string(), sli: z.string(), objective: z.number() })),
});

/** perf.flow/v1: what `perf flow` records about one run in its archive folder. */
export const flowState = obj({
  schema: z.literal('perf.flow/v1'),
  runId: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  phase: z.enum(['before', 'after']),
  trigger: z.string(),
  guidance: z.string(),
  baseline: z.string().nullable(),
  sloStatus: z.string().nullable(),
  steps: z.array(obj({ step: z.number(), name: z.string(), status: z.enum(['done', 'pending', 'unavailable', 'failed', 'skipped']), note: z.string().optional() })),
});

// perf.k6-windows/v1 NDJSON lines (contract and prose: core/artifacts/k6-windows.ts).
const seriesTags = obj({ journey: z.string().optional(), name: z.string().optional(), scenario: z.string().optional(), status: z.string().optional(), check: z.string().optional() });
const trendSeries = obj({ metric: z.string(), tags: seriesTags, count, min: z.number(), max: z.number(), sum: z.number(), histogram: z.string() });
const counterSeries = obj({ metric: z.string(), tags: seriesTags, value: z.number() });
const rateSeries = obj({ metric: z.string(), tags: seriesTags, trues: count, total: count });
const gaugeSeries = obj({ metric: z.string(), tags: seriesTags, value: z.number(), max: z.number() });
const seriesSet = { trends: z.array(trendSeries), counters: z.array(counterSeries), rates: z.array(rateSeries), gauges: z.array(gaugeSeries) };
export const k6WindowsLine = z.discriminatedUnion('type', [
  obj({
    schema: z.literal('perf.k6-windows/v1'),
    type: z.literal('header'),
    startMs: z.number(),
    windowMs: z.number(),
    k6Version: z.string(),
    extensionVersion: z.string(),
    slos: z.array(z.unknown()),
    guard: obj({ enabled: z.boolean(), longWindowMs: z.number(), shortWindowMs: z.number(), factor: z.number() }).nullable(),
    runId: z.string().optional(),
    runner: z.string().optional(),
    segment: z.string().nullable().optional(),
    segmentSequence: z.string().nullable().optional(),
    alignedWindows: z.boolean().optional(),
  }),
  obj({ type: z.literal('window'), index: z.number(), startMs: z.number(), endMs: z.number(), ...seriesSet }),
  obj({ type: z.literal('abort'), atMs: z.number(), slo: z.string(), reason: z.string(), longBurnRate: z.number(), shortBurnRate: z.number() }),
  obj({ type: z.literal('summary'), startMs: z.number(), endMs: z.number(), windows: z.number(), ...seriesSet, aborted: obj({ reason: z.string(), atMs: z.number() }).nullable() }),
]);

/**
 * perf.k6-push/v1: the collector's reply to a runner's POST of windows (protocol: core/artifacts/k6-push.ts).
 * 200: go on (`stop: false`) or stop the test (`stop: true`, why); 400/409/413: `error`, the batch was not taken.
 */
export const k6PushReply = z.union([
  obj({ schema: z.literal('perf.k6-push/v1'), stop: z.literal(false) }),
  obj({ schema: z.literal('perf.k6-push/v1'), stop: z.literal(true), reason: z.string() }),
  obj({ schema: z.literal('perf.k6-push/v1'), error: z.string() }),
]);
export type K6PushReply = z.output<typeof k6PushReply>;

export type LatencyStatsShape = z.output<typeof latencyStats>;
export type LoadFigures = z.output<typeof loadFigures>;
export type CapacityStep = z.output<typeof capacityStep>;
export type GeneratorLoad = z.output<typeof generatorLoad>;
export type Capacity = z.output<typeof capacity>;
export type BaselineModel = z.output<typeof baselineModel>;
export type ResourceSample = z.output<typeof resourceSample>;
export type LeakVerdict = z.output<typeof leakVerdict>;
export type ResourceSeries = z.output<typeof resourceSeries>;
export type BaselinePayload = z.output<typeof baselinePayload>;
export type HotFunction = z.output<typeof hotFunction>;
export type ProfilePayload = z.output<typeof profilePayload>;
export type HeapSite = z.output<typeof heapSite>;
export type LoadWindow = z.output<typeof loadWindow>;
export type LoadStage = z.output<typeof loadStage>;
export type LoadTestPayload = z.output<typeof loadTestPayload>;
export type RunnerRecord = z.output<typeof runnerRecord>;
export type SloStatus = z.output<typeof sloStatus>;
export type SloAlert = z.output<typeof sloAlert>;
export type SloResult = z.output<typeof sloResult>;
export type SloPayload = z.output<typeof sloPayload>;
