import { capacityThresholdMs, DEFAULT_MAX_RATE_RPS, describeKnee, describeStep, generatorLagWarning } from '../../analyzers/baseline/capacity.js';
import { SAMPLE_SIZE_RULE } from '../../analyzers/sample-size.js';
import { generatorLoad } from '../load/generator-load.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { sloCards } from '../../analyzers/baseline/slo-status.js';
import type { Artifact, ArtifactStore } from '../../core/artifacts/store.js';
import type { BaselinePayload, Capacity, CapacityStep, LoadFigures } from '../../core/artifacts/schemas.js';
import { formatDuration } from '../../core/duration.js';
import { fmtNum } from '../../core/format.js';
import { LatencyRecorder } from '../load/recorder.js';
import { resolveHeaders } from '../../core/config/headers.js';
import type { Journey, PerfConfig } from '../../core/config/types.js';
import { Interrupted, RuntimeFailure } from '../../core/errors.js';
import { resolveJourneyHeaders, selectJourneys } from '../load/select-journeys.js';
import { renderBaselineMarkdown } from '../../templates/baseline.js';
import { runLoad, type LoadModel, type LoadProgress, type LoadResult } from '../load/run-load.js';
import { withTarget } from '../target/with-target.js';
import { withResources } from '../resources/with-resources.js';
import { openConnections, searchCapacity } from './capacity.js';
import { runProfile } from '../profile/run-profile.js';
import { DatabaseRecorder, type PhaseMeasure } from '../database/recorder.js';

export type BaselineProgress =
  | ({ phase: 'probe' | 'measure' } & LoadProgress)
  | ({ phase: 'journey'; journey: string; index: number; count: number } & LoadProgress)
  | { phase: 'capacity'; step: CapacityStep; index: number; planned: number }
  | { phase: 'profile' }
  | { phase: 'database'; what: string };

export interface RunBaselineOptions {
  config: PerfConfig;
  store: ArtifactStore;
  /** Measured duration after warm-up. Default 15 s (quick: 5 s). */
  durationMs?: number;
  /** Closed model with this many connections (default 10 when no rate is given and no latency SLO exists). */
  connections?: number;
  /** Open model at this arrival rate (requests/s). Default when a latency SLO exists: half the capacity knee. */
  rateRps?: number;
  /** Only this journey (default: the weighted mix of all journeys, reported per journey and overall). */
  journey?: string;
  /** Run the capacity step search (default true). */
  capacity?: boolean;
  /** --capacity: requests/s to use as the capacity instead of searching for it (no probe, no search). */
  capacityRps?: number;
  /** Short everything: 1 s probe and steps, 5 s measurement, 0.5 s warm-up. */
  quick?: boolean;
  /** --warmup: before the probe, the mix and each journey (capacity steps: at most a quarter of a step). Default: `warmup:` in the config, else duration / 10 within 0.5–2 s (quick 0.5 s). */
  warmupMs?: number;
  /** --max-rate: the probe and the capacity search never offer more requests/s (default 2,000). */
  maxRateRps?: number;
  /** Also run `perf profile` afterwards (target restarted under the profiler). */
  profile?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: BaselineProgress) => void;
  /** Database evidence: seconds to wait for PostgreSQL's table counters after each phase (default 10.5 s). */
  databaseSettleMs?: number;
  /** Tests: every recorded sample of the measured run. */
  onSample?: (journey: string, serviceMs: number, correctedMs: number | undefined, status: number) => void;
}

export interface BaselineRun {
  artifact: Artifact<BaselinePayload>;
  markdownPath: string;
  jsonPath: string;
}

/**
 * Every capacity step failed: there is no knee to measure at or to scale load tests from. The
 * evidence (the steps) is written to the baseline report, then this is a runtime failure (exit 3).
 */
