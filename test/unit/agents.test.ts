import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregatesOnly } from '../../agents/aggregates.js';
import { deterministicSections } from '../../agents/deterministic.js';
import { buildPrompt, parseSections } from '../../agents/prompt.js';
import { synthesise } from '../../agents/synthesise.js';
import { analyzeBottlenecks } from '../../analyzers/bottlenecks/detect.js';
import { compareRuns } from '../../analyzers/compare/compare.js';
import { buildPlan } from '../../analyzers/plan/plan.js';
import type { BaselinePayload } from '../../core/artifacts/schemas.js';
import { SecretSet } from '../../core/redact.js';

const FIX = join(__dirname, '../fixtures/synthesis');
const baseline = (f: string) => JSON.parse(readFileSync(join(FIX, f), 'utf8')) as BaselinePayload & { runId: string; schema: string };
const before = baseline('shop-baseline-before.json');
const after = baseline('shop-baseline-after.json');
const comparison = compareRuns(
  { ref: { file: 'b', schema: before.schema, runId: before.runId }, journeys: before.journeys, overall: before.overall },
  { ref: { file: 'a', schema: after.schema, runId: after.runId }, journeys: after.journeys, overall: after.overall },
);

describe('the deterministic agent', () => {
  it('writes the summary narrative from the comparison figures', () => {
    const s = deterministicSections('summary', comparison);
    expect(s.map((x) => x.title)).toEqual(['Outcome', 'Next steps']);
    expect(s[0]!.markdown).toContain(`${comparison.overall.before.p95Ms.toFixed(1)} → ${comparison.overall.after.p95Ms.toFixed(1)} ms`);
  });

  it('recommends rollback only for a regression, never when nothing changed', () => {
    const flat = { ...comparison, verdict: 'no-significant-change' as const, improvements: [], regressions: [] };
    expect(deterministicSections('summary', flat)[1]!.markdown).not.toMatch(/roll/i);
    expect(deterministicSections('summary', flat)[1]!.markdown).toMatch(/No change was measured/);
    const worse = { ...comparison, verdict: 'regressed' as const, improvements: [], regressions: ['checkout'] };
    expect(deterministicSections('summary', worse)[1]!.markdown).toMatch(/roll it back/);
    const unconfirmed = { ...comparison, verdict: 'unconfirmed' as const, improvements: [], regressions: [] };
    expect(deterministicSections('summary', unconfirmed)[0]!.markdown).toMatch(/No change is claimed/);
  });

  it('says there is nothing to plan when no bottleneck was found', () => {
    const plan = buildPlan(analyzeBottlenecks({}));
    expect(deterministicSections('plan', plan)[0]!.markdown).toMatch(/nothing to plan/);
  });

  it('is what synthesise returns for provider "deterministic", without any fallback note', async () => {
    const r = await synthesise('summary', comparison, '', { agent: { provider: 'deterministic', timeoutMs: 10, retries: 0 } });
    expect(r.provider).toBe('deterministic');
    expect(r.fallback).toBeUndefined();
  });
});

describe('prompts', () => {
  it('carry aggregates only: no histograms, no raw windows', () => {
    const text = JSON.stringify(aggregatesOnly({ overall: before.overall, windows: [1, 2], rawProfiles: ['x'] }));
    expect(text).not.toContain('histogram');
    expect(text).not.toContain('windows');
    expect(text).not.toContain(before.overall.histogram.slice(0, 24));
    expect(text).toContain('"p95"');
  });

  it('redact every known secret, in the data and in the guidance', () => {
    const secrets = new SecretSet();
    secrets.addHeaders({ Authorization: 'Bearer canary-7f3a9c' }, { Authorization: 'Bearer ${TOKEN}' });
    const data = { note: 'token canary-7f3a9c seen in a header' };
    const p = buildPrompt('bottlenecks', data as never, 'use canary-7f3a9c', secrets);
    expect(`${p.system}${p.user}`).not.toContain('canary-7f3a9c');
    expect(p.user).toContain('[REDACTED]');
  });

  it('split a markdown reply into sections', () => {
    expect(parseSections('intro\n## Outcome\nbetter\n\n## Next steps\n- a\n')).toEqual([
      { title: 'Narrative', markdown: 'intro' },
      { title: 'Outcome', markdown: 'better' },
      { title: 'Next steps', markdown: '- a' },
    ]);
  });
});
