/**
 * `perf report`: the standalone HTML report with server-side SVG charts, the same charts as .svg
 * files beside the markdown reports, and the inputs it reads (JSON twins by `schema` key).
 */
export { writeHtmlReport, type HtmlReportWritten } from './write.js';
export { inputsFromFiles, inputsFromRun, inputsFromStore, emptyInputs, type ReportInputs } from './inputs.js';
export { buildCharts, isChart, type Chart, type ChartNote } from './charts/index.js';
