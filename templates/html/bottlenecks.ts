import { fmtNum, fmtPct } from '../../core/format.js';
import { primary, type ReportInputs } from '../../report/inputs.js';
import { html, type SafeHtml } from './safe.js';
import { table } from './table.js';

/** The bottleneck ranking; fields are read defensively (the artifact belongs to `perf analyze`). */
export function bottleneckTable(inputs: ReportInputs): SafeHtml | '' {
  const bn = primary(inputs.bottlenecks)?.artifact;
  if (!bn) return '';
  const list = Array.isArray(bn.bottlenecks) ? (bn.bottlenecks as Record<string, unknown>[]) : [];
  const gaps = Array.isArray(bn.gaps) ? (bn.gaps as unknown[]).map(String) : [];
  const n = (v: unknown, f: (x: number) => string): string => (typeof v === 'number' ? f(v) : 'n/a');
  const rows = list.map((b, i) => {
    const impact = (b.impact ?? {}) as Record<string, unknown>;
    return [
      n(b.rank ?? i + 1, (x) => String(x)),
      String(b.title ?? b.id ?? ''),
      String(b.quadrant ?? ''),
      n(impact.cpuShare, (x) => fmtPct(x, 1)),
      n(impact.latencyShare, (x) => fmtPct(x, 1)),
      n(b.estimatedImprovementPct, (x) => `${fmtNum(x)}%`),
      n(b.effortDays, (x) => fmtNum(x)),
      n(b.roi, (x) => fmtNum(x, 2)),
    ];
  });
  return html`<h2 id="bottlenecks">Bottleneck ranking</h2>
${rows.length ? table(['rank', 'bottleneck', 'quadrant', 'CPU share', 'latency share', 'est. improvement', 'effort (days)', 'ROI'], rows, [true, false, false, true, true, true, true, true]) : html`<p>No bottleneck found.</p>`}${gaps.length ? html`<p>Not analysed: ${gaps.join('; ')}</p>` : ''}`;
}
