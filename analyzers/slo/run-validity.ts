import { fmtDecimal } from '../../core/format.js';

/**
 * A gate that cannot pass a run that did not happen. Whatever the SLOs say, a run
 * with zero completed requests, every request failed, a target that died, a runner of a split test that
 * fell short, an abort (k6 thresholds or the live guard) or more dropped iterations than `--max-dropped` did not measure the service under
 * the planned load: slo-check, `perf baseline` and `perf loadtest` all exit 1 with these reasons.
 * Pure: the facts come from the result file (or the payload just computed).
 */
export interface RunFacts {
  /** Requests the run sent (completed, failed or not), or null when the input cannot tell. */
  requests: number | null;
  /** Of those, failed; null when unknown. */
  failed: number | null;
  /** k6 iterations that ran, and those dropped because no VU was free (arrival-rate executors). */
  iterations?: number | null;
  droppedIterations?: number | null;
  /** Why the run was stopped early (threshold abort, live guard), or null. */
  aborted?: string | null;
  /** The started target exited during the run (its exit status), or null. */
  targetExited?: string | null;
  /** Runners of a split test that fell short (analyzers/merge shortLoad), or null. */
  shortLoad?: string | null;
}

/** Default of `--max-dropped`: more than 1 % of the offered iterations dropped means the load never happened. */
export const DEFAULT_MAX_DROPPED = 0.01;

/** The reasons a run does not count, empty when it does. */
export function runDidNotHappen(f: RunFacts, maxDropped = DEFAULT_MAX_DROPPED): string[] {
  const reasons: string[] = [];
  if (f.requests === 0) reasons.push('zero completed requests: the target answered nothing (down, or holding every connection)');
  else if (f.requests !== null && f.failed !== null && f.failed >= f.requests) reasons.push(`every request failed (${f.failed} of ${f.requests}): the service did not serve the load`);
  if (f.targetExited) reasons.push(`the target exited during the run (${f.targetExited}): the later figures measure a dead service`);
  if (f.shortLoad) reasons.push(`the load was short: ${f.shortLoad}; the merged figures cover less than the planned load`);
  if (f.aborted) reasons.push(`the run was aborted (${f.aborted}): the planned load did not complete`);
  const dropped = f.droppedIterations ?? 0;
  if (dropped > 0) {
    // Without an iteration count, requests bound it from above (an iteration sends at least one), so
    // dropped / (requests + dropped) is a lower bound of the dropped share.
    const ran = f.iterations ?? f.requests;
    if (ran !== null && ran !== undefined) {
      const offered = ran + dropped;
      const share = dropped / offered;
      if (share > maxDropped) {
        reasons.push(
          `k6 dropped ${dropped} of ${f.iterations != null ? offered : `at least ${offered}`} iterations (${fmtDecimal(share * 100, 1)} % > --max-dropped ${fmtDecimal(maxDropped * 100, 1)} %): ` +
            'the offered load never happened; give k6 more VUs (preAllocatedVUs/maxVUs) or lower the rate',
        );
      }
    }
  }
  return reasons;
}
