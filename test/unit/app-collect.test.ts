import { describe, expect, it } from 'vitest';
import { checkRunId, collectFailure } from '../../app/collect.js';
import { UserError } from '../../core/errors.js';

type Slo = NonNullable<Parameters<typeof collectFailure>[0]['slo']>;
const slo = (status: Slo['status']): Slo => ({ status }) as Slo;

describe('perf collect: what fails the gate', () => {
  it('fails on a violated global SLO before it looks at the load', () => {
    expect(collectFailure({ slo: slo('FAIL'), short: 'runner r1 died' })).toEqual({ message: 'global SLO check FAIL', fix: 'see the SLO report for the numbers' });
  });

  it('fails a run whose SLOs passed when the load was short, saying why', () => {
    expect(collectFailure({ slo: slo('PASS'), short: '1 of 2 runners did not finish' })?.message).toBe('the load was short: 1 of 2 runners did not finish');
    // No SLOs in the config: the load alone is judged.
    expect(collectFailure({ slo: null, short: 'r2 exit 99 (stopped)' })?.message).toContain('short');
  });

  it('passes a full run that met its SLOs, and one without SLOs that ran in full', () => {
    expect(collectFailure({ slo: slo('PASS'), short: null })).toBeNull();
    expect(collectFailure({ slo: null, short: null })).toBeNull();
  });

  it('takes run ids runners can send in a header, and says how to fix others', () => {
    expect(() => checkRunId('soak-42.eu:1@a_b')).not.toThrow();
    for (const bad of ['', 'has space', 'a/b', 'x'.repeat(129)]) {
      expect(() => checkRunId(bad)).toThrow(UserError);
    }
    expect(() => checkRunId('a/b')).toThrow(/--run "a\/b" is not a run id/);
  });
});
