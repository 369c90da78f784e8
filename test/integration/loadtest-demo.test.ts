// CI smoke of perf loadtest against the demo shop (examples/shop, started by perf on 127.0.0.1:18080):
// `perf generate --scenario all` writes five scripts that k6 inspect accepts, and every scenario
// runs with --quick (PERF_QUICK_TOTAL shortens it further for the test suite).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePortSync } from '../support/free-port.js';

const root = new URL('../..', import.meta.url).pathname;
const demoConfig = join(root, 'examples/shop/perf.config.yaml');
const PATH = [existsSync('/tmp/xk6t/k6') ? '/tmp/xk6t' : '', process.env.PATH ?? ''].filter(Boolean).join(delimiter);
const k6Bin = existsSync(join(root, 'bin/k6')) ? join(root, 'bin/k6') : 'k6';
const SCENARIOS = ['baseline', 'stress', 'spike', 'soak', 'breakpoint'] as const;
// No baseline in this test: every scenario peaks at a modest 30 req/s.
const RATE = '30';

function perf(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'cli/bin/run.js'), ...args], {
      cwd: root,
      env: { ...process.env, PATH, PERF_QUICK_TOTAL: '8s', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The demo config on a free port (18080 may be taken on a shared machine), paths made absolute. */
function demoConfigCopy(dir: string): string {
  const port = String(freePortSync());
  const text = readFileSync(demoConfig, 'utf8')
    .replaceAll('18080', port)
    .replace('cwd: "."', `cwd: ${JSON.stringify(join(root, 'examples/shop'))}`)
    .replace('"data/users.csv"', JSON.stringify(join(root, 'examples/shop/data/users.csv')));
  const file = join(dir, 'perf.config.yaml');
  writeFileSync(file, text);
  return file;
}

describe.runIf(existsSync(demoConfig))('perf loadtest against the demo shop', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'perf-demo-loadtest-'));
  const config = demoConfigCopy(outDir);

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { env: { ...process.env, PERF_BUILD_LENIENT: '1' }, stdio: 'ignore' });
  });

  it('perf generate --scenario all writes five scripts that k6 inspect accepts', async () => {
    // No baseline here: --capacity stands in for it, each profile applies its own factor.
    const r = await perf(['generate', '--scenario', 'all', '--config', config, '--out-dir', outDir, '--capacity', '20']);
    expect(r.code, r.stderr).toBe(0);
    for (const s of SCENARIOS) {
      const js = join(outDir, 'testing/scripts', `${s}.js`);
      const inspected = JSON.parse(execFileSync(k6Bin, ['inspect', js], { encoding: 'utf8', env: { ...process.env, PATH } }));
      expect(inspected.scenarios[s].executor).toBe('ramping-arrival-rate');
    }
    const plan = readFileSync(join(outDir, 'testing/load-test-plan.md'), 'utf8');
    expect(plan).toContain('**20 req/s**');
    for (const j of ['browse', 'product-detail', 'search', 'login', 'order-history', 'checkout']) expect(plan).toContain(j);
  });

  // Stress climbs far past the shop's capacity (its real bottlenecks keep it well under 200 req/s);
  // the spike overloads it briefly and its backlog (bounded by maxVUs) drains in the recovery stage. A 24 s budget gives the pre-spike base load 3 s (about 30 requests at 10/s): the recovery reference needs >= 20 for its p95.
  const rates: Record<string, string> = { stress: '200', spike: '60' };
  for (const s of SCENARIOS) {
    it(`perf loadtest --scenario ${s} --quick runs against the demo shop`, async () => {
      const r = await perf(['loadtest', '--scenario', s, '--quick', '--config', config, '--out-dir', outDir, '--rate', rates[s] ?? RATE], s === 'spike' ? { PERF_QUICK_TOTAL: '24s' } : {});
      expect(r.code, r.stderr).toBe(0);
      const p = JSON.parse(readFileSync(join(outDir, 'working/performance/loadtest.json'), 'utf8'));
      expect(p.schema).toBe('perf.loadtest/v1');
      expect(p.scenario).toBe(s);
      expect(p.overall.requests).toBeGreaterThan(10);
      expect(p.journeys.length).toBeGreaterThanOrEqual(4);
      if (s === 'stress') expect(p.breakingPoint, 'stress names a breaking point').not.toBeNull();
      if (s === 'spike') expect(p.recovery?.recoveryTimeMs, p.recovery?.note).not.toBeNull();
    });
  }
});
