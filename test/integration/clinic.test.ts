import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runProfile } from '../../capture/profile/run-profile.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import type { ProfilePayload } from '../../core/artifacts/schemas.js';
import { ensureClinic } from '../support/clinic.js';
import { demoShopConfig } from '../support/shop.js';

const DOCTOR_CATEGORIES = ['data', 'gc', 'event-loop', 'io', 'none', 'unknown'];

describe('perf profile --clinic doctor on the demo shop', () => {
  let profile: ProfilePayload;
  let markdown: string;

  beforeAll(async () => {
    ensureClinic();
    const config = await demoShopConfig();
    const store = new ArtifactStore(mkdtempSync(join(tmpdir(), 'perf-clinic-')));
    const run = await runProfile({ config, store, durationMs: 8000, quick: true, clinic: 'doctor' });
    profile = run.artifact;
    markdown = readFileSync(run.markdownPath, 'utf8');
  });

  it("keeps doctor's HTML beside the profile and reads doctor's issue category into perf.profile/v1", () => {
    expect(profile.clinic.ran, profile.clinic.note).toBe(true);
    expect(profile.clinic.tool).toBe('doctor');
    const html = profile.clinic.htmlPaths?.[0] as string;
    expect(html).toMatch(/\.clinic-doctor\.html$/);
    expect(existsSync(html)).toBe(true);
    // Beside the V8 profiles of the same run.
    expect(dirname(dirname(html))).toBe(dirname(profile.rawProfiles[0] as string));
    expect(DOCTOR_CATEGORIES).toContain(profile.clinic.diagnosis);
    // The category doctor's own HTML embeds is the one perf read.
    expect(readFileSync(html, 'utf8')).toContain(`"issueCategory":"${profile.clinic.diagnosis}"`);
    expect(markdown).toContain(`clinic doctor's issue category: **${profile.clinic.diagnosis}**`);
  });

  it('still takes the numbers from the V8 profiles of the shop itself, not from clinic or its wrapper process', () => {
    expect(profile.profiled).toBe(true);
    const app = profile.hotFunctions.filter((f) => f.category === 'app');
    expect(app.some((f) => f.location.startsWith('recommendations.mjs:'))).toBe(true);
    expect(profile.hotFunctions.some((f) => /[\\/]clinic[\\/]bin\.js$/.test(f.url))).toBe(false);
  });
});
