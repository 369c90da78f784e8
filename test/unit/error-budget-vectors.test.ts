import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allowedBadFraction, badEvents, errorBudget, isBadRequest, type BudgetSlo } from '../../analyzers/slo/error-budget.js';

// The same file is read by xk6/error_budget_test.go: TypeScript and the Go guard agree on every figure.
interface Vectors {
  allowedBadFraction: Array<{ objective: number; want: number }>;
  requests: Array<{ name: string; sli: BudgetSlo['sli']; thresholdMs?: number; durationMs: number; failed: boolean; bad: boolean }>;
  budgets: Array<{
    name: string;
    sli: BudgetSlo['sli'];
    objective: number;
    thresholdMs?: number;
    total: number;
    failed: number;
    slow: number;
    runMs: number;
    windowMs: number;
    want: { bad: number; badFraction: number; burnRate: number; consumedPct: number; remainingPct: number };
  }>;
}
const vectors = JSON.parse(readFileSync(new URL('../fixtures/slo/error-budget-vectors.json', import.meta.url), 'utf8')) as Vectors;

describe('error budget shared vectors (TypeScript side)', () => {
  it.each(vectors.allowedBadFraction)('allows $want bad at a $objective % objective, exactly as written', ({ objective, want }) => {
    expect(allowedBadFraction(objective)).toBe(want);
  });

  it.each(vectors.requests)('judges one request: $name', (v) => {
    const slo: BudgetSlo = { sli: v.sli, objective: 99, ...(v.thresholdMs !== undefined ? { thresholdMs: v.thresholdMs } : {}) };
    expect(isBadRequest(slo, v)).toBe(v.bad);
  });

  it.each(vectors.budgets)('computes the budget: $name', (v) => {
    const slo: BudgetSlo = { sli: v.sli, objective: v.objective, ...(v.thresholdMs !== undefined ? { thresholdMs: v.thresholdMs } : {}) };
    const { bad, partial } = badEvents(slo, { total: v.total, failed: v.failed, slowerThan: () => v.slow });
    expect(partial).toBe(false);
    expect(bad).toBe(v.want.bad);
    const b = errorBudget(slo, { bad: bad ?? 0, total: v.total }, { runMs: v.runMs, windowMs: v.windowMs });
    expect(b).toEqual({ allowedBadFraction: allowedBadFraction(v.objective), badFraction: v.want.badFraction, burnRate: v.want.burnRate, consumedPct: v.want.consumedPct, remainingPct: v.want.remainingPct });
  });

  it('counts failures only, and says so, when a latency SLO has no distribution', () => {
    expect(badEvents({ sli: 'latency', objective: 99, thresholdMs: 100 }, { total: 10, failed: 2, slowerThan: () => null })).toEqual({ bad: 2, partial: true });
  });

  it('has no budget figure when the data cannot say which requests failed', () => {
    expect(badEvents({ sli: 'availability', objective: 99 }, { total: 10, failed: null, slowerThan: () => 3 })).toEqual({ bad: null, partial: false });
  });
});
