import { describe, expect, it } from 'vitest';
import { sloCards } from '../../analyzers/baseline/slo-status.js';
import { LatencyRecorder } from '../../capture/load/recorder.js';
import type { BaselinePayload } from '../../core/artifacts/schemas.js';
import type { Slo } from '../../core/config/types.js';
import { rankByP99, renderBaselineMarkdown } from '../../templates/baseline.js';

function payload(): BaselinePayload {
  const fast = new LatencyRecorder('browse');
  const slow = new LatencyRecorder('orders');
  const broken = new LatencyRecorder('broken');
  const overall = new LatencyRecorder('overall');
  for (let i = 0; i < 100; i++) {
    fast.recordResponse(200, true, 2);
    slow.recordResponse(200, true, i < 90 ? 40 : 400);
    broken.recordResponse(500, false, 1);
    overall.recordResponse(200, true, 2);
  }
  return {
    target: { baseUrl: 'http://127.0.0.1:1' },
    model: { kind: 'closed', connections: 10 },
    durationMs: 5000,
    warmupMs: 500,
    journeys: [fast, slow, broken].map((r) => r.figures(5000, false)),
    overall: overall.figures(5000, false),
    capacity: null,
  };
}

const slos: Slo[] = [
  { name: 'orders-p95', sli: 'latency', journey: 'orders', percentile: 'p95', thresholdMs: 100, objective: 99, window: '30d', windowMs: 2_592_000_000 },
  { name: 'availability', sli: 'availability', journey: 'broken', objective: 99.9, window: '30d', windowMs: 2_592_000_000 },
];

describe('baseline report', () => {
  const p = payload();
  const cards = sloCards(slos, p);

  it('ranks journeys worst p99 first and names the slowest', () => {
    expect(rankByP99(p.journeys)[0]?.name).toBe('orders');
    const md = renderBaselineMarkdown(p, cards);
    expect(md).toContain('Slowest journey by p99: **orders**');
  });

  it('shows the failing journey with its status codes instead of hiding it', () => {
    const md = renderBaselineMarkdown(p, cards);
    expect(md).toMatch(/\*\*broken\*\*: 100 of 100 requests failed \(100\.00%\); status codes 500×100/);
  });

  it('computes the error budget a latency SLO would burn at the baseline rate', () => {
    const c = cards[0]!;
    expect(c.result.status).toBe('FAIL'); // p95 is 400 ms > 100 ms
    // 10 of 100 requests slower than 100 ms: bad fraction 0.1 vs 0.01 allowed = burn rate 10;
    // consumed = 10 × (5 s / 30 d) × 100 = 0.00192901234568 % of the window
    expect(c.result.events).toEqual({ total: 100, bad: 10 });
    expect(c.result.burnRate).toBe(10);
    expect(c.result.errorBudget.consumedPct).toBe(0.00192901234568);
    expect(cards[1]!.result.actual).toBe(0);
  });

  it('renders SLI definitions, SLO targets, error budget and a capacity section', () => {
    const md = renderBaselineMarkdown(p, cards);
    for (const h of ['## SLI definitions', '## SLO targets', '## Error budget status', '## Capacity']) expect(md).toContain(h);
    expect(md).toContain('Capacity search skipped');
  });
});
