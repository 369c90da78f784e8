/** What `perf profile` prints of a profile: the app's own hot code, or — when none was sampled — what the time went to. */
import { describe, expect, it } from 'vitest';
import { profileHighlights, SUMMARY_FUNCTIONS } from '../../app/profile.js';
import type { HotFunction, ProfilePayload } from '../../core/artifacts/schemas.js';

const fn = (functionName: string, category: HotFunction['category'], totalMs: number): HotFunction => ({
  functionName,
  location: `${functionName}.js:1`,
  url: `file:///${functionName}.js`,
  line: 1,
  category,
  selfMs: totalMs / 2,
  totalMs,
  selfShare: 0.01,
  totalShare: 0.02,
});

const profile = (hotFunctions: HotFunction[], heapProfile: ProfilePayload['heapProfile'] = null): ProfilePayload => ({
  target: { baseUrl: 'http://127.0.0.1:1' },
  profiled: true,
  durationMs: 5000,
  sampleCount: 4000,
  hotFunctions,
  eventLoopDelayMs: null,
  gc: null,
  heapProfile,
  clinic: { ran: false },
  rawProfiles: [],
  load: null,
});

describe('perf profile: the terminal summary', () => {
  it("shows the application's own functions by total time, at most a screenful", () => {
    const app = Array.from({ length: 12 }, (_, i) => fn(`handler${i}`, 'app', 10 + i));
    const h = profileHighlights(profile([fn('stringify', 'node_modules', 500), ...app]));
    expect(h.scope).toBe('app');
    expect(h.functions).toHaveLength(SUMMARY_FUNCTIONS);
    expect(h.functions[0]?.functionName).toBe('handler11');
    expect(h.functions.every((f) => f.category === 'app')).toBe(true);
  });

  it('shows the dependencies (never idle or (program)) when no app frame was sampled, as json-server spends its time in lowdb', () => {
    // express's router `next` is on every stack (total 900) but spends little itself: self time ranks what costs.
    const next = { ...fn('next', 'node_modules', 900), selfMs: 5 };
    const h = profileHighlights(profile([fn('(idle)', 'idle', 9000), fn('(program)', 'program', 800), next, fn('_stringify', 'node_modules', 700), fn('baseClone', 'node_modules', 450), fn('writeSync', 'node-internal', 200)]));
    expect(h.scope).toBe('all');
    expect(h.functions.map((f) => f.functionName)).toEqual(['_stringify', 'baseClone', 'writeSync', 'next']);
  });

  it("names the app's top live allocation site, or none", () => {
    const site = { functionName: 'cache', location: 'cache.js:3', url: 'file:///cache.js', line: 3, category: 'app' as const, selfBytes: 4096, totalBytes: 4096, selfShare: 0.4, totalShare: 0.4 };
    const dep = { ...site, functionName: 'lodash', category: 'node_modules' as const };
    expect(profileHighlights(profile([], { samplingIntervalBytes: 32768, sampledBytes: 10240, sites: [dep, site], raw: 'x.heapprofile' })).topAppSite?.functionName).toBe('cache');
    expect(profileHighlights(profile([])).topAppSite).toBeNull();
  });
});