function failNoKnee(store: ArtifactStore, config: PerfConfig, capacity: Capacity, warmupMs: number, notes: string[]): never {
  const failing = capacity.steps.filter((s) => s.verdict !== 'ok');
  const lowest = failing.reduce<CapacityStep | undefined>((a, s) => (!a || s.rateRps < a.rateRps ? s : a), undefined);
  const evidence = lowest ? describeStep(lowest) : 'no step ran';
  const empty = new LatencyRecorder('overall').figures(0, true);
  const body: BaselinePayload = {
    target: { baseUrl: config.target.baseUrl },
    model: { kind: 'open', rateRps: 0 },
    durationMs: 0,
    warmupMs,
    journeys: [],
    overall: empty,
    capacity,
    notes: [
      ...notes,
      lowest?.verdict === 'generator'
        ? `No knee: perf's load generator was saturated at every step (the lowest, ${evidence}); the service was not measured.`
        : `No knee: every capacity step failed; the lowest, ${evidence}. Nothing was measured after the search.`,
    ],
  };
  const written = store.writeReport('baseline', body, renderBaselineMarkdown(body, sloCards(config.slos, body)));
  if (lowest?.verdict === 'generator') {
    throw new RuntimeFailure(`perf's own load generator could not keep up on this host, so the service's capacity was not measured: the lowest step, ${evidence}`, {
      where: written.markdownPath,
      fix: 'run perf on a quieter machine (or with fewer other processes), or pass --no-capacity --rate N; the steps are in the report',
    });
  }
  throw new RuntimeFailure(`the capacity search found no rate the service handles: every step failed, the lowest at ${evidence}`, {
    where: written.markdownPath,
    fix: 'check the service (errors? a latency SLO tighter than it can meet at 1 req/s?) — the steps are in the report; or pass --no-capacity --rate N',
  });
}

