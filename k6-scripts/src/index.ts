/**
 * k6 scripts: journeys × load profiles → readable TypeScript → esbuild bundles (`generate.ts`,
 * `script-source.ts`, `bundle.ts`), the k6 runner with the stock-k6 fallback (`k6-binary.ts`,
 * `run-k6.ts`, `progress.ts`), and the perf.loadtest/v1 result builder (`results.ts`).
 * `perf generate` / `perf loadtest` / `perf flow` call the two entry points below.
 */
export { generateScripts, readCapacity, type GenerateOptions, type GenerateResult } from './generate.js';
export { runLoadtest, type LoadtestOptions, type LoadtestResult } from './loadtest.js';
export { findK6, type K6Binary } from './k6-binary.js';
