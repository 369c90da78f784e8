/** Test-data rows of each journey, loaded once in k6's init context and shared by all VUs. */
import { SharedArray } from 'k6/data';
import { parseDataRows, type DataRow } from '../../core/data-rows.js';
import type { JourneyPlan } from '../src/script-plan.js';

export function loadRows(j: JourneyPlan): DataRow[] | null {
  const data = j.data;
  if (!data) return null;
  return new SharedArray(`perf data: ${j.name}`, () => {
    const parsed = parseDataRows(open(data.file), data.format);
    if (!parsed.ok) throw new Error(`test data of journey ${JSON.stringify(j.name)} (${data.file}): ${parsed.problem}`);
    return parsed.rows;
  }) as unknown as DataRow[];
}
