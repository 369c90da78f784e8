// Overhead of perf's resource sampling on the target's throughput, side by side in one run.
//
//   node bench/resources/run.mjs [--seconds 5] [--rounds 5]      (needs a build: node scripts/build.mjs)
//
// Two copies of a small loopback HTTP target run at once: "off" is plain; "on" carries everything
// perf adds to a target it starts — the Node preload writing its runtime series (heap, heap-after-GC,
// event-loop delay at 10 ms resolution, GC observer) once a second — and is sampled by the /proc
// sampler at its default 1 s interval, merging those series. autocannon (10 connections, capped at
// 20 000 req/s, `--seconds` each) loads them in interleaved rounds (off, on, on, off, …) so drift on a
// shared box hits both; each round pair gives a ratio on/off, and the overhead is 1 − the median of
// those ratios (target ≤ 2 %). Also prints the sampler's own CPU per sample (in perf's process).
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { startResourceSampler } = await import(join(root, 'dist', 'capture', 'resources', 'sampler.js'));
const { installNodePreload } = await import(join(root, 'dist', 'capture', 'target', 'node-preload.js'));
const arg = (name, dflt) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt);
const seconds = arg('--seconds', 5);
const rounds = arg('--rounds', 5);

const SERVER = `const s=require('node:http').createServer((q,r)=>r.end(JSON.stringify({ok:true,at:Date.now()})));s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`;
const preload = installNodePreload();
const start = (env) => {
  const child = spawn(process.execPath, ['-e', SERVER], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((r) => child.stdout.once('data', (d) => r({ child, port: Number(String(d).trim()) })));
};
const off = await start({ ...process.env });
const on = await start(preload.env({ ...process.env }));
const load = (port) =>
  new Promise((resolve, reject) =>
    autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, duration: seconds, overallRate: 20_000 }, (err, res) => (err ? reject(err) : resolve(res.requests.average))),
  );
const loadOn = async () => {
  const sampler = startResourceSampler({ kind: 'proc', pid: on.child.pid, runtimeDir: preload.runtimeDir });
  const rps = await load(on.port);
  const series = await sampler.stop();
  return { rps, series };
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratios = [];
try {
  await load(off.port); // warm-up rounds, not counted
  await load(on.port);
  for (let i = 0; i < rounds; i++) {
    // Alternate which side goes first, so a trend within a pair does not favour one side.
    let a;
    let b;
    if (i % 2 === 0) {
      a = await load(off.port);
      b = await loadOn();
    } else {
      b = await loadOn();
      a = await load(off.port);
    }
    ratios.push(b.rps / a);
    const node = b.series.samples.filter((s) => typeof s.heapUsedMb === 'number').length;
    console.log(`round ${i + 1}: off ${a.toFixed(0)} req/s, on ${b.rps.toFixed(0)} req/s → ratio ${(b.rps / a).toFixed(4)} (${b.series.samples.length} samples, ${node} with Node runtime series)`);
  }
  // The sampler's own cost: 20 samples of the target's tree (with its runtime file) and no load running.
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  const s = startResourceSampler({ kind: 'proc', pid: on.child.pid, runtimeDir: preload.runtimeDir }, { intervalMs: 50 });
  await new Promise((r) => setTimeout(r, 1050));
  const n = (await s.stop()).samples.length;
  const c = process.cpuUsage(c0);
  const perSample = (c.user + c.system) / 1000 / Math.max(1, n);
  const m = median(ratios);
  console.log(`\nmedian of ${rounds} per-round ratios on/off: ${m.toFixed(4)} → overhead ${((1 - m) * 100).toFixed(2)} % (target ≤ 2 %; ${seconds} s rounds; ratios ${ratios.map((r) => r.toFixed(3)).join(', ')}; a shared box is noisy)`);
  console.log(`sampler cost: ${perSample.toFixed(2)} ms CPU per sample (${n} samples in ${Date.now() - t0} ms) → ${(perSample / 10).toFixed(3)} % of one core at 1 sample/s`);
} finally {
  off.child.kill('SIGKILL');
  on.child.kill('SIGKILL');
  preload.remove();
}
