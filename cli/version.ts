/**
 * `perf --version` / `-v`: perf's version (oclif's user-agent form) and the k6 perf would run, with its
 * perf extension version. Read from files (package.json, k6.versions.json), so it starts no k6.
 */
import { TOOL_VERSION } from '../core/version.js';
import { k6Versions } from '../app/k6-build.js';

export function versionText(env: NodeJS.ProcessEnv = process.env): string {
  const lines = [`perf-toolkit/${TOOL_VERSION} ${process.platform}-${process.arch} node-${process.version}`];
  const k6 = k6Versions(env);
  if (!k6) lines.push('k6: none found (npx perf k6 build, or the platform package; see perf loadtest --help)');
  else {
    const ext = k6.extension === undefined ? 'stock k6, without the perf extension' : k6.extension === 'present' ? 'with the perf extension' : `with the perf extension ${k6.extension}`;
    lines.push(`k6 ${k6.k6} ${ext} (${k6.source}: ${k6.path})`);
  }
  return `${lines.join('\n')}\n`;
}
