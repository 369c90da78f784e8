// Benchmark: `perf generate --scenario all` for the demo shop config (6 journeys, 6 SLOs).
// Prints, from ONE run of interleaved rounds (medians):
//   - render: journeys × profiles → the five TypeScript sources (pure)
//   - generate: render + write + esbuild bundle of all five + the load-test plan (what the command does)
//   - esbuild only: bundling the same five .ts files again (the reference), and generate / esbuild
//   - k6 detection (`k6 version`, once per command) and `k6 inspect` of each bundle when a k6 is found
//   - the size of each .ts source and .js bundle
// Usage: node scripts/build.mjs && node bench/generate/run.mjs [rounds=7]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../dist/core/config/load.js';
import { ArtifactStore } from '../../dist/core/artifacts/store.js';
import { generateScripts } from '../../dist/k6-scripts/src/generate.js';
import { findK6 } from '../../dist/k6-scripts/src/k6-binary.js';
import { renderScript } from '../../dist/k6-scripts/src/script-source.js';
import { buildLoadProfile } from '../../dist/profiles/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const rounds = Number(process.argv[2] ?? 7);
const SCENARIOS = ['baseline', 'stress', 'spike', 'soak', 'breakpoint'];
const config = loadConfig(join(root, 'examples/shop/perf.config.yaml'));
const RATE = 100; // no baseline in the bench: every scenario peaks at 100 req/s
const out = mkdtempSync(join(tmpdir(), 'perf-bench-generate-'));
const store = new ArtifactStore(out, 'bench');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

const times = { render: [], generate: [], esbuild: [] };
let result;
for (let r = 0; r < rounds; r++) {
  let t = process.hrtime.bigint();
  for (const s of SCENARIOS) {
    renderScript({
      config,
      profile: buildLoadProfile(s, { config, capacityRps: null, rate: RATE }),
      dataPaths: {},
      rerun: { perf: 'perf loadtest', k6: 'k6 run' },
      toolVersion: 'bench',
      configSource: 'perf.config.yaml',
      extension: true,
    });
  }
  times.render.push(ms(t));

  t = process.hrtime.bigint();
  result = await generateScripts({ config, store, scenarios: SCENARIOS, rate: RATE, extension: true });
  times.generate.push(ms(t));

  t = process.hrtime.bigint();
  for (const s of result.scripts) {
    await build({ entryPoints: [s.tsPath], outfile: `${s.jsPath}.ref.js`, bundle: true, format: 'esm', platform: 'neutral', external: ['k6', 'k6/*'], logLevel: 'silent' });
  }
  times.esbuild.push(ms(t));
}

let detectMs = null;
let k6 = null;
try {
  const t = process.hrtime.bigint();
  k6 = findK6();
  detectMs = ms(t);
} catch {
  // no k6: skip the k6 figures
}

console.log(`perf generate --scenario all, demo shop config (${config.journeys.length} journeys, ${config.slos.length} SLOs), ${rounds} rounds, medians`);
console.log(`  render five TS sources (pure):            ${median(times.render).toFixed(2)} ms`);
console.log(`  generate (render + write + bundle + plan): ${median(times.generate).toFixed(1)} ms`);
console.log(`  esbuild only, same five files (reference): ${median(times.esbuild).toFixed(1)} ms`);
console.log(`  generate / esbuild-only ratio:             ${(median(times.generate) / median(times.esbuild)).toFixed(2)}`);
if (detectMs !== null) console.log(`  k6 detection (k6 version, once/command):  ${detectMs.toFixed(1)} ms  (${k6.path}, extension: ${k6.extension})`);
console.log('');
console.log('  scenario     .ts bytes   .js bytes   k6 inspect');
for (const s of result.scripts) {
  let inspect = 'n/a';
  if (k6) {
    const t = process.hrtime.bigint();
    execFileSync(k6.path, ['inspect', s.jsPath], { stdio: 'ignore', env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
    inspect = `${ms(t).toFixed(0)} ms`;
  }
  console.log(`  ${s.scenario.padEnd(11)} ${String(statSync(s.tsPath).size).padStart(10)} ${String(s.bundleBytes).padStart(11)}   ${inspect}`);
}
rmSync(out, { recursive: true, force: true });
