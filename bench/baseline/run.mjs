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

// CPU time the load generator spends per request: a second figure that other load on a busy
// machine disturbs far less than req/s (the server, not the generator, is usually the limit).
const rawCpu = [];
const oursCpu = [];
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function raw() {
  const c0 = cpuUs();
  const r = await autocannon({ url: `${url}/ok`, connections, duration: seconds });
  rawCpu.push((cpuUs() - c0) / r.requests.total);
  return r.requests.total / r.duration;
}

async function ours() {
  const c0 = cpuUs();
  const r = await runLoad({ baseUrl: url, journeys, headers: {}, model: { kind: 'closed', connections }, durationMs: seconds * 1000, warmupMs: 0 });
  oursCpu.push((cpuUs() - c0) / r.overall.requests);
  return r.overall.requests / (r.durationMs / 1000);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rawRps = [];
const oursRps = [];
try {
  await raw(); // warm the server's and the generators' JIT before measuring either side
  await ours();
  rawCpu.length = 0;
  oursCpu.length = 0;
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
// Each round's pair ran back to back, so its ratio is the least disturbed by other load on the machine.
const pairRatios = oursRps.map((o, i) => o / rawRps[i]);
console.log(`generator CPU per request: raw ${median(rawCpu).toFixed(1)} µs, perf ${median(oursCpu).toFixed(1)} µs (medians; ratio raw/perf ${(median(rawCpu) / median(oursCpu)).toFixed(3)})`);
console.log(`ratio perf/raw per round: ${pairRatios.map((r) => r.toFixed(2)).join(' ')}`);
console.log(`ratio perf/raw: median of rounds ${median(pairRatios).toFixed(3)}, of medians ${(median(oursRps) / median(rawRps)).toFixed(3)}  (target >= 0.95)`);
