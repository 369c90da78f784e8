#!/usr/bin/env node
// Start-up cost of the perf CLI: median wall time of `perf --version` next to `node -e 0`,
// measured side by side in one run (interleaved, so machine load hits both alike), and their ratio.
// Also the INSTALLED package (scripts/pack.sh tarballs npm-installed into a temp project, as a
// service's repo has it): its `perf --version` (perf's and k6's versions) and `perf --help`.
//   node bench/startup/run.mjs [--runs 21] [--json] [--installed PROJECT_DIR | --no-installed]
// Targets (issues 2 and 14): ratio <= 5 for the checkout and the installed package. Needs a build first.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const installedArg = args.indexOf('--installed');
let installedProject = installedArg >= 0 ? args[installedArg + 1] : undefined;
let cleanup;
if (!installedProject && !args.includes('--no-installed')) {
  // Pack and install once (about a minute): the figures are for what users run.
  const packDir = mkdtempSync(join(tmpdir(), 'perf-bench-pack-'));
  execFileSync('bash', [join(ROOT, 'scripts/pack.sh'), packDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  installedProject = mkdtempSync(join(tmpdir(), 'perf-bench-project-'));
  writeFileSync(join(installedProject, 'package.json'), '{"name":"bench-project","version":"1.0.0","private":true}\n');
  const tarballs = readdirSync(packDir).filter((f) => f.endsWith('.tgz')).map((f) => join(packDir, f));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], { cwd: installedProject, stdio: ['ignore', 'ignore', 'inherit'] });
  cleanup = () => [packDir, installedProject].forEach((d) => rmSync(d, { recursive: true, force: true }));
}
const INSTALLED_CLI = installedProject ? join(installedProject, 'node_modules', 'perf-toolkit', 'cli', 'bin', 'run.js') : undefined;
if (INSTALLED_CLI && !existsSync(INSTALLED_CLI)) {
  console.error(`no installed perf-toolkit at ${INSTALLED_CLI}`);
  process.exit(2);
}

const subjects = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'perf --version', argv: [CLI, '--version'] },
  { name: 'perf --help', argv: [CLI, '--help'] },
  ...(INSTALLED_CLI
    ? [
        { name: 'installed perf --version', argv: [INSTALLED_CLI, '--version'], cwd: installedProject },
        { name: 'installed perf --help', argv: [INSTALLED_CLI, '--help'], cwd: installedProject },
      ]
    : []),
];

function timeOnce(argv, cwd = ROOT) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
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
for (const s of subjects) timeOnce(s.argv, s.cwd);
const samples = subjects.map(() => []);
for (let i = 0; i < runs; i++) {
  subjects.forEach((s, k) => samples[k].push(timeOnce(s.argv, s.cwd)));
}
cleanup?.();

const rows = subjects.map((s, k) => ({
  name: s.name,
  runs,
  medianMs: round(median(samples[k])),
  minMs: round(Math.min(...samples[k])),
  p90Ms: round(quantile(samples[k], 0.9)),
}));
const ratio = round(rows[1].medianMs / rows[0].medianMs);
const helpRatio = round(rows[2].medianMs / rows[0].medianMs);
const installedRatio = INSTALLED_CLI ? round(rows[3].medianMs / rows[0].medianMs) : null;
const installedHelpRatio = INSTALLED_CLI ? round(rows[4].medianMs / rows[0].medianMs) : null;

function round(x) {
  return Math.round(x * 10) / 10;
}

if (asJson) {
  console.log(JSON.stringify({ schema: 'perf.bench-startup/v1', node: process.version, rows, ratio, helpRatio, installedRatio, installedHelpRatio, targetRatio: TARGET_RATIO, met: ratio <= TARGET_RATIO && (installedRatio === null || installedRatio <= TARGET_RATIO) }, null, 2));
} else {
  console.log(`perf start-up, ${runs} interleaved runs each (node ${process.version})\n`);
  console.log('| command | median ms | min ms | p90 ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.medianMs} | ${r.minMs} | ${r.p90Ms} |`);
  console.log(`\nratio perf --version / node -e 0 (medians): ${ratio}  (target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`);
  console.log(`ratio perf --help / node -e 0 (medians): ${helpRatio}`);
  if (installedRatio !== null) {
    console.log(`ratio installed perf --version / node -e 0 (medians): ${installedRatio}  (target <= ${TARGET_RATIO}: ${installedRatio <= TARGET_RATIO ? 'met' : 'NOT met'})`);
    console.log(`ratio installed perf --help / node -e 0 (medians): ${installedHelpRatio}`);
  }
}
