import { describe, expect, it } from 'vitest';
import type { K6SummaryLine, K6WindowLine, K6WindowsHeader, K6WindowsLine, SeriesTags } from '../../core/artifacts/k6-windows.js';
import { mergeSeriesSets, pickTags, seriesKey, WindowedRun, type MetricType } from '../../analyzers/parsers/k6-aggregate.js';
import { decodeHistogram, HDR_PRECISION, latencyStats } from '../../analyzers/histogram.js';
import { LiveMerge, mergeRunners, type RunnerInput } from '../../analyzers/merge/runners.js';
import { parseSegment, segmentsOverlap } from '../../analyzers/merge/segments.js';
import { seededRandom } from '../../core/random.js';
import { PerfError } from '../../core/errors.js';

// An epoch-aligned start (a multiple of the 1 s window), as align=epoch writes.
const T0 = Date.UTC(2026, 0, 2, 3, 4, 0);
const W = 1000;

interface Sample {
  at: number;
  metric: string;
  kind: MetricType;
  value: number;
  tags: Record<string, string>;
}

/** Requests at `rate`/s for `seconds`: http_req_duration (lognormal-ish), http_reqs, http_req_failed (1 in 50), vus. */
function samples(seed: number, seconds: number, rate: number, offsetMs = 0): Sample[] {
  const rnd = seededRandom(seed);
  const out: Sample[] = [];
  for (let i = 0; i < seconds * rate; i++) {
    const at = offsetMs + Math.floor((i * 1000) / rate + rnd() * 5);
    const journey = rnd() < 0.7 ? 'browse' : 'checkout';
    const ms = Math.exp(Math.log(journey === 'browse' ? 20 : 80) + rnd() * 1.2);
    const failed = rnd() < 0.02;
    const tags = { journey, name: journey === 'browse' ? 'GET /' : 'POST /order', status: failed ? '503' : '200' };
    out.push({ at, metric: 'http_req_duration', kind: 'trend', value: Math.round(ms * 1000) / 1000, tags });
    out.push({ at, metric: 'http_reqs', kind: 'counter', value: 1, tags });
    out.push({ at, metric: 'http_req_failed', kind: 'rate', value: failed ? 1 : 0, tags });
  }
  for (let s = 0; s < seconds; s++) out.push({ at: offsetMs + s * 1000 + 500, metric: 'vus', kind: 'gauge', value: 5, tags: {} });
  return out.sort((a, b) => a.at - b.at);
}

function header(extra: Partial<K6WindowsHeader> = {}, startMs = T0): K6WindowsHeader {
  return { schema: 'perf.k6-windows/v1', type: 'header', startMs, windowMs: W, k6Version: 'v2.0.0', extensionVersion: 'test', slos: [], guard: null, ...extra };
}

/** A runner's stream as the perf output writes it: header, windows, summary (unless killed). */
function stream(ss: Sample[], h: K6WindowsHeader, stopMs: number, opts: { summary?: boolean } = {}): K6WindowsLine[] {
  const run = new WindowedRun(h.startMs, h.windowMs);
  for (const s of ss) {
    const tags = pickTags(s.metric, s.tags);
    run.add(s.kind, seriesKey(s.metric, tags), s.metric, tags, s.value, T0 + s.at);
  }
  run.closeAll(stopMs);
  const lines: K6WindowsLine[] = [h, ...run.closed];
  if (opts.summary !== false) {
    const t = run.totals.toWindow(0, 0, 0);
    const summary: K6SummaryLine = {
      type: 'summary',
      startMs: h.startMs,
      endMs: stopMs,
      windows: run.closed.length,
      trends: t.trends,
      counters: t.counters,
      rates: t.rates,
      gauges: t.gauges,
      aborted: null,
    };
    lines.push(summary);
  }
  return lines;
}

const windowsOf = (lines: K6WindowsLine[]): K6WindowLine[] => lines.filter((l): l is K6WindowLine => l.type === 'window');
const summaryOf = (lines: K6WindowsLine[]): K6SummaryLine | undefined => lines.find((l): l is K6SummaryLine => l.type === 'summary');
const count = (set: { counters: { metric: string; value: number }[] }, metric = 'http_reqs'): number =>
  set.counters.filter((c) => c.metric === metric).reduce((n, c) => n + c.value, 0);
const trendOf = (set: { trends: { metric: string; tags: SeriesTags; histogram: string }[] }, journey: string): string =>
  set.trends.find((t) => t.metric === 'http_req_duration' && t.tags.journey === journey && t.tags.status === '2xx')!.histogram;

