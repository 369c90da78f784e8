import type { SloCard } from '../analyzers/baseline/slo-status.js';
import type { BaselinePayload, LoadFigures } from '../core/artifacts/schemas.js';
import { fmtBudgetPct, fmtBurnRate, fmtMs, fmtNum, fmtPct } from '../core/format.js';
import { mdTable, mdText } from '../core/markdown.js';
import { formatDuration } from '../core/duration.js';
import { renderSliCards, renderSloCards } from './cards/slo-cards.js';
import { renderDatabaseSection } from './database.js';
import { describeKnee } from '../analyzers/baseline/capacity.js';
import { fmtPercentileMs, fmtSampleMs, SAMPLE_SIZE_RULE } from '../analyzers/sample-size.js';

/** Journeys worst first by p99 (the order the report and the CLI table use). */
export function rankByP99(journeys: readonly LoadFigures[]): LoadFigures[] {
  return [...journeys].sort((a, b) => b.latencyMs.p99 - a.latencyMs.p99);
}

function statusCodes(f: LoadFigures): string {
  return Object.entries(f.statusCodes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code === '0' ? 'no answer' : code}×${n}`)
    .join(', ') || '—';
}

function figuresTable(rows: readonly LoadFigures[], uncorrected: boolean): string {
  const header = ['journey', 'requests', 'req/s', 'errors', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean', 'status codes'];
  // n counts answered requests only (failures have no latency): the sample of the percentiles.
  const line = (f: LoadFigures, l: LoadFigures['latencyMs']): (string | number)[] => {
    const n = latencySamples(f);
    return [
      f.name,
      fmtNum(f.requests),
      fmtNum(f.throughputRps),
      `${fmtNum(f.errors)} (${fmtPct(f.errorRate)})`,
      fmtPercentileMs(l.p50, n, 50),
      fmtPercentileMs(l.p90, n, 90),
      fmtPercentileMs(l.p95, n, 95),
      fmtPercentileMs(l.p99, n, 99),
      fmtPercentileMs(l.p999, n, 99.9),
      fmtSampleMs(l.max, n),
      fmtSampleMs(l.mean, n),
      statusCodes(f),
    ];
  };
  const out = [mdTable(header, rows.map((f) => line(f, f.latencyMs)))];
  if (uncorrected) {
    out.push(
      '',
      'Service time (from the actual send, not corrected for coordinated omission — shown for comparison only):',
      '',
      mdTable(
        ['journey', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'],
        rows.map((f) => {
          const l = f.latencyMsUncorrected ?? f.latencyMs;
          const n = latencySamples(f);
          return [f.name, fmtPercentileMs(l.p50, n, 50), fmtPercentileMs(l.p90, n, 90), fmtPercentileMs(l.p95, n, 95), fmtPercentileMs(l.p99, n, 99), fmtPercentileMs(l.p999, n, 99.9), fmtSampleMs(l.max, n)];
        }),
      ),
    );
  }
  return out.join('\n');
}

/** Requests with a latency (answered ones): the requests minus those that got no answer. */
function latencySamples(f: LoadFigures): number {
  return Math.max(0, f.requests - (f.statusCodes['0'] ?? 0));
}

/** `.aiwg/reports/performance-baseline.md`, a pure function of the payload and the SLO cards. */
export function renderBaselineMarkdown(p: BaselinePayload, cards: readonly SloCard[]): string {
  const open = p.model.kind === 'open';
  const ranked = rankByP99(p.journeys);
  const worst = ranked[0];
  const model = p.model.kind === 'open'
    ? `open model: ${p.model.rateRps} requests/s arrival rate; latency measured from each request's intended send time (coordinated omission corrected)`
    : `closed model: ${p.model.connections} connections sending back to back; latency is service time`;
  const errorJourneys = p.journeys.filter((j) => j.errors > 0);
  const lines: string[] = [
    '# Performance baseline',
    '',
    `- target: ${mdText(p.target.baseUrl)}`,
    `- load: ${model}`,
    `- measured: ${formatDuration(p.durationMs)} after a ${formatDuration(p.warmupMs)} warm-up (excluded; the same warm-up precedes the probe, the mix and each journey — \`warmup:\` / \`--warmup\`); load generator: autocannon, recorded by perf into HDR histograms (3 significant digits)`,
    `- sample size: ${SAMPLE_SIZE_RULE}`,
    ...(p.generator
      ? [
          `- load generator: ${Math.round(p.generator.cpuShare * 100)} % of a CPU core, event-loop delay p99 ${fmtMs(p.generator.eventLoopDelayP99Ms)}${
            p.generator.sendLagMs ? `, send lag p95 ${fmtMs(p.generator.sendLagMs.p95)} (max ${fmtMs(p.generator.sendLagMs.max)}, n = ${fmtNum(p.generator.sendLagMs.n)}) — inside the corrected view` : ''
          }${p.generator.backloggedShare > 0 ? `, ${fmtPct(p.generator.backloggedShare)} of sends found every connection busy` : ''}`,
        ]
      : []),
    '',
    '## SLI definitions',
    '',
    renderSliCards(cards),
    '',
    '## SLO targets',
    '',
    renderSloCards(cards) || '_No SLOs configured._',
    '',
    '## Figures per journey (worst p99 first)',
    '',
    figuresTable(ranked, open),
    '',
  ];
  if (worst && p.journeys.length > 1) {
    lines.push(`Slowest journey by p99: **${worst.name}** (${fmtPercentileMs(worst.latencyMs.p99, latencySamples(worst), 99)}).`, '');
  }
  if (errorJourneys.length > 0) {
    lines.push('### Errors', '');
    for (const j of errorJourneys) lines.push(`- **${j.name}**: ${fmtNum(j.errors)} of ${fmtNum(j.requests)} requests failed (${fmtPct(j.errorRate)}); status codes ${statusCodes(j)}`);
    lines.push('');
  }
  lines.push('## Overall', '', figuresTable([p.overall], open), '', '## Error budget status', '');
  if (cards.length === 0) lines.push('_No SLOs configured._');
  else
    lines.push(
      mdTable(
        ['SLO', 'status', 'bad events', 'allowed bad', 'burn rate', 'budget consumed (of the SLO window)'],
        cards.map((c) => [
          c.slo.name,
          c.result.status,
          `${fmtNum(c.result.events.bad)} of ${fmtNum(c.result.events.total)} (${fmtPct(c.result.errorBudget.badFraction, 3)})`,
          fmtPct(c.result.errorBudget.allowedBadFraction, 3),
          fmtBurnRate(c.result.burnRate),
          `${fmtBudgetPct(c.result.errorBudget.consumedPct)} of ${c.slo.window}`,
        ]),
      ),
    );
  lines.push('', '## Capacity', '');
  if (!p.capacity) lines.push('_Capacity search skipped (--no-capacity)._');
  else {
    const c = p.capacity;
    lines.push(
      `Knee: **${describeKnee(c)}** of the weighted mix${c.achievedRps !== undefined ? `, ${fmtNum(c.achievedRps)} req/s achieved` : ''}${c.confirmation ? ` (${c.confirmation})` : ''}. A step fails when a latency SLO breaks at its own percentile on its own journey (tightest threshold ${fmtMs(c.latencyThresholdMs)}; without latency SLOs: overall p95 above it), errors exceed 1 %, or throughput stops rising; a failing step while perf itself is saturated (≥ 90 % of a core, or late sends) says "generator", and its knee is only a lower bound. The knee is confirmed by bisecting towards the first failing rate and repeating the knee (it must pass a majority of 3 trials) and the rate above it${c.maxRateRps !== undefined ? `; no step offers more than --max-rate ${fmtNum(c.maxRateRps)} req/s` : ''}.`,
      '',
      mdTable(
        ['arrival rate', 'phase', 'achieved', 'n', 'p95', 'errors', 'generator CPU', 'send lag p95', 'verdict'],
        c.steps.map((s) => [
          `${fmtNum(s.rateRps)}/s`,
          s.phase ?? 'search',
          `${fmtNum(s.achievedRps)}/s`,
          s.requests !== undefined ? fmtNum(s.requests) : '—',
          s.requests !== undefined ? fmtPercentileMs(s.p95Ms, s.requests, 95) : fmtMs(s.p95Ms),
          fmtPct(s.errorRate),
          s.generator ? `${Math.round(s.generator.cpuShare * 100)} %` : '—',
          s.generator?.sendLagMs ? fmtMs(s.generator.sendLagMs.p95) : '—',
          s.verdict,
        ]),
      ),
    );
  }
  if (p.database) lines.push(...renderDatabaseSection(p.database));
  if (p.notes && p.notes.length > 0) {
    lines.push('', '## Notes', '');
    for (const n of p.notes) lines.push(`- ${mdText(n)}`);
  }
  return `${lines.join('\n')}\n`;
}
