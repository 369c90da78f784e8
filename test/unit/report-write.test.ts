import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { UserError } from '../../core/errors.js';
import { inputsFromFiles, inputsFromRun, writeHtmlReport } from '../../report/index.js';
import { statusBadge } from '../../templates/html-report.js';
import { syntheticBaseline, syntheticLoadtest, syntheticProfile, syntheticSlo } from '../fixtures/report/synthetic.js';

let dir: string;
let store: ArtifactStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'perf-report-'));
  store = new ArtifactStore('.aiwg', 'run-1', dir);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function strip<T extends { schema: string; runId: string; generatedAt: string; tool: unknown }>(a: T): Omit<T, 'schema' | 'runId' | 'generatedAt' | 'tool'> {
  const { schema: _s, runId: _r, generatedAt: _g, tool: _t, ...payload } = a;
  return payload;
}

/** Writes every kind through the real ArtifactStore, as perf baseline/profile/loadtest/slo-check do. */
function writeRun(): void {
  const lt = syntheticLoadtest();
  store.writeReport('baseline', strip(syntheticBaseline()), '# Performance baseline\n\nfigures…\n');
  store.writeReport('profile', strip(syntheticProfile()), '# Profiling results\n');
  store.writeReport('loadtest', strip(lt), '# Load test results\n');
  store.writeReport('slo', strip(syntheticSlo(lt)), '# SLO compliance\n');
}

describe('writeHtmlReport', () => {
  it('writes one self-contained HTML file: no script, no external resource, a CSP that allows only its own style', () => {
    writeRun();
    const w = writeHtmlReport(store);
    expect(w.htmlPath).toBe(join(dir, '.aiwg/reports/index.html'));
    const html = readFileSync(w.htmlPath, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    const css = /<style>([^]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(css).digest('base64');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'`);
    expect(w.charts.map((c) => c.id)).toEqual([
      'latency-over-time',
      'latency-over-time--browse',
      'latency-over-time--checkout',
      'throughput-errors',
      'vus-dropped',
      'latency-distribution',
      'error-budget-burn-down',
      'hot-functions',
      'capacity-search',
    ]);
    for (const c of w.charts) expect(html).toContain(`<figure id="${c.id}"`);
    expect(html.match(/<figcaption>/g)).toHaveLength(9);
    // No resource samples in these artifacts: one line says so, where the chart would be.
    expect(w.missing.map((m) => m.id)).toEqual(['target-resources', 'baseline-resources']);
  });

  it('writes each chart as an .svg beside its markdown report and links it from the markdown, once', () => {
    writeRun();
    writeHtmlReport(store);
    const w = writeHtmlReport(store); // a second run replaces the block instead of appending
    expect(w.svgPaths).toContain(join(dir, '.aiwg/testing/charts/latency-over-time.svg'));
    expect(w.svgPaths).toContain(join(dir, '.aiwg/reports/charts/capacity-search.svg'));
    const svg = readFileSync(join(dir, '.aiwg/testing/charts/latency-over-time.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const md = readFileSync(join(dir, '.aiwg/testing/load-test-results.md'), 'utf8');
    expect(md.startsWith('# Load test results')).toBe(true);
    expect(md).toContain('![Latency over time (p50 / p95 / p99 per window)](charts/latency-over-time.svg)');
    expect(md.match(/<!-- perf:charts:start -->/g)).toHaveLength(1);
    expect(readFileSync(join(dir, '.aiwg/reports/performance-baseline.md'), 'utf8')).toContain('](charts/capacity-search.svg)');
    expect(w.linkedMarkdown).toContain(join(dir, '.aiwg/reports/slo-compliance.md'));
  });

  it('does not link charts of another run into the markdown of this one', () => {
    writeRun();
    const other = syntheticLoadtest({ runId: 'someone-else', seed: 2 });
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify(other));
    const w = writeHtmlReport(store, inputsFromFiles([file]));
    expect(w.linkedMarkdown).toEqual([]);
    expect(readFileSync(join(dir, '.aiwg/testing/load-test-results.md'), 'utf8')).not.toContain('perf:charts');
    expect(existsSync(join(dir, '.aiwg/testing/charts/latency-over-time.svg'))).toBe(true);
  });

  it('refuses to write an empty report, saying what to run', () => {
    expect(() => writeHtmlReport(store)).toThrow(UserError);
    expect(() => writeHtmlReport(store)).toThrow(/no artifacts to report on/);
  });
});

describe('inputs', () => {
  it('reads a run by id from the copies under working/runs/<id>/', () => {
    writeRun();
    const inputs = inputsFromRun(store, 'run-1');
    expect([inputs.baseline.length, inputs.profile.length, inputs.loadtest.length, inputs.slo.length]).toEqual([1, 1, 1, 1]);
  });

  it("reads every load test of a flow run (loadtests/<scenario>.json) once each, in the flow's order, and shows one section per scenario", () => {
    writeRun(); // its loadtest.json stands for the copy the flow writes of one of its tests
    const spike = { ...syntheticLoadtest({ runId: 'run-1', seed: 5 }), scenario: 'spike' as const };
    const stress = syntheticLoadtest({ runId: 'run-1', seed: 6 });
    mkdirSync(join(dir, '.aiwg/working/runs/run-1/loadtests'), { recursive: true });
    writeFileSync(join(dir, '.aiwg/working/runs/run-1/loadtests/spike.json'), JSON.stringify(spike));
    writeFileSync(join(dir, '.aiwg/working/runs/run-1/loadtests/stress.json'), JSON.stringify(stress));
    const inputs = inputsFromRun(store, 'run-1');
    expect(inputs.loadtest.map((l) => l.artifact.scenario)).toEqual(['stress', 'spike']);
    const html = readFileSync(writeHtmlReport(store, inputs).htmlPath, 'utf8');
    expect(html.match(/<section class="scenario"/g)).toHaveLength(2);
    expect(html).toContain('<figure id="latency-over-time--spike"');
  });

  it('names the latest runs when the run id does not exist', () => {
    writeRun();
    expect(() => inputsFromRun(store, 'nope')).toThrow(/no run "nope"/);
    try {
      inputsFromRun(store, 'nope');
    } catch (err) {
      expect((err as UserError).fix).toContain('run-1');
    }
  });

  it('detects files by their schema key and skips kinds it does not chart, saying so', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(syntheticBaseline()));
    const plan = { target: { baseUrl: 'http://127.0.0.1:1' }, capacity: null, requestsPerIteration: 1, mix: [], scenarios: [], successCriteria: [] };
    writeFileSync(b, JSON.stringify({ schema: 'perf.loadtest-plan/v1', runId: 'x', generatedAt: '2026-01-01T00:00:00Z', tool: { name: 'perf', version: '0' }, ...plan }));
    const inputs = inputsFromFiles([a, b]);
    expect(inputs.baseline).toHaveLength(1);
    expect(inputs.skipped).toEqual([{ file: b, reason: 'perf.loadtest-plan/v1 is not shown in the HTML report' }]);
  });

  it('rejects a file that is not JSON with the file named', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(() => inputsFromFiles([bad])).toThrow(UserError);
    try {
      inputsFromFiles([bad]);
    } catch (err) {
      expect((err as UserError).where).toBe(bad);
    }
  });
});

