// Generated k6 scripts end to end: `perf generate` writes them, tsc type-checks them against
// @types/k6, plain bin/k6 runs them (k6 run --vus/--duration too, through the default export)
// against loopback servers written here, and `perf slo-check` on the same run's --out json agrees
// with k6's own threshold verdict. Also: config text never runs as code, and test data reaches the
// requests of both k6 and perf baseline.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

const root = new URL('../..', import.meta.url).pathname;
const runJs = join(root, 'cli/bin/run.js');
const k6 = join(root, 'bin/k6');

interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Proc> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, K6_NO_USAGE_REPORT: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const perf = (cwd: string, args: string[], env: Record<string, string> = {}): Promise<Proc> => run(process.execPath, [runJs, ...args], cwd, env);

/** A loopback server that records every request line it receives; `behave` decides the answer. */
async function recordingServer(behave: (req: IncomingMessage, n: number) => { status: number; delayMs: number }): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const { status, delayMs } = behave(req, n++);
    req.resume();
    setTimeout(() => {
      res.statusCode = status;
      res.end('{}');
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function project(config: unknown, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'perf-k6scripts-'));
  writeFileSync(join(dir, 'perf.config.yaml'), stringify(config));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const servers: Server[] = [];
beforeAll(() => {
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { env: { ...process.env, PERF_BUILD_LENIENT: '1' }, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  if (!existsSync(k6)) throw new Error('bin/k6 is missing: run bash scripts/setup.sh');
});
afterAll(() => {
  for (const s of servers) s.close();
});

const step = (name: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, method: 'GET', path, thinkTimeMs: 5, ...extra });

describe('generated scripts type-check against @types/k6', () => {
  it('tsc accepts the scripts for perf k6 and the portable ones, runtime included', async () => {
    const dir = project({
      target: { baseUrl: 'http://127.0.0.1:9', headers: { Authorization: 'Bearer ${TOKEN}' } },
      journeys: [
        { name: 'browse', weight: 2, data: { file: 'rows.csv' }, steps: [step('item', '/items/{{id}}'), step('add', '/cart', { method: 'POST', json: { id: '{{id}}' } })] },
        { name: 'search', steps: [step('q', '/search?q={{q}}')], data: { file: 'rows.csv' } },
      ],
      slos: [
        { name: 'browse-p95', sli: 'latency', journey: 'browse', percentile: 'p95', thresholdMs: 200, objective: 99 },
        { name: 'availability', sli: 'availability', objective: 99.5 },
      ],
    }, { 'rows.csv': 'id,q\n1,"a, b"\n' });
    for (const portable of [false, true]) {
      const out = join(dir, portable ? 'portable' : 'ext');
      const g = await perf(dir, ['generate', '--scenario', 'all', '--rate', '10', ...(portable ? ['--portable'] : []), '--out-dir', out]);
      expect(g.code, g.stderr).toBe(0);
      const scripts = ['baseline', 'stress', 'spike', 'soak', 'breakpoint'].map((s) => join(out, 'testing/scripts', `${s}.ts`));
      const tsconfig = join(out, 'tsconfig.json');
      writeFileSync(tsconfig, JSON.stringify({
        extends: join(root, 'k6-scripts/runtime/tsconfig.json'),
        compilerOptions: { typeRoots: [join(root, 'node_modules/@types')], baseUrl: root, paths: { k6: ['node_modules/@types/k6'], 'k6/*': ['node_modules/@types/k6/*'] } },
        files: [...scripts, join(root, 'k6-scripts/types/k6-x-perf.d.ts')],
      }));
      const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { encoding: 'utf8' });
      expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    }
  });
});

interface AgreementCase {
  what: string;
  behave: (req: IncomingMessage, n: number) => { status: number; delayMs: number };
  slos: Array<Record<string, unknown>>;
  journeys?: Array<Record<string, unknown>>;
  /** The verdict both must reach (true: pass). */
  pass: boolean;
}

