import type { Journey, JourneyStep } from '../../core/config/types.js';
import type { HotFunction, LoadFigures } from '../../core/artifacts/schemas.js';
import { pct, ms } from './text.js';
import { STOP_TOKENS, tokens } from './signatures.js';
import type { Evidence } from './types.js';

/** The measured journeys a finding is weighed against: their latency, share of request time and handler words. */
export interface JourneyStat {
  name: string;
  p95Ms: number;
  meanMs: number;
  requests: number;
  errorRate: number;
  latencyShare: number;
  keys: Set<string>;
}

/**
 * What a step does, in the words handlers are named by: POST → create, GET /items/42 → show, a
 * search parameter → search/query. Lets a router's `create` or `list` name the journey when the
 * stack holds no app code.
 */
function intentKeys(step: JourneyStep): string[] {
  const [path = '', query = ''] = step.path.split('?');
  const out: string[] = [];
  if (step.method === 'POST') out.push('create', 'insert', 'add');
  if (step.method === 'PUT' || step.method === 'PATCH') out.push('update', 'replace');
  if (step.method === 'DELETE') out.push('destroy', 'remove', 'delete');
  if (step.method === 'GET') out.push(/\/(\d+|\$\{[^}]+\}|\{\{[^}]+\}\}|:[a-z]\w*)\/?$/i.test(path) ? 'show' : 'list');
  if (/(^|&)(q|search|query|filter)=/.test(query)) out.push('search', 'query');
  return out;
}

/** The words that name a journey's handlers: its name, its steps' names and paths, and their intent. */
export function journeyKeys(name: string, cfg: Journey | undefined): Set<string> {
  return new Set(
    [name, ...(cfg?.steps ?? []).flatMap((s) => [s.name, s.path, ...intentKeys(s)])]
      .flatMap(tokens)
      .filter((k) => k.length >= 3 && !STOP_TOKENS.has(k) && !/^\d+$/.test(k)),
  );
}

export function journeyStats(figures: LoadFigures[], journeys: Journey[] = []): JourneyStat[] {
  const total = figures.reduce((s, j) => s + j.requests * j.latencyMs.mean, 0);
  return figures.map((j) => {
    const keys = journeyKeys(j.name, journeys.find((c) => c.name === j.name));
    return {
      name: j.name,
      p95Ms: j.latencyMs.p95,
      meanMs: j.latencyMs.mean,
      requests: j.requests,
      errorRate: j.errorRate,
      latencyShare: total > 0 ? (j.requests * j.latencyMs.mean) / total : 0,
      keys,
    };
  });
}

/** Journeys whose name or step paths share a token with the frame's function or file name. */
export function attribute(frames: HotFunction[], stats: JourneyStat[]): string[] {
  const ft = new Set(frames.flatMap((f) => tokens(`${f.functionName} ${f.url.split(/[\\/]/).pop() ?? ''}`)));
  return stats.filter((s) => [...s.keys].some((k) => ft.has(k))).map((s) => s.name);
}

export type JourneyEvidence = (names: string[]) => Evidence[];
export type LatencyShareOf = (names: string[]) => number | null;

/** Each named journey's latency as evidence. */
export function journeyEvidenceOf(stats: JourneyStat[]): JourneyEvidence {
  return (names) =>
    stats
      .filter((s) => names.includes(s.name))
      .map((s) => ({
        kind: 'journey-latency' as const,
        text: `journey "${s.name}": p95 ${ms(s.p95Ms)}, mean ${ms(s.meanMs)}, ${pct(s.latencyShare)} of all request time`,
        value: s.p95Ms,
      }));
}

/** The share of all request time the named journeys take (null when nothing was measured). */
export function latencyShareOfStats(stats: JourneyStat[]): LatencyShareOf {
  return (names) => (stats.length === 0 ? null : stats.filter((s) => names.includes(s.name)).reduce((a, s) => a + s.latencyShare, 0));
}
