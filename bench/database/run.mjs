// Benchmark: the overhead of perf's database evidence on the latency it measures. The same open-model
// load (same rate, duration) against a small PostgreSQL-backed service, alternating runs without and
// with the DatabaseRecorder around the phase (snapshots before/after + pg_stat_activity sampled every
// 250 ms during the run), in ONE process. Prints mean / p50 / p99 of each and the ratios (target:
// within noise, ratio ~1.0), plus the cost of one snapshot of the statistics views.
// Usage: node scripts/build.mjs && node bench/database/run.mjs [seconds=5] [rate=200] [rounds=3]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from '../../dist/capture/load/run-load.js';
import { DatabaseRecorder } from '../../dist/capture/database/recorder.js';
import { PostgresProbe } from '../../dist/capture/database/probe.js';
import { SecretSet } from '../../dist/core/redact.js';
import { startPostgres } from '../../scripts/postgres-temp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.argv[2] ?? 5);
const rate = Number(process.argv[3] ?? 200);
const rounds = Number(process.argv[4] ?? 3);

const pg = await startPostgres();
const url = await pg.createDatabase('bench');
const service = spawn(process.execPath, [join(here, 'service.mjs')], { env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
const baseUrl = await new Promise((resolve, reject) => {
  let out = '';
  service.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  service.on('exit', (c) => reject(new Error(`service exited ${c}`)));
});

const journeys = [{ name: 'q', weight: 1, steps: [{ name: 'q', method: 'GET', path: '/q', headers: {}, expectStatus: [200], thinkTimeMs: 0 }] }];
const load = () => runLoad({ baseUrl, journeys, headers: {}, model: { kind: 'open', rateRps: rate, connections: 32 }, durationMs: seconds * 1000, warmupMs: 500 });
const figures = (r) => r.overall.figures(r.durationMs, r.open);
const config = { target: { database: { postgres: '${BENCH_DATABASE_URL}' } } };
const env = { BENCH_DATABASE_URL: url };

const rows = { plain: [], recorded: [] };
const snapshotMs = [];
const recorded = async () => {
  const rec = await DatabaseRecorder.open(config, { settleMs: 0 }, env);
  rows.recorded.push(figures(await rec.phase('q', 'q', load, (r) => ({ requests: r.handled, durationMs: r.durationMs, latencyMeanMs: null, loadConnections: 32 }))));
  const ev = await rec.finish();
  if (!ev.phases[0]?.activity?.samples) throw new Error('the recorder took no pg_stat_activity samples');
};
try {
  await load(); // warm the service's pool and the server's caches
  // ABBA order, so drift of the machine does not favour one mode.
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      rows.plain.push(figures(await load()));
      await recorded();
    } else {
      await recorded();
      rows.plain.push(figures(await load()));
    }
  }
  const probe = await PostgresProbe.connect(url, new SecretSet());
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await probe.snapshot();
    snapshotMs.push(performance.now() - t0);
  }
  await probe.close();
} finally {
  service.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  await pg.stop();
}

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pick = (mode, k) => med(rows[mode].map((f) => f.latencyMs[k]));
console.log(`database evidence overhead: open model ${rate} req/s, ${seconds} s per run, ${rounds} round(s) each, interleaved`);
console.log('mode      | mean ms | p50 ms | p99 ms | requests');
for (const mode of ['plain', 'recorded']) {
  console.log(`${mode.padEnd(9)} | ${pick(mode, 'mean').toFixed(3).padStart(7)} | ${pick(mode, 'p50').toFixed(3).padStart(6)} | ${pick(mode, 'p99').toFixed(3).padStart(6)} | ${med(rows[mode].map((f) => f.requests))}`);
}
for (const k of ['mean', 'p50', 'p99']) console.log(`ratio recorded/plain ${k}: ${(pick('recorded', k) / pick('plain', k)).toFixed(3)}`);
console.log(`one statistics snapshot (statements + tables + indexes), taken outside the measured window: median ${med(snapshotMs).toFixed(1)} ms of 5`);
