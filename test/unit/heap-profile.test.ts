import { describe, expect, it } from 'vitest';
import { pickHeapSites, summarizeHeapProfile, type HeapProfileNode } from '../../analyzers/heapprofile.js';
import { analyzeBottlenecks } from '../../analyzers/bottlenecks/detect.js';
import { renderProfileMarkdown } from '../../templates/profile.js';
import type { ProfilePayload, ResourceSeries } from '../../core/contract/artifacts.js';

const KB = 1024;
let nextId = 1;
const node = (functionName: string, url: string, line: number, selfSize: number, children: HeapProfileNode[] = []): HeapProfileNode => ({
  id: nextId++,
  callFrame: { functionName, url, lineNumber: line - 1, columnNumber: 0 },
  selfSize,
  children,
});

// (root) → handle (app.mjs:10, 100 KB) → keepPage (cache.mjs:30, 700 KB)
//                                      → render (app.mjs:50, 150 KB) → render (recursion, 50 KB)
//        → preload (perf-preload.cjs, 999 KB: perf's own, not counted)
// Sampled bytes: 100 + 700 + 150 + 50 = 1000 KB.
const profile = {
  head: node('(root)', '', 0, 0, [
    node('handle', 'file:///srv/app.mjs', 10, 100 * KB, [node('keepPage', 'file:///srv/cache.mjs', 30, 700 * KB), node('render', 'file:///srv/app.mjs', 50, 150 * KB, [node('render', 'file:///srv/app.mjs', 50, 50 * KB)])]),
    node('tick', 'file:///tmp/perf-node-1/perf-preload.cjs', 1, 999 * KB),
  ]),
};
const summary = summarizeHeapProfile(profile, '/srv', (url) => url.endsWith('/perf-preload.cjs'));

describe('the sampling heap profile by allocation site', () => {
  it('charges each function its own sampled bytes, shares of all sampled bytes, perf\'s preload left out', () => {
    expect(summary.sampledBytes).toBe(1000 * KB);
    const [top] = summary.sites;
    expect(top).toMatchObject({ functionName: 'keepPage', location: 'cache.mjs:30', category: 'app', selfBytes: 700 * KB, selfShare: 0.7 });
    expect(summary.sites.find((s) => s.functionName === 'tick')).toBeUndefined();
  });

  it('counts a recursive function once per stack in its total, and a caller gets its callees in its total', () => {
    const render = summary.sites.find((s) => s.functionName === 'render');
    expect(render).toMatchObject({ selfBytes: 200 * KB, totalBytes: 200 * KB, totalShare: 0.2 });
    expect(summary.sites.find((s) => s.functionName === 'handle')).toMatchObject({ selfBytes: 100 * KB, totalBytes: 1000 * KB, totalShare: 1 });
    expect(pickHeapSites(summary.sites).map((s) => s.functionName)).toEqual(['keepPage', 'render', 'handle']);
  });
});

const profilePayload = (heap: ProfilePayload['heapProfile']): ProfilePayload => ({
  target: { baseUrl: 'http://127.0.0.1:1' },
  profiled: true,
  durationMs: 10_000,
  sampleCount: 1000,
  hotFunctions: [],
  eventLoopDelayMs: null,
  gc: { totalMs: 800, share: 0.08, count: 120, byKind: { minor: 500, major: 300 } },
  heapProfile: heap,
  clinic: { ran: false, note: 'clinic not run' },
  rawProfiles: [],
  load: null,
});
const heap: ProfilePayload['heapProfile'] = { samplingIntervalBytes: 32 * KB, sampledBytes: summary.sampledBytes, sites: pickHeapSites(summary.sites), raw: '/runs/1/Heap.7.heapprofile' };

describe('heap evidence in the report and the analysis', () => {
  it('lists the live allocation sites with file:line and share in profiling-results.md', () => {
    const md = renderProfileMarkdown(profilePayload(heap));
    expect(md).toContain('## Memory: allocation sites (sampling heap profile)');
    expect(md).toMatch(/\| `keepPage` \| cache\.mjs:30 \| app \| 0\.7 MB \| 70\.0 ?% \|/);
    expect(renderProfileMarkdown(profilePayload(null))).toContain('- not recorded (no heap profile was written');
  });

  it('gives GC pressure the top allocation sites as evidence, and a suspected heap leak its own finding naming the site', () => {
    const resources: ResourceSeries = {
      source: 'proc',
      pid: 1,
      intervalMs: 1000,
      samples: [],
      leak: { suspected: false, slopeMbPerHour: 10, ci95: [-5, 25], basis: 'rss', series: 'rssMb' },
      heapLeak: { suspected: true, slopeMbPerHour: 2500, ci95: [2300, 2700], basis: '34 samples over 33 s', series: 'heapAfterGcMb' },
    };
    const out = analyzeBottlenecks({
      profile: { file: 'profile.json', payload: profilePayload(heap) },
      loadtest: { file: 'soak.json', payload: { journeys: [], resources } as unknown as import('../../core/contract/artifacts.js').LoadTestPayload },
    });
    const gc = out.bottlenecks.find((b) => b.rule === 'gc-pressure');
    expect(gc?.evidence.some((e) => e.kind === 'heap' && e.location === 'cache.mjs:30')).toBe(true);
    const leak = out.bottlenecks.find((b) => b.rule === 'memory-leak');
    expect(leak?.title).toBe('Memory that grows under load (suspected leak): cache.mjs:30');
    expect(leak?.evidence[0]?.text).toMatch(/^heap after GC grows 2500 MB\/h \(95 % CI 2300…2700\) in soak\.json/);
    expect(leak?.estimatedImprovementPct).toBeNull();
  });
});

describe('clinic as an optional dependency', async () => {
  const { clinicCommand, resolveClinic, CLINIC_ADD_HINT } = await import('../../capture/profile/clinic.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const install = { bin: '/x/clinic/bin.js', version: '13.0.0', doctorPackage: undefined };

  it('is absent where nothing installed it, and the hint says how to add it in one line', () => {
    expect(resolveClinic([mkdtempSync(join(tmpdir(), 'perf-noclinic-'))].map((d) => join(d, 'deeper')))).toBeUndefined();
    expect(CLINIC_ADD_HINT).toContain('npm i -D clinic');
    expect(CLINIC_ADD_HINT).not.toContain('\n');
  });

  it('wraps a node start command with --open=false and its dest, and refuses one that does not run node itself', () => {
    expect(clinicCommand('doctor', install, '/runs/1/profiles/clinic', 'node server.mjs')).toMatch(/"\/x\/clinic\/bin\.js" doctor --open=false --dest "\/runs\/1\/profiles\/clinic" -- node server\.mjs$/);
    expect(() => clinicCommand('flame', install, '/d', 'npm start')).toThrow(/--clinic needs a start command that runs node itself, found "npm start"/);
    try {
      clinicCommand('doctor', install, '/d', './start.sh');
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });
});
