/**
 * `perf collect`: the collector of a scale-out run, as one use case. Starts the push server, merges
 * the runners' windows live (k6-scripts/src/collect.ts does the side effects), and returns the merged
 * load test, the global SLO verdict and what went short — the command only renders it.
 */
import { describeRunners, shortLoad } from '../analyzers/merge/runners.js';
import { gateFails } from '../analyzers/slo/check.js';
import { UserError } from '../core/errors.js';
import { runCollect, type CollectOptions, type CollectResult } from '../k6-scripts/src/collect.js';

export { PLAIN_PROGRESS_EVERY_MS } from '../capture/load/progress-line.js';
export type { CollectProgress } from '../analyzers/merge/push-collector.js';

export type CollectRequest = CollectOptions;

export interface CollectRun extends CollectResult {
  /** One line on the runners: how many, finished, short, stopped. */
  runnersLine: string;
  /** Why the load was short (a runner died or never finished), or null. */
  short: string | null;
}

/** The run id every runner pushes with: letters, digits and . _ : @ - (it names files and travels in a header). */
export function checkRunId(runId: string): void {
  if (!/^[\w.:@-]{1,128}$/.test(runId)) throw new UserError(`--run "${runId}" is not a run id`, { where: '--run', fix: 'use letters, digits and . _ : @ - (as the runners\' run= option)' });
}

export async function collectRun(r: CollectRequest): Promise<CollectRun> {
  checkRunId(r.runId);
  const result = await runCollect(r);
  const runners = result.payload.runners ?? [];
  return { ...result, runnersLine: describeRunners(runners), short: shortLoad(runners) };
}

/**
 * What fails the collect gate (exit 1), first the global SLO verdict, then a short load; null when
 * the run passed. A run without SLOs is judged on its load only.
 */
export function collectFailure(run: Pick<CollectRun, 'slo' | 'short'>): { message: string; fix: string } | null {
  if (run.slo && gateFails(run.slo.status, 'fail')) return { message: `global SLO check ${run.slo.status}`, fix: 'see the SLO report for the numbers' };
  if (run.short) return { message: `the load was short: ${run.short}`, fix: 'see the runners in the load-test results' };
  return null;
}
