import { minMaxDownsample } from './downsample.js';
import { marker } from './markers.js';
import type { MarkerShape } from './palette.js';
import { formatOffset, formatTick, linearScale, niceDomain, niceTicks, percentileTickLabel, timeTicks, type LinearScale } from './scale.js';
import { LabelSpace, textBox, type Box } from './labels.js';
import { esc, num, px } from './xml.js';

export interface LineSeries {
  key: string;
  label: string;
  colour: string;
  dash?: string;
  axis?: 'left' | 'right';
  x: readonly number[];
  y: readonly number[];
  /** One shape for every point, or one per point (e.g. a capacity step's verdict). */
  markers?: MarkerShape | readonly MarkerShape[];
}

/** A horizontal reference line, e.g. an SLO threshold. */
export interface RefLine {
  value: number;
  label: string;
  colour: string;
  axis?: 'left' | 'right';
  /** What the line stands for (an SLO's or a limit's name), as data-key. */
  key?: string;
  /** The series the line is compared with (a p99 SLO: "p99"), as data-series. */
  series?: string;
}

/** A vertical marker, e.g. a load stage boundary. */
export interface VMark {
  x: number;
  label: string;
}

export interface AxisSpec {
  label: string;
  min?: number;
  max?: number;
}

export interface LineChartSpec {
  id: string;
  title: string;
  /** Text alternative: the key figures in one or two sentences. */
  description: string;
  x: AxisSpec & { kind: 'linear' | 'time' | 'percentile' };
  y: AxisSpec;
  y2?: AxisSpec;
  series: LineSeries[];
  refLines?: RefLine[];
  vMarks?: VMark[];
  /** Series longer than 2 × buckets are min/max-downsampled to that many buckets. */
  buckets?: number;
  width?: number;
  height?: number;
}

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';

/**
 * A line chart as a standalone SVG string (works inline in HTML and as a .svg file). The plot area
 * carries its domain and pixel box as data-* attributes, so a test can map points back to values.
 */
