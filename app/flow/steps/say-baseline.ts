import type { BaselinePayload } from '../../../core/artifacts/schemas.js';
import type { FlowContext } from '../context.js';

/** The flow's lines for a finished baseline: where it is, and its p95, throughput and error rate. */
export function sayBaseline(ctx: Pick<FlowContext, 'say' | 'show'>, b: BaselinePayload, label: string, path: string): void {
  ctx.say(`✓ ${label}: ${ctx.show(path)}`);
  ctx.say(`  - p95 latency: ${b.overall.latencyMs.p95.toFixed(1)}ms`);
  ctx.say(`  - Throughput: ${b.overall.throughputRps.toFixed(1)} RPS`);
  ctx.say(`  - Error rate: ${(b.overall.errorRate * 100).toFixed(2)}%`);
}
