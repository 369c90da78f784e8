import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBottlenecks } from '../../analyzers/bottlenecks/detect.js';
import type { CpuProfile } from '../../analyzers/cpuprofile.js';
import { buildPlan, guidanceKeywords, tierOf } from '../../analyzers/plan/plan.js';
import type { BaselinePayload, ProfilePayload } from '../../core/artifacts/schemas.js';
import { loadConfig } from '../../core/config/load.js';

const FIX = join(__dirname, '../fixtures/synthesis');
const read = <T>(f: string): T => JSON.parse(readFileSync(join(FIX, f), 'utf8')) as T;
const config = loadConfig(join(__dirname, '../../examples/shop/perf.config.yaml'));
const analysis = analyzeBottlenecks({
  baseline: { file: 'b.json', payload: read<BaselinePayload>('shop-baseline-before.json') },
  profile: { file: 'p.json', payload: read<ProfilePayload>('shop-profile.json') },
  cpuProfiles: [read<CpuProfile>('shop.cpuprofile')],
  journeys: config.journeys,
});

describe('perf plan', () => {
  it('sorts items into quick wins, strategic and major tiers by effort', () => {
    expect([tierOf(0.5), tierOf(1), tierOf(3), tierOf(5), tierOf(8)]).toEqual(['quick-win', 'quick-win', 'strategic', 'strategic', 'major-refactor']);
  });

  it('proposes the matching fix for each known shop bottleneck', () => {
    const plan = buildPlan(analysis, { slos: config.slos });
    const byRule = (rule: string) => plan.items.find((i) => analysis.bottlenecks.find((b) => b.id === i.bottleneckId)?.rule === rule);
    expect(byRule('db-query')?.title).toMatch(/index/);
    expect(byRule('sync-cpu')?.steps.join(' ')).toMatch(/recommendations\.mjs:50/);
    expect(byRule('sync-cpu')?.steps.join(' ')).toMatch(/compute the result once and reuse it/);
    expect(byRule('blocking-io')?.title).toMatch(/async form/);
  });

  it('ties success criteria to named SLOs, and names the perf command that verifies and the rollback', () => {
    const plan = buildPlan(analysis, { slos: config.slos });
    const db = plan.items.find((i) => i.journeys.includes('order-history'));
    expect(db?.successCriteria.join('\n')).toMatch(/SLO "order-history-p95"/);
    expect(db?.testing.join('\n')).toMatch(/perf compare/);
    expect(db?.rollback).toMatch(/drop the new index/);
  });

  it('moves database work first when the guidance says so', () => {
    expect(guidanceKeywords('Focus on database performance, seeing slow queries in production')).toEqual(expect.arrayContaining(['database', 'latency']));
    const neutral = buildPlan(analysis);
    const db = buildPlan(analysis, { guidance: 'database' });
    const dbId = analysis.bottlenecks.find((b) => b.rule === 'db-query')!.id;
    expect(db.items[0]?.bottleneckId).toBe(dbId);
    expect(db.items[0]?.boostedBy).toEqual(['database']);
    expect(neutral.items[0]?.bottleneckId).not.toBe(dbId);
  });
});
