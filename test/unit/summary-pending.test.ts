import { describe, expect, it } from 'vitest';
import { pendingSummary } from '../../app/flow/pending-summary.js';
import { checkArtifact } from '../../core/contract/read-artifact.js';
import { renderPendingSummary } from '../../templates/summary-pending.js';
import { syntheticBaseline, syntheticLoadtest } from '../fixtures/report/synthetic.js';

const baseline = syntheticBaseline('run-1');
const summary = pendingSummary({
  reason: 'there is no after-run and no earlier archived run to compare with',
  completeWith: 'perf flow --after --config shop.yaml --quick',
  trigger: 'slo-breach',
  baseline: { file: '.aiwg/working/performance/baseline.json', payload: baseline },
  analysis: { bottlenecks: [{ id: 'B1', title: 'Missing index on orders.customer_id', evidence: [{ text: 'seq scan on orders, 41% of request time' }], estimatedImprovementPct: 41 }] } as never,
  plan: { counts: { 'quick-win': 2, strategic: 1, 'major-refactor': 0 }, totalEffortDays: 3.5 },
  loadTests: [{ payload: { ...syntheticLoadtest({ windows: 6 }), scenario: 'spike', recovery: { recoveryTimeMs: 2000, spikeEndMs: 30_000, note: 'p95 back' } }, slo: null }],
  slo: { status: 'FAIL', slos: [{ name: 'browse-p95', sli: 'latency', objective: 99, actual: 71.2, target: 50, status: 'FAIL', errorBudget: { allowedBadFraction: 0.01, badFraction: 0.2, consumedPct: 3.1, remainingPct: 96.9 }, burnRate: 20, alerts: [], events: { total: 1800, bad: 360 } }] },
});
const md = renderPendingSummary(summary);

describe('optimization-summary.md before an after-run exists', () => {
  it('says PENDING in its status line with the exact command that completes it', () => {
    expect(md.split('\n')[2]).toBe('**Status: PENDING** — before/after and ROI need an after-run: implement the plan, then run `perf flow --after --config shop.yaml --quick`. there is no after-run and no earlier archived run to compare with.');
  });

  it('holds what the run established: baseline, bottlenecks, plan, load tests, SLO status and budget', () => {
    expect(md).toContain(`p95 ${baseline.overall.latencyMs.p95.toFixed(1)} ms`);
    expect(md).toContain('- B1 Missing index on orders.customer_id — seq scan on orders, 41% of request time (up to 41%)');
    expect(md).toContain('2 quick win(s), 1 strategic improvement(s), 0 major refactoring(s); 3.5 day(s) of effort in all.');
    expect(md).toContain('- Spike: recovery time 2 s');
    expect(md).toMatch(/\| browse-p95 \| FAIL \| 71\.2 \| 50 \| 3\.1\d*% \| 96\.9\d*% \|/);
  });

  it('marks after, improvement and ROI pending, never a made-up figure', () => {
    expect(md).toMatch(/\| p95 Latency \| [\d.]+ ms \| pending \| pending \|/);
    expect(md).toMatch(/## ROI Analysis\n\npending — run `perf flow --after/);
  });

  it('is a perf.compare/v1 artifact the contract accepts (status "pending")', () => {
    const art = { schema: 'perf.compare/v1', runId: 'run-1', generatedAt: '2026-12-07T00:00:00Z', tool: { name: 'perf', version: '0' }, ...summary };
    expect(() => checkArtifact(art, 'optimization-summary.json', 'perf.compare/v1')).not.toThrow();
    expect(() => checkArtifact({ ...art, status: 'done' }, 'optimization-summary.json', 'perf.compare/v1')).toThrow();
  });
});
