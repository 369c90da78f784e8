import { describe, expect, it } from 'vitest';
import { baselineVerdict } from '../../app/baseline.js';
import { syntheticBaseline } from '../fixtures/report/synthetic.js';

describe('perf baseline: a baseline of a dead or failing service is not a baseline', () => {
  it('is measured when the service answered', () => {
    expect(baselineVerdict(syntheticBaseline(), 'performance-baseline.md')).toEqual({ measured: true });
  });

  it('says so (exit 1 in the command) when no request got an answer, pointing at the kept report', () => {
    const b = syntheticBaseline();
    const v = baselineVerdict({ ...b, overall: { ...b.overall, requests: 0, errors: 0 } }, 'performance-baseline.md');
    expect(v.measured).toBe(false);
    expect(!v.measured && v.message).toMatch(/^the baseline did not measure a working service: /);
    expect(!v.measured && v.fix).toBe('see performance-baseline.md');
  });

  it('says so when the target exited during the measurement', () => {
    const v = baselineVerdict({ ...syntheticBaseline(), targetExited: 'exit code 1' }, 'b.md');
    expect(!v.measured && v.message).toContain('exit code 1');
  });
});
