// Overhead of the resource sampler on the target's throughput, measured side by side in one run.
//
//   node bench/resources/run.mjs [--seconds 5] [--rounds 3]      (needs a build: node scripts/build.mjs)
//
// Starts a small loopback HTTP target, then runs autocannon (10 connections, capped at 20 000 req/s,
// `--seconds` each) alternately WITHOUT and WITH the /proc sampler at its default 1 s interval
// (A/B/A/B… so drift on a shared box hits both), and prints each round's req/s, the median of each
// side, the overhead (target ≤ 2 %) and the sampler's own CPU per sample (in perf's process).
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { startResourceSampler } = await import(join(root, 'dist', 'capture', 'resources', 'sampler.js'));
const arg = (name, dflt) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt);
const seconds = arg('--seconds', 5);
const rounds = arg('--rounds', 3);

const target = spawn(process.execPath, ['-e', `const s=require('node:http').createServer((q,r)=>r.end('ok'));s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((r) => target.stdout.once('data', (d) => r(Number(String(d).trim()))));
const load = () =>
  new Promise((resolve, reject) =>
    autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, duration: seconds, overallRate: 20_000 }, (err, res) => (err ? reject(err) : resolve(res.requests.average))),
  );

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const off = [];
const on = [];
let samplerCpuMs = 0;
try {
  await load(); // warm-up round, not counted
  for (let i = 0; i < rounds; i++) {
    off.push(await load());
    const c0 = process.cpuUsage();
    const sampler = startResourceSampler({ kind: 'proc', pid: target.pid });
    on.push(await load());
    const series = await sampler.stop();
    const c = process.cpuUsage(c0);
    console.log(`round ${i + 1}: without sampler ${off.at(-1).toFixed(0)} req/s, with sampler ${on.at(-1).toFixed(0)} req/s (${series.samples.length} samples, process CPU ${((c.user + c.system) / 1000).toFixed(0)} ms)`);
  }
  // The sampler's own cost: 20 samples of the target's tree with no load running.
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  const s = startResourceSampler({ kind: 'proc', pid: target.pid }, { intervalMs: 50 });
  await new Promise((r) => setTimeout(r, 1050));
  const n = (await s.stop()).samples.length;
  const c = process.cpuUsage(c0);
  samplerCpuMs = (c.user + c.system) / 1000;
  const a = median(off);
  const b = median(on);
  console.log(`\nmedian req/s: without ${a.toFixed(0)}, with ${b.toFixed(0)} → overhead ${(((a - b) / a) * 100).toFixed(2)} % (target ≤ 2 %; ${rounds} rounds × ${seconds} s; ±noise of a shared box)`);
  console.log(`sampler cost: ${(samplerCpuMs / Math.max(1, n)).toFixed(2)} ms CPU per sample (${n} samples in ${Date.now() - t0} ms) → ${((samplerCpuMs / Math.max(1, n)) / 10).toFixed(3)} % of one core at 1 sample/s`);
} finally {
  target.kill('SIGKILL');
}
