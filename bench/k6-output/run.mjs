// Benchmark of the perf k6 output. Runs the built bin/k6 against a loopback Node server
// (test/fixtures/k6/server.mjs) with ONE script, side by side in one run, and prints:
//   1. throughput: no output vs --out perf vs --out perf with push= to a loopback stub collector
//      (1 s windows: a batch POSTed every second) vs --out json (req/s and ratios; targets: perf and
//      perf+push >= 0.95 of no output) and the artifact sizes (target: perf artifact >= 50x smaller than the JSON);
//   2. memory: a constant-arrival-rate test with --summary-mode=disabled --no-thresholds --out perf,
//      and the same test with stock settings: peak RSS (VmHWM) after 1x and 10x the samples
//      (target: ours grows <= 1.2x; stock k6's growth printed beside it).
// Usage: node bench/k6-output/run.mjs [--seconds 8] [--rounds 3] [--rate 1000] [--rss-seconds 80] [--rate-vus 60] [--extra 40] [--only throughput|memory]
// Keep it modest: the machine is shared. Everything targets 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const k6 = join(root, 'bin', 'k6');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 8);
const ROUNDS = arg('rounds', 3);
const RATE = arg('rate', 1000);
const RSS_SECONDS = arg('rss-seconds', 80);
const VUS = arg('rate-vus', 60);
const EXTRA = arg('extra', 40);
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : 'all';

if (!existsSync(k6)) {
  console.error('bench/k6-output: bin/k6 is missing; build it with: bash xk6/build.sh');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'perf-bench-k6out-'));
