import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ARTIFACTS, DIRS, type ArtifactKind } from '../core/artifacts/layout.js';
import type { BaselinePayload, LoadTestPayload, ProfilePayload, SloPayload } from '../core/artifacts/schemas.js';
import { readArtifactFile, type Artifact, type ArtifactStore } from '../core/artifacts/store.js';
import { SCENARIO_NAMES, type ResourceLimits } from '../core/contract/config.js';
import { UserError } from '../core/errors.js';

/** Kinds the report knows how to show (the load-test plan is a plan for scripts, not a result). */
export const REPORT_KINDS = ['baseline', 'profile', 'loadtest', 'slo', 'bottlenecks', 'plan', 'summary'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** An artifact whose payload shape the report reads defensively (owned by another module). */
export type LooseArtifact = Artifact<Record<string, unknown>>;

export interface Loaded<T> {
  artifact: Artifact<T>;
  /** Where it was read from (for the report's "sources" list). */
  file: string;
}

/**
 * What a report is built from. Each kind may appear more than once (e.g. `--from before.json
 * after.json`): the LAST one is the primary; earlier ones are overlaid as "before" where a chart can.
 */
export interface ReportInputs {
  baseline: Loaded<BaselinePayload>[];
  profile: Loaded<ProfilePayload>[];
  loadtest: Loaded<LoadTestPayload>[];
  slo: Loaded<SloPayload>[];
  bottlenecks: Loaded<Record<string, unknown>>[];
  plan: Loaded<Record<string, unknown>>[];
  summary: Loaded<Record<string, unknown>>[];
  /** Files that were read but are not a kind the report shows, and why. */
  skipped: { file: string; reason: string }[];
  /** The runs the comparison artifact compared, when they can still be found (for the overlay). */
  compared?: ComparedRuns;
  /** The config's resource limits (`limits:`), when the report was given a config: drawn and judged on every resource series. */
  limits?: ResourceLimits;
}

/** The before/after artifacts a perf.compare/v1 names (by file and run id), as far as they are found. */
export interface ComparedRuns {
  before?: LooseArtifact;
  after?: LooseArtifact;
  /** Sides that could not be found, with where they were looked for. */
  missing: string[];
}

export function emptyInputs(): ReportInputs {
  return { baseline: [], profile: [], loadtest: [], slo: [], bottlenecks: [], plan: [], summary: [], skipped: [] };
}

export function inputCount(inputs: ReportInputs): number {
  return REPORT_KINDS.reduce((n, k) => n + inputs[k].length, 0);
}

/** The report kind of a `schema` key, or undefined when it is not one the report shows. */
export function kindOfSchema(schema: unknown): ReportKind | undefined {
  if (typeof schema !== 'string') return undefined;
  return REPORT_KINDS.find((k) => ARTIFACTS[k].schema === schema);
}

/** Files one artifact under its kind (by its `schema` key), or under `skipped` with the reason. */
export function addArtifact(inputs: ReportInputs, file: string, artifact: LooseArtifact): void {
  const kind = kindOfSchema(artifact.schema);
  if (!kind) {
    const known = Object.values(ARTIFACTS).some((a) => a.schema === artifact.schema);
    inputs.skipped.push({
      file,
      reason: known ? `${String(artifact.schema)} is not shown in the HTML report` : `unknown schema ${JSON.stringify(artifact.schema ?? null)}`,
    });
    return;
  }
  (inputs[kind] as Loaded<unknown>[]).push({ artifact: artifact as Artifact<unknown>, file });
}

/** `--from a.json b.json …`: any mix of JSON twins, detected by their `schema` key, in the given order. */
export function inputsFromFiles(files: readonly string[]): ReportInputs {
  const inputs = emptyInputs();
  for (const file of files) {
    const artifact = readArtifactFile<Record<string, unknown>>(file);
    if (typeof artifact !== 'object' || artifact === null || Array.isArray(artifact)) {
      throw new UserError('expected a JSON object with a "schema" key', { where: file });
    }
    addArtifact(inputs, file, artifact);
  }
  return inputs;
}

/** `--run <id>`: the copies ArtifactStore keeps under `working/runs/<id>/`. */
export function inputsFromRun(store: ArtifactStore, runId: string): ReportInputs {
  const dir = store.path(DIRS.runs, runId);
  if (!/^[A-Za-z0-9._-]+$/.test(runId) || !existsSync(dir)) {
    const runsDir = store.path(DIRS.runs);
    const runs = existsSync(runsDir) ? readdirSync(runsDir).sort().slice(-5) : [];
    throw new UserError(`no run "${runId}"`, {
      where: dir,
      fix: runs.length ? `pick one of the latest runs: ${runs.join(', ')}` : 'run perf baseline or perf loadtest first, or pass --from <files>',
    });
  }
  // The flow keeps each load test of the run under loadtests/<scenario>.json; the run's loadtest.json
  // is then a copy of one of them, so it is left out and every scenario shows once.
  const suiteDir = join(dir, 'loadtests');
  const suite = existsSync(suiteDir)
    ? readdirSync(suiteDir)
        .filter((f) => f.endsWith('.json'))
        .sort((a, b) => scenarioRank(a) - scenarioRank(b) || a.localeCompare(b))
        .map((f) => join(suiteDir, f))
    : [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !(suite.length > 0 && f === 'loadtest.json'))
    .sort(byKindOrder)
    .map((f) => join(dir, f));
  const at = files.findIndex((f) => byKindOrder(basename(f), 'loadtest.json') > 0);
  return inputsFromFiles(suite.length ? [...files.slice(0, at < 0 ? files.length : at), ...suite, ...(at < 0 ? [] : files.slice(at))] : files);
}

/** Scenarios in the order the flow runs them. */
function scenarioRank(file: string): number {
  const i = (SCENARIO_NAMES as readonly string[]).indexOf(basename(file, '.json'));
  return i < 0 ? SCENARIO_NAMES.length : i;
}

/** No flags: the latest JSON twin of each kind in the output dir. */
export function inputsFromStore(store: ArtifactStore): ReportInputs {
  const inputs = emptyInputs();
  for (const kind of REPORT_KINDS) {
    const file = store.path(ARTIFACTS[kind].json);
    if (existsSync(file)) addArtifact(inputs, file, readArtifactFile<Record<string, unknown>>(file));
  }
  return inputs;
}

function byKindOrder(a: string, b: string): number {
  const rank = (f: string): number => {
    const i = (REPORT_KINDS as readonly string[]).indexOf(basename(f, '.json') as ArtifactKind);
    return i < 0 ? REPORT_KINDS.length : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** The primary (last given) artifact of a kind. */
export function primary<T>(list: Loaded<T>[]): Loaded<T> | undefined {
  return list[list.length - 1];
}

interface RunRef {
  file?: unknown;
  schema?: unknown;
  runId?: unknown;
}

/**
 * Finds the before/after runs of the primary comparison: first the copy the store keeps under
 * `working/runs/<runId>/`, then the file as the comparison names it (relative to the comparison's
 * folder or the cwd). A file counts only if its run id is the one compared — `working/performance/`
 * twins are overwritten by later runs.
 */
export function resolveComparedRuns(inputs: ReportInputs, store?: ArtifactStore): ComparedRuns | undefined {
  const cmp = primary(inputs.summary);
  if (!cmp) return undefined;
  const out: ComparedRuns = { missing: [] };
  for (const side of ['before', 'after'] as const) {
    const ref = (cmp.artifact[side] ?? {}) as RunRef;
    if (typeof ref.runId !== 'string') {
      out.missing.push(`${side}: the comparison names no run`);
      continue;
    }
    const kind = kindOfSchema(ref.schema);
    const candidates = [
      ...(store && kind && /^[A-Za-z0-9._-]+$/.test(ref.runId) ? [store.path(DIRS.runs, ref.runId, `${kind}.json`)] : []),
      ...(typeof ref.file === 'string' ? [resolve(dirname(cmp.file), ref.file), resolve(ref.file)] : []),
    ];
    const found = candidates.find((f) => existsSync(f) && runIdOf(f) === ref.runId);
    if (found) out[side] = readArtifactFile<Record<string, unknown>>(found);
    else out.missing.push(`${side}: run ${ref.runId} not found (looked in ${candidates.join(', ') || 'nowhere'})`);
  }
  return out;
}

function runIdOf(file: string): string | undefined {
  try {
    return readArtifactFile(file).runId;
  } catch {
    return undefined;
  }
}
