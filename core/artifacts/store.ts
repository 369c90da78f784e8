import { existsSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
import { ARTIFACTS, DIRS, type ArtifactKind } from './layout.js';
import { newRunId } from './run-id.js';
import { checkArtifact, isArtifactSchemaKey, parseJson } from '../contract/read-artifact.js';
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
    writeJsonAtomic(jsonPath, artifact);
    writeJsonAtomic(join(this.runDir(), `${kind}.json`), artifact);
    writeFileAtomic(markdownPath, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
    return { markdownPath, jsonPath, artifact };
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
