/**
 * `perf slo-check` end to end: the built CLI as a real process on real k6 v2.2.0 files — exit codes,
 * artifacts, --json, --junit, GITHUB_STEP_SUMMARY, --annotations, --openslo, bad input.
 * Needs a build (node scripts/build.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'run.js');
const FIX = join(ROOT, 'test', 'fixtures', 'slo');
const XSD = join(FIX, 'junit-strict.xsd');
const K6 = join(FIX, 'k6-out.json');

function workdir(slos: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'perf-slo-it-'));
  writeFileSync(
    join(dir, 'perf.config.yaml'),
    `target:
  baseUrl: http://127.0.0.1:18931
journeys:
  - name: browse
    steps: [{ name: home, path: /fast }]
  - name: checkout
    steps: [{ name: buy, path: /err }]
slos:
${slos}`,
  );
  return dir;
}

function perf(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'slo-check', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The fixture run: 18 requests, 6 failed (the /err endpoint answers 503 every third request), all of
// browse under 40 ms.
const PASSING = `  - { name: browse-p95, sli: latency, journey: browse, objective: 50, percentile: p95, thresholdMs: 100, window: 30d }
  - { name: availability, sli: availability, objective: 50, window: 30d }
`;
const BREACHED = `  - { name: browse-p95, sli: latency, journey: browse, objective: 50, percentile: p95, thresholdMs: 100, window: 30d }
  - { name: availability, sli: availability, objective: 99.9, window: 30d }
`;

describe('perf slo-check (CLI)', () => {
  it('exit 0 when every SLO passes; writes the report and its perf.slo/v1 twin; --json prints the twin', () => {
    const dir = workdir(PASSING);
    const r = perf(dir, [K6, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schema).toBe('perf.slo/v1');
    expect(doc.status).toBe('PASS');
    expect(doc.source.format).toBe('k6-json');
    expect(doc.slos.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['browse-p95', 'PASS'],
      ['availability', 'PASS'],
    ]);
    expect(Object.keys(doc.slos[1].errorBudget)).toEqual(['allowedBadFraction', 'badFraction', 'consumedPct', 'remainingPct']);
    expect(doc.slos[1].events).toEqual({ total: 18, bad: 6 });
    expect(existsSync(join(dir, '.aiwg/reports/slo-compliance.md'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, '.aiwg/working/performance/slo.json'), 'utf8')).status).toBe('PASS');
  });

  it('a breach under --json prints the perf.slo/v1 twin alone (no second, error document) and exits 1', () => {
    const dir = workdir(BREACHED);
    const r = perf(dir, [K6, '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { schema: string; status: string };
    expect(doc).toMatchObject({ schema: 'perf.slo/v1', status: 'FAIL' });
  });

  it('exit 1 on a breach, 0 with --fail-on never; JUnit, step summary and annotations carry the numbers', () => {
    const dir = workdir(BREACHED);
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const junit = join(dir, 'out', 'slo.xml');
    const r = perf(dir, [K6, '--junit', junit, '--annotations'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SLO check FAIL: availability/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(r.stdout).toMatch(/^::error title=SLO availability FAIL::availability: FAIL — SLI 66.6667%/m);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n')).toBe(true);
    expect(md).toMatch(/\| availability \| availability \| ≥ 99.9% good \| 66.6667% \| ❌ FAIL \| 6 \/ 18 \|/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="2" failures="1"');
    if (spawnSync('xmllint', ['--version']).status === 0) {
      const v = spawnSync('xmllint', ['--noout', '--schema', XSD, junit], { encoding: 'utf8' });
      expect(v.status, v.stderr).toBe(0);
    }
    expect(perf(dir, [K6, '--fail-on', 'never']).code).toBe(0);
  });

  it('PARTIAL passes by default and fails with --fail-on partial', () => {
    // 6 of 18 failed = 33.3 % bad against 35 % allowed: burn rate 0.952, inside the 10 % warning margin
    const dir = workdir('  - { name: avail, sli: availability, objective: 65, window: 30d }\n');
    const ok = perf(dir, [K6, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).status).toBe('PARTIAL');
    expect(perf(dir, [K6, '--fail-on', 'partial']).code).toBe(1);
    expect(perf(dir, [K6, '--warn-margin', '1']).stdout).toMatch(/SLO compliance: PASS/);
  });

  it('reads every k6 and autocannon format the same gate way', () => {
    const dir = workdir(PASSING);
    for (const f of ['k6-summary-export.json', 'k6-handle-summary.json', 'k6-new-summary.json', 'autocannon.json']) {
      const r = perf(dir, [join(FIX, f), '--json', '--fail-on', 'never']);
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      const doc = JSON.parse(r.stdout);
      // journey-filtered latency cannot be judged from these summaries: said, not invented
      expect(doc.slos[0].actual).toBeNull();
      expect(doc.slos[0].note).toMatch(/no requests of journey "browse"/);
      expect(doc.slos[1].status).toBe('PASS');
    }
  });

  it('--openslo replaces the config SLOs', () => {
    const dir = workdir(PASSING);
    writeFileSync(
      join(dir, 'slo.yaml'),
      `apiVersion: openslo/v1
kind: SLO
metadata: { name: browse-fast, labels: { journey: browse } }
spec:
  indicator: { spec: { thresholdMetric: { metricSource: { type: k6, spec: {} } } } }
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ op: lte, value: 40, target: 0.9 }]
`,
    );
    const r = perf(dir, [K6, '--openslo', 'slo.yaml', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.slos).toHaveLength(1);
    expect(doc.slos[0]).toMatchObject({ name: 'browse-fast', sli: 'latency', journey: 'browse', objective: 90, target: 40 });
    expect(perf(dir, [K6, '--openslo', 'missing.yaml']).code).toBe(2);
  });

  it('bad input is exit 2 with one clear message', () => {
    const dir = workdir(PASSING);
    writeFileSync(join(dir, 'notes.txt'), 'hello world\n');
    const wrong = perf(dir, ['notes.txt']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^error: notes.txt: notes.txt is not a result file perf can read: it looks like text starting "hello world"/);
    const lines = readFileSync(K6, 'utf8').split('\n');
    const corrupt = [...lines];
    corrupt[10] = corrupt[10]!.slice(0, 40);
    writeFileSync(join(dir, 'corrupt.json'), corrupt.join('\n'));
    const c = perf(dir, ['corrupt.json']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/corrupt.json:11: corrupt line/);
    expect(c.stderr).toMatch(/--lenient/);
    const lenient = perf(dir, ['corrupt.json', '--lenient', '--fail-on', 'never']);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/skipped 1 corrupt line\(s\) \(--lenient\), the first at line 11/);
    expect(perf(dir, ['nope.json']).stderr).toMatch(/nope.json does not exist/);
    expect(perf(dir, [K6, '--fail-on', 'sometimes']).code).toBe(2);
  });

  it('a truncated last line (k6 killed) is skipped with a warning naming it', () => {
    const dir = workdir(PASSING);
    const text = readFileSync(K6, 'utf8').trimEnd();
    const cut = text.slice(0, text.length - 30);
    writeFileSync(join(dir, 'killed.json'), cut);
    const r = perf(dir, ['killed.json', '--fail-on', 'never']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: killed.json:${cut.split('\n').length}: last line is truncated`));
  });

  it('without a file it evaluates the latest loadtest (else baseline) artifact, or says how to get one', () => {
    const dir = workdir(PASSING);
    const none = perf(dir, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no result file given and no loadtest or baseline artifact found/);
  });
});
