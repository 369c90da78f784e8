/**
 * `perf export --csv`: a load test as two CSV files for spreadsheets — one row per window
 * (loadtest-windows.csv) and one per journey plus overall (loadtest-journeys.csv).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/artifacts/atomic.js';
import { ARTIFACTS, DIRS } from '../core/artifacts/layout.js';
import type { LoadTestPayload } from '../core/artifacts/schemas.js';
import { readArtifactFile, type ArtifactStore } from '../core/artifacts/store.js';
import { UserError } from '../core/errors.js';
import { journeysCsv, windowsCsv } from '../templates/loadtest-csv.js';

export interface CsvExportRequest {
  store: ArtifactStore;
  /** A perf.loadtest/v1 artifact [default: the latest loadtest in the store]. */
  from?: string;
  /** Directory for the CSV files [default: <out-dir>/working/exports]. */
  output?: string;
}

export interface CsvExportResult {
  windows: { path: string; rows: number };
  /** Rows: one per journey (`journeyCount`) plus overall. */
  journeys: { path: string; rows: number; journeyCount: number };
}

export function exportCsv(req: CsvExportRequest): CsvExportResult {
  const { store } = req;
  const file = resolve(req.from ?? store.path(ARTIFACTS.loadtest.json));
  if (!existsSync(file)) {
    throw new UserError('no load-test artifact to export', { where: file, fix: 'run "perf loadtest --scenario baseline" first, or pass --from <loadtest.json>' });
  }
  const artifact = readArtifactFile<LoadTestPayload>(file, ARTIFACTS.loadtest.schema);
  const dir = resolve(req.output ?? store.path(DIRS.working, 'exports'));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UserError(`cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { where: '--output', fix: 'pass a writable directory' });
  }
  const windows = { path: join(dir, 'loadtest-windows.csv'), rows: artifact.windows.length };
  const journeys = { path: join(dir, 'loadtest-journeys.csv'), rows: artifact.journeys.length + 1, journeyCount: artifact.journeys.length };
  writeFileAtomic(windows.path, windowsCsv(artifact));
  writeFileAtomic(journeys.path, journeysCsv(artifact));
  return { windows, journeys };
}
