import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { jsonText, writeFileAtomic, writeFilesAtomic, writeJsonAtomic, type FileWrite } from './atomic.js';
import { ARTIFACTS, DIRS, type ArtifactKind } from './layout.js';
import { newRunId } from './run-id.js';
import { checkArtifact, isArtifactSchemaKey, parseJson } from '../contract/read-artifact.js';
import { RuntimeFailure, UserError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';

/** Fields every JSON twin carries besides its own payload. */
export interface ArtifactEnvelope {
  schema: string;
  runId: string;
  generatedAt: string;
  tool: { name: 'perf'; version: string };
}

export type Artifact<T> = ArtifactEnvelope & T;

export interface WrittenReport {
  markdownPath: string;
  jsonPath: string;
}

/** Bytes of the probe file written before any load: a full or tiny filesystem fails here, not after the run. */
export const PROBE_BYTES = 1 << 20;

/** The directories reports land in; each is probed, so one read-only subdirectory is found up front. */
const REPORT_DIRS = [DIRS.reports, DIRS.performance, DIRS.testing, DIRS.planning, DIRS.runs] as const;

/** The error an fs call throws (EACCES, ENOSPC, EROFS, …), as opposed to a bug. */
function fsErrorCode(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException;
  return typeof e?.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) ? e.code : null;
}

/** Where results go when the out-dir refuses them: $PERF_RESCUE_DIR, else the system temp dir. */
export function rescueRoot(runId: string): string {
  return join(process.env.PERF_RESCUE_DIR || tmpdir(), `perf-rescue-${runId}`);
}

/** The one artifact writer: owns the `.aiwg/` layout, run ids and atomic writes. */
export class ArtifactStore {
  readonly root: string;
  readonly runId: string;

  constructor(outDir: string, runId: string = newRunId(), cwd = process.cwd()) {
    this.root = resolve(cwd, outDir);
    this.runId = runId;
  }

  /** Absolute path of a file under the output dir. */
  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** Creates (if needed) and returns a directory under the output dir. */
  dir(...parts: string[]): string {
    const d = this.path(...parts);
    mkdirSync(d, { recursive: true });
    return d;
  }

