/**
 * `.aiwg/testing/load-test-results.md` of a flow's step 5: one overall table, then one section per
 * load test with its headline line ("Stress: breaking point at Z RPS", "Spike: recovery time
 * T s", "Soak: no degradation over H", baseline p95/p99 vs SLO) and its evidence, then the test's
 * full results. PURE: the verdicts come from the payloads (k6-scripts/src/results.ts) and slo-check.
 */
import type { LoadTestPayload, SloPayload } from '../core/artifacts/schemas.js';
import { formatDuration } from '../core/duration.js';
import { fmtNum, fmtPct, mdCode, mdTable, mdText } from '../core/markdown.js';
import { fmtPercentileMs } from '../analyzers/sample-size.js';
import type { LimitResult } from '../analyzers/resources/limits.js';
import { renderLoadTestResults } from './loadtest-results.js';

export interface SuiteTest {
  payload: LoadTestPayload;
  /** The test's own JSON (working/runs/<id>/loadtests/<scenario>.json). */
  file: string;
  /** slo-check on this test, or null when the config has no SLOs. */
  slo: Pick<SloPayload, 'status' | 'slos'> | null;
  limits: readonly LimitResult[];
}

export interface Headline {
  /** The headline, e.g. "Stress: breaking point at 212 RPS". */
  line: string;
  evidence: string[];
}

const title = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
const measuredMs = (p: LoadTestPayload): number => Math.max(0, p.durationMs - (p.warmup?.excluded ? p.warmup.ms : 0));

/** The headline of one load test and the evidence it rests on; what the data cannot support is n/a with why. */
export function loadTestHeadline(t: Pick<SuiteTest, 'payload' | 'slo'>): Headline {
  const p = t.payload;
  const name = title(p.scenario);
  const n = p.overall.requests;
  switch (p.scenario) {
    case 'stress':
    case 'breakpoint': {
      const bp = p.breakingPoint;
      if (bp) {
        return {
          line: `${name}: breaking point at ${fmtNum(bp.rps)} RPS`,
          evidence: [
            `${mdText(bp.reason)}${bp.span ? ` — ${bp.span.windows} window(s) of ${formatDuration(p.windowMs)} from ${formatDuration(bp.span.startMs)} to ${formatDuration(bp.span.endMs)}` : ''}`,
            ...(bp.evidence ?? []).map(mdText),
          ],
        };
      }
      const measured = p.windows.filter((w) => w.startMs >= (p.warmup?.ms ?? 0) - 1 && w.requests > 0);
      const top = measured.reduce<(typeof measured)[number] | undefined>((a, w) => (!a || w.rps > a.rps ? w : a), undefined);
      return {
        line: `${name}: no breaking point up to ${fmtNum(top?.rps ?? p.overall.throughputRps)} RPS achieved`,
        evidence: [
          top
            ? `highest window: ${fmtNum(top.rps)} req/s from ${formatDuration(top.startMs)} (n = ${fmtNum(top.requests, 0)}, p95 ${fmtPercentileMs(top.latencyMs.p95, top.requests, 95)})`
            : `no measured window with requests (n = ${fmtNum(n, 0)} overall)`,
          `rule: a violation must last ${p.sustainWindows ?? 3} consecutive windows of ${formatDuration(p.windowMs)}, each with enough samples, after the warm-up; ${measured.length} measured windows, ${fmtNum(n, 0)} requests`,
        ],
      };
    }
    case 'spike': {
      const r = p.recovery;
      if (!r) return { line: `${name}: recovery time n/a`, evidence: ['the load profile had no spike to recover from'] };
      if (r.recoveryTimeMs === null) return { line: `${name}: recovery time n/a`, evidence: [`${mdText(r.note)} (n = ${fmtNum(n, 0)} requests)`] };
      return { line: `${name}: recovery time ${fmtNum(r.recoveryTimeMs / 1000)} s`, evidence: [`${mdText(r.note)}; the spike ended ${formatDuration(r.spikeEndMs)} into the test`, `windows of ${formatDuration(p.windowMs)}, n = ${fmtNum(n, 0)} requests`] };
    }
    case 'soak': {
      const over = formatDuration(measuredMs(p));
      const d = p.drift;
      if (!d) return { line: `${name}: degradation n/a over ${over}`, evidence: [`no windows with requests in both the first and the last third (n = ${fmtNum(n, 0)})`] };
      const first = `p95 first → last ${d.note.includes('hour') ? 'hour' : 'third'}: ${fmtNum(d.firstP95Ms)} → ${fmtNum(d.lastP95Ms)} ms (${d.changePct >= 0 ? '+' : ''}${fmtNum(d.changePct)}%)`;
      if (d.degraded === undefined || d.degraded === null || d.slopeMsPerHour === null || d.slopeMsPerHour === undefined) {
        return { line: `${name}: degradation n/a over ${over}`, evidence: [mdText(d.note), first] };
      }
      const ci = d.ci95 ? `, CI95 [${fmtNum(d.ci95[0])}, ${fmtNum(d.ci95[1])}] ms/h` : '';
      return {
        line: d.degraded ? `${name}: p95 degraded over ${over}` : `${name}: no degradation over ${over}`,
        evidence: [
          `p95 drift slope ${fmtNum(d.slopeMsPerHour)} ms/h (simple-statistics linear regression of p95 per window, n = ${d.windows ?? '?'} windows${ci}); fitted change ${d.fittedChangePct !== null && d.fittedChangePct !== undefined ? `${fmtNum(d.fittedChangePct)}%` : 'n/a'} over the soak`,
          first,
          mdText(d.note),
        ],
      };
    }
    case 'baseline': {
      const latency = (t.slo?.slos ?? []).filter((s) => s.sli === 'latency');
      const met = latency.filter((s) => s.status === 'PASS').length;
      const vs = t.slo ? ` vs SLO: ${t.slo.status}${latency.length ? ` (${met} of ${latency.length} latency SLOs met)` : ''}` : ' (no SLOs in the config)';
      return {
        line: `${name}: p95 ${fmtPercentileMs(p.overall.latencyMs.p95, n, 95)}, p99 ${fmtPercentileMs(p.overall.latencyMs.p99, n, 99)} (n = ${fmtNum(n, 0)})${vs}`,
        evidence: [
          ...latency.map(
            (s) =>
              `${mdText(s.name)}${s.journey ? ` (${mdText(s.journey)})` : ''}: p${s.percentile ?? 95} ${s.actual !== null ? `${fmtNum(s.actual)} ms` : 'n/a'} vs < ${fmtNum(s.target)} ms — ${s.status} (n = ${fmtNum(s.events.total, 0)}, budget consumed ${fmtNum(s.errorBudget.consumedPct)}%)`,
          ),
          `error rate ${fmtPct(p.overall.errorRate)} (${fmtNum(p.overall.errors, 0)} of ${fmtNum(n, 0)})`,
        ],
      };
    }
  }
}

