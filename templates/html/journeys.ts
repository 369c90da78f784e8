import type { LoadFigures } from '../../core/artifacts/schemas.js';
import { fmtPercentileMs, fmtSampleMs } from '../../analyzers/sample-size.js';
import { fmtNum, fmtPct } from '../../core/format.js';
import { primary, type ReportInputs } from '../../report/inputs.js';
import { html, type HtmlValue, type SafeHtml } from './safe.js';
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
    fmtPercentileMs(f.latencyMs?.p50, f.requests, 50),
    fmtPercentileMs(f.latencyMs?.p95, f.requests, 95),
    fmtPercentileMs(f.latencyMs?.p99, f.requests, 99),
    fmtSampleMs(f.latencyMs?.max, f.requests),
  ]);
}

/** Per-journey figures of a list of journeys plus the overall row. */
export function journeyTable(journeys: readonly LoadFigures[], overall: LoadFigures): SafeHtml {
  return table(HEADER, figuresRows([...journeys, overall]), NUMERIC);
}

/** The baseline's per-journey table (each load test shows its own in its section). */
export function journeysSection(inputs: ReportInputs): SafeHtml | '' {
  const b = primary(inputs.baseline)?.artifact;
  if (!b || !Array.isArray(b.journeys)) return '';
  return html`<h2 id="journeys">Baseline per-journey figures</h2>\n${journeyTable(b.journeys, b.overall)}`;
}
