import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { buildK6, platformPackageName } from '../../../app/k6-build.js';

/** `perf k6 build`: k6 + perf's extensions from the xk6/ sources shipped in the package (needs Go). */
export default class K6Build extends BaseCommand<typeof K6Build> {
  static override description =
    `Build perf's k6 (k6 + the perf extensions) from source with Go >= 1.25, for when no prebuilt platform package (${platformPackageName()}) fits this machine`;
  static override examples = ['<%= config.bin %> k6 build', '<%= config.bin %> k6 build --force', '<%= config.bin %> k6 build --output ./tools/k6   # then PERF_K6=./tools/k6'];
  static override validatesConfigFirst = false;
  static override flags = {
    force: Flags.boolean({ description: 'rebuild even when the build is up to date', default: false }),
    output: Flags.string({ description: 'where to write k6 [default: <perf-toolkit>/bin/k6, found automatically]' }),
  };

  public async run(): Promise<void> {
    const r = await buildK6({ force: this.flags.force, ...(this.flags.output !== undefined ? { output: this.flags.output } : {}), signal: this.interruptSignal() });
    this.say(r.foundAutomatically ? `built ${r.path}; perf uses it when no platform package is installed` : `built ${r.path}; use it with: PERF_K6=${r.path}`);
  }
}
