import { describe, expect, it } from 'vitest';
import { mergeNodeRuntime, parseRuntimeLine, type NodeRuntimeLine } from '../../analyzers/resources/node-runtime.js';
import { detectLeak } from '../../analyzers/resources/leak.js';
import { renderResourcesSection } from '../../templates/resources.js';
import type { ResourceSample } from '../../core/contract/artifacts.js';

const MB = 1024 * 1024;
const line = (o: Partial<NodeRuntimeLine>): NodeRuntimeLine => ({ t: 1000, pid: 1, heapUsed: 10 * MB, heapTotal: 20 * MB, heapAfterGc: 8 * MB, eld: { p50: 0.5, p99: 4, max: 9 }, gcMs: 1.5, gcCount: 3, ...o });

describe('the Node runtime lines of the preload', () => {
  it('reads a well-formed line and rejects a torn or foreign one', () => {
    expect(parseRuntimeLine(JSON.stringify(line({})))).toBeDefined();
    expect(parseRuntimeLine('{"t":1,"pid":2,"heapUs')).toBeUndefined();
    expect(parseRuntimeLine(JSON.stringify({ ...line({}), heapAfterGc: 'x' }))).toBeUndefined();
    expect(parseRuntimeLine(JSON.stringify({ t: 1 }))).toBeUndefined();
  });

  it('sums heap over the tree like RSS, sums GC over the interval, and takes the worst event-loop delay', () => {
    // npm (pid 1, small) + the service (pid 2): heap 10 + 30 MB; GC 1.5 + 2 + 2 ms; worst p99 12 ms.
    const npm = line({ pid: 1 });
    const svc1 = line({ pid: 2, t: 900, heapUsed: 25 * MB, eld: { p50: 1, p99: 12, max: 15 }, gcMs: 2, gcCount: 1 });
    const svc2 = line({ pid: 2, t: 1900, heapUsed: 30 * MB, heapTotal: 40 * MB, heapAfterGc: 22 * MB, gcMs: 2, gcCount: 2 });
    expect(mergeNodeRuntime([npm, svc2], [npm, svc1, svc2])).toEqual({
      heapUsedMb: 40,
      heapTotalMb: 60,
      heapAfterGcMb: 30,
      eventLoopDelayMs: { p50: 1, p99: 12, max: 15 },
      gcMs: 5.5,
      gcCount: 6,
    });
  });

  it('keeps heap figures but no event-loop delay for an interval without a new line, and no heap-after-GC until every process had a major GC', () => {
    const m = mergeNodeRuntime([line({}), line({ pid: 2, heapAfterGc: null })], []);
    expect(m.heapUsedMb).toBe(20);
    expect(m.heapAfterGcMb).toBeNull();
    expect(m.eventLoopDelayMs).toBeNull();
    expect(m.gcCount).toBe(0);
    expect(mergeNodeRuntime([], [])).toEqual({});
  });
});

describe('the leak fit on heap after GC', () => {
  // 60 samples, one a second; heap-after-GC steps up 1 MB every 2 s from the 10th (a major GC
  // every 2 s finding 1 MB more live): 25 MB over the 45 s analysed, 1800 MB/h.
  const samples: ResourceSample[] = Array.from({ length: 60 }, (_, i) => ({ tMs: i * 1000, cpuPct: 10, rssMb: 100, heapAfterGcMb: i < 10 ? null : 20 + Math.floor((i - 10) / 2) }));

  it('suspects a leak on the heap-after-GC basis and says so in the verdict', () => {
    const v = detectLeak(samples, 'heapAfterGcMb');
    expect(v.series).toBe('heapAfterGcMb');
    expect(v.suspected, v.basis).toBe(true);
    expect(v.slopeMbPerHour as number).toBeGreaterThan(1500);
    expect(v.slopeMbPerHour as number).toBeLessThan(2100);
  });

  it('applies the same warm-up and minimum-duration rule: a short run is n/a, not a leak', () => {
    const v = detectLeak(samples.slice(0, 25), 'heapAfterGcMb');
    expect(v.suspected).toBe(false);
    expect(v.slopeMbPerHour).toBeNull();
    expect(v.basis).toMatch(/^n\/a: \d+ samples over \d+ s/);
  });

  it('is n/a with the reason when no major GC happened', () => {
    const v = detectLeak(samples.map((s) => ({ ...s, heapAfterGcMb: null })), 'heapAfterGcMb');
    expect(v).toMatchObject({ suspected: false, slopeMbPerHour: null, basis: 'n/a: no heap-after-GC samples (no major GC happened during the run)' });
  });
});

describe('the target resources section', () => {
  it('shows the Node series and the heap-after-GC verdict, or says the runtime was not recorded', () => {
    const node = renderResourcesSection({
      source: 'proc',
      pid: 7,
      intervalMs: 1000,
      samples: [{ tMs: 1000, cpuPct: 50, rssMb: 80, heapUsedMb: 30, heapTotalMb: 40, heapAfterGcMb: 20, eventLoopDelayMs: { p50: 1, p99: 8, max: 20 }, gcMs: 12, gcCount: 4 }],
      leak: { suspected: false, slopeMbPerHour: null, ci95: null, basis: 'n/a: short', series: 'rssMb' },
      heapLeak: { suspected: true, slopeMbPerHour: 900, ci95: [800, 1000], basis: '40 samples', series: 'heapAfterGcMb' },
      runtime: { recorded: true, note: "perf's Node preload in 1 Node process (pid 8)" },
    }).join('\n');
    expect(node).toMatch(/\| heap after last major GC \| 20 \|/);
    expect(node).toMatch(/\| event-loop delay p99 \| 8 \|/);
    expect(node).toMatch(/\| GC pause time \| 12 \|.*ms per s/);
    expect(node).toContain('- Heap (after GC) leak: **suspected** — slope 900 MB/h');
    const other = renderResourcesSection({
      source: 'proc',
      pid: 7,
      intervalMs: 1000,
      samples: [{ tMs: 1000, cpuPct: 50, rssMb: 80 }],
      leak: { suspected: false, slopeMbPerHour: null, ci95: null, basis: 'n/a: short', series: 'rssMb' },
      runtime: { recorded: false, note: 'not recorded (not a Node target)' },
    }).join('\n');
    expect(other).toContain('- Node runtime (heap, event-loop delay, GC): not recorded (not a Node target)');
    expect(other).not.toContain('heap used');
  });
});
