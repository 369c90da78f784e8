import { describe, expect, it } from 'vitest';
import { checkLoadtestRequest, loadtestParallelism, loadtestVerdict, verdictError } from '../../app/loadtest.js';
import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import type { RunnerRecord } from '../../core/contract/artifacts.js';
import { CheckFailed, ExitCode, Interrupted, UserError } from '../../core/errors.js';
import { syntheticLoadtest } from '../fixtures/report/synthetic.js';

const run = (over: Partial<LoadTestPayload> = {}): LoadTestPayload => ({ ...syntheticLoadtest({ runId: 'lt', windows: 6 }), partial: false, aborted: null, droppedIterations: 0, ...over });
const opts = { abortOnBurn: false, interrupted: false, maxDroppedPct: 1, markdown: '.aiwg/testing/load-test-results.md' };
const runner = (name: string, short: boolean): RunnerRecord => ({
  runner: name,
  segment: name === 'r0' ? '0:1/2' : '1/2:1',
  requests: short ? 40 : 500,
  windows: short ? 2 : 30,
  complete: !short,
  aborted: null,
  lastEndMs: short ? 4_000 : 60_000,
  short,
  shortReason: short ? 'no summary line: it was killed or lost' : null,
  exitStatus: { code: short ? null : 0, signal: short ? 'SIGKILL' : null },
});

describe('perf loadtest: flags that cannot run are refused before anything starts (exit 2)', () => {
  it('needs a scenario or a script', () => {
    expect(() => checkLoadtestRequest({ apply: false })).toThrow(UserError);
    expect(() => checkLoadtestRequest({ apply: false })).toThrow(/no scenario given/);
    expect(() => checkLoadtestRequest({ script: 'my.js', apply: false })).not.toThrow();
  });

  it('refuses --apply without --k8s and --k8s with --script', () => {
    expect(() => checkLoadtestRequest({ scenario: 'soak', apply: true })).toThrow(/--apply needs --k8s/);
    expect(() => checkLoadtestRequest({ script: 'my.js', k8s: { dir: 'k8s', apply: false }, apply: false })).toThrow(/--k8s runs a generated scenario/);
    expect(() => checkLoadtestRequest({ scenario: 'soak', k8s: { dir: 'k8s', apply: true }, apply: true })).not.toThrow();
  });

  it('refuses --k6-out and k6 arguments with --k8s instead of leaving them out of the TestRun, naming no credentials', () => {
    const k8s = { dir: 'k8s', apply: false };
    expect(() => checkLoadtestRequest({ scenario: 'soak', k8s, apply: false, k6Outputs: ['influxdb=http://user:secret@db:8086/k6'], k6Args: [] })).toThrow(
      /--k6-out influxdb \(or K6_OUT\) cannot be carried into a k6-operator TestRun/,
    );
    let message = '';
    try {
      checkLoadtestRequest({ scenario: 'soak', k8s, apply: false, k6Outputs: ['influxdb=http://user:secret@db:8086/k6'], k6Args: [] });
    } catch (err) {
      message = `${(err as Error).message} ${JSON.stringify(err)}`;
    }
    expect(message).not.toContain('secret');
    expect(() => checkLoadtestRequest({ scenario: 'soak', k8s, apply: false, k6Outputs: [], k6Args: ['--tag', 'x=y'] })).toThrow(/the k6 arguments after -- \(2\)/);
    expect(() => checkLoadtestRequest({ scenario: 'soak', apply: false, k6Outputs: ['experimental-prometheus-rw'], k6Args: ['--tag', 'x=y'] })).not.toThrow();
  });

  it('lets a TestRun have more runners than this machine has cores, but not local runners', () => {
    expect(loadtestParallelism(undefined, false)).toBeUndefined();
    expect(loadtestParallelism(64, true)).toBe(64);
    expect(() => loadtestParallelism(4096, false)).toThrow(UserError);
  });
});

describe("perf loadtest's verdict on a finished run", () => {
  it('is complete when the load happened as planned', () => {
    const v = loadtestVerdict(run(), opts);
    expect(v).toEqual({ kind: 'complete' });
    expect(verdictError(v)).toBeNull();
  });

  it('is interrupted (exit 130) when the run was cut short by a signal', () => {
    const v = loadtestVerdict(run({ partial: true }), { ...opts, interrupted: true });
    expect(v.kind).toBe('interrupted');
    const e = verdictError(v);
    expect(e).toBeInstanceOf(Interrupted);
    expect((e as Interrupted).exitCode).toBe(ExitCode.Interrupted);
  });

  it('is a short load (exit 1), not an interrupt, when a --parallel runner died', () => {
    const v = loadtestVerdict(run({ partial: true, runners: [runner('r0', false), runner('r1', true)] }), opts);
    expect(v.kind).toBe('did-not-happen');
    expect(v.kind === 'did-not-happen' && v.message).toMatch(/1 of 2 runners fell short \(runner r1 \(segment 1\/2:1\)/);
    expect(verdictError(v)).toBeInstanceOf(CheckFailed);
  });

  it('says the live guard stopped the test under --abort-on-burn, except for breakpoint whose abort is its result', () => {
    const aborted = { reason: 'fast burn of p95', atMs: 12_000 };
    expect(loadtestVerdict(run({ aborted }), { ...opts, abortOnBurn: true }).kind).toBe('stopped-by-guard');
    expect(loadtestVerdict(run({ aborted, scenario: 'breakpoint' }), { ...opts, abortOnBurn: true }).kind).toBe('complete');
  });

  it('fails a baseline that dropped more than --max-dropped of its iterations, but not a stress test that saturated', () => {
    const dropped = { droppedIterations: 50, iterations: 950 };
    const baseline = loadtestVerdict(run({ ...dropped, scenario: 'baseline' }), opts);
    expect(baseline.kind).toBe('did-not-happen');
    expect(baseline.kind === 'did-not-happen' && baseline.fix).toBe('see .aiwg/testing/load-test-results.md');
    expect(loadtestVerdict(run({ ...dropped, scenario: 'stress' }), opts).kind).toBe('complete');
    expect(loadtestVerdict(run({ ...dropped, scenario: 'baseline' }), { ...opts, maxDroppedPct: 10 }).kind).toBe('complete');
  });
});
