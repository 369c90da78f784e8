// perf baseline in a CI log (no TTY): a plain progress line every 10 s instead of silence until the end.
import { type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderStarterConfig, STARTER_DEFAULTS } from '../../core/config/starter.js';
import { freshServiceRepo, ROOT, run, startService } from '../support/installed-package.js';

let repo: string;
let service: ChildProcess | undefined;
beforeAll(async () => {
  repo = freshServiceRepo('perf-progress-');
  const { port, child } = await startService(repo);
  service = child;
  writeFileSync(join(repo, 'perf.config.yaml'), renderStarterConfig({ ...STARTER_DEFAULTS, baseUrl: `http://127.0.0.1:${port}` }));
});
afterAll(() => {
  service?.kill('SIGTERM');
  rmSync(repo, { recursive: true, force: true });
});

it('prints a plain progress line about every 10 s when stderr is not a terminal', async () => {
  const r = await run(process.execPath, [join(ROOT, 'cli/bin/run.js'), 'baseline', '--no-capacity', '--connections', '2', '--duration', '21s'], { cwd: repo, env: process.env });
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stderr.split('\n').filter((l) => /baseline \(mix\)( \(warm-up\))? \d+s\/\d+s .*req\/s/.test(l));
  // 21 s measured (+ warm-up): lines at about 0 s, 10 s, 20 s.
  expect(lines.length).toBeGreaterThanOrEqual(2);
  expect(lines.length).toBeLessThanOrEqual(4);
  expect(r.stderr).not.toContain('\r');
});
