import type { Chart } from './charts/index.js';

const START = '<!-- perf:charts:start -->';
const END = '<!-- perf:charts:end -->';

/**
 * The "Charts" block a markdown report gets: image links to the .svg files beside it (repository
 * viewers render them) and the text alternative under each. Fenced by markers, so re-running
 * `perf report` replaces the block instead of appending another.
 */
export function chartsMarkdownBlock(charts: readonly Chart[], relDir = 'charts'): string {
  const parts = [START, '## Charts', ''];
  for (const c of charts) {
    parts.push(`![${c.title}](${relDir}/${c.id}.svg)`, '', `*${c.title}:* ${c.summary}`, '');
  }
  parts.push(END);
  return parts.join('\n');
}

/** Markdown with its charts block added, or replaced when one is there already. */
export function withChartsBlock(markdown: string, block: string): string {
  const s = markdown.indexOf(START);
  const e = markdown.indexOf(END);
  if (s >= 0 && e > s) return `${markdown.slice(0, s)}${block}${markdown.slice(e + END.length)}`;
  return `${markdown.replace(/\s*$/, '')}\n\n${block}\n`;
}
