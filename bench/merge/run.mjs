// Benchmark of merging the runners of a scale-out run: 16 runner files of a 24 h soak (8,640 windows
// of 10 s each, perf.k6-windows/v1 with real HDR histograms per journey and status) into one, through
// readRunnerFiles (capture/results: the merge split in time over the cores, as slo-check and report read
// runner files) and writing the merged NDJSON. Budgets: < 2 s, < 300 MB peak RSS.
// Side by side, in the same run: the reference of only READING the same 16 files (no merge), and of
// reading one runner's file. Each figure is the median of --rounds child processes (peak RSS: max).
// Run: node scripts/build.mjs && node bench/merge/run.mjs [--runners 16] [--windows 8640] [--rounds 3] [--keep]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deflateSync, inflateSync } from 'node:zlib';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('../..', import.meta.url).pathname;
const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

// ---- child: one measured operation -------------------------------------------------------------
if (process.argv[2] === '--child') {
  const [, , , mode, dir, out] = process.argv;
  const t0 = performance.now();
  if (mode === 'merge') {
    const { readRunnerFiles } = await dist('capture/results/runner-files.js');
    const merged = await readRunnerFiles([dir]);
    // Written as a stream is: a batch of lines at a time, not one string of the whole file.
    const fd = openSync(out, 'w');
    let batch = '';
    for (const l of merged.lines) {
      batch += JSON.stringify(l) + '\n';
      if (batch.length >= 1 << 20) {
        writeSync(fd, batch);
        batch = '';
      }
    }
    writeSync(fd, batch);
    closeSync(fd);
    process.stderr.write(`merged ${merged.runners.length} runners, ${merged.run.windows.length} windows, ${merged.runners.reduce((n, r) => n + r.requests, 0)} requests\n`);
  } else {
    const { readK6WindowsLines } = await dist('capture/results/k6-files.js');
    const files = readdirSync(dir).sort().map((f) => join(dir, f));
    let n = 0;
    for (const f of mode === 'read-one' ? files.slice(0, 1) : files) n += (await readK6WindowsLines(f)).lines.length;
    process.stderr.write(`read ${n} lines\n`);
  }
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }));
  process.exit(0);
}

// ---- parent: generate, measure, print ----------------------------------------------------------
const RUNNERS = arg('runners', 16);
const WINDOWS = arg('windows', 8640);
const ROUNDS = arg('rounds', 3);
const WINDOW_MS = 10_000;
const RATE = 5; // requests/s per runner: 50 a window, 16 runners → 80 req/s merged
const { newHistogram, recordMs, encodeHistogram } = await dist('analyzers/histogram.js');

const { seededRandom } = await dist('core/random.js');
const rand = seededRandom(42);

/**
 * The runner files are the Go extension's (hdrhistogram-go, compress/zlib): their histograms are compressed
 * by zlib, whatever our own encoder does, so the input stays the same when the encoder changes (the payload
 * recompressed at zlib's default level: the bytes of every run of this bench so far).
 */
const asWritten = (base64) => {
  const b = Buffer.from(base64, 'base64');
  const z = deflateSync(inflateSync(b.subarray(8, 8 + b.readInt32BE(4))));
  const out = Buffer.alloc(8 + z.length);
  b.copy(out, 0, 0, 4);
  out.writeInt32BE(z.length, 4);
  z.copy(out, 8);
  return out.toString('base64');
};

/** A pool of real window histograms (lognormal latencies of one window's requests), reused across windows. */
const POOL = Array.from({ length: 256 }, (_, k) => {
  const h = newHistogram();
  const n = 10 + (k % 40);
  let sum = 0;
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const ms = Math.exp(Math.log(k % 2 ? 80 : 20) + rand() * 1.2);
    recordMs(h, ms);
    sum += ms;
    min = Math.min(min, ms);
    max = Math.max(max, ms);
  }
  return { count: n, min, max, sum, histogram: asWritten(encodeHistogram(h)) };
});

