import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withResources } from '../../capture/resources/with-resources.js';
import { startTarget, type RunningTarget } from '../../capture/target/start-target.js';
import { driveOpenLoop } from '../support/open-loop.js';
import { SERVER } from '../support/shop.js';
import { freePort } from '../support/free-port.js';

// The Node runtime series of a target perf starts: its preload reports heap, heap-after-GC,
// event-loop delay and GC once a second through a file in the target's runtime dir.

const targets: RunningTarget[] = [];
afterEach(async () => {
  for (const t of targets.splice(0)) await t.stop(2000);
});


async function start(command: string, cwd: string, env: Record<string, string>, port: number, readyPath = '/'): Promise<RunningTarget> {
  const t = await startTarget({ baseUrl: `http://127.0.0.1:${port}`, headers: {}, start: { command, cwd, env, readyPath, readyTimeoutMs: 60_000 } });
  targets.push(t);
  return t;
}

describe('Node runtime series through the preload', () => {
  it('records heap used/total, event-loop delay and GC of a started Node target, and its stdout stays its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-rt-'));
    // Blocks its loop for 30 ms on every request: the event-loop delay must show it.
    writeFileSync(
      join(dir, 'server.cjs'),
      `const http=require('node:http');http.createServer((q,r)=>{const e=Date.now()+30;while(Date.now()<e){}Buffer.alloc(64*1024);r.end('ok')}).listen(Number(process.env.PORT),'127.0.0.1',()=>console.log('ready'));`,
    );
    const port = await freePort();
    const t = await start(`"${process.execPath}" server.cjs`, dir, { PORT: String(port) }, port);
    const { resources } = await withResources({}, t, () => driveOpenLoop({ port, rate: 10, durationMs: 5000 }));
    expect(resources?.runtime?.recorded, resources?.runtime?.note).toBe(true);
    const node = (resources?.samples ?? []).filter((s) => typeof s.heapUsedMb === 'number');
    expect(node.length).toBeGreaterThanOrEqual(3);
    for (const s of node) {
      expect(s.heapUsedMb as number).toBeGreaterThan(1);
      expect(s.heapTotalMb as number).toBeGreaterThanOrEqual(s.heapUsedMb as number);
    }
    const worst = Math.max(...node.map((s) => s.eventLoopDelayMs?.max ?? 0));
    expect(worst, 'a 30 ms block per request').toBeGreaterThan(20);
    expect(node.reduce((a, s) => a + (s.gcCount ?? 0), 0)).toBeGreaterThan(0);
    // The preload wrote nothing of its own into the target's output.
    expect(t.stderrTail()).toBe('ready');
  });

  it('says "not recorded (not a Node target)" for a target that is not Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-rt-'));
    // perl-base is essential on Debian: a non-Node HTTP server that answers 200 to anything.
    writeFileSync(
      join(dir, 'server.pl'),
      `use IO::Socket::INET;my $s=IO::Socket::INET->new(LocalAddr=>'127.0.0.1',LocalPort=>$ENV{PORT},Listen=>16,ReuseAddr=>1) or die;` +
        `while(my $c=$s->accept){my $l;while(defined($l=<$c>)){last if $l=~/^\\r?\\n$/}print $c "HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nok";close $c}`,
    );
    const port = await freePort();
    const t = await start('perl server.pl', dir, { PORT: String(port) }, port);
    const { resources } = await withResources({}, t, () => new Promise((r) => setTimeout(r, 3000)));
    expect(resources?.samples.length).toBeGreaterThanOrEqual(1);
    expect(resources?.runtime).toEqual({ recorded: false, note: 'not recorded (not a Node target)' });
    expect(resources?.samples.some((s) => s.heapUsedMb !== undefined)).toBe(false);
    expect(resources?.heapLeak).toBeUndefined();
  });
});

describe("the demo shop's page cache on the heap-after-GC basis", () => {
  // Every other fix on, so product pages are fast and the only difference is the `lru` fix: without
  // it the replay Map keeps every page (22 KB for /products/7, 2 KB for /products/1234).
  const RATE = 60;
  const SOAK_MS = 45_000;
  const soak = async (fixes: string) => {
    const port = await freePort();
    const t = await start(`"${process.execPath}" "${SERVER}"`, join(SERVER, '..'), { PORT: String(port), SHOP_FIXES: fixes }, port, '/health');
    const { resources } = await withResources({}, t, () => driveOpenLoop({ port, rate: RATE, durationMs: SOAK_MS, paths: ['/products/7', '/products/1234'] }));
    return resources;
  };

  it('suspects a leak with the lru fix off (SHOP_FIXES=index,cache,async)', async () => {
    const r = await soak('index,cache,async');
    expect(r?.heapLeak?.series).toBe('heapAfterGcMb');
    expect(r?.heapLeak?.suspected, r?.heapLeak?.basis).toBe(true);
    console.log(`shop, lru off: heap-after-GC slope ${r?.heapLeak?.slopeMbPerHour} MB/h (CI ${r?.heapLeak?.ci95?.join('…')}); RSS slope ${r?.leak.slopeMbPerHour} MB/h`);
  });

  it('does not suspect one with every fix on (SHOP_FIXES=1): the cache stops at 500 pages', async () => {
    const r = await soak('1');
    expect(r?.heapLeak?.series).toBe('heapAfterGcMb');
    // A real verdict from samples, not "n/a".
    expect(r?.heapLeak?.slopeMbPerHour, r?.heapLeak?.basis).not.toBeNull();
    expect(r?.heapLeak?.suspected, r?.heapLeak?.basis).toBe(false);
    console.log(`shop, every fix: heap-after-GC slope ${r?.heapLeak?.slopeMbPerHour} MB/h (CI ${r?.heapLeak?.ci95?.join('…')}); ${r?.heapLeak?.basis}`);
  });
});
