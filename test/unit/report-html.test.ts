// What a reader sees in the HTML report of a constructed run: escaping, header, per-journey SLO
// lines, the sections a load test adds. Each case builds artifacts in memory and renders the page.
import { describe, expect, it } from 'vitest';
import { buildCharts } from '../../report/charts/index.js';
import { emptyInputs, type ReportInputs } from '../../report/inputs.js';
import { html, raw } from '../../templates/html/safe.js';
import { renderHtmlReport } from '../../templates/html-report.js';
import { syntheticLoadtest } from '../fixtures/report/synthetic.js';

function render(inputs: ReportInputs): string {
  return renderHtmlReport({ inputs, charts: buildCharts(inputs), generatedAt: '2026-11-23T10:00:00.000Z', toolVersion: '9.9.9' });
}

function inputsOf(parts: Partial<Pick<ReportInputs, 'loadtest' | 'slo' | 'baseline'>>): ReportInputs {
  return { ...emptyInputs(), ...parts };
}

describe('escaping by default', () => {
  it('escapes every interpolation of the html tag and passes only raw() markup through', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(String(html`<td>${name}</td>`)).toBe('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(String(html`<p>${raw('<b>ok</b>')} ${['<i>', html`<i>`]}</p>`)).toBe('<p><b>ok</b> &lt;i&gt;<i></p>');
    expect(String(html`<p>${null}${undefined}${false}${0}</p>`)).toBe('<p>0</p>');
  });

  it('shows a journey named <script> as text, never as a script element', () => {
    const lt = syntheticLoadtest({ runId: 'evil', windows: 12 });
    const evil = '<script>alert("x")</script>';
    lt.journeys[0]!.name = evil;
    for (const w of lt.windows) {
      w.journeys[evil] = w.journeys.browse!;
      delete w.journeys.browse;
    }
    const page = render(inputsOf({ loadtest: [{ artifact: lt, file: 'lt.json' }] }));
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });
});
