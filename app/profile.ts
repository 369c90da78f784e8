/**
 * `perf profile`: the target under load with V8's CPU and sampling heap profilers, the event-loop
 * and GC monitor and optionally clinic.js, as one use case. capture/profile/ runs the processes;
 * this module picks what the terminal summary shows.
 */
import type { HotFunction, ProfilePayload } from '../core/artifacts/schemas.js';
import { runProfile, type ProfileRun, type RunProfileOptions } from '../capture/profile/run-profile.js';

export { CLINIC_TOOLS, type ClinicTool } from '../capture/profile/clinic.js';
export { progressLine } from '../capture/load/progress-line.js';

export type ProfileRequest = RunProfileOptions;
export type { ProfileRun };

/** Rows of the terminal summary: the hottest functions by total time. */
export const SUMMARY_FUNCTIONS = 8;

export interface ProfileHighlights {
  /**
   * The hottest functions: the application's own code by total time when the profile has any, else
   * every category but idle and (program) by self time (a service whose time goes to its dependencies shows them, not an empty table).
   */
  functions: HotFunction[];
  /** Which functions those are: "app" or "all" (no app frame was sampled). */
  scope: 'app' | 'all';
  /** The application's top live allocation site, when the heap profile has one. */
  topAppSite: NonNullable<ProfilePayload['heapProfile']>['sites'][number] | null;
}

/** What the terminal summary shows of a profile (pure: the report has the full tables). */
export function profileHighlights(a: ProfilePayload): ProfileHighlights {
  const byTotal = (x: HotFunction, y: HotFunction): number => y.totalMs - x.totalMs;
  const app = a.hotFunctions.filter((f) => f.category === 'app').sort(byTotal);
  // Without app frames, total time ranks the framework's dispatch frames first (every request passes
  // through them): self time names where the CPU actually went (json-server: lowdb's stringify).
  const code = a.hotFunctions.filter((f) => f.category !== 'idle' && f.category !== 'program').sort((x, y) => y.selfMs - x.selfMs);
  const functions = (app.length > 0 ? app : code).slice(0, SUMMARY_FUNCTIONS);
  const topAppSite = a.heapProfile?.sites.find((x) => x.category === 'app' && x.selfBytes > 0) ?? null;
  return { functions, scope: app.length > 0 ? 'app' : 'all', topAppSite };
}

export async function profileUnderLoad(r: ProfileRequest): Promise<ProfileRun & { highlights: ProfileHighlights }> {
  const run = await runProfile(r);
  return { ...run, highlights: profileHighlights(run.artifact) };
}
