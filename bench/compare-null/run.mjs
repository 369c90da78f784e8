// Benchmark: how often `perf compare` claims a change that did not happen. One unchanged service
// (server.mjs, its own process) is measured N times in a row with perf baseline (same open-model
// rate, same duration). Every consecutive pair is compared three ways, side by side in one run:
//   naive      — Mann–Whitney p < 0.01 alone (the reference: a significance test without effect size)
//   compare    — perf compare's verdict on one pair (significance AND minimum effect size)
//   confirmed  — perf flow's rule: the pair's claim must hold when both sides are re-measured
//                interleaved (A B A B); the next runs of the same service serve as the re-measurements.
// Target: 0 claims for "compare" and "confirmed". Bounded: N runs × (warm-up + duration).
// Usage: node scripts/build.mjs && node bench/compare-null/run.mjs [runs=10] [seconds=3] [rate=100]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBaseline } from '../../dist/capture/baseline/run-baseline.js';
import { claimsChange, compareFigures } from '../../dist/analyzers/compare/compare.js';
import { judgeInterleaved } from '../../dist/analyzers/compare/confirm.js';
import { mannWhitney } from '../../dist/analyzers/compare/stats.js';
import { decodeHistogram } from '../../dist/analyzers/histogram.js';
import { ArtifactStore } from '../../dist/core/artifacts/store.js';
import { parseConfig } from '../../dist/core/config/load.js';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Math.max(4, Number(process.argv[2] ?? 10));
const seconds = Number(process.argv[3] ?? 3);
const rate = Number(process.argv[4] ?? 100);
const started = Date.now();

const server = spawn(process.execPath, [join(here, 'server.mjs'), '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  server.stderr.on('data', (d) => {
    const m = /listening (\S+)/.exec(String(d));
    if (m) resolve(m[1]);
  });
  server.on('exit', (c) => reject(new Error(`server exited ${c}`)));
});
const dir = mkdtempSync(join(tmpdir(), 'perf-compare-null-'));
try {
  const config = parseConfig(
    `target: { baseUrl: "${url}" }\njourneys:\n  - { name: items, steps: [{ path: /items }] }\n  - { name: search, steps: [{ path: /search }] }\n`,
    join(dir, 'perf.config.yaml'),
  );
  const measured = [];
  for (let i = 0; i < runs; i++) {
    const r = await runBaseline({ config, store: new ArtifactStore(join(dir, `run-${i}`)), rateRps: rate, durationMs: seconds * 1000, capacity: false });
    measured.push(r.artifact);
    process.stderr.write(`run ${i + 1}/${runs}: ${r.artifact.journeys.map((j) => `${j.name} p50 ${j.latencyMs.p50.toFixed(2)} p95 ${j.latencyMs.p95.toFixed(2)} ms (n=${j.requests})`).join(', ')}\n`);
  }
  const names = measured[0].journeys.map((j) => j.name);
  const fig = (run, name) => run.journeys.find((j) => j.name === name);
  let pairs = 0;
  let naive = 0;
  let single = 0;
  let confirmed = 0;
  for (let i = 0; i + 1 < runs; i++) {
    for (const name of names) {
      const a = fig(measured[i], name);
      const b = fig(measured[i + 1], name);
      pairs++;
      if (mannWhitney(decodeHistogram(a.histogram), decodeHistogram(b.histogram)).pValue < 0.01) naive++;
      const claim = compareFigures(a, b);
      if (!claimsChange(claim.verdict)) continue;
      if (process.env.BENCH_VERBOSE) process.stderr.write(`claim ${name} runs ${i + 1}→${i + 2}: ${claim.verdict}: ${claim.reasons.join("; ")}\n`);
      single++;
      // A B A B from the runs that follow (wrapping around): the service never changed.
      const at = (k) => fig(measured[(i + k) % runs], name);
      const r = judgeInterleaved(claim, [{ before: at(2), after: at(3) }, { before: at(4), after: at(5) }]);
      if (r.held) confirmed++;
    }
  }
  const secs = (Date.now() - started) / 1000;
  console.log(`compare-null: ${runs} runs of one unchanged service (${names.length} journeys, ${rate} req/s open model, ${seconds} s each), ${pairs} consecutive comparisons, ${secs.toFixed(0)} s`);
  console.log('| verdict rule | changes claimed | of comparisons |');
  console.log('| --- | --- | --- |');
  console.log(`| naive: Mann–Whitney p < 0.01 (reference) | ${naive} | ${pairs} |`);
  console.log(`| perf compare (significance + effect size) | ${single} | ${pairs} |`);
  console.log(`| perf flow (+ interleaved A B A B confirmation) | ${confirmed} | ${pairs} |`);
  console.log(`target: 0 claimed by perf compare and perf flow; ratio naive/compare = ${single === 0 ? `${naive}/0` : (naive / single).toFixed(1)}`);
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
