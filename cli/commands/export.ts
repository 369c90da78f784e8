import { Flags } from '@oclif/core';
import { exportCsv } from '../../app/export.js';
import { BaseCommand } from '../base-command.js';

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
    const r = exportCsv({ store, ...(this.flags.from ? { from: this.flags.from } : {}), ...(this.flags.output ? { output: this.flags.output } : {}) });
    if (this.flags.json) this.emitJson({ windows: r.windows.path, journeys: r.journeys.path, rows: { windows: r.windows.rows, journeys: r.journeys.rows } });
    this.say(`wrote ${store.display(r.windows.path)} (${r.windows.rows} windows)`);
    this.say(`wrote ${store.display(r.journeys.path)} (${r.journeys.journeyCount} journeys + overall)`);
  }
}
