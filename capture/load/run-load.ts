import autocannon from 'autocannon';
import { adaptClient, checkAutocannonVersion } from './autocannon-client.js';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { buildMixCycle } from '../../analyzers/baseline/request-mix.js';
import { COMPARE_BATCHES } from '../../analyzers/compare/batches.js';
import { newHistogram, percentileMs, recordMs, type Histogram } from '../../analyzers/histogram.js';
import { readDataFile } from '../../core/config/step-templates.js';
import type { Journey, JourneyStep } from '../../core/config/types.js';
import type { DataRow } from '../../core/data-rows.js';
import { compileStepRequest, type RenderedRequest } from '../../core/step-request.js';
import { TemplateError } from '../../core/template.js';
import { UserError } from '../../core/errors.js';
import { LatencyRecorder } from './recorder.js';
import { OpenSchedule } from './open-schedule.js';

/**
 * Open: arrivals at `rateRps`, latency from the intended send time. Closed: connections send back
 * to back, never faster than `maxRateRps` in total when given (the --max-rate cap of the probe).
 */
export type LoadModel = { kind: 'open'; rateRps: number; connections: number } | { kind: 'closed'; connections: number; maxRateRps?: number };

/**
 * The load generator's own cost during the measured window, so a result limited by perf itself is
 * not blamed on the service: its CPU (share of one core), its event-loop delay, and (open model)
 * the send lag — how late a request left after its intended time when a connection was free and
 * waiting for it (timer lateness: pure generator lag) — and how many sends found every connection
 * busy (backlogged: the schedule outran the connections, like k6's dropped iterations).
 */
export interface GeneratorStats {
  cpuShare: number;
  eventLoopDelayP99Ms: number;
  /** Send lag (ms) of the measured requests that waited for their slot; empty in the closed model. */
  sendLag: Histogram;
  /** Measured sends whose slot was already past when a connection became free. */
  backlogged: number;
  sends: number;
}

export interface LoadProgress {
  elapsedMs: number;
  totalMs: number;
  requests: number;
  rps: number;
  p95Ms: number;
  errors: number;
  warmingUp: boolean;
}

export interface RunLoadOptions {
  baseUrl: string;
  journeys: readonly Journey[];
  /** Resolved target headers (secrets): they only go into autocannon's request buffers. */
  headers: Record<string, string>;
  model: LoadModel;
  durationMs: number;
  /** Responses to requests sent (closed) or due (open) before this point are not recorded. */
  warmupMs: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** Every recorded sample (tests compare HDR percentiles with an exact sort of these). */
  onSample?: (journey: string, serviceMs: number, correctedMs: number | undefined, status: number) => void;
}

export interface LoadResult {
  journeys: LatencyRecorder[];
  overall: LatencyRecorder;
  /** The measured window (after warm-up). */
  durationMs: number;
  open: boolean;
  /** Responses that arrived inside the measured window (any send time): the throughput the service really gave. */
  completedInWindow: number;
  /** Requests still unanswered when the run ended (counted nowhere else). */
  unfinished: number;
  /** Every request answered or failed during the whole run, warm-up included (what the server worked on). */
  handled: number;
  interrupted: boolean;
  generator: GeneratorStats;
}

interface SlotTarget {
  rec: LatencyRecorder;
  expect: Set<number>;
}

interface InFlight {
  /** Index into the mix cycle. */
  slot: number;
  sentAt: number;
  intendedAt: number | undefined;
  measured: boolean;
}

const DRAIN_MS = 2000;

/**
 * Drives autocannon with our own pacing and recording. Each connection walks the weighted journey
 * mix; every response is recorded per journey and overall into HDR histograms. Closed model:
 * connections send back to back. Open model: sends follow the OpenSchedule and latency is measured
 * from the intended send time (autocannon's own `overallRate` is bursty per second and its
 * coordinated-omission back-fill uses `ceil(1/rate)` ms as the interval, so neither is used).
 */
