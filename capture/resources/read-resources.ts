import { readFileSync } from 'node:fs';
import { resourceSeries, type ResourceSeries } from '../../core/contract/artifacts.js';

/** The `resources` of a perf baseline/loadtest twin; undefined for other formats or when absent/invalid. */
export function resourcesOf(file: string, format: string): ResourceSeries | undefined {
  if (format !== 'perf.baseline/v1' && format !== 'perf.loadtest/v1') return undefined;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { resources?: unknown };
    const parsed = resourceSeries.safeParse(data.resources);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
