import type { Journey } from '../../core/config/types.js';

/** One request in the cyclic sequence every load connection walks through. */
export interface MixEntry {
  journey: number;
  step: number;
}

/**
 * The weighted journey mix as one cycle of requests: journeys are interleaved by smooth weighted
 * round-robin (nginx style), so any window of the cycle is close to the configured weights, and
 * each journey iteration contributes all its steps in order. `slots` journey iterations per cycle.
 */
export function buildMixCycle(journeys: readonly Pick<Journey, 'weight' | 'steps'>[], slots = 20): MixEntry[] {
  if (journeys.length === 0) return [];
  const total = journeys.reduce((s, j) => s + j.weight, 0);
  const current = journeys.map(() => 0);
  const out: MixEntry[] = [];
  for (let n = 0; n < Math.max(slots, journeys.length); n++) {
    let best = 0;
    for (let i = 0; i < journeys.length; i++) {
      current[i] = (current[i] as number) + (journeys[i] as Journey).weight;
      if ((current[i] as number) > (current[best] as number)) best = i;
    }
    current[best] = (current[best] as number) - total;
    const steps = (journeys[best] as Journey).steps.length;
    for (let s = 0; s < steps; s++) out.push({ journey: best, step: s });
  }
  return out;
}

/** Iterations of each journey in a cycle (for tests and the report's "mix" line). */
export function mixShares(cycle: readonly MixEntry[], journeyCount: number): number[] {
  const counts = new Array<number>(journeyCount).fill(0);
  for (const e of cycle) if (e.step === 0) counts[e.journey] = (counts[e.journey] as number) + 1;
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return counts.map((c) => c / total);
}
