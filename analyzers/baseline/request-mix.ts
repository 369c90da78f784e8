import type { Journey } from '../../core/config/types.js';

/** One request in the cyclic sequence every load connection walks through. */
export interface MixEntry {
  journey: number;
  step: number;
}

/**
 * The weighted journey mix as one cycle of requests: journeys are interleaved by smooth weighted
 * round-robin (nginx style), so any window of the cycle is close to the configured weights, and
 * each journey iteration contributes all its steps in order. At least `slots` journey iterations
 * per cycle, more when needed for every journey to appear.
 */
export function buildMixCycle(journeys: readonly Pick<Journey, 'weight' | 'steps'>[], slots = 20): MixEntry[] {
  if (journeys.length === 0) return [];
  const total = journeys.reduce((s, j) => s + j.weight, 0);
  const current = journeys.map(() => 0);
  const out: MixEntry[] = [];
  // Long enough that the lightest journey gets a slot too (bounded: weights 1000:1 still fit).
  const minWeight = Math.min(...journeys.map((j) => j.weight));
  const n = Math.min(10_000, Math.max(slots, journeys.length, Math.ceil(total / minWeight)));
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 0; j < journeys.length; j++) {
      current[j] = (current[j] as number) + (journeys[j] as Journey).weight;
      if ((current[j] as number) > (current[best] as number)) best = j;
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
