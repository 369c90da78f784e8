import type { SloCard } from '../analyzers/baseline/slo-status.js';
import type { BaselinePayload, LoadFigures } from '../core/artifacts/schemas.js';
import { fmtBudgetPct, fmtBurnRate, fmtMs, fmtNum, fmtPct } from '../core/format.js';
import { mdTable } from '../core/markdown.js';
import { formatDuration } from '../core/duration.js';
import { renderSliCards, renderSloCards } from './cards/slo-cards.js';
import { renderDatabaseSection } from './database.js';

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
  const line = (f: LoadFigures, l: LoadFigures['latencyMs']): (string | number)[] => [
    f.name,
    fmtNum(f.requests),
    fmtNum(f.throughputRps),
    `${fmtNum(f.errors)} (${fmtPct(f.errorRate)})`,
    fmtMs(l.p50),
    fmtMs(l.p90),
    fmtMs(l.p95),
    fmtMs(l.p99),
    fmtMs(l.p999),
    fmtMs(l.max),
    fmtMs(l.mean),
    statusCodes(f),
  ];
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
          return [f.name, fmtMs(l.p50), fmtMs(l.p90), fmtMs(l.p95), fmtMs(l.p99), fmtMs(l.p999), fmtMs(l.max)];
        }),
      ),
    );
  }
  return out.join('\n');
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
    `- target: ${p.target.baseUrl}`,
    `- load: ${model}`,
    `- measured: ${formatDuration(p.durationMs)} after a ${formatDuration(p.warmupMs)} warm-up (excluded); load generator: autocannon, recorded by perf into HDR histograms (3 significant digits)`,
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
    lines.push(`Slowest journey by p99: **${worst.name}** (${fmtMs(worst.latencyMs.p99)}).`, '');
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
      `Knee: **${fmtNum(c.maxRps)} requests/s** of the weighted mix (limited by ${c.limitedBy}). A step fails when a latency SLO breaks at its own percentile on its own journey (tightest threshold ${fmtMs(c.latencyThresholdMs)}; without latency SLOs: overall p95 above it), errors exceed 1 %, or throughput stops rising.`,
      '',
      mdTable(
        ['arrival rate', 'achieved', 'p95', 'errors', 'verdict'],
        c.steps.map((s) => [`${fmtNum(s.rateRps)}/s`, `${fmtNum(s.achievedRps)}/s`, fmtMs(s.p95Ms), fmtPct(s.errorRate), s.verdict]),
      ),
    );
  }
  if (p.database) lines.push(...renderDatabaseSection(p.database));
  if (p.notes && p.notes.length > 0) {
    lines.push('', '## Notes', '');
    for (const n of p.notes) lines.push(`- ${n}`);
  }
  return `${lines.join('\n')}\n`;
}