export async function runLoad(opts: RunLoadOptions): Promise<LoadResult> {
  checkAutocannonVersion();
  const base = new URL(opts.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const cycle = buildMixCycle(opts.journeys);
  const rows = opts.journeys.map((j, i) => (j.data ? readDataFile(j.data, `journeys[${i}].data`).rows : null));
  const requests = cycle.map((e) =>
    toRequest((opts.journeys[e.journey] as Journey).steps[e.step] as JourneyStep, basePath, opts.headers, rows[e.journey] ?? null, `journeys[${e.journey}].steps[${e.step}]`),
  );
  const recorders = opts.journeys.map((j) => new LatencyRecorder(j.name));
  // Only the journey recorders are written per response; "overall" is their merge at the end.
  let liveCount = 0;
  let liveErrors = 0;
  const open = opts.model.kind === 'open';

  const t0 = performance.now();
  const measureStart = t0 + opts.warmupMs;
  const measureEnd = measureStart + opts.durationMs;
  const batchMs = Math.max(1, opts.durationMs / COMPARE_BATCHES);
  const schedule = opts.model.kind === 'open' ? new OpenSchedule(t0, opts.model.rateRps, measureEnd) : undefined;
  // Closed model under --max-rate: the same schedule only paces the sends (latency stays service time).
  const pacing = opts.model.kind === 'closed' && opts.model.maxRateRps !== undefined ? new OpenSchedule(t0, opts.model.maxRateRps, measureEnd) : undefined;
  const sendLag = newHistogram();
  let backlogged = 0;
  let sends = 0;
  const inflight = new Set<InFlight[]>();
  let cursor = 0;
  let interrupted = false;
  let measuredUnfinished = 0;

  // Per cycle slot, resolved once: the recorder and the statuses that count as success.
  const targets: SlotTarget[] = cycle.map((e) => ({
    rec: recorders[e.journey] as LatencyRecorder,
    expect: new Set(((opts.journeys[e.journey] as Journey).steps[e.step] as JourneyStep).expectStatus),
  }));
  let completedInWindow = 0;
  let handled = 0;
  const record = (f: InFlight, status: number | undefined, now: number): void => {
    handled++;
    // Throughput counts answers by when they arrived, whichever request they belong to.
    if (status !== undefined && now >= measureStart && now <= measureEnd) completedInWindow++;
    if (!f.measured) return;
    const target = targets[f.slot] as SlotTarget;
    const rec = target.rec;
    liveCount++;
    // The request's slice of the measured period, by when it was due (intended, else actual, send).
    const batch = ((f.intendedAt ?? f.sentAt) - measureStart) / batchMs;
    if (status === undefined) {
      liveErrors++;
      rec.recordFailure(batch);
      opts.onSample?.(rec.name, Number.NaN, undefined, 0);
      return;
    }
    const ok = target.expect.has(status);
    const serviceMs = now - f.sentAt;
    const correctedMs = f.intendedAt === undefined ? undefined : now - f.intendedAt;
    if (!ok) liveErrors++;
    rec.recordResponse(status, ok, serviceMs, correctedMs, batch);
    opts.onSample?.(rec.name, serviceMs, correctedMs, status);
  };

  const setupClient = (raw: unknown): void => {
    const client = adaptClient(raw);
    const pending: InFlight[] = [];
    inflight.add(pending);
    const sendNow = (intendedAt: number | undefined, waited = false): void => {
      if (client.destroyed) return;
      // One global cursor over the mix cycle, so any stretch of the run follows the weights
      // (per-connection iterators would all start with the first journey).
      const k = cursor++ % cycle.length;
      client.send(k);
      const sentAt = performance.now();

      // A timer may fire a hair early: never count from a point after the actual send.
      const intended = intendedAt === undefined ? undefined : Math.min(intendedAt, sentAt);
      const due = intended ?? sentAt;
      const measured = due >= measureStart && due < measureEnd;
      if (measured && intendedAt !== undefined) {
        sends++;
        if (waited) recordMs(sendLag, Math.max(0, sentAt - intendedAt));
        else if (sentAt - intendedAt > 1) backlogged++;
      }
      pending.push({ slot: k, sentAt, intendedAt: intended, measured });
    };
    client.onSendTurn(() => {
      if (interrupted) return;
      if (!schedule && !pacing) {
        if (performance.now() < measureEnd) sendNow(undefined);
        return;
      }
      const slot = (schedule ?? (pacing as OpenSchedule)).next();
      if (slot === undefined) return;
      const intended = schedule ? slot : undefined;
      const wait = slot - performance.now();
      if (wait <= 0) sendNow(intended);
      else setTimeout(() => sendNow(intended, true), wait);
    });
    client.onResponse((status) => {
      const f = pending.shift();
      if (f) record(f, status, performance.now());
    });
    client.onTimeout(() => {
      const f = pending.shift();
      if (f) record(f, undefined, performance.now());
    });
    client.onConnError(() => {
      const now = performance.now();
      for (const f of pending.splice(0)) record(f, undefined, now);
    });
  };

  const totalMs = opts.warmupMs + opts.durationMs;
  let finish: (err: Error | null) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = (err) => (err ? reject(err) : resolve());
  });
  const instance = autocannon({
    url: `${base.protocol}//${base.host}`,
    connections: opts.model.connections,
    pipelining: 1,
    duration: (totalMs + DRAIN_MS) / 1000,
    timeout: Math.max(1, Math.ceil((opts.timeoutMs ?? 10_000) / 1000)),
    sampleInt: 100,
    requests,
    setupClient,
  } as autocannon.Options, (err) => finish(err ?? null));

  let lastCount = 0;
  let lastTick = performance.now();
  const progress = setInterval(() => {
    const now = performance.now();
    const rps = ((liveCount - lastCount) * 1000) / Math.max(1, now - lastTick);
    lastCount = liveCount;
    lastTick = now;
    // p95 of the busiest journey so far: cheap, and close enough for a progress line.
    const busiest = recorders.reduce((a, b) => (b.requests > a.requests ? b : a));
    opts.onProgress?.({
      elapsedMs: Math.min(totalMs, now - t0),
      totalMs,
      requests: liveCount,
      rps,
      p95Ms: busiest.requests > 0 ? percentileMs(open ? busiest.corrected : busiest.serviceTime, 95) : Number.NaN,
      errors: liveErrors,
      warmingUp: now < measureStart,
    });
  }, 1000);
  // Stop as soon as the window is over and every measured request has been answered.
  const watcher = setInterval(() => {
    const now = performance.now();
    if (opts.signal?.aborted) interrupted = true;
    if (interrupted || (now >= measureEnd && [...inflight].every((p) => p.every((f) => !f.measured)))) instance.stop();
  }, 50);

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let wallAtStart = 0;
  let cpuShare = 0;
  // CPU and event-loop delay of the generator over the measured window only.
  const startWatch = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    wallAtStart = performance.now();
    loopDelay.enable();
  }, Math.max(0, opts.warmupMs));
  let stopped = false;
  const stopWatch = (): void => {
    clearTimeout(startWatch);
    if (!cpuAtStart || stopped) return;
    stopped = true;
    const used = process.cpuUsage(cpuAtStart);
    const wall = performance.now() - wallAtStart;
    cpuShare = wall > 0 ? Math.round(((used.user + used.system) / 1000 / wall) * 1000) / 1000 : 0;
    loopDelay.disable();
  };
  const endWatch = setTimeout(stopWatch, Math.max(0, opts.warmupMs + opts.durationMs));
  try {
    await finished;
  } finally {
    clearInterval(progress);
    clearInterval(watcher);
    clearTimeout(endWatch);
    stopWatch();
  }
  const eventLoopDelayP99Ms = loopDelay.count > 0 ? Math.round(loopDelay.percentile(99) / 1e4) / 100 : 0;
  for (const p of inflight) measuredUnfinished += p.filter((f) => f.measured).length;
  const overall = new LatencyRecorder('overall');
  for (const r of recorders) overall.add(r);
  const ended = performance.now();
  const durationMs = Math.round(Math.max(0, Math.min(ended, measureEnd) - measureStart));
  return {
    journeys: recorders,
    overall,
    durationMs: interrupted ? durationMs : opts.durationMs,
    open,
    completedInWindow,
    unfinished: measuredUnfinished,
    handled,
    interrupted,
    generator: { cpuShare, eventLoopDelayP99Ms, sendLag, backlogged, sends },
  };
}