  /**
   * Checks, before any load runs, that every report directory can be created and written and that a
   * probe file of PROBE_BYTES fits: an unwritable, read-only or full out-dir is a UserError (exit 2)
   * naming the directory, instead of an EPERM after the whole measurement.
   */
  assertWritable(): void {
    for (const d of [...REPORT_DIRS.filter((x) => x !== DIRS.runs), join(DIRS.runs, this.runId)]) {
      const dir = this.path(d);
      const probe = join(dir, `.perf-write-probe-${process.pid}`);
      // The probe leaves no trace: a run directory it had to create goes again, so a command that
      // writes nothing (a failing `perf report --run`) does not show up among the runs.
      const created = d !== DIRS.runs && d.startsWith(DIRS.runs) && !existsSync(dir);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileAtomic(probe, d.startsWith(DIRS.runs) ? Buffer.alloc(PROBE_BYTES) : 'probe\n');
      } catch (err) {
        const code = fsErrorCode(err);
        if (code === null) throw err;
        throw new UserError(`the output directory is not writable: ${code === 'ENOSPC' || code === 'EDQUOT' ? `no room for a ${PROBE_BYTES >> 20} MB probe file` : (err as Error).message} (${code})`, {
          where: dir,
          fix: `fix its permissions or free space, or pass --out-dir <writable dir>; nothing was run`,
        });
      } finally {
        try {
          rmSync(probe, { force: true });
          if (created && readdirSync(dir).length === 0) rmdirSync(dir);
        } catch {
          // the directory itself is unusable: reported above
        }
      }
    }
  }

  /** Per-run working directory: `working/runs/<runId>/`. */
  runDir(): string {
    return this.dir(DIRS.runs, this.runId);
  }

  envelope(kind: ArtifactKind): ArtifactEnvelope {
    return {
      schema: ARTIFACTS[kind].schema,
      runId: this.runId,
      generatedAt: new Date().toISOString(),
      tool: { name: 'perf', version: TOOL_VERSION },
    };
  }

  /**
   * Writes a report pair: the JSON twin first (with its `schema` key), then the markdown. Both are
   * atomic; a copy of the JSON is kept under the run dir so `perf report --run <id>` can find it.
   */
  writeReport<T extends object>(kind: ArtifactKind, payload: T, markdown: string): WrittenReport & { artifact: Artifact<T> } {
    const artifact = { ...this.envelope(kind), ...payload } as Artifact<T>;
    const spec = ARTIFACTS[kind];
    const jsonPath = this.path(spec.json);
    const markdownPath = this.path(spec.markdown);
    const json = jsonText(artifact);
    const writes: FileWrite[] = [
      { file: jsonPath, data: json },
      { file: this.path(DIRS.runs, this.runId, `${kind}.json`), data: json },
      { file: markdownPath, data: markdown.endsWith('\n') ? markdown : `${markdown}\n` },
    ];
    try {
      // One unit: the report, its twin and the run copy are all new, or all as they were.
      writeFilesAtomic(writes);
    } catch (err) {
      if (fsErrorCode(err) === null) throw err;
      throw this.rescue(writes, err as NodeJS.ErrnoException);
    }
    return { markdownPath, jsonPath, artifact };
  }

  /**
   * The out-dir refused a report after the run: the same files go to the rescue dir (same layout),
   * and the error says where. If even that fails, the JSON twin goes to stderr — a result is never lost.
   */
  private rescue(writes: readonly FileWrite[], cause: NodeJS.ErrnoException): RuntimeFailure {
    const root = rescueRoot(this.runId);
    const failed = cause.path ?? writes[0]!.file;
    const why = `could not write ${this.display(failed)} (${cause.code}: ${cause.message.split(',')[0]?.replace(/^\w+: /, '') ?? cause.code})`;
    try {
      const saved = writes.map((w) => ({ file: join(root, relative(this.root, w.file)), data: w.data }));
      for (const w of saved) mkdirSync(dirname(w.file), { recursive: true });
      writeFilesAtomic(saved);
      return new RuntimeFailure(`${why}; the results were saved to ${root} instead`, {
        where: this.root,
        fix: `free space or fix the permissions of ${this.root}, then copy the files back from ${root}`,
        detail: saved.map((w) => w.file).join('\n'),
      });
    } catch {
      process.stderr.write(`${String(writes[0]!.data)}\n`);
      return new RuntimeFailure(`${why}, and the rescue dir ${root} is not writable either; the JSON result was printed to stderr above`, {
        where: this.root,
        fix: 'free space or fix permissions (or set PERF_RESCUE_DIR to a writable dir) and re-run',
      });
    }
  }

  writeText(relPath: string, text: string): string {
    const p = this.path(relPath);
    writeFileAtomic(p, text);
    return p;
  }

  writeJson(relPath: string, value: unknown): string {
    const p = this.path(relPath);
    writeJsonAtomic(p, value);
    return p;
  }

  /** Reads the latest JSON twin of a kind, or undefined if none was written yet. */
  readLatest<T = Record<string, unknown>>(kind: ArtifactKind): Artifact<T> | undefined {
    const p = this.path(ARTIFACTS[kind].json);
    if (!existsSync(p)) return undefined;
    return readArtifactFile<T>(p, ARTIFACTS[kind].schema);
  }

  /**
   * The latest JSON twin of a kind only if this run (this store's run id) wrote it: what a
   * multi-step command like `perf flow` may build on. An artifact left by an earlier command is
   * ignored (undefined), never mistaken for this run's result.
   */
  readThisRun<T = Record<string, unknown>>(kind: ArtifactKind): Artifact<T> | undefined {
    const a = this.readLatest<T>(kind);
    return a && a.runId === this.runId ? a : undefined;
  }

  /** Path relative to cwd, for printing. */
  display(p: string, cwd = process.cwd()): string {
    const r = relative(cwd, p);
    return r.startsWith('..') ? p : r;
  }
}

/**
 * Reads a JSON artifact: a bounded regular file, valid JSON, the expected `schema` key, and a payload
 * the contract accepts for its schema key (core/contract/read-artifact.ts). A clear UserError otherwise.
 */
export function readArtifactFile<T = Record<string, unknown>>(file: string, expectedSchema?: string): Artifact<T> {
  const data = parseJson(file);
  if (expectedSchema !== undefined && !isArtifactSchemaKey(expectedSchema)) throw new Error(`unknown artifact schema ${expectedSchema}`);
  return checkArtifact(data, file, expectedSchema) as Artifact<T>;
}
