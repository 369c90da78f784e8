#!/usr/bin/env node
// Start-up cost of the perf CLI: median wall time of `perf --version` next to `node -e 0`,
// measured side by side in one run (interleaved, so machine load hits both alike), and their ratio.
//   node bench/startup/run.mjs [--runs 21] [--json]
// Target (issue 2): ratio <= 5. Needs a build (node scripts/build.mjs) first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'cli', 'bin', 'run.js');
const TARGET_RATIO = 5;

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 21;
const asJson = args.includes('--json');
if (!Number.isInteger(runs) || runs < 15) {
  console.error('--runs must be an integer >= 15');
  process.exit(2);
}
if (!existsSync(join(ROOT, 'dist', 'cli', 'commands'))) {
  console.error('dist/ is missing: run "node scripts/build.mjs" first');
  process.exit(2);
}

const subjects = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'perf --version', argv: [CLI, '--version'] },
  { name: 'perf --help', argv: [CLI, '--help'] },
];

function timeOnce(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// One warm-up each (file cache), then interleaved rounds.
for (const s of subjects) timeOnce(s.argv);
const samples = subjects.map(() => []);
for (let i = 0; i < runs; i++) {
  subjects.forEach((s, k) => samples[k].push(timeOnce(s.argv)));
}

const rows = subjects.map((s, k) => ({
  name: s.name,
  runs,
  medianMs: round(median(samples[k])),
  minMs: round(Math.min(...samples[k])),
  p90Ms: round(quantile(samples[k], 0.9)),
}));
const ratio = round(rows[1].medianMs / rows[0].medianMs);
const helpRatio = round(rows[2].medianMs / rows[0].medianMs);

function round(x) {
  return Math.round(x * 10) / 10;
}

if (asJson) {
  console.log(JSON.stringify({ schema: 'perf.bench-startup/v1', node: process.version, rows, ratio, helpRatio, targetRatio: TARGET_RATIO, met: ratio <= TARGET_RATIO }, null, 2));
} else {
  console.log(`perf start-up, ${runs} interleaved runs each (node ${process.version})\n`);
  console.log('| command | median ms | min ms | p90 ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.medianMs} | ${r.minMs} | ${r.p90Ms} |`);
  console.log(`\nratio perf --version / node -e 0 (medians): ${ratio}  (target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`);
  console.log(`ratio perf --help / node -e 0 (medians): ${helpRatio}`);
}
