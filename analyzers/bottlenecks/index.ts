/** Bottleneck analysis: pure ranking of hot spots from baseline, profile and load-test aggregates. */
export { RULES, type Rule, type RuleId } from './catalogue.js';
export { analyzeBottlenecks, type AnalyzeInputs } from './detect.js';
export type { Bottleneck, BottlenecksPayload, Evidence, MatrixQuadrant } from './types.js';
