import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnswersFile, structureAnswers } from '../../cli/flow/questions.js';
import { TRIGGER_PROFILE, TRIGGERS } from '../../cli/flow/triggers.js';
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
  it('gives every seed trigger default scenarios', () => {
    expect([...TRIGGERS].sort()).toEqual(['capacity-planning', 'cost-reduction', 'new-feature', 'proactive', 'slo-breach', 'user-complaint']);
    expect(TRIGGER_PROFILE['capacity-planning'].scenarios).toContain('stress');
    for (const t of TRIGGERS) expect(TRIGGER_PROFILE[t].scenarios.length).toBeGreaterThan(0);
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
