// Benchmark: raw autocannon vs perf's recording load driver (closed model), same loopback server,
// same connections and duration, interleaved in ONE run. Prints req/s of each and the ratio
// (target >= 0.95: our per-request hooks + HDR recording cost under 5 %).
// Usage: node scripts/build.mjs && node bench/baseline/run.mjs [seconds=5] [connections=10] [rounds=2]
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { runLoad } from '../../dist/capture/load/run-load.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 10);
const rounds = Number(process.argv[4] ?? 2);

// The server runs in its own process so it never shares an event loop with either load generator.
const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn(process.execPath, [join(root, 'test/fixtures/baseline/servers.mjs'), String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise((resolve, reject) => {
  server.stderr.on('data', (d) => (String(d).includes('test server on') ? resolve() : undefined));
  server.on('exit', (c) => reject(new Error(`server exited ${c}`)));
});
const url = `http://127.0.0.1:${port}`;
const journeys = [{ name: 'ok', weight: 1, steps: [{ name: 'ok', method: 'GET', path: '/ok', headers: {}, expectStatus: [200], thinkTimeMs: 0 }] }];

async function raw() {
  const r = await autocannon({ url: `${url}/ok`, connections, duration: seconds });
  return r.requests.total / r.duration;
}

async function ours() {
  const r = await runLoad({ baseUrl: url, journeys, headers: {}, model: { kind: 'closed', connections }, durationMs: seconds * 1000, warmupMs: 0 });
  return r.overall.requests / (r.durationMs / 1000);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rawRps = [];
const oursRps = [];
try {
  await raw(); // warm the server's JIT before measuring either side
  for (let i = 0; i < rounds; i++) {
    // Alternate the order so drift in machine load does not favour one side.
    if (i % 2 === 0) {
      rawRps.push(await raw());
      oursRps.push(await ours());
    } else {
      oursRps.push(await ours());
      rawRps.push(await raw());
    }
  }
} finally {
  server.kill('SIGTERM');
}
const fmt = (x) => x.toFixed(0).padStart(8);
console.log(`closed model, ${connections} connections, ${seconds}s x ${rounds} rounds, loopback server in its own process`);
console.log(`raw autocannon     req/s: ${rawRps.map(fmt).join(' ')}   median ${fmt(median(rawRps))}`);
console.log(`perf runLoad       req/s: ${oursRps.map(fmt).join(' ')}   median ${fmt(median(oursRps))}`);
console.log(`ratio perf/raw (medians): ${(median(oursRps) / median(rawRps)).toFixed(3)}  (target >= 0.95)`);
