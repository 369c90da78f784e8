/** Before/after comparison: significance from the HDR histograms (Mann–Whitney U, percentile bootstrap). */
export * from './compare.js';
export * from './stats.js';
export * from './confirm.js';
export * from './fairness.js';
export * from './batches.js';
