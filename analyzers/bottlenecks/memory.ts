import { fmtDecimal, fmtMegabytes } from '../../core/format.js';
import type { ProfilePayload, ResourceSeries } from '../../core/contract/artifacts.js';
import { RULES } from './catalogue.js';
import type { Draft } from './rank.js';
import type { Evidence } from './types.js';

/** How many heap-profile sites go into a finding's evidence. */
const HEAP_SITES = 3;

/** The app's top live allocation sites of the heap profile (self bytes), as evidence; [] without one. */
export function heapSiteEvidence(heap: ProfilePayload['heapProfile']): Evidence[] {
  if (!heap) return [];
  return heap.sites
    .filter((s) => s.category === 'app' && s.selfBytes > 0)
    .slice(0, HEAP_SITES)
    .map((s) => ({
      kind: 'heap' as const,
      text: `${s.functionName} at ${s.location} allocated ${fmtMegabytes(s.selfBytes)} still live at the end of the load (${fmtDecimal(s.selfShare * 100, 1)} % of ${fmtMegabytes(heap.sampledBytes)} sampled)`,
      location: s.location,
      value: s.selfShare,
    }));
}

/**
 * A suspected leak of a run's resources (the heap-after-GC fit first, else RSS), with the heap
 * profile's top live allocation sites as where to look. No share of time is measured: it ranks by
 * evidence, not by an estimated gain.
 */
export function leakDraft(resources: { file: string; series: ResourceSeries } | undefined, heap: ProfilePayload['heapProfile'], journeys: string[]): Draft | undefined {
  if (!resources) return undefined;
  const verdict = resources.series.heapLeak?.suspected ? resources.series.heapLeak : resources.series.leak.suspected ? resources.series.leak : undefined;
  if (!verdict) return undefined;
  const basis = verdict.series === 'heapAfterGcMb' ? 'heap after GC' : verdict.series === 'heapUsedMb' ? 'heap used' : 'RSS';
  const sites = heapSiteEvidence(heap);
  return {
    rule: 'memory-leak',
    title: `${RULES['memory-leak'].title}${sites[0] ? `: ${sites[0].location}` : ''}`,
    description: `${RULES['memory-leak'].meaning[0]?.toUpperCase()}${RULES['memory-leak'].meaning.slice(1)}.${sites[0] ? '' : ' No heap profile names the site: run perf profile on a Node target.'}`,
    evidence: [
      {
        kind: 'leak',
        text: `${basis} grows ${verdict.slopeMbPerHour} MB/h (95 % CI ${verdict.ci95?.join('…') ?? 'n/a'}) in ${resources.file}: ${verdict.basis}`,
        value: verdict.slopeMbPerHour ?? 0,
      },
      ...sites,
    ],
    impact: { cpuShare: null, latencyShare: null, journeys },
    impactShare: 0,
    measured: null,
    strength: {
      level: sites.length > 0 ? 'moderate' : 'weak',
      basis: `least-squares fit of ${basis} over the run${sites.length > 0 ? ' and the allocation sites of the heap profile' : ''}`,
      samples: resources.series.samples.length,
    },
    owner: { kind: sites.length > 0 ? 'app' : 'unknown', via: [] },
  };
}
