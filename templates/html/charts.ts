import { isChart, type ChartOutcome } from '../../report/charts/index.js';
import { html, raw, type SafeHtml } from './safe.js';

/** One chart as a figure (inline SVG + its text alternative as caption), or a note saying why it is missing. */
export function chartFigure(c: ChartOutcome): SafeHtml {
  if (isChart(c)) {
    // The SVG is built by report/svg, which escapes every text it draws.
    return html`<figure id="${c.id}" data-chart-figure="${c.id}">${raw(c.svg)}<figcaption><strong>${c.title}</strong>${c.summary}</figcaption></figure>`;
  }
  return html`<p class="missing" id="${c.id}" data-chart-missing="${c.id}"><strong>${c.title}</strong> — not shown: ${c.reason}.</p>`;
}
