/**
 * Scale-out across "hosts": two network namespaces this test creates (ns-a, ns-b), each a runner
 * host with its own address on a veth pair into a bridge in the root namespace, where the target (a
 * small HTTP server written here, on the bridge address, not loopback) and `perf collect` run. Each
 * namespace runs the real bin/k6 with its execution segment and the perf output pushing to the
 * collector. Case 1 kills one runner's k6 mid-test: the global verdict says the load was short, the
 * survivor's requests are all counted. Case 2 is a fast burn only the merged windows show: the
 * runners' own guards (same rule) do not fire, the collector's does, and both runners stop.
 * Needs root (ip netns) and a build (node scripts/build.mjs).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slosFromConfig } from '../../analyzers/slo/check.js';
import { FastBurnGuard, fastBurnRuleOf } from '../../analyzers/slo/fast-burn.js';
import type { K6SummaryLine, K6WindowLine, K6WindowsHeader, K6WindowsLine } from '../../core/artifacts/k6-windows.js';
import { parseConfig } from '../../core/config/load.js';
import { processesMatching } from '../support/processes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'cli/bin/run.js');
const K6 = join(ROOT, 'bin/k6');
const SEQUENCE = '0,1/2,1';
const SEGMENTS = ['0:1/2', '1/2:1'] as const;

/** Names unique to this run (interface names ≤ 15 characters), so a leftover of another run does not collide. */
const TAG = `p${process.pid.toString(36)}`;
const NS = [`perf-${TAG}-a`, `perf-${TAG}-b`] as const;
const BRIDGE = `pbr${TAG}`;
const VETH = [`pva${TAG}`, `pvb${TAG}`] as const;

let subnet = '';
let hostAddr = '';
let runnerAddr: [string, string] = ['', ''];
let dir = '';
const children: ChildProcess[] = [];

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const tryIp = (...args: string[]): void => {
  try {
    ip(...args);
  } catch {
    // already gone
  }
};