const server = spawn(process.execPath, [join(root, 'test/fixtures/k6/server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(`http://127.0.0.1:${d.toString().trim()}`)));

// A stub perf.k6-push/v1 collector: takes every batch, counts it, never asks to stop.
const pushed = { batches: 0, bytes: 0 };
const collector = createServer((req, res) => {
  req.on('data', (c) => (pushed.bytes += c.length));
  req.on('end', () => {
    pushed.batches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"schema":"perf.k6-push/v1","stop":false}');
  });
});
await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
const pushUrl = `http://127.0.0.1:${collector.address().port}/push`;

// One script for every configuration; the executor comes from the environment.
writeFileSync(
  join(dir, 'bench.js'),
  `import http from 'k6/http';
import { check } from 'k6';
import { Trend } from 'k6/metrics';
const open = __ENV.MODE === 'rate';
const extra = new Trend('bench_extra_ms', true);
const EXTRA = Number(__ENV.EXTRA ?? 0);
export const options = { scenarios: { bench: open
  ? { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE), timeUnit: '1s', duration: __ENV.DURATION, preAllocatedVUs: Number(__ENV.VUS), maxVUs: Number(__ENV.VUS) }
  : { executor: 'constant-vus', vus: 4, duration: __ENV.DURATION } } };
export default function () {
  const r = http.get('${base}/items');
  check(r, { ok: (x) => x.status === 200 });
  // Sample-heavy scripts (custom Trends) are what make stock k6's memory grow: EXTRA more samples.
  for (let i = 0; i < EXTRA; i++) extra.add(r.timings.duration * (1 + i / 100));
}
`,
);

function runK6(args, env, onPid) {
  return new Promise((resolve) => {
    const child = spawn(k6, ['run', '-q', '--no-color', ...args, 'bench.js'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    onPid?.(child.pid);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const size = (f) => (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0);
const fmtBytes = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`);

// ---- 1. throughput -------------------------------------------------------------------------------
if (ONLY !== 'memory') {
const configs = [
  { name: 'no output', args: [] },
  { name: '--out perf', args: ['--out', 'perf=file=out.perf.ndjson'], artifact: 'out.perf.ndjson' },
  { name: 'perf+push', args: ['--out', `perf=file=out.push.ndjson,window=1s,run=bench,runner=r0,push=${pushUrl}`], artifact: 'out.push.ndjson' },
  { name: '--out json', args: ['--out', 'json=out.json'], artifact: 'out.json' },
];
const results = Object.fromEntries(configs.map((c) => [c.name, { rps: [], bytes: 0, reqs: 0 }]));
console.log(`k6-output bench: ${ROUNDS} round(s) x ${configs.length} configs x ${SECONDS}s, constant-vus 4, target ${base}`);
for (let round = 1; round <= ROUNDS; round++) {
  // Alternate the order so slow drift of the shared machine's load does not favour one config.
  for (const c of round % 2 === 1 ? configs : [...configs].reverse()) {
    for (const f of ['summary.json', 'out.perf.ndjson', 'out.push.ndjson', 'out.json']) rmSync(join(dir, f), { force: true });
    const r = await runK6([...c.args, '--summary-export', 'summary.json'], { DURATION: `${SECONDS}s` });
    if (r.code !== 0) throw new Error(`k6 (${c.name}) exited ${r.code}: ${r.stderr.slice(-500)}`);
    const m = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).metrics.http_reqs;
    results[c.name].rps.push(m.rate);
    results[c.name].reqs = m.count;
    if (c.artifact) results[c.name].bytes = size(c.artifact);
    console.log(`  round ${round} ${c.name.padEnd(11)} ${m.rate.toFixed(0).padStart(6)} req/s  (${m.count} requests${c.artifact ? `, ${fmtBytes(size(c.artifact))}` : ''})`);
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const best = (name) => Math.max(...results[name].rps);
const base0 = best('no output');
console.log('\nthroughput (best and median of rounds; ratios per round compare runs made back to back):');
for (const c of configs) {
  const r = results[c.name];
  const perRound = r.rps.map((v, i) => v / results['no output'].rps[i]);
  console.log(
    `  ${c.name.padEnd(11)} best ${best(c.name).toFixed(0).padStart(6)} req/s  median ${median(r.rps).toFixed(0).padStart(6)}` +
      `  best/best ${(best(c.name) / base0).toFixed(3)}  per-round ratios ${perRound.map((x) => x.toFixed(3)).join(' ')} (median ${median(perRound).toFixed(3)})`,
  );
}
const perfBytes = results['--out perf'].bytes;
const jsonBytes = results['--out json'].bytes;
const perfRatio = median(results['--out perf'].rps.map((v, i) => v / results['no output'].rps[i]));
console.log(`  --out perf keeps ${(perfRatio * 100).toFixed(1)} % of no-output throughput (median per-round ratio; target >= 95 %): ${perfRatio >= 0.95 ? 'MET' : 'NOT MET'}`);
const pushRatio = median(results['perf+push'].rps.map((v, i) => v / results['no output'].rps[i]));
console.log(
  `  perf+push keeps ${(pushRatio * 100).toFixed(1)} % of no-output throughput (median per-round ratio; target >= 95 %): ${pushRatio >= 0.95 ? 'MET' : 'NOT MET'}` +
    ` — the stub collector took ${pushed.batches} batches, ${fmtBytes(pushed.bytes)} over ${ROUNDS} run(s)`,
);
console.log(
  `  artifact (last round, ${SECONDS}s): perf ${fmtBytes(perfBytes)} vs json ${fmtBytes(jsonBytes)} = ${(jsonBytes / perfBytes).toFixed(0)}x smaller (target >= 50x): ${jsonBytes / perfBytes >= 50 ? 'MET' : 'NOT MET'}`,
);

}

// ---- 2. memory -----------------------------------------------------------------------------------
function hwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function rssRun(name, args) {
  let pid;
  let at1x = null;
  let last = null;
  const trace = [];
  const started = Date.now();
  const done = runK6([...args, '--summary-export', 'rss-summary.json'], { MODE: 'rate', RATE: String(RATE), VUS: String(VUS), EXTRA: String(EXTRA), DURATION: `${RSS_SECONDS}s` }, (p) => (pid = p));
  const poll = setInterval(() => {
    const v = hwmKb(pid);
    if (v === null) return;
    last = v;
    if (trace.length < (Date.now() - started) / 2000) {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      trace.push(rss ? (Number(rss[1]) / 1024).toFixed(0) : '?');
    }
    if (at1x === null && Date.now() - started >= (RSS_SECONDS * 1000) / 10) at1x = v;
  }, 250);
  const r = await done;
  clearInterval(poll);
  if (r.code !== 0) throw new Error(`k6 (${name}) exited ${r.code}: ${r.stderr.slice(-500)}`);
  let reqs = '?';
  if (existsSync(join(dir, 'rss-summary.json'))) {
    reqs = JSON.parse(readFileSync(join(dir, 'rss-summary.json'), 'utf8')).metrics.http_reqs?.count ?? '?';
  } else if (existsSync(join(dir, 'rss.perf.ndjson'))) {
    // Summary disabled: count from our artifact's summary line.
    const last = readFileSync(join(dir, 'rss.perf.ndjson'), 'utf8').trim().split('\n').pop();
    const s = JSON.parse(last);
    if (s.type === 'summary') reqs = s.counters.filter((c) => c.metric === 'http_reqs').reduce((n, c) => n + c.value, 0);
  }
  rmSync(join(dir, 'rss-summary.json'), { force: true });
  return { name, at1x, at10x: last, reqs, trace };
}

if (ONLY !== 'throughput') {
console.log(`\nmemory: constant-arrival-rate ${RATE}/s for ${RSS_SECONDS}s, each iteration 1 request + ${EXTRA} custom Trend samples; peak RSS at 1x (${RSS_SECONDS / 10}s) and 10x (end) of the samples`);
  const ours = await rssRun('ours', ['--summary-mode=disabled', '--no-thresholds', '--out', 'perf=file=rss.perf.ndjson']);
  const stock = await rssRun('stock', []);
for (const r of [ours, stock]) {
  console.log(
    `  ${r.name === 'ours' ? '--summary-mode=disabled --no-thresholds --out perf' : 'stock settings (end-of-test summary)'}`.padEnd(56) +
      ` 1x ${(r.at1x / 1024).toFixed(1)} MB  10x ${(r.at10x / 1024).toFixed(1)} MB  growth ${(r.at10x / r.at1x).toFixed(2)}x  (${r.reqs} requests)`,
  );
}
const g = ours.at10x / ours.at1x;
console.log(`  ours grows ${g.toFixed(2)}x from 1x to 10x samples (target <= 1.2x): ${g <= 1.2 ? 'MET' : 'NOT MET'}; stock k6 grows ${(stock.at10x / stock.at1x).toFixed(2)}x`);
console.log(`  perf artifact of the ${RSS_SECONDS}s run: ${fmtBytes(size('rss.perf.ndjson'))}`);
if (process.env.BENCH_TRACE) console.log(`  RSS trace (MB, every 2 s): ours ${ours.trace.join(' ')}\n  stock ${stock.trace.join(' ')}`);
}

server.kill('SIGTERM');
collector.close();
rmSync(dir, { recursive: true, force: true });
