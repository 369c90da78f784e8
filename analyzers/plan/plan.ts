import { fmtPct } from '../../core/format.js';
import type { Slo } from '../../core/config/types.js';
import { RULES, type Rule } from '../bottlenecks/catalogue.js';
import type { Bottleneck, BottlenecksPayload } from '../bottlenecks/types.js';
import { guidanceConstraints, OUTSIDE_LEVERS, touches, type Constraint } from './constraints.js';

export type Tier = 'quick-win' | 'strategic' | 'major-refactor';
export type GuidanceKeyword = Rule['serves'][number];

export interface PlanItem {
  id: string;
  bottleneckId: string;
  title: string;
  tier: Tier;
  priority: number;
  effortDays: number;
  /** From the bottleneck: the measured ceiling (share × 100), or null when nothing was measured. */
  estimatedImprovementPct: number | null;
  estimateFormula: string;
  roi: number;
  /** Set when guidance said the component holding the work cannot change: the item was re-targeted to levers outside it. */
  constraint?: { name: string; guidance: string };
  /** Guidance keywords that raised this item's priority. */
  boostedBy: GuidanceKeyword[];
  risk: Rule['risk'];
  journeys: string[];
  steps: string[];
  successCriteria: string[];
  testing: string[];
  rollback: string;
}

/** perf.plan/v1 */
export interface PlanPayload {
  source: string | null;
  guidance: { text: string; keywords: GuidanceKeyword[] };
  items: PlanItem[];
  /** Components the guidance says cannot change. */
  constraints: Constraint[];
  /** Findings left out of the plan because of a constraint (no lever outside the component). */
  excluded: Array<{ bottleneckId: string; title: string; reason: string }>;
  counts: Record<Tier, number>;
  totalEffortDays: number;
}

/** A `file:line` location a plan step may point to: a real file (the checker says so), never native or Node-internal code. */
function usableLocation(location: string | undefined, exists?: (location: string) => boolean): string | undefined {
  if (!location || location.startsWith('(') || location.startsWith('node:') || location.startsWith('wasm://')) return undefined;
  if (exists && !exists(location)) return undefined;
  return location;
}

/** Guidance keywords found in free text ("Focus on database…", "API latency is critical"). */
export function guidanceKeywords(text: string): GuidanceKeyword[] {
  const t = text.toLowerCase();
  const found = new Set<GuidanceKeyword>();
  const map: Array<[RegExp, GuidanceKeyword]> = [
    [/\b(database|db|sql|quer(y|ies)|index(es)?)\b/, 'database'],
    [/\b(api|endpoint|backend|service)\b/, 'api'],
    [/\b(frontend|front-end|page load|browser|bundle|ui)\b/, 'frontend'],
    [/\b(cost|spend|budget|cheaper|instances?)\b/, 'cost'],
    [/\b(latency|p9\d|response time|slow)\b/, 'latency'],
    [/\b(throughput|rps|capacity|scale|requests per second)\b/, 'throughput'],
  ];
  for (const [re, k] of map) if (re.test(t)) found.add(k);
  return [...found];
}

/** Effort tiers of the plan: quick wins < 1 day… here ≤ 1 day, strategic 2–5 days, major > 5 days. */
export function tierOf(effortDays: number): Tier {
  if (effortDays <= 1) return 'quick-win';
  if (effortDays <= 5) return 'strategic';
  return 'major-refactor';
}

/** Guidance boost: each matching keyword multiplies ROI by 1.5 for ordering (the ROI itself is unchanged). */
const BOOST = 1.5;

function criteria(b: Bottleneck, slos: Slo[]): string[] {
  const out: string[] = [];
  for (const slo of slos) {
    if (slo.journey && !b.impact.journeys.includes(slo.journey)) continue;
    if (slo.sli === 'latency') {
      out.push(`SLO "${slo.name}": ${slo.objective}% of ${slo.journey ? `"${slo.journey}"` : 'all'} requests under ${slo.thresholdMs} ms (perf slo-check PASS)`);
    } else {
      out.push(`SLO "${slo.name}" (${slo.sli}, objective ${slo.objective}%) stays PASS`);
    }
  }
  for (const j of b.impact.journeys.slice(0, 3)) out.push(`perf compare shows "${j}" improved (significant) and no journey regressed`);
  if (b.rule === 'blocking-io') out.push('event-loop delay p99 under 20 ms in perf profile');
  if (b.rule === 'gc-pressure') out.push('GC share under 5% in perf profile');
  if (b.rule === 'pool-saturation') out.push('breaking point of perf loadtest --scenario stress moves up');
  if (b.impact.cpuShare !== null) out.push(`the hot frame's CPU share drops from ${fmtPct(b.impact.cpuShare, 1)} in perf profile`);
  return out;
}

