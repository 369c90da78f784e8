// Benchmark: how often `perf compare` claims a change that did not happen. One unchanged service
// (server.mjs, its own process) is measured N times in a row with perf baseline (same open-model
// rate, same duration). Every consecutive pair is compared three ways, side by side in one run:
//   naive      — Mann–Whitney p < 0.01 alone (the reference: a significance test without effect size)
//   requests   — perf compare's earlier rule on one pair: significance with every request as an
//                independent sample (Mann–Whitney, p95 bootstrap) AND the minimum effect sizes
//   batches    — perf compare's rule now: the same effect sizes, significance across the run's 10
//                time batches (batch medians / p95s / error rates as the units), so drift within a
//                run widens the test
//   confirmed  — perf compare --confirm / perf flow: the pair's claim must also hold when both sides
//                are re-measured interleaved (A B A B); the next runs of the same service serve as
//                the re-measurements (for each rule).
// Target: 0 claims for "compare" and "confirmed". Bounded: N runs × (warm-up + duration).
// Usage: node scripts/build.mjs && node bench/compare-null/run.mjs [runs=10] [seconds=8] [rate=200]
// (the defaults give each journey ≥ 400 requests a side, so the p95 (tail) test is exercised too)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBaseline } from '../../dist/capture/baseline/run-baseline.js';
import { claimsChange, compareFigures, DEFAULT_COMPARE_OPTIONS } from '../../dist/analyzers/compare/compare.js';
import { judgeInterleaved } from '../../dist/analyzers/compare/confirm.js';
import { mannWhitney } from '../../dist/analyzers/compare/stats.js';
import { decodeHistogram } from '../../dist/analyzers/histogram.js';
import { ArtifactStore } from '../../dist/core/artifacts/store.js';
import { parseConfig } from '../../dist/core/config/load.js';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Math.max(4, Number(process.argv[2] ?? 10));
const seconds = Number(process.argv[3] ?? 8);
const rate = Number(process.argv[4] ?? 200);
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
  const rules = { requests: { ...DEFAULT_COMPARE_OPTIONS, replication: 'requests' }, batches: DEFAULT_COMPARE_OPTIONS };
  const single = { requests: 0, batches: 0 };
  const confirmed = { requests: 0, batches: 0 };
  let pairs = 0;
  let naive = 0;
  for (let i = 0; i + 1 < runs; i++) {
    for (const name of names) {
      const a = fig(measured[i], name);
      const b = fig(measured[i + 1], name);
      pairs++;
      if (mannWhitney(decodeHistogram(a.histogram), decodeHistogram(b.histogram)).pValue < 0.01) naive++;
      for (const [rule, opts] of Object.entries(rules)) {
        const claim = compareFigures(a, b, opts);
        if (!claimsChange(claim.verdict)) continue;
        if (process.env.BENCH_VERBOSE) process.stderr.write(`${rule}: claim ${name} runs ${i + 1}→${i + 2}: ${claim.verdict}: ${claim.reasons.join('; ')}\n`);
        single[rule]++;
        // A B A B from the runs that follow (wrapping around): the service never changed.
        const at = (k) => fig(measured[(i + k) % runs], name);
        if (judgeInterleaved(claim, [{ before: at(2), after: at(3) }, { before: at(4), after: at(5) }], opts).held) confirmed[rule]++;
      }
    }
  }
  const secs = (Date.now() - started) / 1000;
  const n = measured[0].journeys.map((j) => `${j.name} n=${j.requests}`).join(', ');
  console.log(`compare-null: ${runs} runs of one unchanged service (${names.length} journeys: ${n}; ${rate} req/s open model, ${seconds} s mix + per-journey runs), ${pairs} consecutive comparisons, ${secs.toFixed(0)} s, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('| verdict rule | one pair: changes claimed | + A B A B confirmation | of comparisons |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| naive: Mann–Whitney p < 0.01 on requests (reference) | ${naive} | — | ${pairs} |`);
  console.log(`| old rule: requests as units + effect sizes | ${single.requests} | ${confirmed.requests} | ${pairs} |`);
  console.log(`| perf compare now: time batches as units + effect sizes | ${single.batches} | ${confirmed.batches} | ${pairs} |`);
  console.log(`target: 0 claimed by perf compare (batches) and with confirmation; old/new = ${single.requests}/${single.batches}`);
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
