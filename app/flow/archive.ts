import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ARTIFACTS, DIRS, type ArtifactKind } from '../../core/artifacts/layout.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { readArtifact } from '../../core/contract/read-artifact.js';

export const FLOW_STATE = 'flow.json';

/** What the flow records about one run, in its archive folder. */
export interface FlowState {
  schema: 'perf.flow/v1';
  runId: string;
  startedAt: string;
  endedAt: string;
  phase: 'before' | 'after';
  trigger: string;
  guidance: string;
  /** Archived copy of this run's baseline JSON (relative to the archive folder). */
  baseline: string | null;
  sloStatus: string | null;
  steps: Array<{ step: number; name: string; status: 'done' | 'pending' | 'unavailable' | 'failed' | 'skipped'; note?: string }>;
}

/** `archive/<YYYY-MM-DD>/performance-optimization/<runId>/` */
export function archiveDir(store: ArtifactStore, date: Date = new Date()): string {
  return store.dir(DIRS.archive, date.toISOString().slice(0, 10), 'performance-optimization', store.runId);
}

/**
 * Copies this run's reports, JSON twins and run files into the archive folder. A report pair whose
 * JSON twin carries another run id was left by an earlier command and is not this run's: skipped.
 */
export function archiveRun(store: ArtifactStore, dir: string): string[] {
  const copied: string[] = [];
  const copy = (src: string, rel: string): void => {
    if (!existsSync(src)) return;
    const dst = join(dir, rel);
    mkdirSync(join(dst, '..'), { recursive: true });
    copyFileSync(src, dst);
    copied.push(dst);
  };
  for (const [kind, spec] of Object.entries(ARTIFACTS) as Array<[ArtifactKind, (typeof ARTIFACTS)[ArtifactKind]]>) {
    if (!writtenThisRun(store, kind)) continue;
    copy(store.path(spec.markdown), spec.markdown);
    copy(store.path(spec.json), spec.json);
  }
  const runDir = store.path(DIRS.runs, store.runId);
  if (existsSync(runDir)) for (const f of readdirSync(runDir)) if (statSync(join(runDir, f)).isFile()) copy(join(runDir, f), join('run', basename(f)));
  return copied;
}

/** True when the kind's JSON twin exists and this run wrote it. */
export function writtenThisRun(store: ArtifactStore, kind: ArtifactKind): boolean {
  try {
    return store.readThisRun(kind) !== undefined;
  } catch {
    return false; // unreadable: certainly not something this run can claim
  }
}

/** Flow states of earlier runs, newest first. */
export function archivedRuns(store: ArtifactStore): Array<{ dir: string; state: FlowState }> {
  const root = store.path(DIRS.archive);
  if (!existsSync(root)) return [];
  const out: Array<{ dir: string; state: FlowState }> = [];
  for (const day of readdirSync(root)) {
    const base = join(root, day, 'performance-optimization');
    if (!existsSync(base)) continue;
    for (const run of readdirSync(base)) {
      const f = join(base, run, FLOW_STATE);
      if (!existsSync(f)) continue;
      try {
        out.push({ dir: join(base, run), state: readArtifact('perf.flow/v1', f) });
      } catch {
        // a damaged state file is skipped, not fatal
      }
    }
  }
  return out.sort((a, b) => b.state.startedAt.localeCompare(a.state.startedAt));
}
