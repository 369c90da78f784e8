import { fallbackRates, judgeStep, latencyBreaches, plannedRates, summarizeCapacity } from '../../analyzers/baseline/capacity.js';
import { percentileMs } from '../../analyzers/histogram.js';
import type { Capacity, CapacityStep } from '../../core/artifacts/schemas.js';
import type { Journey, Slo } from '../../core/config/types.js';
import { runLoad } from '../load/run-load.js';

export interface CapacitySearchOptions {
  baseUrl: string;
  journeys: readonly Journey[];
  headers: Record<string, string>;
  /** Closed-model throughput of a short probe; the step rates are multiples of it. */
  probeRps: number;
  /** Latency SLOs, each checked at its own percentile on its own journey; none → overall p95 vs thresholdMs. */
  slos: readonly Slo[];
  thresholdMs: number;
  stepMs: number;
  signal?: AbortSignal;
  onStep?: (step: CapacityStep, index: number, planned: number) => void;
}

/**
 * Raises the open-model arrival rate step by step until p95 (from the intended send time) crosses
 * the threshold, errors exceed 1 %, or throughput stops rising. Each step is a short fresh run.
 */
export async function searchCapacity(opts: CapacitySearchOptions): Promise<Capacity> {
  const rates = plannedRates(opts.probeRps);
  const steps: CapacityStep[] = [];
  const names = opts.journeys.map((j) => j.name);
  const hasLatencySlo = opts.slos.some((s) => s.sli === 'latency' && s.thresholdMs !== undefined && (!s.journey || names.includes(s.journey)));
  const step = async (rateRps: number, previous: CapacityStep | undefined): Promise<CapacityStep> => {
    const r = await runLoad({
      baseUrl: opts.baseUrl,
      journeys: opts.journeys,
      headers: opts.headers,
      model: { kind: 'open', rateRps, connections: openConnections(rateRps) },
      durationMs: opts.stepMs,
      warmupMs: Math.min(500, opts.stepMs / 4),
      timeoutMs: Math.max(2000, opts.thresholdMs * 4),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const figures = r.overall.figures(r.durationMs, true);
    const measured = {
      rateRps,
      achievedRps: r.durationMs > 0 ? Math.round((r.completedInWindow / (r.durationMs / 1000)) * 10) / 10 : 0,
      p95Ms: figures.requests > 0 ? figures.latencyMs.p95 : 0,
      // Requests left unanswered at the end of a step count as errors here: they never came back.
      errorRate: figures.requests + r.unfinished === 0 ? 0 : (figures.errors + r.unfinished) / (figures.requests + r.unfinished),
    };
    const breached = hasLatencySlo
      ? latencyBreaches(opts.slos, names, (journey, pct) => {
          const rec = journey === undefined ? r.overall : r.journeys[names.indexOf(journey)];
          return rec && rec.requests > 0 ? percentileMs(rec.corrected, pct) : Number.NaN;
        }).length > 0
      : measured.p95Ms > opts.thresholdMs;
    return { ...measured, verdict: judgeStep(measured, previous, breached) };
  };
  for (const rateRps of rates) {
    if (opts.signal?.aborted) break;
    const s = await step(rateRps, steps[steps.length - 1]);
    steps.push(s);
    opts.onStep?.(s, steps.length - 1, rates.length);
    if (s.verdict !== 'ok') break;
  }
  // Even the lowest planned rate failed: look below it, so slow services still get a knee.
  if (steps.length === 1 && steps[0]?.verdict !== 'ok' && !opts.signal?.aborted) {
    for (const rateRps of fallbackRates(rates[0] as number)) {
      if (opts.signal?.aborted) break;
      const s = await step(rateRps, undefined);
      steps.push(s);
      opts.onStep?.(s, steps.length - 1, rates.length);
      if (s.verdict === 'ok') break;
    }
  }
  return summarizeCapacity(steps, opts.thresholdMs);
}

/** Connections for an open-model rate: enough to keep up at ~20 requests/s each, 10..256. */
export function openConnections(rateRps: number): number {
  return Math.min(256, Math.max(10, Math.ceil(rateRps / 20)));
}
