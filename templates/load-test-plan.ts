/** Markdown of `.aiwg/testing/load-test-plan.md` (JSON twin: perf.loadtest-plan/v1). A pure function of its payload. */
import { formatDuration } from '../core/duration.js';
import { fmtPct, md, mdCode, mdTable, mdText } from '../core/markdown.js';
import { allowedBadFraction } from '../analyzers/slo/error-budget.js';

export interface LoadTestPlanPayload {
  target: { baseUrl: string };
  capacity: { maxRps: number; latencyThresholdMs: number | null; source: 'baseline' | 'flag' } | null;
  requestsPerIteration: number;
  mix: Array<{ journey: string; weight: number; share: number; steps: string[]; thinkTimeMs: number; data: string | null }>;
  scenarios: Array<{
    scenario: string;
    model: 'arrival-rate' | 'vus';
    peak: number;
    rateSource: 'capacity' | 'config' | 'flag';
    totalMs: number;
    startTarget: number;
    stages: Array<{ durationMs: number; target: number; label: string }>;
    maxVUs: number | null;
    abortOnThresholds: boolean;
    quick: boolean;
    notes: string[];
    script: string;
    source: string;
  }>;
  successCriteria: Array<{
    name: string;
    sli: string;
    journey: string | null;
    objective: number;
    percentile: string | null;
    thresholdMs: number | null;
  }>;
}

const PURPOSE: Record<string, string> = {
  baseline: 'average load: ramp to about 50 % of capacity, hold, ramp down',
  stress: 'a staircase up to 150–200 % of capacity: where does it break?',
  spike: 'a sudden jump to about 300 % of capacity, then back: how fast does it recover?',
  soak: 'about 80 % of capacity for a long time: does latency drift, does memory leak?',
  breakpoint: 'an arrival rate that climbs until the thresholds abort the test',
};

const r2 = (n: number): number => Math.round(n * 100) / 100;

export function renderLoadTestPlan(p: LoadTestPlanPayload): string {
  const unit = (model: string): string => (model === 'vus' ? 'VUs' : 'req/s');
  const out: string[] = [
    '# Load-test plan',
    '',
    `Target: ${mdCode(p.target.baseUrl)} (override with \`PERF_BASE_URL\`).`,
    p.capacity
      ? p.capacity.source === 'baseline'
        ? `Capacity from the baseline: **${r2(p.capacity.maxRps)} req/s** at p95 ≤ ${p.capacity.latencyThresholdMs} ms. Rates below are multiples of it unless configured.`
        : `Capacity given with \`--capacity\`: **${r2(p.capacity.maxRps)} req/s** (not measured). Rates below are multiples of it unless configured.`
      : 'No baseline capacity: rates come from `scenarios.<name>.rate` in the config or `--rate`.',
    '',
    '## Scenarios',
    '',
    mdTable(
      ['scenario', 'purpose', 'model', 'peak', 'rate from', 'duration', 'script'],
      p.scenarios.map((s) => [
        s.scenario,
        PURPOSE[s.scenario] ?? '',
        s.model === 'vus' ? 'closed (VUs)' : 'open (arrival rate)',
        `${r2(s.peak)} ${unit(s.model)}`,
        s.rateSource,
        formatDuration(s.totalMs) + (s.quick ? ' (quick)' : ''),
        md(mdCode(s.script)),
      ]),
    ),
    '',
  ];
  for (const s of p.scenarios) {
    out.push(`### ${mdText(s.scenario)}`, '');
    let at = 0;
    out.push(
      mdTable(
        ['stage', 'from', 'to', 'target'],
        s.stages.map((st) => {
          const row = [st.label, formatDuration(at), formatDuration(at + st.durationMs), `${r2(st.target)} ${unit(s.model)}`];
          at += st.durationMs;
          return row;
        }),
      ),
      '',
    );
    if (s.abortOnThresholds) out.push('Thresholds abort the test (`abortOnFail`): the rate reached at the abort is the breaking point.', '');
    for (const n of s.notes) out.push(`- ${mdText(n)}`);
    if (s.notes.length) out.push('');
  }
  out.push(
    '## Traffic mix',
    '',
    `Each iteration runs one journey; weights are shares of iterations (${r2(p.requestsPerIteration)} requests per iteration on average).`,
    '',
    mdTable(
      ['journey', 'weight', 'share', 'steps', 'think time', 'test data'],
      p.mix.map((m) => [m.journey, m.weight, fmtPct(m.share, 1), m.steps.join(' → '), `${m.thinkTimeMs} ms`, m.data ?? '—']),
    ),
    '',
    '## Success criteria',
    '',
  );
  if (p.successCriteria.length === 0) {
    out.push('No SLOs configured: add `slos:` to the config to get thresholds and a PASS/FAIL verdict.', '');
  } else {
    out.push(
      'Each SLO is also a k6 threshold in the scripts, so plain `k6 run` enforces it too.',
      '',
      mdTable(
        ['SLO', 'SLI', 'journey', 'objective', 'target'],
        p.successCriteria.map((c) => [
          c.name,
          c.sli,
          c.journey ?? 'all',
          `${c.objective}%`,
          c.sli === 'latency' ? `${c.percentile ?? 'p95'} < ${c.thresholdMs} ms` : `failed requests < ${r2(allowedBadFraction(c.objective) * 100)}%`,
        ]),
      ),
      '',
    );
  }
  out.push(
    '## Resource limits',
    '',
    mdTable(
      ['scenario', 'VU bound'],
      p.scenarios.map((s) => [s.scenario, s.model === 'vus' ? `${r2(s.peak)} VUs` : `up to ${s.maxVUs ?? 'n/a'} VUs (maxVUs)`]),
    ),
    '',
    '- Open-model runs grow the VU pool only up to maxVUs; iterations k6 could not start are counted as `dropped_iterations` and reported.',
    '- With the perf k6 extension (`bin/k6`), results stream as fixed windows with HDR histograms (`--out perf=…`), so memory stays bounded in long soaks; plain k6 keeps every sample in memory.',
    '- Run load only against systems you own; keep the load generator off the target machine when measuring for real.',
    '',
  );
  return out.join('\n');
}
