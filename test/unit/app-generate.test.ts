/**
 * The generate use case without the CLI: --scenario all writes one script per scenario (source and
 * bundle) and the plan; --portable scripts import no k6/x/perf; --rate sets the peak.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLoadScripts, scenariosOf } from '../../app/generate.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { parseConfig } from '../../core/config/load.js';
import { SCENARIO_NAMES } from '../../core/config/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'perf-app-generate-'));
const config = parseConfig('target: { baseUrl: "http://127.0.0.1:1" }\njourneys:\n  - { name: browse, steps: [{ path: /items }] }\n', join(tmp, 'perf.config.yaml'));

describe('perf generate as a use case', () => {
  it('"all" is every scenario in the profiles\' order; a name is itself', () => {
    expect(scenariosOf('all')).toEqual([...SCENARIO_NAMES]);
    expect(scenariosOf('soak')).toEqual(['soak']);
  });

  it('writes a portable stress script at the given peak rate, and the plan', async () => {
    const store = new ArtifactStore(join(tmp, 'out1'));
    const r = await generateLoadScripts({ config, store, scenario: 'stress', rate: 40, quick: true, portable: true });
    expect(r.scenarios).toEqual(['stress']);
    expect(r.extension).toBe(false);
    expect(r.scripts).toHaveLength(1);
    const s = r.scripts[0]!;
    expect(s.profile.peak).toBe(40);
    expect(s.profile.rateSource).toBe('flag');
    expect(existsSync(s.tsPath) && existsSync(s.jsPath)).toBe(true);
    expect(readFileSync(s.jsPath, 'utf8')).not.toContain('k6/x/perf');
    expect(r.planPath && existsSync(r.planPath)).toBe(true);
  });
});
