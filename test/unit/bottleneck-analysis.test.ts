import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBottlenecks } from '../../analyzers/bottlenecks/detect.js';
import type { CpuProfile } from '../../analyzers/cpuprofile.js';
import { decodeHistogram, encodeHistogram, latencyStats, newHistogram, recordMs } from '../../analyzers/histogram.js';
import type { BaselinePayload, LoadFigures, LoadTestPayload, ProfilePayload } from '../../core/artifacts/schemas.js';
import { loadConfig } from '../../core/config/load.js';

const FIX = join(__dirname, '../fixtures/synthesis');
const read = <T>(f: string): T => JSON.parse(readFileSync(join(FIX, f), 'utf8')) as T;
const shopConfig = loadConfig(join(__dirname, '../../examples/shop/perf.config.yaml'));
const profile = read<ProfilePayload>('shop-profile.json');
const baseline = read<BaselinePayload>('shop-baseline-before.json');
const cpu = read<CpuProfile>('shop.cpuprofile');

function shopAnalysis(withStacks = true) {
  return analyzeBottlenecks({
    baseline: { file: 'baseline.json', payload: baseline },
    profile: { file: 'profiling.json', payload: profile },
    journeys: shopConfig.journeys,
    ...(withStacks ? { cpuProfiles: [cpu], cwd: '/work/main/examples/shop' } : {}),
  });
}

function figures(name: string, ms: number[], errors = 0): LoadFigures {
  const h = newHistogram();
  for (const v of ms) recordMs(h, v);
  return {
    name,
    requests: ms.length,
    errors,
    errorRate: errors / ms.length,
    statusCodes: { '200': ms.length - errors },
    throughputRps: ms.length / 10,
    durationMs: 10_000,
    latencyMs: latencyStats(h),
    histogram: encodeHistogram(h),
  };
}

describe('perf analyze on the demo shop (real profile and baseline)', () => {
  it('ranks the CPU-heavy handler, the unindexed queries and the event-loop stall in the top three', () => {
    const top3 = shopAnalysis().bottlenecks.slice(0, 3);
    expect(top3.map((b) => b.rule).sort()).toEqual(['blocking-io', 'db-query', 'sync-cpu']);
  });

  it('gives each known bottleneck its file:line evidence and its journey', () => {
    const a = shopAnalysis();
    const cpuB = a.bottlenecks.find((b) => b.rule === 'sync-cpu');
    expect(cpuB?.evidence[0]?.location).toMatch(/(^|\/)recommendations\.mjs:50$/);
    expect(cpuB?.impact.journeys).toEqual(['product-detail']);
    const db = a.bottlenecks.find((b) => b.rule === 'db-query');
    const dbLocations = db?.evidence.map((e) => e.location) ?? [];
    expect(dbLocations.some((l) => /(^|\/)handlers\/orders\.mjs:11$/.test(l ?? ''))).toBe(true);
    expect(dbLocations.some((l) => /(^|\/)handlers\/catalog\.mjs:21$/.test(l ?? ''))).toBe(true);
    expect(db?.impact.journeys).toEqual(expect.arrayContaining(['order-history', 'product-detail']));
    const stall = a.bottlenecks.find((b) => b.rule === 'blocking-io' && b.impact.journeys.includes('checkout'));
    expect(stall?.evidence[0]?.location).toMatch(/(^|\/)ledger\.mjs:36$/);
    expect(stall?.evidence.some((e) => e.kind === 'event-loop' && /max 1003/.test(e.text))).toBe(true);
  });

  it('ranks by ROI and fills the impact/effort option matrix', () => {
    const bs = shopAnalysis().bottlenecks;
    for (let i = 1; i < bs.length; i++) expect(bs[i - 1]!.roi).toBeGreaterThanOrEqual(bs[i]!.roi);
    expect(bs.map((b) => b.id)).toEqual(bs.map((_, i) => `B${i + 1}`));
    expect(bs.filter((b) => b.quadrant === 'quick-win').length).toBeGreaterThanOrEqual(3);
  });

  it('still finds the hot function and the database frames from the flat hot-function list when the raw profile is gone', () => {
    const a = shopAnalysis(false);
    const rules = a.bottlenecks.map((b) => b.rule);
    expect(rules).toContain('sync-cpu');
    expect(rules).toContain('db-query');
    expect(a.bottlenecks.find((b) => b.rule === 'sync-cpu')?.evidence[0]?.location).toMatch(/(^|\/)recommendations\.mjs:50$/);
  });
});

describe('perf analyze without some inputs', () => {
  it('says what is missing instead of inventing CPU hot spots when there is no profile', () => {
    const a = analyzeBottlenecks({ baseline: { file: 'b.json', payload: baseline }, journeys: shopConfig.journeys });
    expect(a.gaps.join(' ')).toMatch(/no profile/);
    expect(a.bottlenecks.filter((b) => b.impact.cpuShare !== null)).toEqual([]);
  });

  it('reports a breaking point and error bursts from a load test as saturation', () => {
    const overall = figures('overall', Array.from({ length: 200 }, (_, i) => 10 + (i % 50)), 30);
    const lt = {
      scenario: 'stress',
      journeys: [{ ...overall, name: 'browse' }],
      overall,
      windows: [{ startMs: 40_000, endMs: 50_000, requests: 100, errors: 30, rps: 180, errorRate: 0.3, latencyMs: { p50: 1, p95: 2, p99: 3 }, vus: 50, histogram: overall.histogram, journeys: {} }],
      breakingPoint: { rps: 175, atMs: 41_000, reason: 'error rate above 5%' },
    } as unknown as LoadTestPayload;
    const a = analyzeBottlenecks({ loadtest: { file: 'lt.json', payload: lt } });
    const sat = a.bottlenecks.find((b) => b.rule === 'pool-saturation');
    expect(sat?.evidence.map((e) => e.kind)).toEqual(['breaking-point', 'errors']);
    expect(sat?.evidence[0]?.text).toMatch(/175 req\/s/);
  });

  it('flags GC pressure when collections take more than 5% of the time', () => {
    const p = { ...profile, gc: { totalMs: 900, share: 0.12, count: 300, byKind: {} } };
    const a = analyzeBottlenecks({ profile: { file: 'p.json', payload: p }, cpuProfiles: [cpu], journeys: shopConfig.journeys });
    const gc = a.bottlenecks.find((b) => b.rule === 'gc-pressure');
    expect(gc?.impact.cpuShare).toBe(0.12);
    expect(gc?.evidence[0]?.text).toMatch(/12\.0%.*300 collections/);
  });

  it('keeps histogram data decodable (fixture sanity)', () => {
    expect(decodeHistogram(baseline.overall.histogram).totalCount).toBe(baseline.overall.requests);
  });
});
