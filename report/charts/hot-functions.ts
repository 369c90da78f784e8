import type { HotFunction, ProfilePayload } from '../../core/artifacts/schemas.js';
import type { Artifact } from '../../core/artifacts/store.js';
import { fmtMs, fmtPct } from '../../core/markdown.js';
import { renderBarChart } from '../svg/bar-chart.js';
import { OKABE_ITO } from '../svg/palette.js';
import type { ChartOutcome } from './types.js';

export const HOT_FUNCTIONS_CHART = { id: 'hot-functions', title: 'Top hot functions (self time)' } as const;
export const TOP_FUNCTIONS = 12;

const CATEGORY_COLOUR: Record<HotFunction['category'], string> = {
  app: OKABE_ITO.blue,
  node_modules: OKABE_ITO.orange,
  'node-internal': OKABE_ITO.skyBlue,
  native: OKABE_ITO.reddishPurple,
  gc: OKABE_ITO.vermillion,
  idle: '#999999',
  program: '#999999',
};

/** The functions worth optimising: idle and "(program)" time are not code anyone can change. */
export function topHotFunctions(p: ProfilePayload, n = TOP_FUNCTIONS): HotFunction[] {
  return (Array.isArray(p.hotFunctions) ? p.hotFunctions : [])
    .filter((f) => f.category !== 'idle' && f.category !== 'program')
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, n);
}

export function hotFunctionsChart(p: Artifact<ProfilePayload>): ChartOutcome {
  if (!p.profiled) return { ...HOT_FUNCTIONS_CHART, reason: `the target was not profiled${p.skippedReason ? `: ${p.skippedReason}` : ''}` };
  const top = topHotFunctions(p);
  if (top.length === 0) return { ...HOT_FUNCTIONS_CHART, reason: 'the profile has no non-idle samples' };
  const summary =
    `${p.sampleCount} samples over ${fmtMs(p.durationMs)}. ` +
    top
      .slice(0, 5)
      .map((f, i) => `${i + 1}. ${f.functionName || '(anonymous)'}${f.location ? ` at ${f.location}` : ''}: ${fmtMs(f.selfMs)} self (${fmtPct(f.selfShare, 1)})`)
      .join('; ') +
    '.';
  const svg = renderBarChart({
    id: HOT_FUNCTIONS_CHART.id,
    title: HOT_FUNCTIONS_CHART.title,
    description: summary,
    valueLabel: 'self time (ms)',
    bars: top.map((f) => ({
      label: f.functionName || '(anonymous)',
      detail: f.location,
      value: f.selfMs,
      valueText: `${fmtMs(f.selfMs)} · ${fmtPct(f.selfShare, 1)}`,
      colour: CATEGORY_COLOUR[f.category] ?? OKABE_ITO.black,
      tag: f.category,
    })),
  });
  return { ...HOT_FUNCTIONS_CHART, svg, summary, kind: 'profile', runId: p.runId };
}
