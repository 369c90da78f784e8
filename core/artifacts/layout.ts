/**
 * The `.aiwg/` artifact layout of the contract. Each report kind has a markdown path, a JSON twin
 * and a `schema` key. Paths are relative to the output dir.
 */
export const ARTIFACTS = {
  baseline: {
    markdown: 'reports/performance-baseline.md',
    json: 'working/performance/baseline.json',
    schema: 'perf.baseline/v1',
  },
  profile: {
    markdown: 'working/performance/profiling-results.md',
    json: 'working/performance/profiling.json',
    schema: 'perf.profile/v1',
  },
  bottlenecks: {
    markdown: 'reports/bottleneck-analysis.md',
    json: 'working/performance/bottlenecks.json',
    schema: 'perf.bottlenecks/v1',
  },
  plan: {
    markdown: 'planning/optimization-plan.md',
    json: 'working/performance/optimization-plan.json',
    schema: 'perf.plan/v1',
  },
  loadTestPlan: {
    markdown: 'testing/load-test-plan.md',
    json: 'working/performance/load-test-plan.json',
    schema: 'perf.loadtest-plan/v1',
  },
  loadtest: {
    markdown: 'testing/load-test-results.md',
    json: 'working/performance/loadtest.json',
    schema: 'perf.loadtest/v1',
  },
  slo: {
    markdown: 'reports/slo-compliance.md',
    json: 'working/performance/slo.json',
    schema: 'perf.slo/v1',
  },
  summary: {
    markdown: 'reports/optimization-summary.md',
    json: 'working/performance/optimization-summary.json',
    schema: 'perf.compare/v1',
  },
} as const;

export type ArtifactKind = keyof typeof ARTIFACTS;

export const DIRS = {
  reports: 'reports',
  planning: 'planning',
  testing: 'testing',
  scripts: 'testing/scripts',
  working: 'working',
  performance: 'working/performance',
  profiles: 'working/profiles',
  optimizations: 'working/optimizations',
  runs: 'working/runs',
  archive: 'archive',
} as const;

export const HTML_REPORT = 'reports/index.html';
