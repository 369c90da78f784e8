import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBaseline } from '../../capture/baseline/run-baseline.js';
import { runProfile } from '../../capture/profile/run-profile.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import type { BaselinePayload, ProfilePayload } from '../../core/artifacts/schemas.js';
import { loadConfig } from '../../core/config/load.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { freePortSync } from '../support/free-port.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shopDir = join(root, 'examples/shop');
// Its own port, so a shop another test or developer runs on 18080 does not get in the way.
const port = freePortSync();
const config = () => {
  const c = loadConfig(join(shopDir, 'perf.config.yaml'));
  c.target.baseUrl = `http://127.0.0.1:${port}`;
  c.target.start!.env = { ...c.target.start!.env, PORT: String(port) };
  return c;
};
const KNOWN_SLOW = ['checkout', 'product-detail', 'order-history', 'login'];

describe('perf baseline and perf profile on the demo shop', () => {
  let baseline: Artifact<BaselinePayload>;
  let baselineMd: string;
  let profile: Artifact<ProfilePayload>;

  beforeAll(async () => {
    const store = new ArtifactStore(mkdtempSync(join(tmpdir(), 'perf-shop-')));
    const b = await runBaseline({ config: config(), store, rateRps: 10, capacity: false, durationMs: 6000, quick: true });
    baseline = b.artifact;
    baselineMd = readFileSync(b.markdownPath, 'utf8');
    profile = (await runProfile({ config: config(), store, durationMs: 5000, quick: true })).artifact;
  });

  it('ranks the known slow endpoints worst by p99 and names the slowest in the report', () => {
    const ranked = [...baseline.journeys].sort((a, b) => b.latencyMs.p99 - a.latencyMs.p99).map((j) => j.name);
    // browse and search are plain indexed reads: every known bottleneck ranks above them.
    expect(ranked.slice(0, 3).every((n) => KNOWN_SLOW.includes(n)), ranked.join(' > ')).toBe(true);
    expect(ranked.indexOf('product-detail')).toBeLessThan(ranked.indexOf('browse'));
    expect(ranked.indexOf('order-history')).toBeLessThan(ranked.indexOf('search'));
    expect(baselineMd).toContain(`Slowest journey by p99: **${ranked[0]}**`);
    expect(baseline.overall.requests).toBeGreaterThan(0);
    expect(baseline.journeys.every((j) => j.errors === 0)).toBe(true);
  });

  it("puts the CPU-heavy handler and the database access among the top hot functions of the app's own code", () => {
    expect(profile.profiled).toBe(true);
    const app = profile.hotFunctions.filter((f) => f.category === 'app').sort((a, b) => b.totalMs - a.totalMs);
    const top = app.slice(0, 10).map((f) => f.functionName);
    expect(top, top.join(', ')).toContain('computeRecommendations');
    expect(top.some((n) => ['all', 'get', 'reviewsWithAuthors', 'orderHistory'].includes(n)), top.join(', ')).toBe(true);
    const cpu = app.find((f) => f.functionName === 'computeRecommendations')!;
    expect(cpu.selfShare).toBeGreaterThan(0.05);
  });

  it('gives each hot function a correct 1-based file:line', () => {
    const app = profile.hotFunctions.filter((f) => f.category === 'app' && /^[A-Za-z_$][\w$]*$/.test(f.functionName));
    expect(app.length).toBeGreaterThan(3);
    for (const f of app) {
      const [file, line] = [f.location.slice(0, f.location.lastIndexOf(':')), Number(f.location.slice(f.location.lastIndexOf(':') + 1))];
      const text = readFileSync(join(shopDir, file), 'utf8').split('\n')[line - 1] ?? '';
      expect(text, `${f.functionName} at ${f.location}`).toContain(f.functionName);
    }
    expect(app.find((f) => f.functionName === 'computeRecommendations')?.location).toMatch(/^recommendations\.mjs:\d+$/);
  });

  it('reports event-loop delay and GC share from the preload monitor', () => {
    expect(profile.eventLoopDelayMs?.max).toBeGreaterThan(0);
    expect(profile.gc?.count).toBeGreaterThan(0);
    expect(profile.gc!.share).toBeGreaterThan(0);
    expect(profile.gc!.share).toBeLessThan(1);
    expect(profile.rawProfiles[0]).toMatch(/\.cpuprofile$/);
    expect(readFileSync(profile.flameGraphs![0]!, 'utf8')).toContain('computeRecommendations — recommendations.mjs:');
    expect(profile.clinic.ran).toBe(false);
    expect(profile.clinic.note).toMatch(/clinic/);
  });

  it("names the growing page cache's insertion (keepPage, page-replay.mjs) among the top live allocation sites of the heap profile", () => {
    const heap = profile.heapProfile;
    expect(heap, 'a heap profile was written').toBeTruthy();
    expect(heap!.sampledBytes).toBeGreaterThan(0);
    const top = heap!.sites.filter((s) => s.selfBytes > 0).slice(0, 5);
    const keep = top.find((s) => s.functionName === 'keepPage');
    expect(keep, top.map((s) => `${s.functionName} ${s.location} ${(s.selfShare * 100).toFixed(1)} %`).join('; ')).toBeDefined();
    // The function that inserts into the Map, by file:line.
    const src = readFileSync(join(shopDir, 'page-replay.mjs'), 'utf8').split('\n');
    expect(keep!.location).toBe(`page-replay.mjs:${src.findIndex((l) => l.startsWith('export function keepPage')) + 1}`);
    expect(readFileSync(heap!.raw, 'utf8')).toContain('"keepPage"');
  });
});