/** The first 10.199.X.0/24 no interface of the root namespace uses yet. */
function freeSubnet(): string {
  const used = ip('-4', '-o', 'addr', 'show');
  for (let x = 1; x < 255; x++) if (!used.includes(` 10.199.${x}.`)) return `10.199.${x}`;
  throw new Error('no free 10.199.X.0/24 on this machine');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perf-netns-'));
  subnet = freeSubnet();
  hostAddr = `${subnet}.1`;
  runnerAddr = [`${subnet}.2`, `${subnet}.3`];
  ip('link', 'add', BRIDGE, 'type', 'bridge');
  ip('addr', 'add', `${hostAddr}/24`, 'dev', BRIDGE);
  ip('link', 'set', BRIDGE, 'up');
  NS.forEach((ns, i) => {
    ip('netns', 'add', ns);
    ip('link', 'add', VETH[i]!, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('link', 'set', VETH[i]!, 'master', BRIDGE);
    ip('link', 'set', VETH[i]!, 'up');
    ip('-n', ns, 'addr', 'add', `${runnerAddr[i]}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    // k6's REST API binds localhost; the load itself never uses loopback.
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  });
});

afterAll(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const ns of NS) tryIp('netns', 'del', ns);
  for (const v of VETH) tryIp('link', 'del', v);
  tryIp('link', 'del', BRIDGE);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Target {
  url: string;
  /** Requests received, by source address. */
  served: Map<string, number>;
  close: () => Promise<void>;
}

/** The target on the bridge address; requests from `failFrom` get 503. */
async function startTarget(failFrom: string | null): Promise<Target> {
  const served = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const from = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    served.set(from, (served.get(from) ?? 0) + 1);
    res.statusCode = from === failFrom ? 503 : 200;
    res.end('ok');
  });
  await new Promise<void>((done) => server.listen(0, hostAddr, done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostAddr}:${port}/`,
    served,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function track(child: ChildProcess): Promise<Exit> {
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

interface Collector {
  pushUrl: string;
  done: Promise<Exit>;
}

/** `perf collect` in the root namespace on the bridge address (port from the OS). */
async function startCollector(cwd: string, runId: string, timeout: string): Promise<Collector> {
  const child = spawn(process.execPath, [CLI, 'collect', '--listen', `${hostAddr}:0`, '--run', runId, '--runners', '2', '--timeout', timeout, '--json'], {
    cwd,
    env: { ...process.env, CI: 'true' },
  });
  const done = track(child);
  let seen = '';
  const pushUrl = await new Promise<string>((ok, fail) => {
    const look = (c: Buffer): void => {
      seen += c.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)\//.exec(seen);
      if (m) ok(`${m[1]}/push`);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    void done.then((r) => fail(new Error(`perf collect exited ${r.code} before listening: ${r.stderr}`)));
  });
  return { pushUrl, done };
}

/** A bounded constant-arrival-rate script against the root-namespace target. */
function script(cwd: string, url: string, ratePerRunner: number, seconds: number): string {
  const file = join(cwd, 'script.js');
  writeFileSync(
    file,
    `import http from 'k6/http';
export const options = {
  scenarios: { load: { executor: 'constant-arrival-rate', rate: ${ratePerRunner * 2}, timeUnit: '1s', duration: '${seconds}s', preAllocatedVUs: 10, maxVUs: 20 } },
};
export default function () { http.get('${url}'); }
`,
  );
  return file;
}

interface Runner {
  name: string;
  file: string;
  child: ChildProcess;
  exit: Promise<Exit>;
}

/** Runner i's k6 in its namespace, pushing to the collector. `perfExtra`: more perf output options. */
function startRunner(i: 0 | 1, cwd: string, scriptFile: string, pushUrl: string, runId: string, perfExtra = ''): Runner {
  const name = `r${i}`;
  const file = join(cwd, `${name}.perf.ndjson`);
  const out = `perf=file=${file},window=1s,push=${pushUrl},run=${runId},runner=${name}${perfExtra}`;
  const child = spawn('ip', ['netns', 'exec', NS[i], K6, 'run', '--quiet', '--summary-mode', 'disabled', '--execution-segment', SEGMENTS[i], '--execution-segment-sequence', SEQUENCE, '--out', out, scriptFile], {
    cwd,
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
  });
  return { name, file, child, exit: track(child) };
}

function lines(file: string): K6WindowsLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as K6WindowsLine];
      } catch {
        return []; // the line a SIGKILL cut short
      }
    });
}

const windowCount = (file: string): number => {
  try {
    return lines(file).filter((l) => l.type === 'window').length;
  } catch {
    return 0;
  }
};

/** Pids of k6 (or perf) processes whose command line mentions this test's directory. */
const k6Pids = (): number[] => processesMatching(/(^|\/)(k6|node)$/, dir);

function project(name: string): string {
  const cwd = join(dir, name);
  mkdirSync(cwd, { recursive: true });
  writeFileSync(
    join(cwd, 'perf.config.yaml'),
    `target: { baseUrl: "http://${hostAddr}:1" }
journeys:
  - { name: home, steps: [{ path: / }] }
slos:
  - { name: availability, sli: availability, objective: 99, window: 30d }
`,
  );
  // The runners' SLO file (their own guard, case 2): the same SLO.
  writeFileSync(join(cwd, 'slos.json'), JSON.stringify([{ name: 'availability', sli: 'availability', objective: 99, window: '30d' }]));
  return cwd;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface RunnerDoc {
  runner: string;
  segment: string | null;
  requests: number;
  complete: boolean;
  short: boolean;
  shortReason?: string | null;
}

describe('scale-out across network namespaces: two k6 runner hosts push to perf collect', () => {
  it('a runner killed mid-test: the global verdict says the load was short (exit 1), the survivor\'s requests are all counted', async () => {
    const cwd = project('killed');
    const target = await startTarget(null);
    const runId = `netns-kill-${TAG}`;
    const c = await startCollector(cwd, runId, '3s');
    const file = script(cwd, target.url, 20, 10);
    const runners = [startRunner(0, cwd, file, c.pushUrl, runId), startRunner(1, cwd, file, c.pushUrl, runId)];
    // Kill r1's k6 (ip netns exec execs k6 itself) once it has written a few windows.
    const deadline = Date.now() + 15_000;
    while (windowCount(runners[1]!.file) < 3 && Date.now() < deadline) await sleep(200);
    expect(windowCount(runners[1]!.file)).toBeGreaterThanOrEqual(3);
    expect(readFileSync(`/proc/${runners[1]!.child.pid}/cmdline`, 'utf8')).toMatch(/k6\0run/);
    runners[1]!.child.kill('SIGKILL');
    const [e0, e1] = await Promise.all(runners.map((r) => r.exit));
    expect(e0!.code, e0!.stderr).toBe(0);
    expect(e1!.signal).toBe('SIGKILL');
    const r = await c.done;
    await target.close();
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { ended: string; overall: { requests: number }; runners: RunnerDoc[]; slo: { runInvalid?: string[] } };
    expect(doc.ended).toBe('timeout');
    // Runners are recorded in the order they first pushed; find them by name.
    const r0 = doc.runners.find((x) => x.runner === 'r0');
    const r1 = doc.runners.find((x) => x.runner === 'r1');
    expect(doc.runners).toHaveLength(2);
    expect(r0).toMatchObject({ runner: 'r0', segment: '0:1/2', complete: true, short: false });
    expect(r1).toMatchObject({ runner: 'r1', segment: '1/2:1', complete: false, short: true });
    const md = readFileSync(join(cwd, '.aiwg/testing/load-test-results.md'), 'utf8');
    expect(md).toMatch(/\| r1 \| 1\/2:1 \|.*SHORT: no summary line/);
    expect(doc.slo.runInvalid?.join(' ')).toMatch(/the load was short: 1 of 2 runners fell short \(runner r1 \(segment 1\/2:1\): no summary line \(silent for 3 s\)/);
    // Every request the survivor made (as its namespace's address reached the target) is counted, and
    // its own local file agrees; the killed runner's windows are counted up to its death.
    const fromA = target.served.get(runnerAddr[0]) ?? 0;
    const fromB = target.served.get(runnerAddr[1]) ?? 0;
    console.log(`target served ${fromA} from ns-a, ${fromB} from ns-b; collector r0 ${r0!.requests}, r1 ${r1!.requests}`);
    expect(fromA).toBeGreaterThanOrEqual(190);
    expect(r0!.requests).toBe(fromA);
    const summary = lines(runners[0]!.file).find((l): l is K6SummaryLine => l.type === 'summary');
    expect(summary?.counters.filter((x) => x.metric === 'http_reqs').reduce((n, x) => n + x.value, 0)).toBe(fromA);
    expect(r1!.requests).toBeGreaterThan(0);
    expect(r1!.requests).toBeLessThanOrEqual(fromB);
    expect(r1!.requests).toBeLessThan(r0!.requests * 0.8);
    expect(doc.overall.requests).toBe(r0!.requests + r1!.requests);
    expect([...target.served.keys()].some((a) => a.startsWith('127.'))).toBe(false);
    expect(k6Pids()).toEqual([]);
  }, 40_000);

  it('a fast burn only the merged windows show: the runners\' own guards hold, the collector stops both (exit 1)', async () => {
    const cwd = project('burn');
    // Only ns-a's requests fail. 3 req/s per runner: a runner's 5 s short window holds 15–16 events,
    // under the guard's 20, so neither runner's guard (on, same rule: duration 12m → 60 s / 5 s, 14.4x)
    // may fire; the merged short window holds ~30 events, half bad: 50x. Trips.
    const target = await startTarget(runnerAddr[0]);
    const runId = `netns-burn-${TAG}`;
    const c = await startCollector(cwd, runId, '10s');
    const file = script(cwd, target.url, 3, 20);
    const guardOpts = `,slos=${join(cwd, 'slos.json')},guard=on,duration=12m`;
    const started = Date.now();
    const runners = [startRunner(0, cwd, file, c.pushUrl, runId, guardOpts), startRunner(1, cwd, file, c.pushUrl, runId, guardOpts)];
    const exits = await Promise.all(runners.map((r) => r.exit));
    const tookMs = Date.now() - started;
    const r = await c.done;
    await target.close();
    console.log(`runners ended after ${tookMs} ms (script: 20 s); exits ${exits.map((e) => e.code).join(', ')}`);
    expect(r.code, r.stderr).toBe(1);
    // Both runners got stop:true from the collector and ended early: their summaries say so.
    for (const [i, run] of runners.entries()) {
      const ls = lines(run.file);
      const header = ls[0] as K6WindowsHeader;
      expect(header.guard).toMatchObject({ enabled: true, longWindowMs: 60_000, shortWindowMs: 5_000 });
      const summary = ls.find((l): l is K6SummaryLine => l.type === 'summary');
      expect(summary?.aborted?.reason, `runner r${i}`).toMatch(/^collector: SLO "availability" burns its error budget .* of the merged runners/);
      expect(ls.some((l) => l.type === 'abort' && !/collector/.test(JSON.stringify(l))), `runner r${i}: its own guard fired`).toBe(false);
      // k6 ends as on a failed abortOnFail threshold (99), not as a crash (255, before): CI and k6-operator read it so.
      expect(exits[i]!.code, exits[i]!.stderr).toBe(99);
    }
    expect(tookMs).toBeLessThan(17_000);
    const doc = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { aborted?: { reason: string }; runners: RunnerDoc[]; slo: { status: string }; windows: string };
    expect(doc.aborted?.reason).toMatch(/SLO "availability" burns its error budget [\d.]+x .* of the merged runners \(fast-burn threshold 14\.4x/);
    expect(doc.slo.status).toBe('FAIL');
    expect(doc.runners.map((x) => [x.runner, x.complete, x.short]).sort()).toEqual([
      ['r0', true, false],
      ['r1', true, false],
    ]);
    // The verdict says the runners were stopped by the global guard, not that they died or fell short.
    expect(r.stderr).not.toMatch(/the load was short|fell short/);
    const md = readFileSync(join(cwd, '.aiwg/testing/load-test-results.md'), 'utf8');
    for (const name of ['r0', 'r1']) expect(md).toMatch(new RegExp(`\\| ${name} \\| [^\\n]*\\| stopped: collector: SLO "availability" burns its error budget`));
    // Replayed through the collector's own guard rule, each runner's windows alone never trip it; the
    // merged windows the collector wrote do.
    const slos = slosFromConfig(parseConfig(readFileSync(join(cwd, 'perf.config.yaml'), 'utf8'), 'perf.config.yaml'));
    const trips = (file: string): string[] => {
      const ls = lines(file);
      const guard = new FastBurnGuard(slos, fastBurnRuleOf((ls[0] as K6WindowsHeader).guard));
      return ls.filter((l): l is K6WindowLine => l.type === 'window').flatMap((w) => guard.observe(w)?.slo ?? []);
    };
    for (const run of runners) expect(trips(run.file), run.name).toEqual([]);
    expect(trips(resolve(cwd, doc.windows))).toContain('availability');
    expect(target.served.get(runnerAddr[0]) ?? 0).toBeGreaterThan(0);
    expect(target.served.get(runnerAddr[1]) ?? 0).toBeGreaterThan(0);
    expect(k6Pids()).toEqual([]);
  }, 40_000);
});
