import type { HotFunction, ProfilePayload } from '../core/artifacts/schemas.js';
import { fmtMs, fmtNum, fmtPct, md, mdCode, mdTable, mdText } from '../core/markdown.js';
import { fmtMegabytes } from '../core/format.js';
import { formatDuration } from '../core/duration.js';
import { relative } from 'node:path';

function hotTable(fns: readonly HotFunction[], by: 'self' | 'total', limit: number): string {
  const sorted = [...fns].sort((a, b) => (by === 'self' ? b.selfMs - a.selfMs : b.totalMs - a.totalMs)).slice(0, limit);
  if (sorted.length === 0) return '_none sampled_';
  return mdTable(
    ['function', 'file:line', 'category', 'self', 'self %', 'total', 'total %'],
    sorted.map((f) => [md(mdCode(f.functionName)), f.location, f.category, fmtMs(f.selfMs), fmtPct(f.selfShare, 1), fmtMs(f.totalMs), fmtPct(f.totalShare, 1)]),
  );
}

function clinicLines(c: ProfilePayload['clinic']): string[] {
  if (!c.ran) return [`- ${mdText(c.note ?? 'clinic did not run')}`];
  return [
    ...(c.diagnosis ? [`- clinic doctor's issue category: **${mdText(c.diagnosis)}**${c.categories?.length ? ` (signals it flagged: ${c.categories.map(mdText).join(', ')})` : ''}`] : []),
    `- ${mdText(c.note ?? `clinic ${c.tool ?? ''} ran`)}; its numbers are not perf's (the figures above come from the V8 profiles)`,
  ];
}

/** The heap profile's allocation sites: where the memory still live at the end of the load came from. */
function heapSection(h: ProfilePayload['heapProfile']): string[] {
  const head = ['## Memory: allocation sites (sampling heap profile)', ''];
  if (!h) return [...head, '- not recorded (no heap profile was written: not a Node target, or it was killed before it could exit)', ''];
  const top = h.sites.filter((s) => s.selfBytes > 0).slice(0, 10);
  return [
    ...head,
    `- ${fmtMegabytes(h.sampledBytes)} of sampled allocations still live when the load ended (V8 sampling heap profiler, one sample per ${fmtNum(h.samplingIntervalBytes / 1024)} KiB on average); shares are of those bytes. A site that keeps a large share after a long load is where retained memory comes from (a cache, a leak).`,
    '',
    top.length === 0
      ? '_no allocation sampled_'
      : mdTable(
          ['function', 'file:line', 'category', 'self', 'self %', 'total', 'total %'],
          top.map((s) => [md(mdCode(s.functionName)), s.location, s.category, fmtMegabytes(s.selfBytes), fmtPct(s.selfShare, 1), fmtMegabytes(s.totalBytes), fmtPct(s.totalShare, 1)]),
        ),
    '',
  ];
}

/** `.aiwg/working/performance/profiling-results.md`, a pure function of the payload. */
export function renderProfileMarkdown(p: ProfilePayload, ctx: { cwd?: string | undefined; interrupted?: boolean } = {}): string {
  const lines: string[] = ['# Profiling results', '', `- target: ${mdText(p.target.baseUrl)}${p.target.command ? ` (started with ${mdCode(p.target.command)})` : ''}`];
  if (p.load) {
    lines.push(
      `- load: ${fmtNum(p.load.requests)} requests in ${formatDuration(p.durationMs)} (${fmtNum(p.load.throughputRps)} req/s), p95 ${fmtMs(p.load.latencyMs.p95)}, p99 ${fmtMs(p.load.latencyMs.p99)}, errors ${fmtPct(p.load.errorRate)}`,
    );
  }
  if (ctx.interrupted) lines.push('- interrupted: partial run');
  if (!p.profiled) {
    lines.push('', `**Profiling skipped:** ${mdText(p.skippedReason ?? 'unknown reason')}`, '');
    return `${lines.join('\n')}\n`;
  }
  const app = p.hotFunctions.filter((f) => f.category === 'app');
  lines.push(
    `- CPU samples: ${fmtNum(p.sampleCount)} (V8 CPU profiler, 1 ms sampling); shares are of non-idle samples`,
    '',
    "## The application's own code (by total time)",
    '',
    hotTable(app, 'total', 10),
    '',
    '## Top functions by self time (all code)',
    '',
    hotTable(p.hotFunctions, 'self', 15),
    '',
    '## Dependencies (node_modules) by self time',
    '',
    hotTable(p.hotFunctions.filter((f) => f.category === 'node_modules'), 'self', 8),
    '',
    '## Event loop and GC',
    '',
  );
  if (p.eventLoopDelayMs) {
    const e = p.eventLoopDelayMs;
    lines.push(`- event-loop delay (during the load): p50 ${fmtMs(e.p50)}, p90 ${fmtMs(e.p90)}, p99 ${fmtMs(e.p99)}, max ${fmtMs(e.max)}, mean ${fmtMs(e.mean)}`);
  } else lines.push('- event-loop delay: not recorded (the monitor preload did not report)');
  if (p.gc) {
    const kinds = Object.entries(p.gc.byKind).map(([k, v]) => `${k} ${fmtMs(v)}`).join(', ');
    lines.push(`- GC (during the load): ${fmtNum(p.gc.count)} pauses, ${fmtMs(p.gc.totalMs)} total, ${fmtPct(p.gc.share)} of wall time${kinds ? ` (${kinds})` : ''}`);
  } else lines.push('- GC: not recorded');
  lines.push('', ...heapSection(p.heapProfile));
  lines.push('## clinic.js', '', ...clinicLines(p.clinic), '', '## Raw profiles and flame graphs', '');
  const show = (f: string): string => {
    const r = relative(process.cwd(), f);
    return r.startsWith('..') ? f : r;
  };
  for (const f of p.rawProfiles) lines.push(`- ${show(f)} (open in Chrome DevTools → Performance, or speedscope.app)`);
  for (const h of p.flameGraphs ?? []) lines.push(`- ${show(h)} (HTML flame graph, no scripts)`);
  if (p.heapProfile) lines.push(`- ${show(p.heapProfile.raw)} (sampling heap profile: Chrome DevTools → Memory → Load)`);
  for (const h of p.clinic.htmlPaths ?? []) lines.push(`- ${show(h)} (clinic ${p.clinic.tool ?? ''} HTML)`);
  return `${lines.join('\n')}\n`;
}
