import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuProfile, CpuProfileNode } from '../../analyzers/cpuprofile.js';
import type { Bottleneck } from '../../analyzers/bottlenecks/types.js';
import { runProfile } from '../../capture/profile/run-profile.js';
import { runAnalyze } from '../../app/analyze.js';
import { runPlan } from '../../app/plan.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import type { PerfConfig } from '../../core/config/types.js';
import { installJsonServer, jsonServerConfig, writeDb } from '../fixtures/json-server/json-server.js';
import { freePort } from '../support/free-port.js';

/**
 * The share of busy CPU time with lowdb's `stringify` anywhere on the stack, read straight from the
 * raw .cpuprofile — the reference the analysis must match (sample i lasts timeDeltas[i + 1] µs).
 */
function rawShare(profile: CpuProfile, match: (n: CpuProfileNode) => boolean): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let busy = 0;
  let hit = 0;
  const samples = profile.samples ?? [];
  for (let i = 0; i < samples.length; i++) {
    const d = Math.max(0, profile.timeDeltas?.[i + 1] ?? 0);
    const top = byId.get(samples[i] as number);
    if (!top || top.callFrame.functionName === '(idle)') continue;
    busy += d;
    for (let id: number | undefined = top.id; id !== undefined; id = parent.get(id)) {
      if (match(byId.get(id) as CpuProfileNode)) {
        hit += d;
        break;
      }
    }
  }
  return busy > 0 ? hit / busy : 0;
}

let dir: string;
let config: PerfConfig;
let store: ArtifactStore;
let raw: CpuProfile;

beforeAll(async () => {
  const bin = installJsonServer(); // npm, pinned 0.17.4
  dir = mkdtempSync(join(tmpdir(), 'perf-json-server-'));
  writeDb(dir); // 2,000 posts, 6,000 comments
  config = jsonServerConfig(dir, bin, await freePort());
  store = new ArtifactStore(join(dir, '.aiwg'));
  const prof = await runProfile({ config, store, durationMs: 6000, connections: 4 });
  expect(prof.artifact.profiled).toBe(true);
  raw = JSON.parse(readFileSync(prof.artifact.rawProfiles[0] as string, 'utf8')) as CpuProfile;
}, 300_000);

describe('bottleneck analysis on json-server 0.17.4 (a real app that is all dependencies)', () => {
  it('names lowdb `stringify` under create-comment with a share within 3 points of the raw .cpuprofile', async () => {
    const { analysis } = await runAnalyze(store, { config });
    const lowdb = analysis.bottlenecks.find((b) => /lowdb `stringify`/.test(b.title)) as Bottleneck;
    expect(lowdb, analysis.bottlenecks.map((b) => b.title).join('\n')).toBeDefined();
    expect(lowdb.rule).toBe('serialisation');
    expect(lowdb.title).toMatch(/under .*create-comment/);
    expect(lowdb.impact.journeys).toContain('create-comment');
    expect(lowdb.owner).toMatchObject({ kind: 'dependency', package: 'lowdb' });
    expect(lowdb.owner.via).toContain('json-server');
    const reference = rawShare(raw, (n) => n.callFrame.functionName === 'stringify' && /[\\/]node_modules[\\/]lowdb[\\/]/.test(n.callFrame.url));
    expect(reference).toBeGreaterThan(0.03);
    expect(Math.abs((lowdb.impact.cpuShare as number) - reference)).toBeLessThan(0.03);
    // The estimate is the measured share itself, with its formula; the evidence is strong.
    expect(lowdb.estimatedImprovementPct).toBeCloseTo((lowdb.impact.cpuShare as number) * 100, 0);
    expect(lowdb.estimateFormula).toMatch(/measured/);
    expect(lowdb.strength.level).toBe('strong');
    // express's own stringify (res.json) is found too, under the read journeys.
    expect(analysis.bottlenecks.some((b) => /express `stringify`/.test(b.title))).toBe(true);
  });

  it('never prints a catalogue prior as a measured improvement', async () => {
    const { analysis } = await runAnalyze(store, { config });
    for (const b of analysis.bottlenecks) {
      if (b.estimatedImprovementPct === null) {
        expect(b.estimateFormula).toMatch(/^n\/a/);
        expect(b.strength.level).toBe('weak');
      } else {
        const share = b.impact.cpuShare ?? b.impact.latencyShare;
        expect(b.estimateFormula, b.title).toMatch(/measured/);
        if (b.impact.cpuShare !== null) expect(b.estimatedImprovementPct).toBeCloseTo((share as number) * 100, 0);
      }
    }
    expect(analysis.bottlenecks[0]?.estimatedImprovementPct).not.toBeNull();
  });

  it('re-targets every item inside json-server when the guidance says it cannot change, and points only to files that exist', async () => {
    await runAnalyze(store, { config });
    const { plan } = await runPlan(store, { config, guidance: 'we cannot change json-server' });
    expect(plan.constraints.map((c) => c.name)).toEqual(['json-server']);
    const lowdb = plan.items.find((i) => /lowdb `stringify`/.test(i.title));
    expect(lowdb?.constraint?.name).toBe('json-server');
    expect(lowdb?.steps.join('\n')).not.toMatch(/Start at/);
    for (const item of plan.items.filter((i) => i.constraint)) expect(item.steps[0]).toMatch(/cannot change/);
    // No step may point anywhere that is not on disk.
    for (const item of plan.items) {
      for (const m of item.steps.join('\n').matchAll(/Start at (\S+):\d+/g)) expect(existsSync(resolve(dir, m[1] as string)), m[1]).toBe(true);
    }
    const free = await runPlan(store, { config });
    expect(free.plan.items.some((i) => i.constraint)).toBe(false);
  });
});
