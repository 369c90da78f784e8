import { describe, expect, it } from 'vitest';
import { sloCards } from '../../analyzers/baseline/slo-status.js';
import { compareRuns } from '../../analyzers/compare/compare.js';
import { readK6Windows } from '../../capture/results/k6-files.js';
import { evaluateSlos } from '../../analyzers/slo/evaluate.js';
import { sloInputFromDocument } from '../../analyzers/slo/inputs.js';
import { fromConfigSlo } from '../../analyzers/slo/model.js';
import type { BaselinePayload, LoadTestPayload, SloPayload, SloResult } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import type { Slo } from '../../core/config/types.js';
import { fmtBudgetPct, fmtBurnRate, fmtErrorBudget } from '../../core/format.js';
import { formatProgress, ProgressTail } from '../../k6-scripts/src/progress.js';
import { buildLoadTestPayload } from '../../k6-scripts/src/results.js';
import { buildLoadProfile } from '../../profiles/index.js';
import { burnDownChart } from '../../report/charts/burn-down.js';
import { buildCharts } from '../../report/charts/index.js';
import { emptyInputs } from '../../report/inputs.js';
import { renderBaselineMarkdown } from '../../templates/baseline.js';
import { renderHtmlReport } from '../../templates/html-report.js';
import { sloLine } from '../../templates/slo.js';
import { renderSummary } from '../../templates/summary.js';

// One recorded run (perf k6 extension windows of a real k6 run against the fixture server: a browse
// journey with a slow endpoint, a checkout request answering 5xx), seen through every output that
// prints an error budget. They must all print the figure perf slo-check computes.
const RECORDED = new URL('../fixtures/slo/k6-windows-real.ndjson', import.meta.url).pathname;
const DAY = 86_400_000;
const SLOS: Slo[] = [
  { name: 'browse-p95', sli: 'latency', journey: 'browse', percentile: 'p95', thresholdMs: 20, objective: 99, window: '30d', windowMs: 30 * DAY },
  { name: 'all-p95', sli: 'latency', percentile: 'p95', thresholdMs: 20, objective: 95, window: '7d', windowMs: 7 * DAY },
  { name: 'availability', sli: 'availability', objective: 99.5, window: '30d', windowMs: 30 * DAY },
];
const envelope = { generatedAt: '2026-12-01T00:00:00.000Z', tool: { name: 'perf' as const, version: '0.1.0' } };

async function recordedRun(): Promise<Artifact<LoadTestPayload>> {
  const run = await readK6Windows(RECORDED);
  const profile = buildLoadProfile('stress', { config: { scenarios: { stress: { rate: 50, rampUp: '1s', duration: '1s', rampDown: '1s' } } }, capacityRps: null });
  const payload = buildLoadTestPayload(run, {
    profile,
    partial: false,
    k6: { binary: 'bin/k6', version: 'v2.2.0', extension: true },
    rawArtifact: RECORDED,
    requestsPerIteration: 1,
    latencyLimits: [{ percentile: 95, thresholdMs: 50 }],
    errorLimit: 0.05,
  });
  return { ...envelope, schema: 'perf.loadtest/v1', runId: 'run-recorded', ...payload } as Artifact<LoadTestPayload>;
}

