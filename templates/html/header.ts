import { SecretSet } from '../../core/redact.js';
import { fmtNum } from '../../core/format.js';
import { formatOffset } from '../../report/svg/scale.js';
import { primary, REPORT_KINDS, type ReportInputs } from '../../report/inputs.js';
import { scenarioRuns } from '../../report/scenarios.js';
import { describeRunners } from '../../analyzers/merge/runners.js';
import { html, joinHtml, type SafeHtml } from './safe.js';

export interface RunHeader {
  target: string;
  scenarios: string;
  runIds: string;
  time: string;
  k6: string;
  perf: string;
  /** Scale-out runs only: the merged k6 runners and whether any was short. */
  runners?: string;
}

/** What a reader needs to know which run this is: target, scenario(s), run id, time (UTC), k6 and perf versions. */
export function runHeader(inputs: ReportInputs, toolVersion: string): RunHeader {
  const runs = scenarioRuns(inputs);
  const b = primary(inputs.baseline)?.artifact;
  const p = primary(inputs.profile)?.artifact;
  const baseUrl = runs.map((r) => r.run.target?.baseUrl).find((u) => u !== undefined) ?? b?.target.baseUrl ?? p?.target.baseUrl;
  const runIds = [...new Set(REPORT_KINDS.flatMap((k) => inputs[k].map((l) => l.artifact.runId)))];
  const k6 = [
    ...new Set(
      runs.map((r) => `${r.run.k6.version}${r.run.k6.extension ? ` with the perf extension${r.run.k6.extensionVersion ? ` ${r.run.k6.extensionVersion}` : ''}` : ' (stock k6: no perf extension)'}`),
    ),
  ];
  const runners = runs.flatMap((r) => (r.run.runners ? [`${runs.length > 1 ? `${r.scenario}: ` : ''}${describeRunners(r.run.runners)}`] : []));
  const perf = [...new Set(REPORT_KINDS.flatMap((k) => inputs[k].map((l) => l.artifact.tool?.version)).filter((v): v is string => typeof v === 'string'))];
  const time = runs.length
    ? runs.map((r) => `${r.run.startedAt} → ${r.run.endedAt} (${formatOffset(r.run.durationMs)}${runs.length > 1 ? `, ${r.scenario}` : ''})`).join('; ')
    : b
      ? `baseline generated ${b.generatedAt} (${formatOffset(b.durationMs)} measured)`
      : (REPORT_KINDS.map((k) => primary(inputs[k])?.artifact.generatedAt).find(Boolean) ?? 'not recorded');
  return {
    target: baseUrl ? new SecretSet().redact(baseUrl) : 'not recorded in these artifacts',
    scenarios: runs.length ? runs.map((r) => `${r.scenario}${r.run.quick ? ' (quick)' : ''}${r.run.partial ? ' (partial run)' : ''}`).join(', ') : b ? 'baseline only (no load test)' : 'no load test',
    runIds: runIds.join(', ') || 'n/a',
    time,
    k6: k6.join('; ') || 'no load test in these artifacts',
    perf: `${perf.length ? `artifacts written by perf ${perf.join(', ')}` : 'artifacts name no perf version'}; report by perf ${toolVersion}`,
    ...(runners.length ? { runners: runners.join('; ') } : {}),
  };
}

export function headerSection(inputs: ReportInputs, toolVersion: string, generatedAt: string): SafeHtml {
  const h = runHeader(inputs, toolVersion);
  const rows: Array<[string, string, string]> = [
    ['target', 'header-target', h.target],
    [inputs.loadtest.length > 1 ? 'scenarios' : 'scenario', 'header-scenario', h.scenarios],
    ['run id', 'header-run', h.runIds],
    ['time (UTC)', 'header-time', h.time],
    ['k6', 'header-k6', h.k6],
    ['perf', 'header-perf', h.perf],
    ...(h.runners ? [['k6 runners', 'header-runners', h.runners] as [string, string, string]] : []),
  ];
  const count = REPORT_KINDS.reduce((n, k) => n + inputs[k].length, 0);
  return html`<h1>Performance report</h1>
<dl class="run-header" id="run-header">${joinHtml(rows.map(([k, id, v]) => html`<dt>${k}</dt><dd id="${id}">${v}</dd>`))}</dl>
<p class="meta">Generated ${generatedAt} from ${fmtNum(count)} artifact(s). Works offline; no script.</p>`;
}
