/**
 * Agents write narrative and plans from aggregates the analyzers computed — never numbers of their
 * own. `deterministic` is the offline default; openai / anthropic / command are optional providers
 * that fall back to it on any failure.
 */
export { synthesise, type SynthesiseOptions } from './synthesise.js';
export { deterministicSections, type SynthesisInputs } from './deterministic.js';
export { buildPrompt, parseSections } from './prompt.js';
export { aggregatesOnly } from './aggregates.js';
export type { Section, SynthesisKind, SynthesisResult } from './types.js';
