import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MONITOR_FILE, MONITOR_SOURCE } from '../profile/monitor-source.js';

/**
 * perf's preload for a target it starts (capture/profile/monitor-source.ts): written into a fresh
 * temp dir that is also the side channel its runtime series come back through. A non-Node target
 * ignores NODE_OPTIONS and simply writes nothing there.
 */
export interface NodePreload {
  /** Where the preload writes `runtime-<pid>.ndjson` (read by capture/resources/node-runtime.ts). */
  runtimeDir: string;
  /** The target's environment with the preload added to NODE_OPTIONS (after any the user set). */
  env(base: Record<string, string | undefined>): Record<string, string | undefined>;
  remove(): void;
}

export function installNodePreload(): NodePreload {
  const dir = mkdtempSync(join(tmpdir(), 'perf-node-'));
  const file = join(dir, MONITOR_FILE);
  writeFileSync(file, MONITOR_SOURCE);
  const quoted = `"${file.replace(/(["\\])/g, '\\$1')}"`;
  return {
    runtimeDir: dir,
    env: (base) => ({
      ...base,
      NODE_OPTIONS: [base.NODE_OPTIONS ?? '', `--require=${quoted}`].filter(Boolean).join(' '),
      PERF_RUNTIME_DIR: dir,
    }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
