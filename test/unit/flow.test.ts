import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnswersFile, structureAnswers } from '../../cli/flow/questions.js';
import { flowScenarios, MIN_QUICK_TEST_MS, parseScenarioList, FLOW_LOAD_TESTS, splitQuickBudget, TRIGGER_PROFILE, TRIGGERS } from '../../app/flow/triggers.js';
import { completionSummary, optimizationFailed } from '../../templates/flow.js';
import { UserError } from '../../core/errors.js';

const write = (text: string): string => {
  const f = join(mkdtempSync(join(tmpdir(), 'perf-answers-')), 'answers.yaml');
  writeFileSync(f, text);
  return f;
};

describe('perf flow --interactive answers', () => {
  it('reads the seven answers by name or as q1..q7 and turns them into structured guidance', () => {
    const a = readAnswersFile(write('q1: slow checkout pages\nbaseline: p95 900ms\ntarget: p95 under 200ms\nsuspects: database\nmonitoring: Prometheus and Grafana\ninvestment: two weeks\nq7: proactive, this quarter\n'));
    expect(a.issue).toBe('slow checkout pages');
    expect(a.timeline).toBe('proactive, this quarter');
    const g = structureAnswers(a);
    expect(g.text).toContain('suspected: database');
    expect(g).toMatchObject({ depth: 'comprehensive', rigor: 'extensive', risk: 'aggressive' });
  });

  it('makes an emergency a safe, quick-wins-only run', () => {
    expect(structureAnswers({ timeline: 'Emergency, production is down' })).toMatchObject({ depth: 'quick-wins', rigor: 'basic', risk: 'safe' });
  });

  it('rejects an unknown key with the list of valid ones', () => {
    expect(() => readAnswersFile(write('budget: 3 days\n'))).toThrow(UserError);
    expect(() => readAnswersFile(write('budget: 3 days\n'))).toThrow(/unknown answer key "budget"/);
  });
});

describe('perf flow triggers and reports', () => {
  it('gives every trigger default scenarios', () => {
    expect([...TRIGGERS].sort()).toEqual(['capacity-planning', 'cost-reduction', 'new-feature', 'proactive', 'slo-breach', 'user-complaint']);
    expect(TRIGGER_PROFILE['capacity-planning'].scenarios).toContain('stress');
    for (const t of TRIGGERS) expect(TRIGGER_PROFILE[t].scenarios.length).toBeGreaterThan(0);
  });

  it("runs the four load tests by default, baseline → stress → spike → soak", () => {
    expect(flowScenarios({ trigger: 'proactive' })).toEqual(['baseline', 'stress', 'spike', 'soak']);
    // Every trigger runs all four; only the order and the extra breakpoint differ.
    for (const t of TRIGGERS) expect(flowScenarios({ trigger: t }).filter((s) => FLOW_LOAD_TESTS.includes(s)).sort()).toEqual(['baseline', 'soak', 'spike', 'stress']);
  });

  it('lets a trigger reorder the tests and capacity planning add breakpoint after stress', () => {
    expect(flowScenarios({ trigger: 'slo-breach' })).toEqual(['baseline', 'spike', 'stress', 'soak']);
    expect(flowScenarios({ trigger: 'capacity-planning' })).toEqual(['baseline', 'stress', 'breakpoint', 'spike', 'soak']);
    expect(flowScenarios({ trigger: 'cost-reduction' })).toEqual(['baseline', 'soak', 'stress', 'spike']);
    expect(flowScenarios({ trigger: 'proactive', rigor: 'extensive' })).toEqual(['baseline', 'stress', 'breakpoint', 'spike', 'soak']);
  });

  it('runs --scenarios exactly as given, in that order, and rejects an unknown name before any load', () => {
    expect(flowScenarios({ trigger: 'capacity-planning', scenarios: parseScenarioList('soak, baseline,soak') })).toEqual(['soak', 'baseline']);
    expect(() => parseScenarioList('baseline,strss')).toThrow(UserError);
    expect(() => parseScenarioList('baseline,strss')).toThrow(/unknown scenario "strss"/);
    expect(() => parseScenarioList(' , ')).toThrow(/no scenario given/);
  });

  it('splits PERF_QUICK_TOTAL across the tests, the trigger focus weighing more, each at least the floor', () => {
    // Weights 1 : 1.5 : 1.5 : 2 (soak focus ×1.5 = 3) → 7 parts of 70 s: 10, 15, 15, 30 s.
    const split = splitQuickBudget(['baseline', 'stress', 'spike', 'soak'], 70_000, 'soak');
    expect([...split.entries()]).toEqual([['baseline', 10_000], ['stress', 15_000], ['spike', 15_000], ['soak', 30_000]]);
    expect([...split.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(70_000);
    expect(Math.min(...splitQuickBudget(['baseline', 'stress', 'spike', 'soak'], 8_000).values())).toBe(MIN_QUICK_TEST_MS);
  });

  it('says an optimisation did not help, with the measured share and the measured change, without advising a rollback', () => {
    const lines = optimizationFailed(
      { overall: { change: { p95: 0.031 } }, verdict: 'no-significant-change', regressions: [], measurementsPerSide: 3 } as never,
      { items: [{ id: 'P1', title: 'Add the missing index', estimatedImprovementPct: 40 }] } as never,
    );
    expect(lines).toEqual(expect.arrayContaining(['Expected: up to 40% (the measured share of the work it addresses)', 'Actual: p95 +3.1% (no significant change; 3 measurement(s) per side)']));
    expect(lines.join('\n')).not.toMatch(/roll back/i);
  });

  it('advises a rollback for a confirmed regression', () => {
    const lines = optimizationFailed({ overall: { change: { p95: 0.4 } }, verdict: 'regressed', regressions: ['checkout'], measurementsPerSide: 3 } as never, undefined);
    expect(lines).toContain('1. Roll back the change that regressed');
  });

  it('lists a missing artifact as not written instead of a path', () => {
    const out = completionSummary({ status: 'PARTIAL', slo: null, topBottlenecks: [], artifacts: [['Final summary', null]], pending: ['Step 4'], nextSteps: ['x'] });
    expect(out).toContain('- Final summary: not written (see above)');
    expect(out).toContain('**SLO Compliance**: not evaluated');
  });
});
