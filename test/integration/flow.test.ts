import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BottlenecksPayload } from '../../analyzers/bottlenecks/types.js';
import type { PlanPayload } from '../../analyzers/plan/plan.js';
import { runFlow } from '../../app/flow/run-flow.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { demoShopConfig } from '../support/shop.js';


const savedFixes = process.env.SHOP_FIXES;
afterAll(() => {
  if (savedFixes === undefined) delete process.env.SHOP_FIXES;
  else process.env.SHOP_FIXES = savedFixes;
});

describe('perf flow on the demo shop: before → SHOP_FIXES=1 → after', () => {
  it('ranks the known bottlenecks, plans their fixes, never waits without a TTY, and shows the improvement after the fix', async () => {
    const config = await demoShopConfig();
    const dir = mkdtempSync(join(tmpdir(), 'perf-flow-'));
    const lines: string[] = [];
    const common = { config, trigger: 'slo-breach' as const, quick: true, connections: 4, durationMs: 4000, capacity: false, skipLoadtest: true, say: (l: string) => lines.push(l) };

    process.env.SHOP_FIXES = '0';
    const before = await runFlow({ ...common, store: new ArtifactStore(join(dir, '.aiwg')), after: false });
    const store = new ArtifactStore(join(dir, '.aiwg'));
    const analysis = store.readLatest<BottlenecksPayload>('bottlenecks')!;
    expect(analysis.bottlenecks.slice(0, 3).map((b) => b.rule).sort()).toEqual(['blocking-io', 'db-query', 'sync-cpu']);
    const loc = (rule: string): string => analysis.bottlenecks.find((b) => b.rule === rule)!.evidence.map((e) => e.location ?? '').join(' ');
    expect(loc('sync-cpu')).toMatch(/recommendations\.mjs:\d+/);
    expect(loc('db-query')).toMatch(/handlers\/(orders|catalog)\.mjs:\d+/);
    expect(loc('blocking-io')).toMatch(/(ledger|handlers\/auth)\.mjs:\d+/);
    const plan = store.readLatest<PlanPayload>('plan')!;
    expect(plan.items.map((i) => i.title).join('\n')).toMatch(/missing index/);
    expect(before.state.steps.find((s) => s.step === 4)?.status).toBe('pending');
    expect(before.exitCode).toBe(1); // the unfixed shop breaches its latency SLOs
    expect(lines.join('\n')).toContain('❌ Critical SLO breach detected');
    expect(existsSync(join(before.archive, 'flow.json'))).toBe(true);

    lines.length = 0;
    process.env.SHOP_FIXES = '1';
    // The before version is SHOP_FIXES=0: every claimed change is re-measured on both sides, A B A B.
    const after = await runFlow({ ...common, store: new ArtifactStore(join(dir, '.aiwg')), after: true, beforeTarget: { env: { SHOP_FIXES: '0' } } });
    const c = after.comparison!;
    expect(c.measurementsPerSide).toBe(3);
    expect(c.confirmations!.filter((r) => r.held).map((r) => r.journey), lines.join('\n')).toEqual(expect.arrayContaining(['product-detail', 'order-history']));
    expect(c.improvements).toEqual(expect.arrayContaining(['product-detail', 'order-history']));
    expect(c.journeys.find((j) => j.name === 'product-detail')!.change.p95).toBeLessThan(-0.5);
    expect(lines.join('\n')).toMatch(/📈 product-detail: p95 [\d.]+ → [\d.]+ ms — improved/);
    const md = readFileSync(join(dir, '.aiwg/reports/optimization-summary.md'), 'utf8');
    expect(md).toContain('## Before vs After');
    for (const f of ['reports/performance-baseline.md', 'reports/bottleneck-analysis.md', 'planning/optimization-plan.md', 'reports/slo-compliance.md', 'reports/optimization-summary.md']) {
      expect(existsSync(join(dir, '.aiwg', f)), f).toBe(true);
    }
  }, 600_000); // the after-run re-measures every claimed change on both sides (A B A B): four more baselines
});