const ok = { status: 200, delayMs: 0 };
const SLOW_MS = 400;
const cases: AgreementCase[] = [
  {
    what: 'a healthy service passes latency and availability SLOs',
    behave: () => ok,
    slos: [{ name: 'p95 fast', sli: 'latency', percentile: 'p95', thresholdMs: 250, objective: 99 }, { name: 'availability', sli: 'availability', objective: 99 }],
    pass: true,
  },
  {
    // Every 25th request is slow: 4 % slow → p95 is fast, but 4 % bad > the 1 % budget.
    what: 'percentile met but too many slow requests fails',
    behave: (_r, n) => (n % 25 === 7 ? { status: 200, delayMs: SLOW_MS } : ok),
    slos: [{ name: 'p95 within 250 ms at 99 %', sli: 'latency', percentile: 'p95', thresholdMs: 250, objective: 99 }],
    pass: false,
  },
  {
    // 5 % slow: within a 90 % objective's 10 % budget, but p99 is slow.
    what: 'budget met but the percentile above its threshold fails',
    behave: (_r, n) => (n % 20 === 3 ? { status: 200, delayMs: SLOW_MS } : ok),
    slos: [{ name: 'p99 within 250 ms at 90 %', sli: 'latency', percentile: 'p99', thresholdMs: 250, objective: 90 }],
    pass: false,
  },
  {
    // 10 % answered 500 → 10 % bad > 1 %.
    what: 'errors above the availability budget fail',
    behave: (_r, n) => (n % 10 === 5 ? { status: 500, delayMs: 0 } : ok),
    slos: [{ name: 'availability', sli: 'availability', objective: 99 }],
    pass: false,
  },
  {
    // 1 in 400 answered 500 → 0.25 % bad ≤ 2 %.
    what: 'errors within the budget pass',
    behave: (_r, n) => (n % 400 === 399 ? { status: 500, delayMs: 0 } : ok),
    slos: [{ name: 'availability', sli: 'error-rate', objective: 98 }],
    pass: true,
  },
  {
    // Only the "slow" journey is slow; the SLO is scoped to the fast one.
    what: 'a journey-scoped SLO judges only its own journey',
    behave: (req) => (req.url?.startsWith('/slow') ? { status: 500, delayMs: 50 } : ok),
    journeys: [
      { name: 'fast', weight: 1, steps: [step('get', '/fast')] },
      { name: 'slow', weight: 1, steps: [step('get', '/slow')] },
    ],
    slos: [{ name: 'fast journey', sli: 'latency', journey: 'fast', percentile: 'p95', thresholdMs: 250, objective: 99 }],
    pass: true,
  },
  {
    what: 'the same journey-scoped SLO on the failing journey fails',
    behave: (req) => (req.url?.startsWith('/slow') ? { status: 500, delayMs: 50 } : ok),
    journeys: [
      { name: 'fast', weight: 1, steps: [step('get', '/fast')] },
      { name: 'slow', weight: 1, steps: [step('get', '/slow')] },
    ],
    slos: [{ name: 'slow journey', sli: 'availability', journey: 'slow', objective: 95 }],
    pass: false,
  },
];

describe('plain k6 run of a generated script and perf slo-check agree', () => {
  for (const c of cases) {
    it(c.what, async () => {
      const srv = await recordingServer(c.behave);
      servers.push(srv.server);
      const dir = project({
        target: { baseUrl: srv.url },
        journeys: c.journeys ?? [{ name: 'api', steps: [step('get', '/api')] }],
        slos: c.slos.map((s) => ({ window: '1h', ...s })),
      });
      const g = await perf(dir, ['generate', '--scenario', 'baseline', '--rate', '50']);
      expect(g.code, g.stderr).toBe(0);
      const k = await run(k6, ['run', '--vus', '2', '--duration', '4s', '--quiet', '--out', 'json=run.json', '.aiwg/testing/scripts/baseline.js'], dir);
      expect([0, 99], k.stderr).toContain(k.code);
      const s = await perf(dir, ['slo-check', 'run.json']);
      expect([0, 1], s.stderr).toContain(s.code);
      const k6Pass = k.code === 0;
      const sloPass = s.code === 0;
      expect({ k6Pass, sloPass }, `k6:\n${k.stdout}${k.stderr}\nslo-check:\n${s.stdout}${s.stderr}`).toEqual({ k6Pass: c.pass, sloPass: c.pass });
    });
  }

  it('the scenario the script declares (open model) gives the same verdict as slo-check', async () => {
    const srv = await recordingServer((_r, n) => (n % 25 === 7 ? { status: 200, delayMs: SLOW_MS } : ok));
    servers.push(srv.server);
    const dir = project({
      target: { baseUrl: srv.url },
      journeys: [{ name: 'api', steps: [step('get', '/api', { thinkTimeMs: 0 })] }],
      slos: [{ name: 'p95 at 99', sli: 'latency', percentile: 'p95', thresholdMs: 250, objective: 99, window: '1h' }],
      scenarios: { baseline: { rate: 60, rampUp: '1s', duration: '4s', rampDown: '1s' } },
    });
    expect((await perf(dir, ['generate', '--scenario', 'baseline'])).code).toBe(0);
    const k = await run(k6, ['run', '--quiet', '--out', 'json=run.json', '.aiwg/testing/scripts/baseline.js'], dir);
    const s = await perf(dir, ['slo-check', 'run.json']);
    expect({ k6: k.code, slo: s.code }, k.stderr + s.stdout).toEqual({ k6: 99, slo: 1 });
  });

  it("a server slow only in the script's warm-up: the warm-up counts in neither k6's thresholds nor slo-check", async () => {
    let first = 0;
    // Slow (300 ms) for the first 3 s after the first request, then fast: only the warm-up is slow.
    const srv = await recordingServer(() => {
      first ||= Date.now();
      return Date.now() - first < 3000 ? { status: 200, delayMs: 300 } : ok;
    });
    servers.push(srv.server);
    const dir = project({
      target: { baseUrl: srv.url },
      journeys: [{ name: 'api', steps: [step('get', '/api', { thinkTimeMs: 0 })] }],
      slos: [{ name: 'p95 at 95', sli: 'latency', percentile: 'p95', thresholdMs: 100, objective: 95, window: '1h' }],
      scenarios: { baseline: { rate: 30, rampUp: '1s', duration: '5s', rampDown: '1s' } },
      warmup: '4s',
    });
    expect((await perf(dir, ['generate', '--scenario', 'baseline'])).code).toBe(0);
    const k = await run(k6, ['run', '--quiet', '--out', 'json=run.json', '.aiwg/testing/scripts/baseline.js'], dir);
    const s = await perf(dir, ['slo-check', 'run.json']);
    expect({ k6: k.code, slo: s.code }, k.stderr + s.stdout + s.stderr).toEqual({ k6: 0, slo: 0 });
    expect(s.stdout + s.stderr).toMatch(/warm-up \(tag phase=warmup\) are excluded/);
  });
});