describe('SLO status', () => {
  it('shows a word and a symbol besides the colour', () => {
    expect(String(statusBadge('PASS'))).toBe('<span class="status status-PASS">✓ PASS</span>');
    expect(String(statusBadge('PARTIAL'))).toBe('<span class="status status-PARTIAL">◐ PARTIAL</span>');
    expect(String(statusBadge('FAIL'))).toBe('<span class="status status-FAIL">✗ FAIL</span>');
  });
});

describe('analysis, plan and comparison sections', () => {
  it('shows the ranking, the plan and the before/after verdicts the analyzers computed', async () => {
    const { analyzeBottlenecks } = await import('../../analyzers/bottlenecks/index.js');
    const { buildPlan } = await import('../../analyzers/plan/index.js');
    const { compareRuns } = await import('../../analyzers/compare/index.js');
    const lt = syntheticLoadtest();
    const before = syntheticLoadtest({ runId: 'before', slowdown: 1.5, seed: 9 });
    const analysis = analyzeBottlenecks({ baseline: { file: 'b.json', payload: syntheticBaseline() }, profile: { file: 'p.json', payload: syntheticProfile() }, loadtest: { file: 'l.json', payload: lt } });
    const plan = buildPlan(analysis);
    const side = (a: typeof lt, runId: string) => ({ ref: { file: `${runId}.json`, schema: a.schema, runId }, journeys: a.journeys, overall: a.overall });
    const cmp = compareRuns(side(before, 'before'), side(lt, store.runId));
    store.writeReport('loadtest', strip(lt), '# Load test results\n');
    store.writeReport('bottlenecks', analysis, '# Bottlenecks\n');
    store.writeReport('plan', plan, '# Plan\n');
    store.writeReport('summary', cmp, '# Summary\n');
    // The "before" run's twin was overwritten since; its copy under working/runs/<id>/ is what counts.
    mkdirSync(join(dir, '.aiwg/working/runs/before'), { recursive: true });
    writeFileSync(join(dir, '.aiwg/working/runs/before/loadtest.json'), JSON.stringify(before));
    const html = readFileSync(writeHtmlReport(store).htmlPath, 'utf8');
    const text = html.replace(/<[^>]+>/g, ' ');
    expect(analysis.bottlenecks.length).toBeGreaterThan(0);
    for (const b of analysis.bottlenecks) expect(text).toContain(b.title.replace(/&/g, '&amp;'));
    for (const it of plan.items) expect(text).toContain(it.tier);
    expect(html).toContain(`<h2 id="summary">Before / after comparison: ${cmp.verdict}</h2>`);
    expect(html).toContain('data-series="before"');
    expect(html).toContain('data-series="after"');
    expect(text).toMatch(new RegExp(`overall\\s+${Math.round(cmp.overall.before.p95Ms)} ms → ${cmp.overall.after.p95Ms.toFixed(1)} ms`));
  });
});