/**
 * The autocannon request of one step, rendered by the same builder as generated k6 scripts
 * (core/step-request.ts). A templated step renders on every send: the n-th send of a step uses
 * data row n (cycling), and `${ENV}` in its path or body reads perf's environment.
 */
function toRequest(step: JourneyStep, basePath: string, targetHeaders: Record<string, string>, rows: readonly DataRow[] | null, where: string): autocannon.Request {
  const compiled = compileStepRequest({ path: step.path, headers: { ...targetHeaders, ...step.headers }, body: step.body, json: step.json });
  const render = (n: number): RenderedRequest => compiled.render({ env: process.env, ...(rows ? { row: rows[n % rows.length] as DataRow } : {}) });
  // Render every row once before any load: a missing variable or a bad value is a config error, not a crash mid-run.
  if (!compiled.static) {
    for (let n = 0; n < (rows?.length ?? 1); n++) {
      try {
        render(n);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        throw new UserError(`${err.message}${rows ? ` (data row ${n + 1})` : ''}`, { where, fix: 'fix the template or the data file' });
      }
    }
  }
  const first = render(0);
  const req: autocannon.Request = { method: step.method, path: basePath + first.path, headers: first.headers };
  if (first.body !== null) req.body = first.body;
  if (compiled.static) return req;
  let sent = 0;
  req.setupRequest = (r) => {
    const next = render(sent++);
    return { ...r, path: basePath + next.path, headers: next.headers, ...(next.body !== null ? { body: next.body } : {}) };
  };
  return req;
}