describe('config text never becomes k6 code', () => {
  it("a name, path and baseUrl carrying \\nthrow new Error('INJECTED') run as data", async () => {
    const srv = await recordingServer(() => ok);
    servers.push(srv.server);
    const evil = "\nthrow new Error('INJECTED');\n//";
    const dir = project({
      target: { baseUrl: `${srv.url}/${evil}` },
      journeys: [
        { name: 'checkout-v2', steps: [step(`step${evil}`, `/a${evil}`, { headers: { 'X-Note': `n${evil}`.replace(/\n/g, ' ') } })] },
        { name: 'checkout_v2', steps: [step('b', '/b')] },
        { name: '..', steps: [step('c', '/c')] },
      ],
      slos: [{ name: `slo${evil}`, sli: 'availability', objective: 99, journey: 'checkout-v2' }],
    });
    const g = await perf(dir, ['generate', '--scenario', 'baseline', '--rate', '10']);
    expect(g.code, g.stderr).toBe(0);
    const k = await run(k6, ['run', '--vus', '1', '--iterations', '6', '--quiet', '.aiwg/testing/scripts/baseline.js'], dir);
    // The text shows up only as data (the check's name); a thrown Error would print "Error: INJECTED".
    expect(k.stdout + k.stderr).not.toMatch(/Error: INJECTED|Uncaught|level=error/);
    expect(k.code, k.stderr).toBe(0);
    // The line break arrived percent-encoded inside the path, under the normalised base URL.
    expect(srv.seen.some((u) => u.includes('/a%0Athrow%20new%20Error('))).toBe(true);
    expect(new Set(srv.seen.map((u) => u.split('/').pop())).size).toBeGreaterThanOrEqual(3);
  });
});

describe('test data reaches the requests', () => {
  const csv = 'id,q\n17,hello world\n23,"a&b, ""c"""\n';
  const config = (url: string): unknown => ({
    target: { baseUrl: url },
    journeys: [{ name: 'posts', data: { file: 'rows.csv' }, steps: [step('get', '/posts/{{id}}', { thinkTimeMs: 20 }), step('search', '/posts?q={{q}}', { thinkTimeMs: 20 })] }],
    slos: [{ name: 'availability', sli: 'availability', objective: 99, window: '1h' }],
  });
  const expected = ['/posts/17', '/posts/23', '/posts?q=hello%20world', '/posts?q=a%26b%2C%20%22c%22'];

  it('k6 sends /posts/<id> and ?q=<value> from the CSV', async () => {
    const srv = await recordingServer(() => ok);
    servers.push(srv.server);
    const dir = project(config(srv.url), { 'rows.csv': csv });
    expect((await perf(dir, ['generate', '--scenario', 'baseline', '--rate', '10'])).code).toBe(0);
    const k = await run(k6, ['run', '--vus', '1', '--iterations', '4', '--quiet', '.aiwg/testing/scripts/baseline.js'], dir);
    expect(k.code, k.stderr).toBe(0);
    for (const u of expected) expect(srv.seen).toContain(u);
    expect(srv.seen.join(' ')).not.toMatch(/undefined|\{\{/);
  });

  it('perf baseline sends the same values', async () => {
    const srv = await recordingServer(() => ok);
    servers.push(srv.server);
    const dir = project(config(srv.url), { 'rows.csv': csv });
    const b = await perf(dir, ['baseline', '--quick', '--no-capacity', '--rate', '20', '--duration', '2s']);
    expect(b.code, b.stderr).toBe(0);
    for (const u of expected) expect(srv.seen).toContain(u);
    expect(srv.seen.join(' ')).not.toMatch(/undefined|\{\{/);
  });

  it('an unknown column is a config error naming the path, before any request', async () => {
    const srv = await recordingServer(() => ok);
    servers.push(srv.server);
    const cfg = config(srv.url) as { journeys: Array<{ steps: Array<{ path: string }> }> };
    cfg.journeys[0]!.steps[1]!.path = '/posts?q={{query}}';
    const dir = project(cfg, { 'rows.csv': csv });
    for (const cmd of [['generate', '--scenario', 'baseline'], ['baseline', '--quick', '--no-capacity']]) {
      const r = await perf(dir, cmd);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('journeys[0].steps[1].path');
      expect(r.stderr).toContain('{{query}}');
    }
    expect(srv.seen).toEqual([]);
  });
});
