import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'check-one-home.mjs');
const check = (root: string): { status: number | null; out: string } => {
  const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
};

describe('one home per concept', () => {
  it('finds no error-budget arithmetic, histogram decode, bad-event rule or analyzer number formatting outside its home in the product', () => {
    const r = check(ROOT);
    expect(r.out).toContain('one home per concept: ok');
    expect(r.status).toBe(0);
  });

  it('names each copy of a concept planted outside its home, and leaves the homes and tests alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-one-home-'));
    const put = (rel: string, text: string): void => {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    put('templates/a.ts', 'const allowed = 1 - slo.objective / 100;\n');
    put('cli/b.ts', 'const pct = 100 - s.objective;\n');
    put('report/c.ts', "const h = hdr.decodeFromCompressedBase64(b64, 32, false);\n");
    put('analyzers/d.ts', 'const bad = Math.min(total, failed + slow);\n');
    put('analyzers/e.ts', 'const slow = agg.slowerThan(slo.thresholdMs);\n');
    put('xk6/f.go', 'package perf\nfunc bad(p Point, t *sloTracker) bool { return p.Value > t.slo.ThresholdMs }\n');
    put('xk6/g.go', 'package perf\nvar budget = 1 - objectivePercent/100\n');
    put('analyzers/h.ts', 'const text = `p95 ${p95Ms.toFixed(1)} ms`;\n');
    // Homes, tests and comments are not copies.
    put('analyzers/slo/error-budget.ts', 'const allowed = 1 - objective / 100;\nconst bad = failed + slow;\n');
    put('analyzers/histogram.ts', 'hdr.decodeFromCompressedBase64(x);\n');
    put('templates/ok.ts', '// the allowed fraction is 1 - objective / 100\nconst x = 1;\n');
    // Formatting is checked in analyzers/ only: templates and core/format.ts render figures.
    put('templates/fmt.ts', 'const text = `p95 ${p95Ms.toFixed(1)} ms`;\n');
    put('core/format.ts', 'export const fmt = (x: number): string => x.toFixed(1);\n');
    put('test/unit/x.test.ts', 'const allowed = 1 - slo.objective / 100;\n');
    try {
      const r = check(dir);
      expect(r.status).toBe(1);
      for (const f of ['templates/a.ts:1', 'cli/b.ts:1', 'report/c.ts:1', 'analyzers/d.ts:1', 'analyzers/e.ts:1', 'xk6/f.go:2', 'xk6/g.go:2', 'analyzers/h.ts:1']) expect(r.out).toContain(f);
      expect(r.out).toContain('8 hit(s)');
      expect(r.out).not.toMatch(/error-budget\.ts:\d|histogram\.ts:\d|ok\.ts:\d|x\.test\.ts:\d|fmt\.ts:\d|format\.ts:\d/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