function testing(b: Bottleneck): string[] {
  const out = ['perf baseline (after the change) then perf compare <before baseline.json> <after baseline.json>'];
  if (b.impact.cpuShare !== null || b.rule === 'blocking-io' || b.rule === 'gc-pressure') out.push('perf profile: confirm the hot frame is gone');
  out.push(b.rule === 'pool-saturation' ? 'perf loadtest --scenario stress' : 'perf loadtest --scenario baseline');
  out.push('perf slo-check');
  return out;
}

/** Turns ranked bottlenecks into tiers with steps, SLO-tied success criteria, testing and rollback. */
export function buildPlan(
  analysis: BottlenecksPayload,
  opts: { guidance?: string; slos?: Slo[]; source?: string | null; /** Whether a `file:line` evidence location exists on disk. */ locationExists?: (location: string) => boolean } = {},
): PlanPayload {
  const keywords = guidanceKeywords(opts.guidance ?? '');
  const constraints = guidanceConstraints(opts.guidance ?? '');
  const excluded: PlanPayload['excluded'] = [];
  const items: PlanItem[] = [];
  for (const b of analysis.bottlenecks) {
    const rule = RULES[b.rule];
    const boostedBy = rule.serves.filter((s) => keywords.includes(s));
    const location = b.evidence.map((e) => usableLocation(e.location, opts.locationExists)).find((l) => l !== undefined);
    const inDependency = b.owner.kind === 'dependency';
    const where = location
      ? `Start at ${location} (${b.title})${inDependency ? `: the code is in the dependency ${b.owner.package ?? ''}, so the change is in how the service uses it (or its version), not in that file` : ''}`
      : undefined;
    const blocked = constraints.find((c) => touches(b, c));
    const base = {
      id: '',
      bottleneckId: b.id,
      tier: tierOf(b.effortDays),
      priority: 0,
      effortDays: b.effortDays,
      estimatedImprovementPct: b.estimatedImprovementPct,
      estimateFormula: b.estimateFormula,
      roi: b.roi,
      boostedBy,
      risk: rule.risk,
      journeys: b.impact.journeys,
      successCriteria: criteria(b, opts.slos ?? []),
      testing: testing(b),
    };
    if (blocked) {
      const levers = OUTSIDE_LEVERS[b.rule];
      if (!levers) {
        excluded.push({ bottleneckId: b.id, title: b.title, reason: `guidance "${blocked.text}": the work is inside ${blocked.name} and there is no lever outside it for ${rule.title.toLowerCase()}` });
        continue;
      }
      items.push({
        ...base,
        title: `Work around ${blocked.name} (it cannot change): ${levers[0]?.toLowerCase()} — ${b.title}`,
        steps: [`${b.title} is inside ${blocked.name}, which the guidance says cannot change ("${blocked.text}"): only levers outside it are planned`, ...levers],
        rollback: 'remove the outside change (cache, proxy setting, request shape); the component itself is untouched',
        constraint: { name: blocked.name, guidance: blocked.text },
      });
      continue;
    }
    items.push({
      ...base,
      title: `${b.approach.charAt(0).toUpperCase()}${b.approach.slice(1)}${location ? ` — ${location}` : ''}`,
      steps: [...(where ? [where] : []), ...(b.sql ?? []).map((q) => `SQL to try: ${q}`), ...rule.steps],
      rollback: rule.rollback,
    });
  }
  const order = (i: PlanItem): number => i.roi * BOOST ** i.boostedBy.length;
  items.sort((a, b) => order(b) - order(a));
  items.forEach((it, i) => {
    it.priority = i + 1;
    it.id = `P${i + 1}`;
  });
  const counts: Record<Tier, number> = { 'quick-win': 0, strategic: 0, 'major-refactor': 0 };
  for (const it of items) counts[it.tier]++;
  return {
    source: opts.source ?? null,
    guidance: { text: opts.guidance ?? '', keywords },
    items,
    constraints,
    excluded,
    counts,
    totalEffortDays: items.reduce((a, i) => a + i.effortDays, 0),
  };
}