function twoRunners(opts: { aligned?: boolean; killSecondAt?: number } = {}) {
  const all = samples(7, 20, 50);
  // Requests alternate between the runners; each runner reports its own 5 VUs.
  const reqs = all.filter((s) => s.kind !== 'gauge');
  const vus = all.filter((s) => s.kind === 'gauge');
  const a = [...reqs.filter((_, i) => i % 2 === 0), ...vus].sort((x, y) => x.at - y.at);
  const b = [...reqs.filter((_, i) => i % 2 === 1), ...vus].sort((x, y) => x.at - y.at);
  const seq = { runId: 'r1', segmentSequence: '0,1/2,1', alignedWindows: opts.aligned ?? true };
  const stop = T0 + 20_000;
  const bSamples = opts.killSecondAt !== undefined ? b.filter((s) => s.at < opts.killSecondAt!) : b;
  const inputs: RunnerInput[] = [
    { runner: 'r0', segment: null, lines: stream(a, header({ ...seq, runner: 'r0', segment: '0:1/2' }), stop) },
    {
      runner: 'r1',
      segment: null,
      lines: stream(bSamples, header({ ...seq, runner: 'r1', segment: '1/2:1' }), opts.killSecondAt !== undefined ? T0 + opts.killSecondAt : stop, {
        summary: opts.killSecondAt === undefined,
      }),
    },
  ];
  return { all, inputs, stop };
}

