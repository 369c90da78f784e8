import { Flags } from '@oclif/core';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BaseCommand } from '../base-command.js';
import { writeFileAtomic } from '../../core/artifacts/atomic.js';
import { ARTIFACTS, DIRS } from '../../core/artifacts/layout.js';
import type { LoadTestPayload } from '../../core/artifacts/schemas.js';
import { readArtifactFile } from '../../core/artifacts/store.js';
import { UserError } from '../../core/errors.js';
import { journeysCsv, windowsCsv } from '../../templates/loadtest-csv.js';

export default class Export extends BaseCommand<typeof Export> {
  static override description =
    'Export a load test as CSV for spreadsheets: loadtest-windows.csv (one row per window) and loadtest-journeys.csv (per journey + overall)';
  static override examples = [
    '<%= config.bin %> export --csv',
    '<%= config.bin %> export --csv --from before/loadtest.json --output ./exports',
  ];
  static override flags = {
    csv: Flags.boolean({ description: 'write CSV (the one export format)', required: true }),
    from: Flags.string({ description: 'a perf.loadtest/v1 JSON artifact [default: the latest loadtest under --out-dir]' }),
    output: Flags.string({ description: 'directory for the CSV files [default: <out-dir>/working/exports]' }),
  };

  public async run(): Promise<void> {
    const store = this.store(this.flags['out-dir'] ? undefined : this.optionalConfig());
    const file = resolve(this.flags.from ?? store.path(ARTIFACTS.loadtest.json));
    if (!existsSync(file)) {
      throw new UserError('no load-test artifact to export', { where: file, fix: 'run "perf loadtest --scenario baseline" first, or pass --from <loadtest.json>' });
    }
    const artifact = readArtifactFile<LoadTestPayload>(file, ARTIFACTS.loadtest.schema);
    const dir = resolve(this.flags.output ?? store.path(DIRS.working, 'exports'));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new UserError(`cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { where: '--output', fix: 'pass a writable directory' });
    }
    const written = [
      [join(dir, 'loadtest-windows.csv'), windowsCsv(artifact)],
      [join(dir, 'loadtest-journeys.csv'), journeysCsv(artifact)],
    ] as const;
    for (const [path, text] of written) writeFileAtomic(path, text);
    if (this.flags.json) this.emitJson({ windows: written[0][0], journeys: written[1][0], rows: { windows: artifact.windows.length, journeys: artifact.journeys.length + 1 } });
    this.say(`wrote ${store.display(written[0][0])} (${artifact.windows.length} windows)`);
    this.say(`wrote ${store.display(written[1][0])} (${artifact.journeys.length} journeys + overall)`);
  }
}