export function renderLineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 900;
  let height = spec.height ?? 320;
  const hasY2 = spec.series.some((s) => s.axis === 'right') || (spec.refLines ?? []).some((r) => r.axis === 'right');
  // The legend wraps onto as many rows as it needs; the plot starts below its last row.
  const legendOut = legend(spec.series, spec.refLines ?? [], 66, width);
  const box = { left: 66, right: width - (hasY2 ? 66 : 20), top: 44 + (legendOut.rows - 1) * LEGEND_ROW, bottom: height - 46 + (legendOut.rows - 1) * LEGEND_ROW };
  height += (legendOut.rows - 1) * LEGEND_ROW;
  const buckets = spec.buckets ?? Math.round((box.right - box.left) / 2);

  const drawn = spec.series.map((s) => {
    const ds = minMaxDownsample(s.x, s.y, buckets);
    return { s, x: ds.x, y: ds.y, sourcePoints: Math.min(s.x.length, s.y.length) };
  });

  // The x domain spans the source series, not the downsampled points (a bucket's min/max may sit
  // after its first window).
  const xs = spec.series.flatMap((s) => [s.x[0] as number, s.x[s.x.length - 1] as number]).concat(drawn.flatMap((d) => d.x), (spec.vMarks ?? []).map((v) => v.x));
  const xDomain = domainOf(xs, spec.x, false);
  const yDomain = domainOf(valuesOn(drawn, spec.refLines, 'left'), spec.y, true);
  const y2Domain = domainOf(valuesOn(drawn, spec.refLines, 'right'), spec.y2 ?? { label: '' }, true);
  const xScale = linearScale(xDomain, [box.left, box.right]);
  const yScale = linearScale(yDomain, [box.bottom, box.top]);
  const y2Scale = linearScale(y2Domain, [box.bottom, box.top]);
  const yOf = (axis: 'left' | 'right' | undefined): LinearScale => (axis === 'right' ? y2Scale : yScale);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
      `aria-labelledby="${spec.id}-title ${spec.id}-desc" data-chart="${esc(spec.id)}" font-family="${FONT}" font-size="12">`,
  );
  out.push(`<title id="${spec.id}-title">${esc(spec.title)}</title>`);
  out.push(`<desc id="${spec.id}-desc">${esc(spec.description)}</desc>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(legendOut.svg);

  // Grid and axes.
  out.push('<g class="axes" stroke="#d0d0d0" stroke-width="1">');
  for (const t of niceTicks(yDomain[0], yDomain[1], 5)) out.push(`<line x1="${box.left}" x2="${box.right}" y1="${px(yScale(t))}" y2="${px(yScale(t))}"/>`);
  out.push('</g>');
  out.push(`<rect x="${box.left}" y="${box.top}" width="${box.right - box.left}" height="${box.bottom - box.top}" fill="none" stroke="#666666"/>`);
  out.push('<g class="y-ticks" fill="#333333" text-anchor="end">');
  for (const t of niceTicks(yDomain[0], yDomain[1], 5)) out.push(`<text x="${box.left - 6}" y="${px(yScale(t) + 4)}">${esc(formatTick(t))}</text>`);
  out.push('</g>');
  if (hasY2) {
    out.push('<g class="y2-ticks" fill="#333333" text-anchor="start">');
    for (const t of niceTicks(y2Domain[0], y2Domain[1], 5)) out.push(`<text x="${box.right + 6}" y="${px(y2Scale(t) + 4)}">${esc(formatTick(t))}</text>`);
    out.push('</g>');
  }
  out.push('<g class="x-ticks" fill="#333333" text-anchor="middle">');
  for (const t of xTicks(spec.x.kind, xDomain)) {
    out.push(`<line x1="${px(xScale(t))}" x2="${px(xScale(t))}" y1="${box.bottom}" y2="${box.bottom + 4}" stroke="#666666"/>`);
    out.push(`<text x="${px(xScale(t))}" y="${box.bottom + 19}">${esc(xLabel(spec.x.kind, t))}</text>`);
  }
  out.push('</g>');
  out.push(`<text class="x-label" x="${(box.left + box.right) / 2}" y="${height - 8}" text-anchor="middle" fill="#333333">${esc(spec.x.label)}</text>`);
  out.push(
    `<text class="y-label" transform="translate(14 ${(box.top + box.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#333333">${esc(spec.y.label)}</text>`,
  );
  if (hasY2 && spec.y2) {
    out.push(
      `<text class="y2-label" transform="translate(${width - 10} ${(box.top + box.bottom) / 2}) rotate(90)" text-anchor="middle" fill="#333333">${esc(spec.y2.label)}</text>`,
    );
  }

  // Stage boundaries and reference lines. Labels never overprint: close stage marks (a 5-minute
  // ramp in a 24 h soak) put their labels on successive rows; a reference line's label goes above or
  // below its line, at the right or the left end, wherever no other label is — or is left to the legend.
  const space = new LabelSpace({ x0: box.left, y0: box.top, x1: box.right, y1: box.bottom });
  const rowEnds: number[] = [];
  for (const v of [...(spec.vMarks ?? [])].sort((a, b) => a.x - b.x)) {
    const xv = xScale(v.x);
    const x = px(xv);
    const labelW = textBoxWidth(v.label, VMARK_FONT);
    const rightAligned = xv + labelW > box.right;
    const from = rightAligned ? xv - labelW : xv;
    let row = rowEnds.findIndex((end) => end < from);
    if (row < 0) row = rowEnds.length;
    rowEnds[row] = from + labelW;
    const ty = box.top + 11 + row * 12;
    const tx = rightAligned ? xv - 3 : xv + 3;
    const labelBox = textBox(tx, ty, v.label, VMARK_FONT, rightAligned ? 'end' : 'start');
    const shown = ty < box.bottom - 4;
    if (shown) space.take(labelBox);
    out.push(
      `<g class="vmark" data-x="${num(v.x)}"${shown ? '' : ' data-label="legend"'}><line x1="${x}" x2="${x}" y1="${box.top}" y2="${box.bottom}" stroke="#555555" stroke-dasharray="3 3"/>` +
        (shown ? `<text x="${px(tx)}" y="${ty}"${rightAligned ? ' text-anchor="end"' : ''} fill="#555555" font-size="${VMARK_FONT}">${esc(v.label)}</text>` : '') +
        '</g>',
    );
  }
  for (const r of spec.refLines ?? []) {
    const yv = yOf(r.axis)(r.value);
    const y = px(yv);
    const candidates: Array<{ box: Box; x: number; y: number; anchor: 'start' | 'end' }> = [];
    for (const [tx, anchor] of [[box.right - 4, 'end'], [box.left + 4, 'start']] as const) {
      for (const ty of [yv - 4, yv + REF_FONT + 2]) candidates.push({ box: textBox(tx, ty, r.label, REF_FONT, anchor), x: tx, y: ty, anchor });
    }
    const at = space.place(candidates.map((c) => c.box));
    const c = candidates[at];
    const attrs = `class="refline" data-value="${num(r.value)}" data-axis="${r.axis ?? 'left'}"${r.key !== undefined ? ` data-key="${esc(r.key)}"` : ''}${r.series !== undefined ? ` data-series="${esc(r.series)}"` : ''}${c ? '' : ' data-label="legend"'}`;
    out.push(
      `<g ${attrs}><line x1="${box.left}" x2="${box.right}" y1="${y}" y2="${y}" stroke="${r.colour}" stroke-width="1.5" stroke-dasharray="10 4 2 4"/>` +
        (c ? `<text x="${px(c.x)}" y="${px(c.y)}" text-anchor="${c.anchor}" fill="${r.colour}" font-size="${REF_FONT}">${esc(r.label)}</text>` : '') +
        '</g>',
    );
  }

  // Data.
  out.push(
    `<g class="plot" data-x-kind="${spec.x.kind}" data-x-min="${num(xDomain[0])}" data-x-max="${num(xDomain[1])}" ` +
      `data-y-min="${num(yDomain[0])}" data-y-max="${num(yDomain[1])}" data-y2-min="${num(y2Domain[0])}" data-y2-max="${num(y2Domain[1])}" ` +
      `data-left="${box.left}" data-right="${box.right}" data-top="${box.top}" data-bottom="${box.bottom}">`,
  );
  for (const d of drawn) {
    const ys = yOf(d.s.axis);
    const pts: string[] = [];
    for (let i = 0; i < d.x.length; i++) {
      const yv = d.y[i] as number;
      if (!Number.isFinite(yv)) continue;
      pts.push(`${px(xScale(d.x[i] as number))},${px(ys(yv))}`);
    }
    out.push(
      `<polyline class="series" data-series="${esc(d.s.key)}" data-axis="${d.s.axis ?? 'left'}" data-points="${pts.length}" data-source-points="${d.sourcePoints}" ` +
        `fill="none" stroke="${d.s.colour}" stroke-width="1.8" stroke-linejoin="round"${d.s.dash ? ` stroke-dasharray="${d.s.dash}"` : ''} points="${pts.join(' ')}"/>`,
    );
    // A line of one or two points is hard to see (one is invisible): mark the points.
    const markers = d.s.markers ?? (pts.length <= 2 ? 'circle' : undefined);
    if (markers) {
      out.push(`<g class="markers" data-series="${esc(d.s.key)}">`);
      for (let i = 0; i < d.x.length; i++) {
        const yv = d.y[i] as number;
        if (!Number.isFinite(yv)) continue;
        const shape = typeof markers === 'string' ? markers : (markers[i] ?? 'circle');
        out.push(marker(shape, xScale(d.x[i] as number), ys(yv), d.s.colour));
      }
      out.push('</g>');
    }
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}

function valuesOn(drawn: { s: LineSeries; y: number[] }[], refs: RefLine[] | undefined, axis: 'left' | 'right'): number[] {
  const vals: number[] = [];
  for (const d of drawn) if ((d.s.axis ?? 'left') === axis) vals.push(...d.y);
  for (const r of refs ?? []) if ((r.axis ?? 'left') === axis) vals.push(r.value);
  return vals;
}

function domainOf(values: number[], axis: AxisSpec, fromZero: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) {
    lo = 0;
    hi = 1;
  }
  if (fromZero) lo = Math.min(0, lo);
  if (!fromZero) {
    // x: min/max widen the axis (e.g. to the whole run) but never cut data off.
    if (axis.min !== undefined) lo = Math.min(axis.min, lo);
    if (axis.max !== undefined) hi = Math.max(axis.max, hi);
    return hi === lo ? [lo, lo + 1] : [lo, hi];
  }
  if (axis.min !== undefined) lo = axis.min;
  if (axis.max !== undefined) hi = Math.max(axis.max, lo);
  return niceDomain(lo, hi, 5);
}

function xTicks(kind: 'linear' | 'time' | 'percentile', d: [number, number]): number[] {
  if (kind === 'time') return timeTicks(d[0], d[1]);
  if (kind === 'percentile') {
    const t: number[] = [];
    for (let x = Math.ceil(d[0]); x <= d[1] + 1e-9; x++) t.push(x);
    return t;
  }
  return niceTicks(d[0], d[1], 8);
}

function xLabel(kind: 'linear' | 'time' | 'percentile', v: number): string {
  if (kind === 'time') return formatOffset(v);
  if (kind === 'percentile') return percentileTickLabel(v);
  return formatTick(v);
}

const LEGEND_ROW = 17;
const VMARK_FONT = 10;
const REF_FONT = 11;

function textBoxWidth(text: string, fontSize: number): number {
  const b = textBox(0, 0, text, fontSize);
  return b.x1 - b.x0 + 4;
}

function legend(series: LineSeries[], refs: RefLine[], left: number, width: number): { svg: string; rows: number } {
  const parts: string[] = ['<g class="legend" font-size="12" fill="#222222">'];
  let x = left;
  let y = 18;
  let rows = 1;
  const item = (label: string, draw: (x: number, y: number) => string): void => {
    const w = 34 + textBoxWidth(label, 12) + 12;
    if (x + w > width - 10 && x > left) {
      x = left;
      y += LEGEND_ROW;
      rows++;
    }
    parts.push(draw(x, y));
    parts.push(`<text x="${px(x + 34)}" y="${y + 4}">${esc(label)}</text>`);
    x += w;
  };
  for (const s of series) {
    item(s.label, (lx, ly) => {
      const line = `<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="${s.colour}" stroke-width="2.2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`;
      const m = s.markers ? marker(typeof s.markers === 'string' ? s.markers : 'circle', lx + 14, ly, s.colour, 3.5) : '';
      return line + m;
    });
  }
  for (const r of refs) {
    item(r.label, (lx, ly) => `<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="${r.colour}" stroke-width="1.5" stroke-dasharray="10 4 2 4"/>`);
  }
  parts.push('</g>');
  return { svg: parts.join(''), rows };
}
