import { formatTick, linearScale, niceDomain, niceTicks } from './scale.js';
import { esc, num, px } from './xml.js';

export interface Bar {
  label: string;
  /** Second, smaller line under the label (e.g. `file:line`). */
  detail?: string;
  value: number;
  /** Text printed after the bar (e.g. "412 ms · 23.1 %"). */
  valueText: string;
  colour: string;
  /** A word shown in the bar's value text so the category does not rely on colour. */
  tag?: string;
}

export interface BarChartSpec {
  id: string;
  title: string;
  description: string;
  valueLabel: string;
  bars: Bar[];
  width?: number;
}

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';

/** A horizontal bar chart as a standalone SVG string; each bar carries its value in data-value. */
export function renderBarChart(spec: BarChartSpec): string {
  const width = spec.width ?? 900;
  const rowH = 30;
  const box = { left: 300, right: width - 150, top: 14, bottom: 14 + Math.max(1, spec.bars.length) * rowH };
  const height = box.bottom + 40;
  const max = Math.max(0, ...spec.bars.map((b) => b.value));
  const domain = niceDomain(0, max || 1, 5);
  const x = linearScale(domain, [box.left, box.right]);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
      `aria-labelledby="${spec.id}-title ${spec.id}-desc" data-chart="${esc(spec.id)}" font-family="${FONT}" font-size="12">`,
  );
  out.push(`<title id="${spec.id}-title">${esc(spec.title)}</title>`);
  out.push(`<desc id="${spec.id}-desc">${esc(spec.description)}</desc>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push('<g class="axes" stroke="#d0d0d0">');
  for (const t of niceTicks(domain[0], domain[1], 5)) out.push(`<line x1="${px(x(t))}" x2="${px(x(t))}" y1="${box.top}" y2="${box.bottom}"/>`);
  out.push('</g><g class="x-ticks" fill="#333333" text-anchor="middle">');
  for (const t of niceTicks(domain[0], domain[1], 5)) out.push(`<text x="${px(x(t))}" y="${box.bottom + 15}">${esc(formatTick(t))}</text>`);
  out.push('</g>');
  out.push(`<text class="x-label" x="${(box.left + box.right) / 2}" y="${height - 6}" text-anchor="middle" fill="#333333">${esc(spec.valueLabel)}</text>`);
  out.push(`<g class="plot" data-x-min="${num(domain[0])}" data-x-max="${num(domain[1])}" data-left="${box.left}" data-right="${box.right}">`);
  spec.bars.forEach((b, i) => {
    const y = box.top + i * rowH;
    const w = Math.max(0, x(b.value) - box.left);
    out.push(
      `<g class="bar" data-label="${esc(b.label)}" data-value="${num(b.value)}">` +
        `<text x="${box.left - 8}" y="${y + (b.detail ? 12 : 18)}" text-anchor="end" fill="#222222">${esc(clip(b.label, 44))}</text>` +
        (b.detail ? `<text x="${box.left - 8}" y="${y + 25}" text-anchor="end" fill="#666666" font-size="10">${esc(clip(b.detail, 52))}</text>` : '') +
        `<rect x="${box.left}" y="${y + 5}" width="${px(w)}" height="${rowH - 10}" fill="${b.colour}"/>` +
        `<text x="${px(box.left + w + 6)}" y="${y + 19}" fill="#222222">${esc(b.valueText)}${b.tag ? ` · ${esc(b.tag)}` : ''}</text></g>`,
    );
  });
  out.push('</g></svg>');
  return out.join('\n');
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `…${s.slice(s.length - n + 1)}`;
}