describe('merging the windows of several runners of one run', () => {
  it('sums the request counts and matches a single histogram of all samples within HDR precision', () => {
    const { all, inputs, stop } = twoRunners();
    const merged = mergeRunners(inputs);
    const single = stream(all, header(), stop);

    const mw = windowsOf(merged.lines);
    const sw = windowsOf(single);
    expect(mw.map((w) => [w.startMs, w.endMs])).toEqual(sw.map((w) => [w.startMs, w.endMs]));
    mw.forEach((w, i) => expect(count(w)).toBe(count(sw[i]!)));
    const ms = summaryOf(merged.lines)!;
    expect(count(ms)).toBe(1000);
    expect(count(ms)).toBe(merged.runners[0]!.requests + merged.runners[1]!.requests);

    for (const journey of ['browse', 'checkout']) {
      const m = latencyStats(decodeHistogram(trendOf(ms, journey)));
      const s = latencyStats(decodeHistogram(trendOf(summaryOf(single)!, journey)));
      for (const p of ['p50', 'p95', 'p99'] as const) expect(Math.abs(m[p] - s[p])).toBeLessThanOrEqual(s[p] * HDR_PRECISION);
    }
    // Rates sum too: failed requests of both runners.
    const failed = (set: K6SummaryLine): number => set.rates.filter((r) => r.metric === 'http_req_failed').reduce((n, r) => n + r.trues, 0);
    expect(failed(ms)).toBe(failed(summaryOf(single)!));
    expect(merged.runners.map((r) => r.short)).toEqual([false, false]);
    expect(merged.warnings).toEqual([]);
  });

  it('adds the gauges of runners running side by side (5 VUs each → 10)', () => {
    const { inputs } = twoRunners();
    const merged = mergeRunners(inputs);
    const vus = windowsOf(merged.lines)[3]!.gauges.find((g) => g.metric === 'vus')!;
    expect(vus.value).toBe(10);
    expect(summaryOf(merged.lines)!.gauges.find((g) => g.metric === 'vus')!.value).toBe(10);
  });

  it('flags a runner that stopped early as short and writes no summary (the merged load is short)', () => {
    const { inputs } = twoRunners({ killSecondAt: 8000 });
    const merged = mergeRunners(inputs);
    const r1 = merged.runners.find((r) => r.runner === 'r1')!;
    expect(r1).toMatchObject({ complete: false, short: true, segment: '1/2:1', lastEndMs: T0 + 8000 });
    expect(merged.runners.find((r) => r.runner === 'r0')!.short).toBe(false);
    expect(summaryOf(merged.lines)).toBeUndefined();
    expect(merged.warnings.join('\n')).toMatch(/runner "r1" \(segment 1\/2:1\) is short/);
    // Its windows still count where they exist.
    expect(windowsOf(merged.lines).reduce((n, w) => n + count(w), 0)).toBe(merged.runners[0]!.requests + r1.requests);
  });

  it('flags a complete runner whose last window ends well before the others', () => {
    const all = samples(3, 10, 20);
    const stop = T0 + 10_000;
    const merged = mergeRunners([
      { runner: 'a', segment: '0:1/2', lines: stream(all, header({ alignedWindows: true }), stop) },
      { runner: 'b', segment: '1/2:1', lines: stream(all.filter((s) => s.at < 4000), header({ alignedWindows: true }), T0 + 4000) },
    ]);
    expect(merged.runners.find((r) => r.runner === 'b')).toMatchObject({ complete: true, short: true });
    expect(merged.runners.find((r) => r.runner === 'b')!.shortReason).toMatch(/6 s before/);
  });

  it('re-bins unaligned windows by their midpoint and says alignment is approximate', () => {
    const a = samples(1, 10, 20);
    const b = samples(2, 10, 20, 300);
    const merged = mergeRunners([
      { runner: 'a', segment: '0:1/2', lines: stream(a, header(), T0 + 10_000) },
      { runner: 'b', segment: '1/2:1', lines: stream(b, header({}, T0 + 300), T0 + 10_300) },
    ]);
    const ws = windowsOf(merged.lines);
    expect(ws[0]!.startMs).toBe(T0);
    ws.slice(1).forEach((w, i) => expect(w.startMs).toBe(ws[i]!.endMs));
    expect(ws.reduce((n, w) => n + count(w), 0)).toBe(400);
    expect(merged.warnings.join('\n')).toMatch(/±0.5 s/);
  });

  it.each([
    ['different run ids', { runId: 'x' }, { runId: 'y' }, /different runs/],
    ['different segment sequences', { segmentSequence: '0,1/2,1' }, { segmentSequence: '0,1/3,1' }, /segment sequences/],
    ['different window sizes', {}, { windowMs: 2000 }, /window sizes/],
    ['overlapping segments', { segment: '0:2/3' }, { segment: '1/2:1' }, /overlapping/],
    ['two unsegmented runs', { segment: null }, { segment: null }, /overlapping/],
  ] as const)('rejects %s with a usage error naming both sides', (_name, ha, hb, message) => {
    const ss = samples(5, 3, 10);
    let err: unknown;
    try {
      mergeRunners([
        { runner: 'a', segment: null, source: 'a.ndjson', lines: stream(ss, header({ segment: '0:1/2', ...ha }), T0 + 3000) },
        { runner: 'b', segment: null, source: 'b.ndjson', lines: stream(ss, header({ segment: '1/2:1', ...hb }), T0 + 3000) },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PerfError);
    expect((err as PerfError).exitCode).toBe(2);
    expect((err as PerfError).message).toMatch(message);
    expect((err as PerfError).where).toBe('b.ndjson');
    expect((err as PerfError).fix).toBeTruthy();
  });

  it('rejects the same runner passed twice', () => {
    const lines = stream(samples(5, 3, 10), header(), T0 + 3000);
    expect(() => mergeRunners([
      { runner: 'a', segment: null, lines },
      { runner: 'a', segment: null, lines },
    ])).toThrow(/two streams of runner "a"/);
  });
});

describe('LiveMerge', () => {
  it('hands out a merged window only once every live runner has closed it, whatever the interleaving', () => {
    const { inputs } = twoRunners();
    const live = new LiveMerge({ expectedRunners: 2 });
    const [a, b] = [inputs[0]!.lines, inputs[1]!.lines];
    live.add('r0', a[0]!);
    for (const l of a.slice(1, 6)) live.add('r0', l); // r0: 5 windows
    expect(live.closed()).toHaveLength(0); // r1 has not even joined
    live.add('r1', b[0]!);
    for (const l of b.slice(1, 3)) live.add('r1', l); // r1: 2 windows
    expect(live.takeClosed().map((w) => w.startMs - T0)).toEqual([0, 1000]);
    for (const l of b.slice(3, 9)) live.add('r1', l); // r1 ahead: 8 windows
    expect(live.takeClosed().map((w) => w.startMs - T0)).toEqual([2000, 3000, 4000]);
    for (const l of a.slice(6)) live.add('r0', l);
    for (const l of b.slice(9)) live.add('r1', l);
    const res = live.finish();
    expect(res.lines).toEqual(mergeRunners(inputs).lines);
  });

  it('sums the merged windows as it merges them: the same totals as merging the merged windows again', () => {
    const { inputs } = twoRunners();
    const live = new LiveMerge({ windowTotals: 'runs' });
    for (const inp of inputs) for (const l of inp.lines) live.add(inp.runner, l);
    const res = live.finish();
    const again = mergeSeriesSets(windowsOf(res.lines), 'runs');
    expect(res.windowTotals).toEqual(again);
    expect(count(res.windowTotals!)).toBe(count(summaryOf(res.lines)!));
  });

  it('stops waiting for a runner the caller marks dead', () => {
    const { inputs } = twoRunners();
    const live = new LiveMerge();
    for (const l of inputs[0]!.lines.slice(0, 11)) live.add('r0', l);
    for (const l of inputs[1]!.lines.slice(0, 3)) live.add('r1', l);
    expect(live.closed()).toHaveLength(2);
    live.markDead('r1', 'no batch for 30 s');
    expect(live.closed()).toHaveLength(10);
    expect(live.runners().find((r) => r.runner === 'r1')).toMatchObject({ short: true, complete: false });
    expect(live.runners().find((r) => r.runner === 'r1')!.shortReason).toMatch(/no batch for 30 s/);
  });
});

describe('execution segments', () => {
  it.each([
    ['0:1/2', '1/2:1', false],
    ['0:50%', '0.5:1', false],
    ['1/3', '1/4:1/2', true],
    ['0:1', '2/3:1', true],
  ])('%s and %s overlap: %s', (a, b, overlap) => {
    expect(segmentsOverlap(parseSegment(a)!, parseSegment(b)!)).toBe(overlap);
  });

  it.each(['1/2:1/4', '3/2', 'abc', '0:1:1', '1/0'])('rejects %j', (s) => {
    expect(parseSegment(s)).toBeNull();
  });
});
