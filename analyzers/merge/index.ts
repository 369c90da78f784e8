/**
 * Merging scale-out runs: the perf.k6-windows/v1 streams of several k6 runners of one test (execution
 * segments, k6-operator pods) into one stream, offline (`mergeRunners`) or live (`LiveMerge`).
 */
export { describeExit, describeRunners, LiveMerge, mergeRunners, shortLoad, silentRunner, type LiveMergeOptions, type MergedRunners, type RunnerExit, type RunnerInput, type RunnerRecord } from './runners.js';
export { parseSegment, segmentsOverlap, type SegmentRange } from './segments.js';
