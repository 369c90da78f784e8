import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { K6WindowLine, SeriesTags } from '../../core/artifacts/k6-windows.js';
import { pickTags, seriesKey, statusClass, WindowedRun, type MetricType } from '../../analyzers/parsers/k6-aggregate.js';

// One vector file for both languages: xk6/merge_vectors_test.go runs the Go output's Aggregator on it.
interface Step {
  at?: number;
  close?: number;
  metric?: string;
  kind?: MetricType;
  value?: number;
  tags?: Record<string, string>;
}
type Figures = Record<string, Record<string, number>>;
interface Case {
  name: string;
  windowMs: number;
  steps: Step[];
  stopMs: number;
  expect: { late: number; windows: { index: number; startMs: number; endMs: number; series: Figures }[]; totals: Figures };
}
const vectors = JSON.parse(readFileSync(new URL('../fixtures/k6/merge-vectors.json', import.meta.url), 'utf8')) as {
  statusClass: [string, string][];
  cases: Case[];
};

const START = Date.UTC(2026, 0, 2, 3, 4, 5);
const TAG_ORDER = ['journey', 'name', 'scenario', 'status', 'check'] as const;
const keyOf = (metric: string, tags: SeriesTags): string =>
  `${metric}{${TAG_ORDER.filter((k) => tags[k]).map((k) => `${k}=${tags[k]}`).join(',')}}`;

/** The figures the fixture states for a series set (histograms are covered by hdr-crosslang.json). */
function figures(set: Pick<K6WindowLine, 'trends' | 'counters' | 'rates' | 'gauges'>): Figures {
  const out: Figures = {};
  for (const t of set.trends) out[keyOf(t.metric, t.tags)] = { count: t.count, min: t.min, max: t.max, sum: t.sum };
  for (const c of set.counters) out[keyOf(c.metric, c.tags)] = { value: c.value };
  for (const r of set.rates) out[keyOf(r.metric, r.tags)] = { trues: r.trues, total: r.total };
  for (const g of set.gauges) out[keyOf(g.metric, g.tags)] = { value: g.value, max: g.max };
  return out;
}

describe('Go and TypeScript merge k6 samples the same way (test/fixtures/k6/merge-vectors.json)', () => {
  it.each(vectors.statusClass)('classes status %j as %j', (raw, cls) => {
    expect(statusClass(raw)).toBe(cls);
  });

  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const run = new WindowedRun(START, c.windowMs);
    for (const s of c.steps) {
      if (s.close !== undefined) {
        run.closeUntil(START + s.close);
        continue;
      }
      const tags = pickTags(s.metric!, s.tags);
      run.add(s.kind!, seriesKey(s.metric!, tags), s.metric!, tags, s.value!, START + s.at!);
    }
    run.closeAll(START + c.stopMs);
    expect({
      late: run.late,
      windows: run.closed.map((w) => ({ index: w.index, startMs: w.startMs - START, endMs: w.endMs - START, series: figures(w) })),
      totals: figures(run.totals.toWindow(0, 0, 0)),
    }).toEqual(c.expect);
  });
});