/** Step 1 of the flow: measure the service as it is, per journey and overall, and find its knee. */
export async function runBaseline(opts: RunBaselineOptions): Promise<BaselineRun> {
  const { config } = opts;
  const resolved = resolveJourneyHeaders(selectJourneys(config.journeys, opts.journey));
  const headers = resolveHeaders(config.target.headers, 'target.headers');
  const quick = opts.quick ?? false;
  const durationMs = opts.durationMs ?? (quick ? 5000 : 15_000);
  const warmupMs = opts.warmupMs ?? config.warmupMs ?? (quick ? 500 : Math.min(2000, Math.max(500, durationMs / 10)));
  const stepMs = quick ? 1000 : 2000;
  const maxRateRps = opts.maxRateRps ?? DEFAULT_MAX_RATE_RPS;
  const { thresholdMs, fromSlo } = capacityThresholdMs(config.slos);
  const latencySlo = config.slos.some((s) => s.sli === 'latency');
  const notes: string[] = [];
  const base = { baseUrl: config.target.baseUrl, journeys: resolved, headers, ...(opts.signal ? { signal: opts.signal } : {}) };

  // Connected before the target starts, so a wrong URL stops the run before any load.
  const database = await DatabaseRecorder.open(config, {
    ...(opts.databaseSettleMs !== undefined ? { settleMs: opts.databaseSettleMs } : {}),
    onStep: (what) => opts.onProgress?.({ phase: 'database', what }),
  });
  const measured = (r: LoadResult, f: LoadFigures, m: LoadModel): PhaseMeasure => ({ requests: r.handled, durationMs: r.durationMs, latencyMeanMs: (f.latencyMsUncorrected ?? f.latencyMs).mean, loadConnections: m.connections });
  const phase = (name: string, journey: string | null, m: LoadModel, fn: () => Promise<LoadResult>, figures: (r: LoadResult) => LoadFigures): Promise<LoadResult> =>
    database ? database.phase(name, journey, fn, (r) => measured(r, figures(r), m)) : fn();

  const { value: payload, resources } = await withTarget(config, opts.signal ? { signal: opts.signal } : {}, (running) => withResources(config.target, running, async () => {
    let capacity: Capacity | null = null;
    const wantOpen = opts.rateRps !== undefined || (opts.connections === undefined && latencySlo);
    let probeRps: number | undefined;
    if (opts.capacityRps === undefined && (opts.capacity !== false || (wantOpen && opts.rateRps === undefined))) {
      // (The probe below is capped by --max-rate; a fast service then looks exactly that fast.)
      // The probe is the first load a fresh target sees: it gets the full warm-up, and --max-rate.
      const probe = await runLoad({
        ...base,
        model: { kind: 'closed', connections: opts.connections ?? 10, maxRateRps },
        durationMs: stepMs,
        warmupMs,
        onProgress: (p) => opts.onProgress?.({ phase: 'probe', ...p }),
      });
      probeRps = probe.durationMs > 0 ? probe.completedInWindow / (probe.durationMs / 1000) : 0;
      if (probe.overall.requests === 0) {
        throw new RuntimeFailure(`no request to ${config.target.baseUrl} got an answer during a ${stepMs} ms probe`, {
          where: 'target.baseUrl',
          fix: 'check that the service is up and that baseUrl and the journey paths are right',
        });
      }
    }
    if (opts.capacity !== false && probeRps !== undefined) {
      capacity = await searchCapacity({
        ...base,
        probeRps,
        slos: config.slos,
        thresholdMs,
        stepMs,
        stepWarmupMs: Math.min(warmupMs, stepMs / 4),
        maxRateRps,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onStep: (step, index, planned) => opts.onProgress?.({ phase: 'capacity', step, index, planned }),
      });
      if (!fromSlo) notes.push(`No latency SLO configured: the capacity search used a default p95 threshold of ${thresholdMs} ms.`);
      notes.push(`Capacity: ${describeKnee(capacity)}${capacity.confirmation ? ` (${capacity.confirmation})` : ''}.`);
      // Let the backlog of the last (failing) step drain before the measured runs.
      if (!opts.signal?.aborted) await sleep(quick ? 500 : 1000);
    }
    let model: LoadModel;
    if (opts.rateRps !== undefined) model = { kind: 'open', rateRps: opts.rateRps, connections: opts.connections ?? openConnections(opts.rateRps) };
    else if (wantOpen) {
      const knee = opts.capacityRps ?? (capacity && capacity.maxRps > 0 ? capacity.maxRps : Math.max(1, (probeRps ?? 0) * 0.5));
      if (capacity && capacity.maxRps <= 0 && !opts.signal?.aborted) return { knee0: capacity } as const;
      const rateRps = Math.max(1, Math.round(knee * 0.5));
      model = { kind: 'open', rateRps, connections: openConnections(rateRps) };
      notes.push(
        `Open model chosen because a latency SLO exists; arrival rate ${rateRps}/s = half of ${
          opts.capacityRps !== undefined
            ? `the --capacity ${fmtNum(opts.capacityRps)} req/s you gave (not measured: no probe, no capacity search)`
            : capacity && capacity.maxRps > 0
            ? capacity.lowerBound
              ? `${capacity.maxRps} req/s, a lower bound of the capacity (limited by ${capacity.limitedBy}), so the rate may be lower than half the real knee`
              : 'the capacity knee'
            : `${fmtNum(knee)} req/s, taken as the knee estimate: half the ${fmtNum(probeRps ?? 0)} req/s a closed-model probe reached (no capacity search)`
        } (pass --rate to choose it).`,
      );
    } else model = { kind: 'closed', connections: opts.connections ?? 10 };

    const run = await phase(
      'overall',
      resolved.length === 1 ? (resolved[0] as Journey).name : null,
      model,
      () =>
        runLoad({
          ...base,
          model,
          durationMs,
          warmupMs,
          onProgress: (p) => opts.onProgress?.({ phase: 'measure', ...p }),
          ...(opts.onSample ? { onSample: opts.onSample } : {}),
        }),
      (r) => r.overall.figures(r.durationMs, r.open),
    );
    // A started target that died mid-run leaves figures of a dead service: recorded, and the gate fails on it.
    const targetExited = running?.exitStatus() ?? null;
    if (targetExited) notes.push(`The target ${targetExited} during the measurement: the figures after that point measure a dead service.`);
    if (run.unfinished > 0) notes.push(`${run.unfinished} request(s) were still unanswered when the run ended; they are not in the figures.`);
    if (run.interrupted) notes.push('Interrupted: the figures cover only the part of the run that finished.');
    if (resolved.some((j) => j.steps.some((s) => s.thinkTimeMs > 0))) notes.push('Think times are not applied by the baseline (it measures request latency); k6 load tests apply them.');
    // Each journey alone too: in the mix, one journey's stall (e.g. a blocking handler) lands in
    // every journey's tail, so the per-journey figures come from isolated runs.
    // Per journey: the whole --duration split across the journeys (after the mix, which got its own
    // --duration), each at the mix's total rate, so a journey gets as many samples as its share of
    // a run twice as long would — not a fixed 2-3 s.
    let isolated: LoadFigures[] | undefined;
    let eachMs = 0;
    if (resolved.length > 1 && !run.interrupted) {
      eachMs = Math.max(1000, Math.round(durationMs / resolved.length));
      isolated = [];
      for (const [i, j] of resolved.entries()) {
        if (opts.signal?.aborted) break;
        const r = await phase(
          j.name,
          j.name,
          model,
          () =>
            runLoad({
              ...base,
              journeys: [j],
              model,
              durationMs: eachMs,
              warmupMs,
              onProgress: (p) => opts.onProgress?.({ phase: 'journey', journey: j.name, index: i, count: resolved.length, ...p }),
            }),
          (x) => (x.journeys[0] as LatencyRecorder).figures(x.durationMs, x.open),
        );
        const f = (r.journeys[0] as LatencyRecorder).figures(r.durationMs, r.open);
        if (model.kind === 'open') f.rateRps = model.rateRps;
        isolated.push(f);
      }
      if (isolated.length === resolved.length) {
        notes.push(
          `Per-journey figures come from each journey run alone (${formatDuration(eachMs)} each = --duration split across ${resolved.length} journeys, after a ${formatDuration(warmupMs)} warm-up${model.kind === 'open' ? `, at the mix's ${model.rateRps} req/s` : ''}); "overall" is the weighted mix run (${formatDuration(durationMs)}). The mix's own per-journey split is in journeysInMix.`,
        );
      } else isolated = undefined;
    }
    notes.push(`Sample-size rule: ${SAMPLE_SIZE_RULE}.`);
    const generator = generatorLoad(run.generator);
    const overallFigures = run.overall.figures(run.durationMs, run.open);
    const lagWarning = run.open ? generatorLagWarning(generator, overallFigures.latencyMs.p95) : null;
    if (lagWarning) notes.push(`Warning: ${lagWarning}.`);
    if (generator.cpuShare >= 0.9) notes.push(`Warning: the load generator used ${Math.round(generator.cpuShare * 100)} % of a CPU core during the measurement: the figures may be limited by perf, not the service.`);
    const result: BaselinePayload & { interrupted: boolean } = {
      target: { baseUrl: config.target.baseUrl },
      model: model.kind === 'open' ? { kind: 'open', rateRps: model.rateRps } : { kind: 'closed', connections: model.connections },
      durationMs: run.durationMs,
      warmupMs,
      journeys: isolated ?? run.journeys.map((r) => r.figures(run.durationMs, run.open)),
      ...(isolated ? { journeysInMix: run.journeys.map((r) => r.figures(run.durationMs, run.open)) } : {}),
      overall: overallFigures,
      capacity,
      notes,
      generator,
      // Ctrl-C during the per-journey runs counts too: those figures are then missing.
      ...(run.interrupted || opts.signal?.aborted ? { partial: true } : {}),
      ...(targetExited ? { targetExited } : {}),
      interrupted: run.interrupted || opts.signal?.aborted === true,
    };
    return result;
  })).catch(async (err: unknown) => {
    await database?.close();
    throw err;
  });
  if ('knee0' in payload) {
    await database?.close();
    return failNoKnee(opts.store, config, payload.knee0, warmupMs, notes);
  }
  if (database) {
    payload.database = await database.finish();
    if (payload.database.statementsHint) payload.notes?.push(payload.database.statementsHint);
  }
  const { interrupted, ...body } = payload;
  if (resources) body.resources = resources;
  if (opts.profile && !interrupted) {
    opts.onProgress?.({ phase: 'profile' });
    const prof = await runProfile({
      config,
      store: opts.store,
      durationMs: Math.min(durationMs, quick ? 5000 : 10_000),
      ...(opts.journey ? { journey: opts.journey } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    body.profileJson = prof.jsonPath;
  }
  const cards = sloCards(config.slos, body);
  const written = opts.store.writeReport('baseline', body, renderBaselineMarkdown(body, cards));
  if (interrupted) throw new Interrupted('interrupted: partial baseline written', { where: written.markdownPath });
  return written;
}
