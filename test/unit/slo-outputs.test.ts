import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SloReport } from '../../analyzers/slo/check.js';
import { gateFails } from '../../analyzers/slo/check.js';
import type { SloResult } from '../../core/artifacts/schemas.js';
import { renderJunit } from '../../templates/junit.js';
import { renderAnnotations, renderSloMarkdown, renderStepSummary, sloLine } from '../../templates/slo.js';
import { fmtFigure as fig, fmtShare as share } from '../../core/format.js';

const XSD = join(import.meta.dirname, '../fixtures/slo/junit-strict.xsd');
const tmp = mkdtempSync(join(tmpdir(), 'perf-slo-out-'));

const result = (o: Partial<SloResult> & Pick<SloResult, 'name' | 'status'>): SloResult => ({
  sli: 'availability',
  objective: 99.9,
  actual: 99.95,
  target: 99.9,
  errorBudget: { allowedBadFraction: 0.001, badFraction: 0.0005, consumedPct: 0.0694444444444, remainingPct: 99.9305555556 },
  burnRate: 0.5,
  alerts: [],
  events: { total: 100_000, bad: 50 },
  ...o,
});

const report = (slos: SloResult[], status: SloReport['status']): SloReport => ({
  status,
  source: { file: 'results & "stuff" <1>.json', format: 'k6-json' },
  runDurationMs: 3_600_000,
  slos,
  warnMargin: 0.1,
  slosFrom: 'perf.config.yaml',
  limits: ['a limit'],
  warnings: ['results.json:99: last line is truncated'],
});

const sample = report(
  [
    result({ name: 'availability', status: 'PASS' }),
    result({
      name: 'checkout p95 <fast> & "cheap"',
      sli: 'latency',
      journey: 'checkout',
      status: 'FAIL',
      actual: 612.5,
      target: 300,
      burnRate: 3.2,
      note: 'p95 above threshold',
      alerts: [{ severity: 'page', factor: 14.4, longWindow: '1h', shortWindow: '5m', longBurnRate: 15, shortBurnRate: 16, firing: true }],
    }),
    result({ name: 'errors', sli: 'error-rate', status: 'PARTIAL', actual: 0.095, target: 0.1, burnRate: 0.95 }),
  ],
  'FAIL',
);

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

describe('JUnit XML', () => {
  it.skipIf(!hasXmllint)('validates against the strict ant/Jenkins JUnit schema (xmllint)', () => {
    for (const [i, r] of [sample, report([result({ name: 'only', status: 'PASS' })], 'PASS'), report([], 'PASS')].entries()) {
      for (const failOnPartial of [false, true]) {
        const f = join(tmp, `j${i}-${failOnPartial}.xml`);
        writeFileSync(f, renderJunit(r, { failOnPartial }));
        const v = spawnSync('xmllint', ['--noout', '--schema', XSD, f], { encoding: 'utf8' });
        expect(v.stderr).toMatch(/validates/);
        expect(v.status).toBe(0);
      }
    }
  });

  it.skipIf(!hasXmllint)('the schema really rejects a malformed report', () => {
    const f = join(tmp, 'bad.xml');
    writeFileSync(f, renderJunit(sample).replace(/ hostname="[^"]*"/, ''));
    const v = spawnSync('xmllint', ['--noout', '--schema', XSD, f], { encoding: 'utf8' });
    expect(v.status).not.toBe(0);
  });

  it('one testcase per SLO; failures carry the numbers; PARTIAL fails only with --fail-on partial', () => {
    const x = renderJunit(sample, { timestamp: new Date(0), host: 'ci' });
    expect(x.match(/<testcase /g)).toHaveLength(3);
    expect(x).toContain('tests="3" failures="1"');
    expect(x).toContain('name="checkout p95 &lt;fast&gt; &amp; &quot;cheap&quot;"');
    expect(x).toMatch(/<failure message="SLO checkout p95 .* FAIL: observed 612.5 ms, target 300 ms; burn rate 3.2" type="SLOBreach">/);
    expect(x).toContain('alert firing: page 14.4×');
    expect(renderJunit(sample, { failOnPartial: true })).toContain('failures="2"');
    expect(x).toContain('timestamp="1970-01-01T00:00:00"');
  });
});

describe('GitHub outputs', () => {
  it('annotations: ::error for FAIL, ::warning for PARTIAL, escaped', () => {
    const a = renderAnnotations(sample);
    expect(a).toHaveLength(2);
    expect(a[0]).toMatch(/^::error title=SLO checkout p95 <fast> & "cheap" FAIL::checkout p95/);
    expect(a[1]).toMatch(/^::warning title=SLO errors PARTIAL::/);
    const withNewline = renderAnnotations(report([result({ name: 'a,b:c', status: 'FAIL', note: 'line1\nline2 100%' })], 'FAIL'))[0]!;
    expect(withNewline).toContain('title=SLO a%2Cb%3Ac FAIL');
    expect(withNewline).toContain('line1%0Aline2 100%25');
  });

  it('step summary: a markdown table row per SLO', () => {
    const md = renderStepSummary(sample);
    expect(md).toContain('| SLO | SLI | target | actual | status |');
    expect(md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| SLO'))).toHaveLength(3);
  });
});

describe('markdown report', () => {
  it('shows status, budget, burn rate, alerts, limits and warnings without float noise', () => {
    const md = renderSloMarkdown(sample);
    expect(md).toMatch(/^# SLO compliance — ❌ FAIL/);
    expect(md).toContain('allowed bad fraction 0.001');
    // consumedPct 0.0694444444444 is printed at 3 significant digits, in the one budget wording.
    expect(md).toContain('burn rate 3.2, budget consumed 0.0694% (of the SLO window)');
    expect(md).toContain('| page | 14.4× | 1h | 5m | 15 | 16 | yes |');
    expect(md).toContain('## What this input cannot tell');
    expect(md).toContain('last line is truncated');
    expect(fig(1 - 0.999)).toBe('0.001');
    expect(fig(Number.POSITIVE_INFINITY)).toBe('∞');
  });
});

describe('the one line per SLO', () => {
  it('gives the bad and allowed shares as percents at the budget precision, not 8-digit fractions', () => {
    // nginx at 600 req/s: 97 of 21,015 requests slower than a 5 ms p99 threshold, objective 99 %.
    expect(share(97 / 21015)).toBe('0.462%');
    expect(share(1 - 0.99)).toBe('1%');
    expect(share(1 - 0.99999)).toBe('0.001%');
    expect(share(0)).toBe('0%');
    for (const s of sample.slos) expect(sloLine(s)).toMatch(/bad \d+\/\d+ = [\d.<]+% vs allowed [\d.]+%; /);
  });
});

describe('CI gate', () => {
  it('fails on FAIL by default, on PARTIAL with --fail-on partial, never with never', () => {
    expect([gateFails('PASS', 'fail'), gateFails('PARTIAL', 'fail'), gateFails('FAIL', 'fail')]).toEqual([false, false, true]);
    expect([gateFails('PASS', 'partial'), gateFails('PARTIAL', 'partial'), gateFails('FAIL', 'partial')]).toEqual([false, true, true]);
    expect(gateFails('FAIL', 'never')).toBe(false);
  });
});
