// The flow's first run on the demo shop (started by perf on a free loopback port): all six
// artifacts, and step 5's four load tests in one load-test-results.md, each with its headline.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFlow } from '../../app/flow/run-flow.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { demoShopConfig } from '../support/shop.js';

const savedFixes = process.env.SHOP_FIXES;
afterAll(() => {
  if (savedFixes === undefined) delete process.env.SHOP_FIXES;
  else process.env.SHOP_FIXES = savedFixes;
});

describe('perf flow, first run on the demo shop', () => {
  it('writes all six artifacts; load-test-results.md has baseline, stress, spike and soak, each with its headline', async () => {
    const config = await demoShopConfig();
    const dir = mkdtempSync(join(tmpdir(), 'perf-flow-first-'));
    const out = join(dir, '.aiwg');
    const lines: string[] = [];
    process.env.SHOP_FIXES = '0';
    // 30 s of --quick load tests in all (PERF_QUICK_TOTAL): 6 (the floor) + 7 + 7 + 10 s by the default weights.
    const result = await runFlow({ config, store: new ArtifactStore(out), trigger: 'proactive', after: false, quick: true, quickTotalMs: 30_000, connections: 4, durationMs: 4000, capacity: false, say: (l) => lines.push(l) });
    const log = lines.join('\n');
    for (const f of ['reports/performance-baseline.md', 'reports/bottleneck-analysis.md', 'planning/optimization-plan.md', 'testing/load-test-results.md', 'reports/slo-compliance.md', 'reports/optimization-summary.md']) {
      expect(existsSync(join(out, f)), `${f}\n${log}`).toBe(true);
    }
    expect(result.state.steps.find((s) => s.step === 5)?.note).toBe('baseline, stress, spike, soak');

    const md = readFileSync(join(out, 'testing/load-test-results.md'), 'utf8');
    const sections = [...md.matchAll(/^## (Baseline|Stress|Spike|Soak)\n\n\*\*(.+)\*\*$/gm)].map((m) => [m[1], m[2]]);
    expect(sections.map(([name]) => name), log).toEqual(['Baseline', 'Stress', 'Spike', 'Soak']);
    const headline = Object.fromEntries(sections) as Record<string, string>;
    expect(headline.Baseline).toMatch(/^Baseline: p95 .+, p99 .+ \(n = [\d,]+\) vs SLO: (PASS|PARTIAL|FAIL)/);
    expect(headline.Stress).toMatch(/^Stress: (breaking point at [\d.,]+ RPS|no breaking point up to [\d.,]+ RPS achieved)$/);
    expect(headline.Spike).toMatch(/^Spike: recovery time ([\d.]+ s|n\/a)$/);
    expect(headline.Soak).toMatch(/^Soak: (no degradation|p95 degraded|degradation n\/a) over \S+$/);
    // One overall table, a row per test.
    expect(md.split('\n').filter((l) => /^\| (baseline|stress|spike|soak) \| [\d.,]+ req\/s \|/.test(l))).toHaveLength(4);
    for (const s of ['baseline', 'stress', 'spike', 'soak']) expect(existsSync(join(out, 'working/runs', new ArtifactStore(out, result.state.runId).runId, 'loadtests', `${s}.json`)), s).toBe(true);

    // No after-run yet: the summary is written anyway, pending, with the command that completes it.
    const summary = readFileSync(join(out, 'reports/optimization-summary.md'), 'utf8');
    expect(summary).toMatch(/\*\*Status: PENDING\*\*.*`perf flow --after`/);
    expect(summary).toContain('- Stress: ');
    expect(log).toMatch(/Final summary: .*optimization-summary\.md/);
  }, 240_000);
});
