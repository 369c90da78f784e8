import { fmtRps, fmtSeconds } from '../../core/format.js';
import type { BaselinePayload, LoadTestPayload } from '../../core/artifacts/schemas.js';
import { RULES } from './catalogue.js';
import type { JourneyStat, LatencyShareOf } from './journeys.js';
import type { Draft } from './rank.js';
import { pct, upperFirst } from './text.js';
import type { Evidence } from './types.js';

/** Saturation: a breaking point, a capacity plateau or error bursts under load; null when none was seen. */
export function saturationDraft(lt: LoadTestPayload | undefined, baseline: BaselinePayload | undefined, stats: JourneyStat[], latencyShareOf: LatencyShareOf): Draft | null {
  const cap = baseline?.capacity;
  const satEvidence: Evidence[] = [];
  if (lt?.breakingPoint) satEvidence.push({ kind: 'breaking-point', text: `breaking point at ${fmtRps(lt.breakingPoint.rps)} (${lt.breakingPoint.reason})`, value: lt.breakingPoint.rps });
  if (cap && (cap.limitedBy === 'plateau' || cap.limitedBy === 'errors')) {
    satEvidence.push({ kind: 'capacity', text: `capacity search stopped at ${fmtRps(cap.maxRps)}, limited by ${cap.limitedBy}`, value: cap.maxRps });
  }
  const bursts = (lt?.windows ?? []).filter((w) => w.requests > 0 && w.errorRate >= 0.05);
  if (bursts.length > 0) {
    const worst = bursts.reduce((a, w) => (w.errorRate > a.errorRate ? w : a));
    satEvidence.push({ kind: 'errors', text: `${bursts.length} window(s) with ≥5% errors; worst ${pct(worst.errorRate)} at ${fmtSeconds(worst.startMs)} (${fmtRps(worst.rps)})`, value: worst.errorRate });
  }
  if (satEvidence.length === 0) return null;
    const all = stats.map((s) => s.name);
    const errorShare = Math.max(lt?.overall.errorRate ?? 0, baseline?.overall.errorRate ?? 0);
    return {
      rule: 'pool-saturation',
      title: RULES['pool-saturation'].title,
      description: `${upperFirst(RULES['pool-saturation'].meaning)}.`,
      evidence: satEvidence,
      impact: { cpuShare: null, latencyShare: latencyShareOf(all), journeys: all },
      impactShare: errorShare,
      measured: errorShare > 0 ? { share: errorShare, of: 'requests that failed under load' } : null,
      strength: {
        level: lt?.breakingPoint || bursts.length > 0 ? 'moderate' : 'weak',
        basis: `${satEvidence.length} load signal(s): ${satEvidence.map((e) => e.kind).join(', ')}`,
        samples: lt?.overall.requests ?? baseline?.overall.requests ?? null,
      },
      owner: { kind: 'unknown', via: [] },
    };
}
