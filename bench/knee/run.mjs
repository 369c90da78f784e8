// Benchmark: how much the capacity knee of ONE unchanged service varies when it is measured N
// times in a row (is the knee a property of the service or host noise?). The service is a loopback CPU-bound server
// with a known limit (busyMs of CPU per request on one thread → 1000 / busyMs requests/s), in its
// own process. Prints each knee, what limited it, its trials, and the coefficient of variation
// (target ≤ 15 % on a quiet machine). Bounded: --quick steps (1 s), a 60 s budget per search.
// Usage: node scripts/build.mjs && node bench/knee/run.mjs [runs=10] [busyMs=4] [thresholdMs=50]
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { runBaseline } from '../../dist/capture/baseline/run-baseline.js';
import { ArtifactStore } from '../../dist/core/artifacts/store.js';
import { parseConfig } from '../../dist/core/config/load.js';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../..');
const runs = Number(process.argv[2] ?? 10);
const busyMs = Number(process.argv[3] ?? 4);
const thresholdMs = Number(process.argv[4] ?? 50);
const SEARCH_BUDGET_MS = 60_000;

const server = spawn(process.execPath, [join(root, 'test/fixtures/verdicts/servers.mjs'), 'cpu', String(busyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (c) => {
    out += c;
    if (out.includes('\n')) resolve(out.split('\n')[0]);
  });
  server.on('exit', (c) => reject(new Error(`server exited ${c}`)));
});

const dir = mkdtempSync(join(tmpdir(), 'perf-knee-bench-'));
const config = parseConfig(
  `target: { baseUrl: "${url}" }
journeys:
  - { name: work, steps: [{ path: /work }] }
slos:
  - { name: p95, sli: latency, objective: 95, percentile: p95, thresholdMs: ${thresholdMs} }
`,
  join(dir, 'perf.config.yaml'),
);

console.log(`knee bench: ${runs} capacity searches of one loopback service (${busyMs} ms CPU per request → limit ${Math.round(1000 / busyMs)} req/s), p95 SLO ${thresholdMs} ms; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const knees = [];
try {
  for (let i = 0; i < runs; i++) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), SEARCH_BUDGET_MS);
    const t0 = Date.now();
    try {
      const r = await runBaseline({ config, store: new ArtifactStore(join(dir, `run${i}`)), quick: true, durationMs: 1000, warmupMs: 500, signal: ctl.signal });
      const c = r.artifact.capacity;
      knees.push(c.maxRps);
      console.log(`run ${String(i + 1).padStart(2)}: knee ${String(c.maxRps).padStart(4)} req/s  limited by ${c.limitedBy.padEnd(12)} ${c.steps.length} steps  ${((Date.now() - t0) / 1000).toFixed(1)} s  (${c.confirmation})`);
    } catch (err) {
      console.log(`run ${i + 1}: ${err.message}`);
    } finally {
      clearTimeout(timer);
    }
  }
} finally {
  server.kill('SIGTERM');
}
if (knees.length >= 2) {
  const m = mean(knees);
  const cv = sampleStandardDeviation(knees) / m;
  console.log(`knees: ${knees.join(', ')} req/s`);
  console.log(`mean ${m.toFixed(1)} req/s, min ${Math.min(...knees)}, max ${Math.max(...knees)}, coefficient of variation ${(cv * 100).toFixed(1)} % (target ≤ 15 % on a quiet machine; known limit ${Math.round(1000 / busyMs)} req/s)`);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}