/** The verdict column: the test's SLO status (aborted and partial runs say so). */
function verdictOf(t: SuiteTest): string {
  const s = t.slo ? t.slo.status : 'n/a (no SLOs)';
  return t.payload.aborted ? `${s}, aborted` : t.payload.partial ? `${s}, partial` : s;
}

/** A test's own results one heading level down, under its section. */
function demote(markdown: string): string[] {
  let fenced = false;
  return markdown
    .split('\n')
    .slice(1)
    .map((l) => {
      if (l.startsWith('```')) fenced = !fenced;
      return !fenced && l.startsWith('#') ? `#${l}` : l;
    });
}

export function renderLoadTestSuite(tests: readonly SuiteTest[], o: { quickTotalMs?: number } = {}): string {
  const out: string[] = [
    '# Load-test results',
    '',
    `${tests.length} load test(s), in the order they ran: ${tests.map((t) => t.payload.scenario).join(', ')}.${o.quickTotalMs !== undefined ? ` --quick: ${formatDuration(o.quickTotalMs)} for all of them together (PERF_QUICK_TOTAL), split by test.` : ''}`,
    '',
    '## Overall',
    '',
    mdTable(
      ['test', 'achieved rate', 'requests', 'p95', 'p99', 'error rate', 'verdict'],
      tests.map((t) => {
        const f = t.payload.overall;
        return [t.payload.scenario, `${fmtNum(f.throughputRps)} req/s`, fmtNum(f.requests, 0), fmtPercentileMs(f.latencyMs.p95, f.requests, 95), fmtPercentileMs(f.latencyMs.p99, f.requests, 99), fmtPct(f.errorRate), verdictOf(t)];
      }),
    ),
    '',
  ];
  for (const t of tests) {
    const h = loadTestHeadline(t);
    out.push(`## ${title(t.payload.scenario)}`, '', `**${h.line}**`, '', ...h.evidence.map((e) => `- ${e}`), '', `Results: ${mdCode(t.file)}.`, '', ...demote(renderLoadTestResults(t.payload, t.limits)), '');
  }
  return out.join('\n');
}
