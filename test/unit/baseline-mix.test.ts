import { describe, expect, it } from 'vitest';
import { buildMixCycle, mixShares } from '../../analyzers/baseline/request-mix.js';
import { OpenSchedule } from '../../capture/load/open-schedule.js';

const journey = (weight: number, steps: number) => ({ weight, steps: new Array(steps).fill({}) });

describe('weighted journey mix', () => {
  it('follows the weights and keeps every step of a journey together', () => {
    const cycle = buildMixCycle([journey(3, 1), journey(1, 2)], 20);
    expect(mixShares(cycle, 2)).toEqual([0.75, 0.25]);
    for (let i = 0; i < cycle.length; i++) if (cycle[i]!.journey === 1 && cycle[i]!.step === 0) expect(cycle[i + 1]).toEqual({ journey: 1, step: 1 });
  });

  it('interleaves journeys instead of running them in blocks', () => {
    const cycle = buildMixCycle([journey(1, 1), journey(1, 1)], 10);
    expect(cycle.slice(0, 4).map((e) => e.journey)).toEqual([0, 1, 0, 1]);
  });

  it('gives every journey at least one slot', () => {
    expect(mixShares(buildMixCycle([journey(1000, 1), journey(1, 1)], 5), 2)[1]).toBeGreaterThan(0);
  });
});

describe('open-model schedule', () => {
  it('hands out intended send times at the arrival rate, whatever the responses do', () => {
    const s = new OpenSchedule(1000, 200, 1030);
    const slots = [s.next(), s.next(), s.next()];
    expect(slots).toEqual([1000, 1005, 1010]);
  });

  it('ends at the end of the window', () => {
    const s = new OpenSchedule(0, 100, 50);
    const got: number[] = [];
    for (let t = s.next(); t !== undefined; t = s.next()) got.push(t);
    expect(got).toHaveLength(5);
    expect(s.issued).toBe(5);
  });
});
