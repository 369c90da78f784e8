import { describe, expect, it } from 'vitest';
import { flowExitCode, flowStatus, nextSteps, rateWithoutKnee, repeatLoad, sameOfferedLoad, type FlowOutcome } from '../../app/flow/policies.js';

const measured = (throughputRps: number, knee: boolean) => ({
  capacity: knee ? { kneeRps: 120 } : null,
  overall: { throughputRps },
}) as unknown as Parameters<typeof rateWithoutKnee>[1];

describe('the rate of a flow load test without a capacity knee', () => {
  it('is the measured throughput times the capacity factor', () => {
    expect(rateWithoutKnee({ capacityFactor: 1.5 }, measured(40, false))).toBe(60);
    expect(rateWithoutKnee(undefined, measured(40.4, false))).toBe(40);
  });

  it('is never below 1 req/s', () => {
    expect(rateWithoutKnee({ capacityFactor: 0.1 }, measured(2, false))).toBe(1);
  });

  it('leaves the rate to the load test when the config sets one, the baseline has a knee, or nothing was measured', () => {
    expect(rateWithoutKnee({ rate: 30 }, measured(40, false))).toBeUndefined();
    expect(rateWithoutKnee({}, measured(40, true))).toBeUndefined();
    expect(rateWithoutKnee({}, measured(0, false))).toBeUndefined();
    expect(rateWithoutKnee({}, undefined)).toBeUndefined();
  });
});

describe('which runs are compared', () => {
  it('compares open-model runs within 10 % of one rate, closed-model runs of the same connections', () => {
    expect(sameOfferedLoad({ kind: 'open', rateRps: 100 }, { kind: 'open', rateRps: 109 })).toBe(true);
    expect(sameOfferedLoad({ kind: 'open', rateRps: 20 }, { kind: 'open', rateRps: 30 })).toBe(false);
    expect(sameOfferedLoad({ kind: 'closed', connections: 10 }, { kind: 'closed', connections: 10 })).toBe(true);
    expect(sameOfferedLoad({ kind: 'closed', connections: 10 }, { kind: 'closed', connections: 11 })).toBe(false);
  });

  it('never compares an open-model run with a closed-model one', () => {
    expect(sameOfferedLoad({ kind: 'open', rateRps: 10 }, { kind: 'closed', connections: 10 })).toBe(false);
  });

  it('repeats the before-run load in the after-run', () => {
    expect(repeatLoad({ kind: 'open', rateRps: 42 })).toEqual({ rateRps: 42 });
    expect(repeatLoad({ kind: 'closed', connections: 8 })).toEqual({ connections: 8 });
  });
});

describe("the flow's overall status, exit code and next steps", () => {
  const done: FlowOutcome = { slo: 'PASS', pending: 0, failedSteps: 0, comparison: 'improved' };

  it('is SUCCESS only when SLOs pass, nothing is pending or failed, and an improvement was confirmed', () => {
    expect(flowStatus(done)).toBe('SUCCESS');
    expect(flowStatus({ ...done, comparison: null })).toBe('SUCCESS');
  });

  it('is FAILED on a failing SLO (exit 1), whatever else happened', () => {
    expect(flowStatus({ ...done, slo: 'FAIL' })).toBe('FAILED');
    expect(flowExitCode('FAIL')).toBe(1);
    expect(flowExitCode('PARTIAL')).toBe(0);
    expect(flowExitCode(null)).toBe(0);
  });

  it('is PARTIAL for a partial SLO, a pending or failed step, or a comparison that did not confirm an improvement', () => {
    expect(flowStatus({ ...done, slo: 'PARTIAL' })).toBe('PARTIAL');
    expect(flowStatus({ ...done, pending: 1 })).toBe('PARTIAL');
    expect(flowStatus({ ...done, failedSteps: 1 })).toBe('PARTIAL');
    for (const v of ['regressed', 'mixed', 'no-significant-change', 'insufficient-data', 'unconfirmed'] as const) expect(flowStatus({ ...done, comparison: v })).toBe('PARTIAL');
  });

  it('tells the user to roll back only on a confirmed regression, naming the journeys', () => {
    expect(nextSteps({ ...done, comparison: 'regressed', regressions: ['checkout'] })).toContain('Roll back or fix the change: a confirmed regression in checkout');
    for (const v of ['no-significant-change', 'unconfirmed', 'improved'] as const) expect(nextSteps({ ...done, comparison: v, regressions: [] }).some((l) => l.startsWith('Roll back'))).toBe(false);
    expect(nextSteps({ ...done, comparison: 'unconfirmed', regressions: [] })[0]).toMatch(/re-measured interleaved/);
  });

  it('always ends with keeping slo-check in CI', () => {
    expect(nextSteps({ ...done, regressions: [] }).at(-1)).toMatch(/perf slo-check" in CI/);
  });
});
