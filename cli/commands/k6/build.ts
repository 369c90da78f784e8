import { Flags } from '@oclif/core';
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BaseCommand } from '../../base-command.js';
import { Interrupted, RuntimeFailure, UserError } from '../../../core/errors.js';
import { assetPath, builtK6Path } from '../../../core/paths.js';
import { platformPackageName } from '../../../k6-scripts/src/k6-binary.js';

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
    const script = assetPath('xk6', 'build.sh');
    if (!existsSync(script)) throw new UserError('this perf-toolkit has no xk6/ sources to build from', { where: script, fix: 'reinstall perf-toolkit (npm install perf-toolkit)' });
    if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
      throw new UserError('Go is not installed (building k6 from source needs Go >= 1.25)', {
        fix: `install Go from https://go.dev/dl/ and rerun "npx perf k6 build", or install the prebuilt k6: npm install ${platformPackageName()}`,
      });
    }
    const out = this.flags.output ? resolve(this.flags.output) : builtK6Path();
    try {
      mkdirSync(dirname(out), { recursive: true });
      accessSync(dirname(out), constants.W_OK);
    } catch {
      throw new UserError(`cannot write to ${dirname(out)}`, { where: '--output', fix: 'pass --output <a writable path> and set PERF_K6 to it' });
    }
    const args = [script, ...(this.flags.force ? ['--force'] : []), ...(this.flags.output ? ['--output', out] : [])];
    const signal = this.interruptSignal();
    const code = await new Promise<number | null>((done) => {
      const child = spawn('bash', args, { stdio: ['ignore', 'inherit', 'inherit'] });
      signal.addEventListener('abort', () => child.kill('SIGINT'), { once: true });
      child.on('error', () => done(null));
      child.on('close', (c) => done(c));
    });
    if (signal.aborted) throw new Interrupted('interrupted: k6 not built');
    if (code === 2) throw new UserError('the k6 build could not start (see above)');
    if (code !== 0) throw new RuntimeFailure(`the k6 build failed (exit ${code ?? 'killed'})`, { fix: 'see the build output above' });
    this.say(this.flags.output ? `built ${out}; use it with: PERF_K6=${out}` : `built ${out}; perf uses it when no platform package is installed`);
  }
}
