import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { resolveClinic, type ClinicInstall } from '../../capture/profile/clinic.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * clinic is an optional dependency of perf (not in package.json: ~150 MB, unmaintained): the one
 * test that runs it installs clinic 13 into the checkout without saving it (`npm i --no-save`),
 * once; later runs find it there. A fresh `npm ci` removes it again.
 */
export function ensureClinic(): ClinicInstall {
  const found = resolveClinic([ROOT]);
  if (found) return found;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', 'clinic@13'], { cwd: ROOT, stdio: 'ignore', timeout: 600_000 });
  const installed = resolveClinic([ROOT]);
  if (!installed) throw new Error('npm install --no-save clinic@13 ran, but clinic still does not resolve from the checkout');
  return installed;
}
