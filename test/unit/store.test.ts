import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../../core/artifacts/layout.js';
import { newRunId, RUN_ID_RE } from '../../core/artifacts/run-id.js';
import { ArtifactStore, readArtifactFile } from '../../core/artifacts/store.js';
import type { BaselinePayload } from '../../core/artifacts/schemas.js';
import { formatError, UserError } from '../../core/errors.js';
import { syntheticBaseline } from '../fixtures/report/synthetic.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'perf-store-'));
  dirs.push(d);
  return d;
}

describe('ArtifactStore', () => {
  it('writes a markdown report and its JSON twin at the contract paths, with the envelope', () => {
    const cwd = tempDir();
    const store = new ArtifactStore('.aiwg', '20261123T200512Z-3fa1', cwd);
    const { markdownPath, jsonPath, artifact } = store.writeReport('slo', { verdict: 'PASS', slos: [] }, '# SLO compliance');
    expect(markdownPath).toBe(join(cwd, '.aiwg/reports/slo-compliance.md'));
    expect(jsonPath).toBe(join(cwd, '.aiwg', ARTIFACTS.slo.json));
    expect(readFileSync(markdownPath, 'utf8')).toBe('# SLO compliance\n');
    const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
    expect(json).toEqual(artifact);
    expect(json).toMatchObject({ schema: 'perf.slo/v1', runId: '20261123T200512Z-3fa1', tool: { name: 'perf' }, verdict: 'PASS' });
    expect(new Date(json.generatedAt).toString()).not.toBe('Invalid Date');
  });

  it('keeps a copy of each JSON twin under the run directory', () => {
    const cwd = tempDir();
    const store = new ArtifactStore('out', undefined, cwd);
    store.writeReport('baseline', { rps: 10 }, '# Baseline\n');
    const copy = join(cwd, 'out/working/runs', store.runId, 'baseline.json');
    expect(JSON.parse(readFileSync(copy, 'utf8'))).toMatchObject({ schema: 'perf.baseline/v1', rps: 10 });
  });

  it('every report kind of the contract has a markdown path, a JSON twin and a versioned schema', () => {
    for (const [kind, spec] of Object.entries(ARTIFACTS)) {
      expect(spec.markdown, kind).toMatch(/\.md$/);
      expect(spec.json, kind).toMatch(/^working\/.+\.json$/);
      expect(spec.schema, kind).toMatch(/^perf\.[a-z0-9-]+\/v\d+$/);
    }
    expect(ARTIFACTS.baseline.markdown).toBe('reports/performance-baseline.md');
    expect(ARTIFACTS.plan.markdown).toBe('planning/optimization-plan.md');
    expect(ARTIFACTS.loadtest.markdown).toBe('testing/load-test-results.md');
    expect(ARTIFACTS.summary.markdown).toBe('reports/optimization-summary.md');
  });

  it('readLatest returns the last report of a kind, or undefined before the first', () => {
    const store = new ArtifactStore('.aiwg', undefined, tempDir());
    expect(store.readLatest('baseline')).toBeUndefined();
    const { schema: _s, runId: _r, generatedAt: _g, tool: _t, ...payload } = syntheticBaseline();
    store.writeReport('baseline', { ...payload, durationMs: 1 }, 'a');
    store.writeReport('baseline', { ...payload, durationMs: 2 }, 'b');
    expect(store.readLatest<BaselinePayload>('baseline')?.durationMs).toBe(2);
  });

  it('readLatest refuses a twin whose payload breaks the contract, naming the field', () => {
    const store = new ArtifactStore('.aiwg', undefined, tempDir());
    store.writeReport('baseline', { rps: 1 }, 'a');
    expect(() => store.readLatest('baseline')).toThrow(/not a valid perf\.baseline\/v1 artifact: target: .*expected object/);
  });

  it('writeText and writeJson write under the output dir', () => {
    const cwd = tempDir();
    const store = new ArtifactStore('.aiwg', undefined, cwd);
    const p = store.writeJson('working/x/data.json', { a: 1 });
    expect(p).toBe(join(cwd, '.aiwg/working/x/data.json'));
    expect(readFileSync(store.writeText('testing/scripts/s.js', 'x'), 'utf8')).toBe('x');
    expect(existsSync(store.dir('archive', '2026-11-23'))).toBe(true);
  });
});

describe('readArtifactFile', () => {
  it('names the file and the schema it found when the schema is wrong', () => {
    const f = join(tempDir(), 'a.json');
    writeFileSync(f, JSON.stringify({ schema: 'perf.loadtest/v1' }));
    const err = (() => {
      try {
        readArtifactFile(f, 'perf.baseline/v1');
      } catch (e) {
        return e as UserError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(formatError(err)).toContain(`${f}: expected a perf.baseline/v1 artifact, found schema "perf.loadtest/v1"`);
  });

  it('rejects a file that is not JSON, or missing, with a UserError', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(() => readArtifactFile(join(dir, 'bad.json'))).toThrow(UserError);
    expect(() => readArtifactFile(join(dir, 'absent.json'))).toThrow(/file not found/);
  });
});

describe('run ids', () => {
  it('are sortable by time and unique', () => {
    const a = newRunId(new Date('2026-11-23T20:05:12.345Z'));
    expect(a).toMatch(RUN_ID_RE);
    expect(a.startsWith('20261123T200512Z-')).toBe(true);
    expect(newRunId(new Date('2026-11-23T20:05:13Z')) > a).toBe(true);
    const ids = new Set(Array.from({ length: 200 }, () => newRunId(new Date(0))));
    expect(ids.size).toBeGreaterThan(190);
  });
});
