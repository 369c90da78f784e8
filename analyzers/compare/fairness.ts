import { fmtSeconds } from '../../core/format.js';

/**
 * Whether two runs can be compared at all. A latency difference between runs at different offered
 * loads, load models or tools is a difference of the *load*, not of the service; a file compared
 * with itself proves nothing. Each finding is either a refusal (perf compare exits 2 unless
 * `--allow-mismatch`) or a flag printed beside the verdicts.
 */

/** What a run's load was: read from its artifact (perf.baseline/v1 or perf.loadtest/v1). */
export interface RunLoad {
  /** Resolved path of the artifact file. */
  file: string;
  runId: string;
  generatedAt?: string;
  /** autocannon-style baseline (perf baseline) or k6 load test (perf loadtest). */
  tool: 'baseline' | 'k6';
  /** Baseline: the load model; k6: the scenario's executor kind when known. */
  model: { kind: 'open'; rateRps: number } | { kind: 'closed'; connections: number } | null;
  /** Offered rate per journey (baseline per-journey runs), req/s. */
  journeyRates: Record<string, number>;
  /** k6 scenario name and its stage targets. */
  scenario?: string;
  stageTargets?: number[];
  durationMs: number;
}

export interface FairnessIssue {
  kind: 'same-run' | 'tool' | 'load-model' | 'offered-load' | 'scenario' | 'duration';
  /** refuse: the comparison is not meaningful; flag: it is, but read it with this in mind. */
  severity: 'refuse' | 'flag';
  text: string;
}

/** Offered loads closer than this (relative) count as the same load. */
export const RATE_TOLERANCE = 0.1;

const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-9);

function describeModel(m: RunLoad['model']): string {
  if (!m) return 'unknown load model';
  return m.kind === 'open' ? `open model at ${m.rateRps} req/s` : `closed model with ${m.connections} connections`;
}

/** Every reason the two runs differ in how they were loaded (empty: a fair comparison). */
export function fairnessIssues(before: RunLoad, after: RunLoad): FairnessIssue[] {
  const out: FairnessIssue[] = [];
  if (before.file === after.file || (before.runId === after.runId && before.generatedAt === after.generatedAt)) {
    out.push({ kind: 'same-run', severity: 'refuse', text: `both sides are the same run (${before.runId}): a run compared with itself shows no change by construction` });
    return out;
  }
  if (before.tool !== after.tool) {
    out.push({
      kind: 'tool',
      severity: 'refuse',
      text: `the before side is a ${before.tool === 'k6' ? 'k6 load test' : 'perf baseline'} and the after side a ${after.tool === 'k6' ? 'k6 load test' : 'perf baseline'}: different load generators and load shapes measure different things`,
    });
    return out;
  }
  if (before.tool === 'k6') {
    if (before.scenario !== after.scenario) out.push({ kind: 'scenario', severity: 'refuse', text: `different scenarios: ${before.scenario ?? '?'} before, ${after.scenario ?? '?'} after` });
    const bt = before.stageTargets ?? [];
    const at = after.stageTargets ?? [];
    const peakB = Math.max(0, ...bt);
    const peakA = Math.max(0, ...at);
    if (peakB > 0 && peakA > 0 && relDiff(peakB, peakA) > RATE_TOLERANCE) {
      out.push({ kind: 'offered-load', severity: 'refuse', text: `different offered load: peak stage target ${peakB} before, ${peakA} after` });
    }
  }
  const mb = before.model;
  const ma = after.model;
  if (mb && ma) {
    if (mb.kind !== ma.kind) out.push({ kind: 'load-model', severity: 'refuse', text: `different load models: ${describeModel(mb)} before, ${describeModel(ma)} after` });
    else if (mb.kind === 'open' && ma.kind === 'open' && relDiff(mb.rateRps, ma.rateRps) > RATE_TOLERANCE) {
      out.push({ kind: 'offered-load', severity: 'refuse', text: `different offered load: ${mb.rateRps} req/s before, ${ma.rateRps} req/s after (more than ${RATE_TOLERANCE * 100}% apart)` });
    } else if (mb.kind === 'closed' && ma.kind === 'closed' && mb.connections !== ma.connections) {
      out.push({ kind: 'offered-load', severity: 'refuse', text: `different concurrency: ${mb.connections} connections before, ${ma.connections} after` });
    }
  }
  const differing = Object.keys(before.journeyRates).filter((j) => after.journeyRates[j] !== undefined && relDiff(before.journeyRates[j] as number, after.journeyRates[j] as number) > RATE_TOLERANCE);
  if (differing.length > 0 && !out.some((i) => i.kind === 'offered-load')) {
    out.push({
      kind: 'offered-load',
      severity: 'refuse',
      text: `different offered load per journey: ${differing.map((j) => `${j} ${before.journeyRates[j]} → ${after.journeyRates[j]} req/s`).join(', ')}`,
    });
  }
  if (before.durationMs > 0 && after.durationMs > 0 && relDiff(before.durationMs, after.durationMs) > 0.5) {
    out.push({ kind: 'duration', severity: 'flag', text: `measured for ${fmtSeconds(before.durationMs, 1)} before and ${fmtSeconds(after.durationMs, 1)} after: the shorter side's tail percentiles rest on fewer samples` });
  }
  return out;
}
