/**
 * How `perf loadtest --parallel N` splits one test over N k6 processes: k6's own execution segments
 * (runner i runs `--execution-segment i/N:(i+1)/N`) under one `--execution-segment-sequence
 * 0,1/N,…,1`, so k6 itself divides arrival rates, VUs and iterations exactly (no overlap, no gap).
 * PURE.
 */
import { UserError } from '../../../core/errors.js';

/** Most runners one machine may start, whatever its cores (ports, processes, file descriptors). */
export const MAX_PARALLEL = 16;
/** Runners per CPU core: k6 is mostly waiting on the network, but N k6 processes on few cores measure the machine, not the target. */
export const RUNNERS_PER_CPU = 4;

export interface RunnerSlot {
  /** `r0`, `r1`, …: the runner's name in files, headers and the artifact. */
  runner: string;
  /** k6's `--execution-segment`, e.g. `0:1/2`. */
  segment: string;
  /** The share of the whole test this runner runs (1/N). */
  share: number;
}

export interface ParallelPlan {
  n: number;
  /** k6's `--execution-segment-sequence`, e.g. `0,1/2,1`. */
  sequence: string;
  slots: RunnerSlot[];
}

/** `i/n` as k6 writes a segment boundary: `0`, `1`, else the fraction. */
function point(i: number, n: number): string {
  if (i === 0) return '0';
  if (i === n) return '1';
  return `${i}/${n}`;
}

export function parallelPlan(n: number): ParallelPlan {
  const slots: RunnerSlot[] = [];
  for (let i = 0; i < n; i++) slots.push({ runner: `r${i}`, segment: `${point(i, n)}:${point(i + 1, n)}`, share: 1 / n });
  return { n, sequence: Array.from({ length: n + 1 }, (_, i) => point(i, n)).join(','), slots };
}

/** Most k6-operator runner pods `--k8s` writes a TestRun for (they run on the cluster's nodes, not here). */
export const MAX_K8S_PARALLEL = 256;

/**
 * `--parallel` as typed: an integer in [2, min(16, 4 × CPUs)], else one clear usage error (exit 2).
 * With `--k8s` it is the TestRun's parallelism: [1, 256], whatever this machine's CPUs.
 */
export function parseParallel(raw: string, cpus: number, target: 'local' | 'k8s' = 'local'): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (target === 'k8s') {
    if (Number.isInteger(n) && n >= 1 && n <= MAX_K8S_PARALLEL) return n;
    throw new UserError(`--parallel "${raw}" is not a number of k6-operator runner pods in [1, ${MAX_K8S_PARALLEL}]`, {
      where: '--parallel',
      fix: `pass 1..${MAX_K8S_PARALLEL}: the TestRun's parallelism`,
    });
  }
  const limit = Math.max(2, Math.min(MAX_PARALLEL, RUNNERS_PER_CPU * Math.max(1, cpus)));
  if (!Number.isInteger(n) || n < 2 || n > limit) {
    throw new UserError(`--parallel "${raw}" is not a number of k6 runners in [2, ${limit}]`, {
      where: '--parallel',
      fix: `pass 2..${limit} (at most ${MAX_PARALLEL}, and ${RUNNERS_PER_CPU} per CPU core: this machine has ${cpus}); for more load use more machines (README: "More than one machine")`,
    });
  }
  return n;
}
