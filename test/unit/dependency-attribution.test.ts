import { describe, expect, it } from 'vitest';
import { analyzeBottlenecks } from '../../analyzers/bottlenecks/detect.js';
import { packageOf } from '../../analyzers/bottlenecks/stacks.js';
import type { CpuProfile } from '../../analyzers/cpuprofile.js';
import { guidanceConstraints } from '../../analyzers/plan/constraints.js';
import { buildPlan } from '../../analyzers/plan/plan.js';
import type { ProfilePayload } from '../../core/artifacts/schemas.js';
import { parseConfig } from '../../core/config/load.js';

const NM = 'file:///srv/api/node_modules';
type Frame = [fn: string, url: string];

/** A V8 profile from stacks (root → top) with a weight in 1 ms samples each. */
function profileOf(stacks: Array<[Frame[], number]>): CpuProfile {
  const nodes: CpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [] }];
  const samples: number[] = [];
  for (const [frames, weight] of stacks) {
    let parent = nodes[0]!;
    for (const [fn, url] of frames) {
      let child = (parent.children ?? []).map((id) => nodes.find((n) => n.id === id)!).find((n) => n.callFrame.functionName === fn && n.callFrame.url === url);
      if (!child) {
        child = { id: nodes.length + 1, callFrame: { functionName: fn, url, lineNumber: 3, columnNumber: 0 }, children: [] };
        nodes.push(child);
        parent.children!.push(child.id);
      }
      parent = child;
    }
    for (let i = 0; i < weight; i++) samples.push(parent.id);
  }
  return { nodes, startTime: 0, endTime: samples.length * 1000, samples, timeDeltas: samples.map(() => 1000) };
}

const router: Frame[] = [['handle', `${NM}/express/lib/router/layer.js`], ['next', `${NM}/express/lib/router/route.js`]];
const profilePayload = { profiled: true, hotFunctions: [], sampleCount: 1000, eventLoopDelayMs: null, gc: null } as unknown as ProfilePayload;
const config = parseConfig(
  `target: { baseUrl: "http://127.0.0.1:3000" }
journeys:
  - { name: list-posts, steps: [{ path: /posts }] }
  - { name: create-comment, steps: [{ method: POST, path: /comments, json: { body: x } }] }
`,
  '/tmp/attr.perf.config.yaml',
);

