import { REPORT_KINDS, type ReportInputs } from '../../report/inputs.js';
import { html, joinHtml, type SafeHtml } from './safe.js';

/** Every artifact the report was built from (and every file it skipped, with why). */
export function sources(inputs: ReportInputs): SafeHtml {
  const items: SafeHtml[] = [];
  for (const k of REPORT_KINDS) {
    for (const l of inputs[k]) {
      items.push(html`<li>${String(l.artifact.schema)} — run <code>${l.artifact.runId}</code>, generated ${l.artifact.generatedAt} — <code>${l.file}</code></li>`);
    }
  }
  for (const s of inputs.skipped) items.push(html`<li>skipped <code>${s.file}</code>: ${s.reason}</li>`);
  return html`<h2 id="sources">Sources</h2>\n<ul class="sources">${joinHtml(items, '\n')}</ul>`;
}
