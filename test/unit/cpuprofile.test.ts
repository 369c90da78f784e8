import { describe, expect, it } from 'vitest';
import { categorize, displayLocation, pickHotFunctions, summarizeCpuProfile, type CpuProfile } from '../../analyzers/cpuprofile.js';

// root ─ main (app.js:10) ─ hot (app.js:20)
//      │                  └ parse (node_modules/lib/index.js:5)
//      │                  └ rec (app.js:30) ─ rec (recursion)
//      ├ (garbage collector)
//      ├ (idle)
//      └ readFile (node:fs:100)
const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' });
const profile: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2, 6, 7, 8] },
    { id: 2, callFrame: frame('main', 'file:///proj/app.js', 9), children: [3, 4, 9] },
    { id: 3, callFrame: frame('hot', 'file:///proj/app.js', 19) },
    { id: 4, callFrame: frame('parse', 'file:///proj/node_modules/lib/index.js', 4) },
    { id: 6, callFrame: frame('(garbage collector)', '', -1) },
    { id: 7, callFrame: frame('(idle)', '', -1) },
    { id: 8, callFrame: frame('readFile', 'node:fs', 99) },
    { id: 9, callFrame: frame('rec', 'file:///proj/app.js', 29), children: [10] },
    { id: 10, callFrame: frame('rec', 'file:///proj/app.js', 29) },
  ],
  // 10 samples of 1 ms each (timeDeltas in µs; the last one lasts until endTime).
  samples: [3, 3, 3, 3, 4, 6, 7, 7, 8, 10],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('V8 cpuprofile summary', () => {
  const s = summarizeCpuProfile(profile, '/proj');
  const fn = (name: string) => s.functions.find((f) => f.functionName === name);

  it('gives self time from the samples where the function is on top', () => {
    expect(fn('hot')?.selfMs).toBe(4);
    expect(fn('parse')?.selfMs).toBe(1);
    expect(fn('main')?.selfMs).toBe(0);
  });

  it('gives total time from the samples where the function is anywhere on the stack, recursion counted once', () => {
    expect(fn('main')?.totalMs).toBe(6);
    expect(fn('rec')?.totalMs).toBe(1);
    expect(fn('rec')?.selfMs).toBe(1);
  });

  it('reports 1-based file:line relative to the target cwd', () => {
    expect(fn('hot')?.location).toBe('app.js:20');
    expect(fn('hot')?.line).toBe(20);
    expect(fn('parse')?.location).toBe('node_modules/lib/index.js:5');
    expect(fn('readFile')?.location).toBe('node:fs:100');
  });

  it('separates app code, node_modules, node internals, gc and idle', () => {
    expect(fn('hot')?.category).toBe('app');
    expect(fn('parse')?.category).toBe('node_modules');
    expect(fn('readFile')?.category).toBe('node-internal');
    expect(fn('(garbage collector)')?.category).toBe('gc');
    expect(s.byCategory.idle).toBe(2);
    expect(s.byCategory.app).toBe(5);
  });

  it('computes shares over non-idle time', () => {
    expect(s.busyMs).toBe(8);
    expect(fn('hot')?.selfShare).toBe(0.5);
    expect(fn('main')?.totalShare).toBe(0.75);
  });

  it('picks hot functions without idle and program entries, app code by total included', () => {
    const hot = pickHotFunctions(s.functions);
    expect(hot.map((f) => f.functionName)).toContain('main');
    expect(hot.some((f) => f.category === 'idle')).toBe(false);
    expect(hot[0]?.functionName).toBe('hot');
  });
});

describe('frame categories', () => {
  it.each([
    ['(program)', '', 'program'],
    ['', '', 'native'],
    ['wasm-function[3]', 'wasm://wasm/00ab', 'native'],
    ['x', 'node:internal/streams/readable', 'node-internal'],
    ['x', 'file:///a/node_modules/b/c.js', 'node_modules'],
    ['x', 'file:///a/src/c.js', 'app'],
    ['x', '/a/src/c.js', 'app'],
  ] as const)('%s at "%s" is %s', (name, url, cat) => {
    expect(categorize(name, url)).toBe(cat);
  });

  it('keeps absolute paths outside the cwd', () => {
    expect(displayLocation('file:///other/x.js', 3, '/proj')).toBe('/other/x.js:3');
  });
});

describe('HTML flame graph', () => {
  it('draws busy frames only, widest at the root, with escaped names and file:line tooltips', async () => {
    const { renderFlameGraphHtml } = await import('../../templates/profile-flame.js');
    const html = renderFlameGraphHtml(
      {
        ...profile,
        nodes: profile.nodes.map((n) => (n.id === 3 ? { ...n, callFrame: { ...n.callFrame, functionName: '<hot>' } } : n)),
      },
      { title: 'demo', cwd: '/proj' },
    );
    expect(html).toContain('&lt;hot&gt; — app.js:20');
    expect(html).not.toContain('<hot>');
    expect(html).not.toContain('(idle)');
    expect(html).not.toMatch(/<script/i);
    const widths = [...html.matchAll(/<rect x="[\d.]+" y="(\d+)" width="([\d.]+)"/g)].map((m) => ({ y: Number(m[1]), w: Number(m[2]) }));
    expect(widths.length).toBeGreaterThan(3);
    expect(Math.max(...widths.filter((r) => r.y > 0).map((r) => r.w))).toBeLessThanOrEqual(Math.max(...widths.filter((r) => r.y === 0).map((r) => r.w)));
  });
});
