// High-cardinality case of the slo-check benchmark: a k6 --out json file whose
// `name` tag is a distinct URL per request (k6's default for dynamic URLs), at 25 k, 50 k and 100 k
// distinct names. Prints wall time and peak RSS of `perf slo-check` beside the naive reference
// (readline + JSON.parse + sort, bench/slo-check/naive.mjs) on the same file, the growth from the
// smallest to the largest case (linear time: the time per name stays flat), and the 300 MB target.
//
//   node bench/slo-check/high-cardinality.mjs [--names 25000,50000,100000]   (needs a build)
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../dist/core/random.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const counts = (args.includes('--names') ? args[args.indexOf('--names') + 1] : '25000,50000,100000').split(',').map(Number);
const PER_NAME = 2;

const dir = mkdtempSync(join(tmpdir(), 'perf-bench-card-'));
const config = join(dir, 'perf.config.json');
const slo = (name, sli, extra) => ({ name, sli, window: '30d', ...extra });
writeFileSync(
  config,
  JSON.stringify({
    target: { baseUrl: 'http://127.0.0.1:1' },
    journeys: [{ name: 'browse', steps: [{ name: 'home', path: '/' }] }],
    slos: [slo('p95', 'latency', { objective: 99, percentile: 'p95', thresholdMs: 200 }), slo('availability', 'availability', { objective: 99.5 })],
  }),
);

async function generate(file, names) {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? null : new Promise((r) => out.once('drain', r)));
  const rnd = seededRandom(names);
  for (const [m, t, c] of [['http_reqs', 'counter', 'default'], ['http_req_duration', 'trend', 'time'], ['http_req_failed', 'rate', 'default']]) {
    await write(`${JSON.stringify({ type: 'Metric', data: { name: m, type: t, contains: c, thresholds: [], submetrics: null }, metric: m })}\n`);
  }
  const t0 = Date.UTC(2026, 0, 1);
  let n = 0;
  for (let i = 0; i < names; i++) {
    for (let k = 0; k < PER_NAME; k++) {
      const time = new Date(t0 + Math.floor((n++ * 600_000) / (names * PER_NAME))).toISOString().replace('Z', '123456Z');
      const failed = rnd() < 0.01;
      const status = failed ? '503' : '200';
      const tags = `{"expected_response":"${!failed}","group":"","method":"GET","name":"http://127.0.0.1:8080/posts/${i}","proto":"HTTP/1.1","scenario":"default","status":"${status}","url":"http://127.0.0.1:8080/posts/${i}"}`;
      const ms = (5 + rnd() * 40 + (rnd() < 0.02 ? 300 : 0)).toFixed(6);
      await write(`{"metric":"http_reqs","type":"Point","data":{"time":"${time}","value":1,"tags":${tags}}}\n`);
      await write(`{"metric":"http_req_duration","type":"Point","data":{"time":"${time}","value":${ms},"tags":${tags}}}\n`);
      await write(`{"metric":"http_req_failed","type":"Point","data":{"time":"${time}","value":${failed ? 1 : 0},"tags":${tags}}}\n`);
    }
  }
  await new Promise((r) => out.end(r));
}

function measure(cmd, argv, label) {
  const rssFile = join(dir, `${label}.rss`);
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', join(here, 'rss-hook.mjs'), cmd, ...argv], { cwd: dir, env: { ...process.env, PERF_BENCH_RSS_FILE: rssFile }, maxBuffer: 64 << 20, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${label} exited ${r.status}: ${r.stderr}`);
  return { wallMs, ...JSON.parse(readFileSync(rssFile, 'utf8')), stdout: r.stdout, stderr: r.stderr };
}

const rows = [];
try {
  for (const names of counts) {
    const file = join(dir, `k6-${names}.json`);
    process.stderr.write(`generating ${names} distinct names ...\n`);
    await generate(file, names);
    const mb = statSync(file).size / 1024 ** 2;
    const perf = measure(join(root, 'cli', 'bin', 'run.js'), ['slo-check', file, '--config', config, '--out-dir', join(dir, 'out'), '--json', '--fail-on', 'never'], `perf-${names}`);
    const naive = measure(join(here, 'naive.mjs'), [file], `naive-${names}`);
    const report = JSON.parse(perf.stdout);
    const ref = JSON.parse(naive.stdout);
    const avail = report.slos.find((s) => s.name === 'availability');
    rows.push({
      names,
      mb,
      perf,
      naive,
      agree: avail.events.total === ref.requests && avail.events.bad === ref.failed,
      warned: report.warnings.some((w) => w.includes('distinct tag sets') && w.includes('"name"')),
    });
    rmSync(file, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const mib = (b) => `${Math.round(b / 1024 ** 2)} MB`;
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log('\nperf slo-check on high-cardinality k6 --out json (one distinct `name` tag per URL, 2 requests each) vs the naive reference');
console.log('| distinct names | file | perf wall | perf peak RSS | naive wall | naive peak RSS | time ratio (naive/perf) | µs per name (perf) | counts agree | group-by warning |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.names.toLocaleString('en-US')} | ${Math.round(r.mb)} MB | ${s(r.perf.wallMs)} | ${mib(r.perf.rss)} | ${s(r.naive.wallMs)} | ${mib(r.naive.rss)} | ${(r.naive.wallMs / r.perf.wallMs).toFixed(2)}× | ${((r.perf.wallMs * 1000) / r.names).toFixed(0)} | ${r.agree ? 'yes' : 'NO'} | ${r.warned ? 'yes' : 'NO'} |`,
  );
}
const first = rows[0];
const last = rows[rows.length - 1];
const growth = last.perf.wallMs / first.perf.wallMs / (last.names / first.names);
console.log(`time growth from ${first.names} to ${last.names} names, per name: ${growth.toFixed(2)}× (1.0 = linear; start-up weighs on the smallest case)`);
console.log(`target at ${last.names.toLocaleString('en-US')} names (peak RSS <= 300 MB, linear time): RSS ${last.perf.rss <= 300 * 1024 ** 2 ? 'met' : 'NOT met'}, time ${growth <= 1.3 ? 'met' : 'NOT met'}`);
