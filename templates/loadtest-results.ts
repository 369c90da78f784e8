/** Markdown of `.aiwg/testing/load-test-results.md`, a pure function of the perf.loadtest/v1 payload. */
import type { LoadTestPayload } from '../core/artifacts/schemas.js';
import { formatDuration } from '../core/duration.js';
import { fmtMs, fmtNum, fmtPct, md, mdCode, mdTable, mdText } from '../core/markdown.js';
import { fmtPercentileMs, fmtSampleMs, SAMPLE_SIZE_RULE } from '../analyzers/sample-size.js';
import type { LimitResult } from '../analyzers/resources/limits.js';
import { renderLimitsTable, renderResourcesSection } from './resources.js';
import { describeExit, describeRunners, shortLoad } from '../analyzers/merge/index.js';

/** `limits`: the config's resource limits checked on `p.resources` (analyzers/resources/limits.ts). */
/** What the two VU figures of a window are (k6 samples them; neither is a concurrency measurement). */
export const VUS_NOTE =
  'VUs: busy = k6\'s `vus` gauge (VUs running an iteration when k6 sampled, once a second; under an arrival rate a VU is busy only during an iteration, so a fast service reads 0), allocated = `vus_max` (the pool iterations start on).';

export function renderLoadTestResults(p: LoadTestPayload, limits: readonly LimitResult[] = []): string {
  const short = p.runners ? shortLoad(p.runners) : null;
  const out: string[] = [
    `# Load-test results: ${p.scenario}${short ? ' (SHORT: a runner fell short)' : p.partial ? ' (PARTIAL: interrupted)' : ''}`,
    '',
    `${p.startedAt} → ${p.endedAt} · ${formatDuration(p.durationMs)}${p.quick ? ' · --quick (durations scaled down; shapes and rates unchanged)' : ''}`,
    `k6 ${p.k6.version} (${p.k6.extension ? 'perf extension: windowed HDR results' : 'stock k6 fallback, --out json'}) · raw results: ${mdCode(p.rawArtifact)}`,
    '',
  ];
  if (p.partial) out.push('> The run was stopped early. Every finished window is kept; figures cover only the time that ran.', '');
  if (p.k6.lost?.length) out.push(`> Fallback mode loses: ${p.k6.lost.join('; ')}.`, '');
  if (p.aborted) out.push(`> Aborted after ${formatDuration(p.aborted.atMs)}: ${mdText(p.aborted.reason)}`, '');
  if (p.runners) {
    if (short) out.push(`> The load was short: ${mdText(short)}.`, '');
    out.push(`## k6 runners (merged: one verdict)`, '', `${mdText(describeRunners(p.runners))}.`, '');
    out.push(
      mdTable(
        ['runner', 'segment', 'requests', 'windows', 'exit', 'status'],
        p.runners.map((r) => [
          r.runner,
          r.segment ?? 'whole test',
          fmtNum(r.requests),
          fmtNum(r.windows),
          describeExit(r.exitStatus),
          r.short ? `SHORT: ${mdText(r.shortReason ?? '')}` : r.aborted ? `stopped: ${mdText(r.aborted.reason)}` : 'complete',
        ]),
      ),
      '',
    );
  }
  if (p.warmup) out.push(`Warm-up: ${p.warmup.ms > 0 ? `${formatDuration(p.warmup.ms)} — ` : ''}${mdText(p.warmup.note)}.`, '');

  out.push('## Per journey', '');
  out.push(
    mdTable(
      ['journey', 'requests', 'req/s', 'errors', 'p50', 'p90', 'p95', 'p99', 'max', 'status'],
      [...p.journeys, p.overall].map((f) => [
        f.name === 'overall' ? md('**overall**') : f.name,
        fmtNum(f.requests),
        fmtNum(f.throughputRps),
        `${fmtNum(f.errors)} (${fmtPct(f.errorRate)})`,
        fmtPercentileMs(f.latencyMs.p50, f.requests, 50),
        fmtPercentileMs(f.latencyMs.p90, f.requests, 90),
        fmtPercentileMs(f.latencyMs.p95, f.requests, 95),
        fmtPercentileMs(f.latencyMs.p99, f.requests, 99),
        fmtSampleMs(f.latencyMs.max, f.requests),
        Object.entries(f.statusCodes)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', '),
      ]),
    ),
    '',
    `Sample-size rule: ${SAMPLE_SIZE_RULE}.`,
    '',
    `Dropped iterations: **${fmtNum(p.droppedIterations)}**${p.droppedIterations > 0 ? ' (k6 ran out of VUs to keep the arrival rate: the service was too slow for the rate, or maxVUs is too low)' : ''}.`,
    '',
    `Checks: ${fmtNum(p.checks.passes)} passed, ${fmtNum(p.checks.fails)} failed.`,
    '',
  );
  const failing = Object.entries(p.checks.byName).filter(([, c]) => c.fails > 0);
  if (failing.length) out.push(mdTable(['check', 'passes', 'fails'], failing.map(([n, c]) => [n, c.passes, c.fails])), '');

  if (p.scenario === 'stress' || p.scenario === 'breakpoint') {
    out.push('## Breaking point', '');
    const bp = p.breakingPoint;
    if (bp) {
      out.push(
        `**${fmtNum(bp.rps)}** ${bp.targetRps !== undefined ? `achieved (target ${fmtNum(bp.targetRps)})` : ''} after ${formatDuration(bp.atMs)}: ${mdText(bp.reason)}.`,
        '',
      );
      if (bp.span) out.push(`A breaking point is a sustained violation after the warm-up: here ${bp.span.windows} window(s) from ${formatDuration(bp.span.startMs)} to ${formatDuration(bp.span.endMs)}.`, '');
      for (const e of bp.evidence ?? []) out.push(`- ${mdText(e)}`);
      if (bp.evidence?.length) out.push('');
    } else {
      out.push(`None found: no violation lasted ${p.sustainWindows !== undefined ? `${p.sustainWindows} consecutive window${p.sustainWindows === 1 ? '' : 's'}` : 'the required consecutive windows'} (each with enough samples) after the warm-up. Raise the rate (\`scenarios.<name>.rate\` or \`--rate\`) to find it.`, '');
    }
  }
  if (p.recovery) {
    out.push('## Recovery after the spike', '');
    out.push(
      p.recovery.recoveryTimeMs === null
        ? `Not measured: ${p.recovery.note}.`
        : `Recovery time: **${formatDuration(p.recovery.recoveryTimeMs)}** after the spike ended (${formatDuration(p.recovery.spikeEndMs)} into the test): ${p.recovery.note}.`,
      '',
    );
  }
  if (p.drift) {
    out.push('## Drift over time', '');
    out.push(`p95 ${fmtMs(p.drift.firstP95Ms)} → ${fmtMs(p.drift.lastP95Ms)} (${p.drift.changePct >= 0 ? '+' : ''}${p.drift.changePct}%): ${p.drift.note}.`, '');
  }

  const allocated = p.windows.some((w) => typeof w.vusMax === 'number');
  out.push('## Over time', '', `Windows of ${formatDuration(p.windowMs)}.${allocated ? ' ' + VUS_NOTE : ''}`, '');
  out.push(
    mdTable(
      ['from', 'requests', 'req/s', allocated ? 'VUs busy / allocated' : 'VUs', 'p50', 'p95', 'p99', 'errors'],
      p.windows.map((w) => [
        `${formatDuration(w.startMs)}${p.warmup && w.startMs < p.warmup.ms - 1 ? ' (warm-up)' : ''}`,
        fmtNum(w.requests),
        fmtNum(w.rps),
        typeof w.vusMax === 'number' ? `${fmtNum(w.vus)} / ${fmtNum(w.vusMax)}` : w.vus,
        fmtPercentileMs(w.latencyMs.p50, w.requests, 50),
        fmtPercentileMs(w.latencyMs.p95, w.requests, 95),
        fmtPercentileMs(w.latencyMs.p99, w.requests, 99),
        w.requests > 0 ? fmtPct(w.errorRate) : 'n/a (n = 0)',
      ]),
    ),
    '',
    '## Load shape',
    '',
    mdTable(
      ['stage', 'from', 'to', 'target'],
      p.stages.map((s) => [s.label ?? '', formatDuration(s.startMs), formatDuration(s.endMs), fmtNum(s.target)]),
    ),
    '',
  );
  out.push(...renderResourcesSection(p.resources), ...renderLimitsTable(limits));
  out.push('Next: `perf slo-check` evaluates the SLOs, error budgets and resource limits on this run.', '');
  return out.join('\n');
}