const dir = mkdtempSync(join(tmpdir(), 'perf-bench-merge-'));
const runnersDir = join(dir, 'runners');
mkdirSync(runnersDir);
const start = Math.floor(Date.UTC(2026, 0, 1) / WINDOW_MS) * WINDOW_MS;
const seqText = ['0', ...Array.from({ length: RUNNERS - 1 }, (_, i) => `${i + 1}/${RUNNERS}`), '1'];
for (let r = 0; r < RUNNERS; r++) {
  const lines = [
    JSON.stringify({
      schema: 'perf.k6-windows/v1', type: 'header', startMs: start, windowMs: WINDOW_MS, k6Version: 'v2.0.0', extensionVersion: 'bench', slos: [], guard: null,
      runId: 'soak-24h', runner: `r${r}`, segment: `${seqText[r]}:${seqText[r + 1]}`, segmentSequence: seqText.join(','), alignedWindows: true,
    }),
  ];
  let reqs = 0;
  for (let i = 0; i < WINDOWS; i++) {
    const trends = [];
    const counters = [];
    const rates = [];
    for (const journey of ['browse', 'checkout']) {
      const ok = POOL[Math.floor(rand() * POOL.length)];
      const bad = rand() < 0.2 ? POOL[Math.floor(rand() * POOL.length)] : null;
      const name = journey === 'browse' ? 'GET /' : 'POST /order';
      trends.push({ metric: 'http_req_duration', tags: { journey, name, status: '2xx' }, ...ok });
      counters.push({ metric: 'http_reqs', tags: { journey, name, status: '2xx' }, value: ok.count });
      rates.push({ metric: 'http_req_failed', tags: { journey, name, status: '2xx' }, trues: 0, total: ok.count });
      if (bad) {
        trends.push({ metric: 'http_req_duration', tags: { journey, name, status: '5xx' }, ...bad });
        counters.push({ metric: 'http_reqs', tags: { journey, name, status: '5xx' }, value: bad.count });
        rates.push({ metric: 'http_req_failed', tags: { journey, name, status: '5xx' }, trues: bad.count, total: bad.count });
      }
      reqs += ok.count + (bad?.count ?? 0);
    }
    counters.push({ metric: 'iterations', tags: {}, value: 50 });
    lines.push(JSON.stringify({ type: 'window', index: i, startMs: start + i * WINDOW_MS, endMs: start + (i + 1) * WINDOW_MS, trends, counters, rates, gauges: [{ metric: 'vus', tags: {}, value: 5, max: 6 }] }));
  }
  writeFileSync(join(runnersDir, `r${String(r).padStart(2, '0')}.perf.ndjson`), lines.join('\n') + '\n');
}
const sizeOf = (files) => files.reduce((n, f) => n + statSync(f).size, 0);
const files = readdirSync(runnersDir).map((f) => join(runnersDir, f));
const MB = 1024 * 1024;

function measure(mode) {
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) {
    const rssFile = join(dir, `rss-${mode}-${i}.json`);
    const r = spawnSync(process.execPath, ['--import', join(root, 'bench', 'slo-check', 'rss-hook.mjs'), new URL(import.meta.url).pathname, '--child', mode, runnersDir, join(dir, 'merged.perf.ndjson')], {
      encoding: 'utf8',
      env: { ...process.env, PERF_BENCH_RSS_FILE: rssFile },
      maxBuffer: 64 * MB,
    });
    if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
    runs.push({ ms: JSON.parse(r.stdout).ms, rss: JSON.parse(readFileSync(rssFile, 'utf8')).rss, note: r.stderr.trim() });
  }
  const ms = runs.map((x) => x.ms).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  return { ms, rss: Math.max(...runs.map((x) => x.rss)), note: runs[0].note };
}

const merge = measure('merge');
const readAll = measure('read-all');
const readOne = measure('read-one');
const row = (label, m, bytes) => `${label.padEnd(44)} ${(m.ms / 1000).toFixed(2).padStart(7)} s  ${(m.rss / MB).toFixed(0).padStart(5)} MB  ${(bytes / MB).toFixed(1).padStart(6)} MB in  ${m.note}`;
console.log(`bench/merge: ${RUNNERS} runners × ${WINDOWS} windows of ${WINDOW_MS / 1000} s (24 h soak), median of ${ROUNDS}; node ${process.version}`);
console.log(`${''.padEnd(44)} ${'time'.padStart(9)}  ${'peak RSS'.padStart(8)}  ${'input'.padStart(9)}`);
console.log(row(`merge ${RUNNERS} runner files into one (+ write)`, merge, sizeOf(files)));
console.log(row(`reference: read the same ${RUNNERS} files, no merge`, readAll, sizeOf(files)));
console.log(row('reference: read one runner file', readOne, statSync(files[0]).size));
console.log(`merge / read-all: time ${(merge.ms / readAll.ms).toFixed(2)}x, peak RSS ${(merge.rss / readAll.rss).toFixed(2)}x`);
console.log(`budget: < 2 s ${merge.ms < 2000 ? 'MET' : 'NOT MET'}, < 300 MB ${merge.rss < 300 * MB ? 'MET' : 'NOT MET'}`);
if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
