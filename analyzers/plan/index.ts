/** Optimisation plan: tiers, steps, success criteria and rollback from the ranked bottlenecks. */
export * from './plan.js';
