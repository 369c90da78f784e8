import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { BottlenecksPayload } from '../../analyzers/bottlenecks/types.js';
import type { ComparePayload } from '../../analyzers/compare/compare.js';
import type { PlanPayload } from '../../analyzers/plan/plan.js';
import type { FlowState } from '../../app/flow/archive.js';
import type { K6WindowsLine } from '../../core/artifacts/k6-windows.js';
import { bottlenecksPayload, comparePayload, flowState, k6WindowsLine, loadTestPlanPayload, planPayload } from '../../core/contract/artifacts.js';
import { readArtifact } from '../../core/contract/read-artifact.js';
import { ExitCode, formatError, UserError } from '../../core/errors.js';
import { catchUserError } from '../helpers/user-error.js';
import type { LoadTestPlanPayload } from '../../templates/load-test-plan.js';
import { syntheticBaseline, syntheticLoadtest, syntheticProfile, syntheticSlo } from '../fixtures/report/synthetic.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'perf-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Compile-time: everything the writers' interfaces can hold, the contract accepts.
const writerShapes: [
  z.input<typeof bottlenecksPayload>,
  z.input<typeof planPayload>,
  z.input<typeof comparePayload>,
  z.input<typeof flowState>,
  z.input<typeof loadTestPlanPayload>,
  z.input<typeof k6WindowsLine>,
] = [] as unknown as [BottlenecksPayload, PlanPayload, ComparePayload, FlowState, LoadTestPlanPayload, K6WindowsLine];
void writerShapes;

function write(name: string, data: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(data));
  return f;
}


describe('readArtifact', () => {
  const lt = syntheticLoadtest();
  it.each([
    ['perf.baseline/v1', syntheticBaseline()],
    ['perf.loadtest/v1', lt],
    ['perf.slo/v1', syntheticSlo(lt)],
    ['perf.profile/v1', syntheticProfile()],
  ] as const)('reads a %s artifact as written', (kind, data) => {
    expect(readArtifact(kind, write(`${kind.replace(/\W/g, '_')}.json`, data))).toEqual(data);
  });

  it.each(['shop-baseline-before.json', 'shop-baseline-after.json'])('reads the recorded shop baseline %s', (f) => {
    expect(readArtifact('perf.baseline/v1', join(ROOT, 'test/fixtures/synthesis', f)).overall.requests).toBeGreaterThan(0);
  });

  it('keeps keys a newer perf added', () => {
    const f = write('newer.json', { ...syntheticBaseline(), partial: true });
    expect(readArtifact('perf.baseline/v1', f)).toMatchObject({ partial: true });
  });

  it('names the file and the exact field of a broken payload', () => {
    const b = syntheticBaseline();
    const f = write('broken.json', { ...b, overall: { ...b.overall, latencyMs: { ...b.overall.latencyMs, p95: 'fast' } } });
    const printed = formatError(catchUserError(() => readArtifact('perf.baseline/v1', f)));
    expect(printed).toContain(`${f}: not a valid perf.baseline/v1 artifact: overall.latencyMs.p95:`);
    expect(printed).toContain('fix: regenerate');
  });

  it('says which kind it expected when handed another artifact', () => {
    const f = write('slo-as-baseline.json', syntheticSlo(lt));
    expect(catchUserError(() => readArtifact('perf.baseline/v1', f)).message).toBe('expected a perf.baseline/v1 artifact, found schema "perf.slo/v1"');
  });

  it('refuses a device instead of reading it forever', () => {
    expect(catchUserError(() => readArtifact('perf.baseline/v1', '/dev/zero')).message).toContain('expected a regular file');
  });

  it('accepts every line of a recorded perf.k6-windows/v1 file', () => {
    const lines = readFileSync(join(ROOT, 'test/fixtures/slo/k6-windows-real.ndjson'), 'utf8').split('\n').filter(Boolean);
    for (const line of lines) expect(k6WindowsLine.safeParse(JSON.parse(line)).error).toBeUndefined();
  });
});

describe('perf slo-check on a perf artifact that breaks the contract', () => {
  it('exits 2 naming the file and the field, not a figure computed from garbage', () => {
    const b = syntheticBaseline();
    const f = write('bad-baseline.json', { ...b, overall: { ...b.overall, requests: 'many' } });
    const cfg = write('perf.config.json', { target: { baseUrl: 'http://127.0.0.1:1' }, slos: [{ name: 'a', sli: 'availability', objective: 99 }] });
    const r = spawnSync(process.execPath, [join(ROOT, 'cli/bin/run.js'), 'slo-check', f, '--config', cfg], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    expect(r.status).toBe(ExitCode.Usage);
    expect(r.stderr).toContain('not a valid perf.baseline/v1 artifact: overall.requests');
  });
});
