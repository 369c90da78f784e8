import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'check-layers.mjs');
const check = (root: string, except?: string[]): { status: number | null; out: string } => {
  const r = spawnSync(process.execPath, [SCRIPT, root, ...(except ? ['--except', except.join(',')] : [])], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
};

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'perf-layers-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe('dependencies point one way: cli/commands → app → capture/k6-scripts → analyzers', () => {
  it('finds every command calling its use case in app/ and analyzers/ opening no file beyond the listed readers', () => {
    const r = check(ROOT);
    expect(r.out).toContain('layers: ok');
    expect(r.status).toBe(0);
  });

  it('names a command that imports analyzers/ or capture/ directly, and a pure module that opens files or imports a layer above', () => {
    const dir = tree({
      'cli/commands/slo-check.ts': "import { Flags } from '@oclif/core';\nimport { runSloCheck } from '../../capture/results/slo-check.js';\n",
      'cli/commands/analyze.ts': "import {\n  analyzeBottlenecks,\n} from '../../analyzers/bottlenecks/detect.js';\n",
      'cli/commands/k6/build.ts': "import { x } from '../../../k6-scripts/src/k6-binary.js';\n",
      // The rest of cli/ (flags, version, prompts) goes through app/ too.
      'cli/version.ts': "import { k6Versions } from '../k6-scripts/src/k6-binary.js';\n",
      'analyzers/slo/check.ts': "import { readFile } from 'node:fs/promises';\n",
      'analyzers/slo/model.ts': "import type { X } from '../../capture/results/slo-input.js';\n",
      'profiles/soak.ts': "import { spawn } from 'node:child_process';\n",
      // Allowed: a command calling app/, core/ and templates/; pure code importing core/ and node:path.
      'cli/commands/plan.ts': "import { runPlan } from '../../app/plan.js';\nimport { fmt } from '../../core/format.js';\nimport { sloLine } from '../../templates/slo.js';\n",
      'analyzers/slo/evaluate.ts': "import { join } from 'node:path';\nimport { UserError } from '../../core/errors.js';\n",
      'app/slo-check.ts': "import { runSloCheck } from '../capture/results/slo-check.js';\n",
      // Listed exceptions that still break their rule.
      'analyzers/parsers/lines.ts': "import { createReadStream } from 'node:fs';\n",
      'analyzers/parsers/sniff.ts': "import { open } from 'node:fs/promises';\n",
      'analyzers/merge/runner-files.ts': "import { readdirSync } from 'node:fs';\n",
      'cli/commands/generate.ts': "import { generateScripts } from '../../k6-scripts/src/generate.js';\n",
    });
    try {
      const r = check(dir, ['analyzers/parsers/lines.ts', 'analyzers/parsers/sniff.ts', 'analyzers/merge/runner-files.ts', 'cli/commands/generate.ts']);
      expect(r.status).toBe(1);
      for (const hit of ['cli/commands/slo-check.ts:2: a command imports capture/', 'cli/commands/analyze.ts:1: a command imports analyzers/', 'analyzers/slo/check.ts:1: pure analyzers/ imports node:fs/promises', 'analyzers/slo/model.ts:1: pure analyzers/ imports capture/', 'profiles/soak.ts:1: pure profiles/ imports node:child_process', 'cli/commands/k6/build.ts:1: a command imports k6-scripts/', 'cli/version.ts:1: a command imports k6-scripts/']) {
        expect(r.out).toContain(hit);
      }
      // The listed exceptions are excused (and not stale: each still breaks its rule).
      expect(r.out).toContain('7 hit(s), 0 stale exception(s)');
      expect(r.out).not.toMatch(/plan\.ts|evaluate\.ts|app\/slo-check\.ts|lines\.ts|generate\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when a listed exception keeps to its layer, so the lists only shrink', () => {
    const dir = tree({
      'cli/commands/profile.ts': "import { runProfile } from '../../app/profile.js';\n",
      'analyzers/parsers/sniff.ts': "export const HEAD = 1;\n",
    });
    try {
      const r = check(dir, ['cli/commands/profile.ts', 'analyzers/parsers/sniff.ts']);
      expect(r.status).toBe(1);
      expect(r.out).toContain('cli/commands/profile.ts: keeps to its layer now: remove it from the exceptions');
      expect(r.out).toContain('analyzers/parsers/sniff.ts: keeps to its layer now');
      expect(r.out).toContain('0 hit(s), 2 stale exception(s)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
