/**
 * The slo-check use case without the CLI: its typed result says what was written where and how the
 * gate decided, so the command only prints and maps the gate to exit 1.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSloCompliance, type SloCheckRequest } from '../../app/slo-check.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { parseConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors.js';

const FIX = join(import.meta.dirname, '../fixtures/slo');
const tmp = mkdtempSync(join(tmpdir(), 'perf-app-slo-'));
const config = (slos: string) =>
  parseConfig(`target: { baseUrl: "http://127.0.0.1:1" }\njourneys:\n  - { name: browse, steps: [{ path: / }] }\nslos:\n${slos}`, join(tmp, 'perf.config.yaml'));
// k6-summary-export.json: 6 of 18 requests failed (66.7 % available).
const loose = config('  - { name: avail, sli: availability, objective: 50, window: 30d }\n');
const strict = config('  - { name: avail, sli: availability, objective: 99, window: 30d }\n');

let seq = 0;
const request = (over: Partial<SloCheckRequest>): SloCheckRequest => ({
  store: new ArtifactStore(join(tmp, `out${seq++}`)),
  slosFrom: { config: loose },
  files: [join(FIX, 'k6-summary-export.json')],
  lenient: false,
  warnMarginPct: 10,
  maxDroppedPct: 1,
  maxSeriesPerMetric: 1000,
  failOn: 'fail',
  ...over,
});

describe('perf slo-check as a use case', () => {
  it('writes the report pair and the JUnit file, and passes the gate when every SLO is met', async () => {
    const junit = join(tmp, 'ci', 'junit.xml');
    const r = await checkSloCompliance(request({ junit }));
    expect(r.report.status).toBe('PASS');
    expect(r.gate).toEqual({ passed: true });
    expect(r.junitPath).toBe(junit);
    expect(readFileSync(junit, 'utf8')).toContain('<testcase');
    expect(existsSync(r.written.markdownPath) && existsSync(r.written.jsonPath)).toBe(true);
    expect(r.written.artifact.schema).toBe('perf.slo/v1');
  });

  it('fails the gate naming the breached SLO, and never fails it with --fail-on never', async () => {
    const r = await checkSloCompliance(request({ slosFrom: { config: strict } }));
    expect(r.report.status).toBe('FAIL');
    expect(r.gate).toEqual({ passed: false, message: 'SLO check FAIL: avail', fix: 'see the report for the numbers' });
    expect((await checkSloCompliance(request({ slosFrom: { config: strict }, failOn: 'never' }))).gate.passed).toBe(true);
  });

  it('says why the GitHub step summary could not be appended instead of failing the check', async () => {
    const dir = join(tmp, 'summary-is-a-dir');
    mkdirSync(dir, { recursive: true });
    const r = await checkSloCompliance(request({ stepSummary: dir }));
    expect(r.stepSummaryError).toMatch(/^could not append to GITHUB_STEP_SUMMARY \(.*summary-is-a-dir\): EISDIR$/);
    expect(r.gate.passed).toBe(true);
  });

  it('takes the latest load test, else baseline, artifact without a file, and says what to run when there is none', async () => {
    const err = await checkSloCompliance(request({ files: [] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('no result file given and no loadtest or baseline artifact found');
    expect((err as UserError).fix).toContain('run "perf loadtest" / "perf baseline" first');
  });
});