describe('dependency frames', () => {
  it('reads the package of a file, scoped or nested', () => {
    expect(packageOf(`${NM}/lowdb/adapters/_stringify.js`)).toBe('lowdb');
    expect(packageOf('/a/node_modules/@scope/p/node_modules/lodash/lodash.js')).toBe('lodash');
    expect(packageOf('/a/node_modules/@scope/p/x.js')).toBe('@scope/p');
    expect(packageOf('/a/src/app.js')).toBeUndefined();
  });

  it('charges a stack with no app frame to the package and the journey of the router frame below it', () => {
    const cpu = profileOf([
      [[...router, ['create', `${NM}/json-server/lib/server/router/plural.js`], ['write', `${NM}/lowdb/lib/main.js`], ['stringify', `${NM}/lowdb/adapters/_stringify.js`]], 180],
      [[...router, ['list', `${NM}/json-server/lib/server/router/plural.js`], ['baseClone', `${NM}/lodash/lodash.js`]], 120],
      [[['(idle)', '']], 700],
    ]);
    const a = analyzeBottlenecks({ profile: { file: 'p.json', payload: profilePayload }, cpuProfiles: [cpu], journeys: config.journeys });
    const lowdb = a.bottlenecks.find((b) => b.owner.package === 'lowdb')!;
    expect(lowdb.title).toBe('Serialisation cost: lowdb `stringify` under create-comment');
    // 180 of 300 busy samples.
    expect(lowdb.impact.cpuShare).toBeCloseTo(0.6, 5);
    expect(lowdb.estimatedImprovementPct).toBe(60);
    expect(lowdb.owner.via).toEqual(expect.arrayContaining(['json-server', 'express']));
    expect(lowdb.strength.level).toBe('strong');
    const lodash = a.bottlenecks.find((b) => b.owner.package === 'lodash')!;
    expect(lodash.impact.journeys).toEqual(['list-posts']);
    expect(lodash.rule).toBe('sync-cpu');
  });

  it('charges dependency work to the nearest app frame when there is one', () => {
    const cpu = profileOf([[[...router, ['createComment', 'file:///srv/api/src/comments.js'], ['stringify', `${NM}/lowdb/adapters/_stringify.js`]], 200]]);
    const a = analyzeBottlenecks({ profile: { file: 'p.json', payload: profilePayload }, cpuProfiles: [cpu], journeys: config.journeys });
    const top = a.bottlenecks[0]!;
    expect(top.owner.kind).toBe('app');
    expect(top.evidence[0]?.location).toMatch(/src\/comments\.js:4/);
    expect(top.impact.journeys).toEqual(['create-comment']);
  });

  it("calls an app function named render… the app's own CPU work, and a template engine's render serialisation", () => {
    const cpu = profileOf([
      [[...router, ['renderProductDetail', 'file:///srv/api/src/pages.js']], 200],
      [[...router, ['listPosts', 'file:///srv/api/src/posts.js'], ['render', `${NM}/ejs/lib/ejs.js`]], 100],
    ]);
    const a = analyzeBottlenecks({ profile: { file: 'p.json', payload: profilePayload }, cpuProfiles: [cpu], journeys: config.journeys });
    const own = a.bottlenecks.find((b) => (b.evidence[0]?.location ?? '').includes('pages.js'))!;
    expect(own.rule, a.bottlenecks.map((b) => `${b.rule} ${b.title}`).join('\n')).toBe('sync-cpu');
    const engine = a.bottlenecks.find((b) => (b.evidence[0]?.location ?? '').includes('posts.js'))!;
    expect(engine.rule).toBe('serialisation');
  });

  it('prints no estimate for an event-loop delay that no frame explains', () => {
    const a = analyzeBottlenecks({ profile: { file: 'p.json', payload: { ...profilePayload, eventLoopDelayMs: { p50: 1, p90: 50, p99: 400, max: 900, mean: 20 } } } });
    const stall = a.bottlenecks.find((b) => b.rule === 'blocking-io')!;
    expect(stall.estimatedImprovementPct).toBeNull();
    expect(stall.strength.level).toBe('weak');
    expect(stall.roi).toBe(0);
  });
});

describe('guidance that constrains the plan', () => {
  it('reads what cannot change', () => {
    expect(guidanceConstraints('we cannot change json-server').map((c) => c.name)).toEqual(['json-server']);
    expect(guidanceConstraints("Latency matters; we can't touch lowdb and express is off-limits").map((c) => c.name)).toEqual(['lowdb', 'express']);
    expect(guidanceConstraints('without changing the database').map((c) => c.name)).toEqual(['database']);
    expect(guidanceConstraints('API latency is critical, p95 must be under 100ms')).toEqual([]);
  });

  it('re-targets items inside the constrained package and leaves the rest alone', () => {
    const cpu = profileOf([
      [[...router, ['create', `${NM}/json-server/lib/server/router/plural.js`], ['stringify', `${NM}/lowdb/adapters/_stringify.js`]], 180],
      [[...router, ['listPosts', 'file:///srv/api/src/posts.js']], 120],
    ]);
    const a = analyzeBottlenecks({ profile: { file: 'p.json', payload: profilePayload }, cpuProfiles: [cpu], journeys: config.journeys });
    const plan = buildPlan(a, { guidance: 'we cannot change json-server', locationExists: () => true });
    const lowdb = plan.items.find((i) => /lowdb/.test(i.title))!;
    expect(lowdb.constraint).toEqual({ name: 'json-server', guidance: 'cannot change json-server' });
    expect(lowdb.steps.join(' ')).toMatch(/Send it less to serialise/);
    const own = plan.items.find((i) => i.journeys.includes('list-posts') && !i.constraint)!;
    expect(own.steps[0]).toMatch(/^Start at .*src\/posts\.js:4/);
  });

  it('never points a step at a location that does not exist', () => {
    const cpu = profileOf([[[...router, ['listPosts', 'file:///srv/api/src/posts.js']], 120]]);
    const a = analyzeBottlenecks({ profile: { file: 'p.json', payload: profilePayload }, cpuProfiles: [cpu], journeys: config.journeys });
    const plan = buildPlan(a, { locationExists: () => false });
    expect(plan.items.every((i) => !i.steps.some((s) => s.startsWith('Start at')))).toBe(true);
    expect(plan.items.every((i) => !/ — \//.test(i.title))).toBe(true);
  });
});