describe('one error budget figure per SLO across every output', () => {
  it('slo-check, the baseline report, the HTML table, the burn-down end, compare and the live line print the same burn rate and budget consumed', async () => {
    const lt = await recordedRun();
    // perf slo-check on the run's artifact: the reference figures.
    const checked = evaluateSlos(SLOS.map(fromConfigSlo), sloInputFromDocument(lt, 'perf.loadtest/v1', 'loadtest.json'));
    const slo: Artifact<SloPayload> = { ...envelope, schema: 'perf.slo/v1', runId: 'run-slo', ...checked, source: { file: 'loadtest.json', format: 'perf.loadtest/v1' }, runDurationMs: lt.durationMs } as Artifact<SloPayload>;
    const ref = new Map(checked.slos.map((s) => [s.name, s]));
    // The run really exercises both halves of the bad-event rule.
    expect(ref.get('browse-p95')!.events.bad).toBeGreaterThan(0);
    // 6 fast checkout failures (5xx) + 6 slow browse successes (~31 ms > 20 ms) of 18 requests.
    expect(ref.get('all-p95')!.events).toEqual({ total: 18, bad: 12 });
    const wording = (s: SloResult): string => fmtErrorBudget({ burnRate: s.burnRate, consumedPct: s.errorBudget.consumedPct, window: s.window });

    // Baseline SLO cards / error budget table over the same figures.
    const baseline: BaselinePayload = { target: { baseUrl: 'http://127.0.0.1:1' }, model: { kind: 'closed', connections: 1 }, durationMs: lt.durationMs, warmupMs: 0, journeys: lt.journeys, overall: lt.overall, capacity: null };
    const cards = sloCards(SLOS, baseline);
    const baselineMd = renderBaselineMarkdown(baseline, cards);

    // HTML report: SLO table and burn-down.
    const inputs = { ...emptyInputs(), loadtest: [{ artifact: lt, file: 'loadtest.json' }], slo: [{ artifact: slo, file: 'slo.json' }] };
    const html = renderHtmlReport({ inputs, charts: buildCharts(inputs), generatedAt: envelope.generatedAt, toolVersion: '0.1.0' });
    const outcome = burnDownChart(lt, slo);
    expect('summary' in outcome, 'the burn-down is drawn').toBe(true);
    const burn = outcome as { summary: string };

    // compare of the run with itself: each side is that run's SLO check.
    const figs = { ref: { file: 'loadtest.json', schema: 'perf.loadtest/v1', runId: lt.runId }, journeys: lt.journeys, overall: lt.overall };
    const cmp = compareRuns(figs, figs, { slos: SLOS });
    const summaryMd = renderSummary(cmp, { provider: 'deterministic', sections: [] });

    // The live line at the end of the run (it reads the same recorded windows file k6 was writing).
    const tail = new ProgressTail(RECORDED, 'windows', SLOS.map(fromConfigSlo));
    const snap = tail.snapshot(lt.durationMs, lt.durationMs);
    const worst = [...ref.values()].reduce((a, b) => (b.burnRate > a.burnRate ? b : a));

    for (const s of checked.slos) {
      const rate = fmtBurnRate(s.burnRate);
      const consumed = fmtBudgetPct(s.errorBudget.consumedPct);
      expect(sloLine(s), s.name).toContain(wording(s));
      const card = cards.find((c) => c.slo.name === s.name)!;
      expect(card.result.burnRate, s.name).toBe(s.burnRate);
      expect(card.result.errorBudget.consumedPct, s.name).toBe(s.errorBudget.consumedPct);
      expect(baselineMd, s.name).toContain(`| ${s.name} | ${s.status} |`);
      expect(baselineMd, s.name).toContain(`| ${rate} | ${consumed} of ${s.window} |`);
      expect(baselineMd, s.name).toContain(wording(s)); // the SLO card
      expect(html, s.name).toMatch(new RegExp(`<td[^>]*>${escapeRe(`${consumed} of ${s.window}`)}</td><td[^>]*>${escapeRe(rate)}</td>`));
      expect(burn.summary, s.name).toContain(`${s.name} [${s.status}]: ${s.events.bad} bad of ${s.events.total} events, ${wording(s)} at the end`);
      const side = cmp.slos.find((x) => x.name === s.name)!;
      expect(side.before?.burnRate, s.name).toBe(s.burnRate);
      expect(side.before?.budgetConsumedPct, s.name).toBe(s.errorBudget.consumedPct);
      expect(summaryMd, s.name).toContain(wording(s));
    }
    expect(burn.summary).not.toContain('slo-check reported');
    expect(snap.budget).toEqual({ slo: worst.name, burnRate: worst.burnRate, consumedPct: worst.errorBudget.consumedPct, window: worst.window });
    expect(formatProgress('stress', snap)).toContain(`${worst.name}: ${wording(worst)}`);
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
