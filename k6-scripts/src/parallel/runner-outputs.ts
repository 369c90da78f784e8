/**
 * The user's own k6 outputs (`--k6-out`, K6_OUT, `--out`/`-o` after `--`) under `perf loadtest --parallel`:
 * N runners must not write one file. The file outputs get one file per runner, named for the runner
 * (`json=results.json` → `json=results.r0.json`, `csv=fileName=a.csv,…` → `…fileName=a.r0.csv,…`; a
 * bare `csv` is k6's `file.csv`); json to stdout (`json`, `json=-`) and outputs that send to a
 * service (Prometheus, InfluxDB, StatsD, OpenTelemetry, cloud) pass unchanged; `web-dashboard` (one HTTP
 * port and one report file per process) is refused before any load, as is any output this module does
 * not know. A service receives every runner's samples: with a service output, each runner tags its own
 * (`--tag runner=r0`, the test-wide tag k6's maintainers advise for k6 instances sharing one Prometheus),
 * so their series stay apart in the service and sum to the whole test. perf's own output keys series by
 * journey, name, scenario and status only, so the tag does not split perf's figures. PURE.
 */
import { UserError } from '../../../core/errors.js';

/** Outputs that send to a service, not to a file: every runner may use the same argument. */
const SERVICE_OUTPUTS = new Set(['experimental-prometheus-rw', 'influxdb', 'statsd', 'experimental-opentelemetry', 'opentelemetry', 'cloud']);

/** `results.csv` → `results.r0.csv`, `out.json.gz` → `out.r0.json.gz`, `out` → `out.r0`. */
export function runnerPath(path: string, runner: string): string {
  const m = /^(.*?[^/])((?:\.[^./]+)?(?:\.gz)?)$/.exec(path);
  return m ? `${m[1]}.${runner}${m[2]}` : `${path}.${runner}`;
}

function refuse(output: string, why: string): UserError {
  return new UserError(`--out ${output} cannot run with --parallel: ${why}`, {
    where: '--k6-out',
    fix: 'drop that output, or run without --parallel; perf writes one merged result of all runners anyway (working/runs/<id>/<scenario>.perf.ndjson)',
  });
}

/** The test-wide tag that keeps runners' series apart in a service (`--tag runner=r0`). */
export const RUNNER_TAG = 'runner';

const outputName = (output: string): string => (output.includes('=') ? output.slice(0, output.indexOf('=')) : output);

/** One `--out` value as runner `runner` must get it; a UserError (exit 2) when N runners cannot share it. */
export function runnerOutput(output: string, runner: string): string {
  const name = outputName(output);
  const arg = name.length < output.length ? output.slice(name.length + 1) : '';
  switch (name) {
    case 'json':
      return arg === '' || arg === '-' ? output : `json=${runnerPath(arg, runner)}`;
    case 'csv': {
      if (!arg.includes('=')) return `csv=${runnerPath(arg || 'file.csv', runner)}`;
      const pairs = arg.split(',');
      if (!pairs.some((p) => p.startsWith('fileName='))) pairs.push('fileName=file.csv');
      return `csv=${pairs.map((p) => (p.startsWith('fileName=') ? `fileName=${runnerPath(p.slice('fileName='.length), runner)}` : p)).join(',')}`;
    }
    case 'web-dashboard':
      throw refuse(output, 'every runner would serve its own dashboard on one port and export its own share of the test');
    default:
      if (SERVICE_OUTPUTS.has(name)) return output;
      throw refuse(output, `perf cannot tell whether "${name}" writes a file, which N runners would then share`);
  }
}

const OUT_FLAG = /^(--out=|-o=?)(.+)$/;

/** `k6 run` arguments (after `--`) with every `--out`/`-o` value made the runner's own. */
export function runnerK6Args(args: readonly string[], runner: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const joined = OUT_FLAG.exec(a);
    if (joined) out.push(`${joined[1]}${runnerOutput(joined[2]!, runner)}`);
    else if ((a === '--out' || a === '-o') && i + 1 < args.length) out.push(a, runnerOutput(args[++i]!, runner));
    else out.push(a);
  }
  return out;
}

/** The `--out` values among `k6 run` arguments. */
function outValues(args: readonly string[]): string[] {
  return args.flatMap((a, i) => OUT_FLAG.exec(a)?.[2] ?? ((args[i - 1] === '--out' || args[i - 1] === '-o') ? [a] : []));
}

const TAG_FLAG = /^--tag(?:=(.*))?$/;

/** The `--tag` values among `k6 run` arguments (`--tag k=v`, `--tag=k=v`). */
function tagValues(args: readonly string[]): string[] {
  return args.flatMap((a, i) => {
    const m = TAG_FLAG.exec(a);
    if (!m) return [];
    const v = m[1] ?? args[i + 1];
    return v === undefined ? [] : [v];
  });
}

/** The service outputs among the user's outputs and `k6 run` arguments. */
const serviceOutputs = (outputs: readonly string[], args: readonly string[]): string[] =>
  [...outputs, ...outValues(args)].filter((o) => SERVICE_OUTPUTS.has(outputName(o)));

/** The `k6 run` arguments that tag runner `runner`'s samples: `--tag runner=<runner>` when a service output is used, else none. */
export function runnerTagArgs(outputs: readonly string[], args: readonly string[], runner: string): string[] {
  return serviceOutputs(outputs, args).length > 0 ? ['--tag', `${RUNNER_TAG}=${runner}`] : [];
}

/**
 * Checked before any load: a UserError (exit 2) when N runners cannot share an output (or the user's own
 * `--tag runner=` would hide which runner sent a series); else what each runner does differently, one
 * note per output ([] when nothing changes).
 */
export function planRunnerOutputs(outputs: readonly string[], args: readonly string[], runners: readonly string[]): string[] {
  const notes: string[] = [];
  for (const o of [...outputs, ...outValues(args)]) {
    const per = runners.map((r) => runnerOutput(o, r));
    if (per[0] !== o) notes.push(`--out ${o} with --parallel: each runner writes its own file (${per.join(', ')})`);
  }
  const services = serviceOutputs(outputs, args);
  if (services.length > 0) {
    if (tagValues(args).some((t) => t.startsWith(`${RUNNER_TAG}=`))) {
      throw new UserError(`--tag ${RUNNER_TAG}=… cannot run with --parallel and --out ${services[0]}`, {
        where: 'the k6 arguments after --',
        fix: `drop it, or name your tag otherwise: perf tags each runner's samples ${RUNNER_TAG}=${runners[0]}, ${RUNNER_TAG}=${runners[1] ?? '…'} so that their series stay apart in the service`,
      });
    }
    notes.push(
      `--out ${services.join(', ')} with --parallel: each runner tags its samples ${runners.map((r) => `${RUNNER_TAG}=${r}`).join(', ')} (one series per runner in the service; sum over "${RUNNER_TAG}" for the whole test)`,
    );
  }
  return notes;
}
