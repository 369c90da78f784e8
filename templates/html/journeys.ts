import type { LoadFigures } from '../../core/artifacts/schemas.js';
import { fmtMs, fmtNum, fmtPct } from '../../core/format.js';
import { primary, type ReportInputs } from '../../report/inputs.js';
import { html, joinHtml, type HtmlValue, type SafeHtml } from './safe.js';
import { table } from './table.js';

const HEADER = ['journey', 'requests', 'errors', 'error rate', 'req/s', 'p50', 'p95', 'p99', 'max'];
const NUMERIC = [false, true, true, true, true, true, true, true, true];

export function figuresRows(list: readonly LoadFigures[]): HtmlValue[][] {
  return list.map((f) => [
    f.name,
    fmtNum(f.requests),
    fmtNum(f.errors),
    fmtPct(f.errorRate),
    fmtNum(f.throughputRps),
    fmtMs(f.latencyMs?.p50),
    fmtMs(f.latencyMs?.p95),
    fmtMs(f.latencyMs?.p99),
    fmtMs(f.latencyMs?.max),
  ]);
}

/** Per-journey figures of a list of journeys plus the overall row. */
export function journeyTable(journeys: readonly LoadFigures[], overall: LoadFigures): SafeHtml {
  return table(HEADER, figuresRows([...journeys, overall]), NUMERIC);
}

/** Per-journey tables of the primary load test and the baseline. */
export function journeysSection(inputs: ReportInputs): SafeHtml | '' {
  const out: SafeHtml[] = [];
  const lt = primary(inputs.loadtest)?.artifact;
  if (lt && Array.isArray(lt.journeys)) out.push(html`<h3>Load test (${lt.scenario})</h3>\n${journeyTable(lt.journeys, lt.overall)}`);
  const b = primary(inputs.baseline)?.artifact;
  if (b && Array.isArray(b.journeys)) out.push(html`<h3>Baseline</h3>\n${journeyTable(b.journeys, b.overall)}`);
  return out.length ? html`<h2 id="journeys">Per-journey figures</h2>\n${joinHtml(out, '\n')}` : '';
}
