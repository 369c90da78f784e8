import type { Journey } from '../../core/config/types.js';
import { UserError } from '../../core/errors.js';
import { resolveHeaders } from '../../core/config/headers.js';

/** The journeys to load: all of them (the weighted mix), or the one `--journey` names. */
export function selectJourneys(all: readonly Journey[], name: string | undefined): Journey[] {
  if (all.length === 0) {
    throw new UserError('the config has no journeys to measure', { where: 'journeys', fix: 'add at least one journey with one step (see perf init)' });
  }
  if (name === undefined) return [...all];
  const j = all.find((x) => x.name === name);
  if (!j) throw new UserError(`no journey named "${name}"`, { where: '--journey', fix: `use one of: ${all.map((x) => x.name).join(', ')}` });
  return [j];
}

/** Journeys with their step headers' `${ENV}` resolved. The result holds secrets: load generator only. */
export function resolveJourneyHeaders(journeys: readonly Journey[]): Journey[] {
  return journeys.map((j, ji) => ({
    ...j,
    steps: j.steps.map((s, si) => ({ ...s, headers: resolveHeaders(s.headers, `journeys[${ji}].steps[${si}].headers`) })),
  }));
}
