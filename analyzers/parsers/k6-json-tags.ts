import type { SeriesTags } from '../../core/artifacts/k6-windows.js';
import { statusClass, type SeriesRegistry } from './k6-series.js';

/**
 * The raw `"tags":{…}` text of k6 `--out json` Point lines → series, decoded once per distinct text:
 * k6 repeats the same tag set for every point of a request type, so the hot path looks the text up
 * instead of parsing it, and keeps each metric's series id with it (no key strings per point).
 */

/** What one tag text stands for. */
export interface TagRegion {
  tags: SeriesTags;
  /** `phase: warmup` (a generated script's warm-up): excluded, like perf's own results exclude it. */
  warmup: boolean;
  /** metric → series id and the tags it is kept under (the overflow series' tags past the bound) */
  ids: Map<string, { id: number; tags: SeriesTags }>;
}

const TAG_CACHE_MAX = 50_000;

export class TagRegions {
  // `checks` points carry a `check` tag each: their own cache, so they do not evict the request tags.
  private readonly regions = new Map<string, TagRegion>();
  private readonly checkRegions = new Map<string, TagRegion>();

  constructor(private readonly registry: SeriesRegistry) {}

  /** The region of a tag text seen before, by its key (the text itself, or its latin1 bytes). */
  lookup(metric: string, key: string): TagRegion | undefined {
    return (metric === 'checks' ? this.checkRegions : this.regions).get(key);
  }

  /**
   * Decodes and keeps the tag text `region` under `key`; null when the text needs the JSON.parse path
   * (escapes, or k6's `metadata`).
   */
  learn(metric: string, key: string, region: string): TagRegion | null {
    if (region.includes('\\') || region.includes('"metadata":')) return null;
    const cache = metric === 'checks' ? this.checkRegions : this.regions;
    if (cache.size >= TAG_CACHE_MAX) cache.clear();
    const info: TagRegion = { tags: tagsOfRegion(region, metric), warmup: region.includes('"phase":"warmup"'), ids: new Map() };
    cache.set(key, info);
    return info;
  }

  /** The series a metric's points with this tag text are kept under. */
  series(info: TagRegion, metric: string): { id: number; tags: SeriesTags } {
    let series = info.ids.get(metric);
    if (series === undefined) info.ids.set(metric, (series = this.registry.resolve(metric, info.tags)));
    return series;
  }
}

/** The series tags (journey, name, scenario, status class, check) from a Point line's raw `"tags":{…}` text. */
function tagsOfRegion(region: string, metric: string): SeriesTags {
  const tags: SeriesTags = {};
  const journey = tagValue(region, '"journey":"');
  if (journey) tags.journey = journey;
  const name = tagValue(region, '"name":"');
  if (name) tags.name = name;
  const scenario = tagValue(region, '"scenario":"');
  if (scenario) tags.scenario = scenario;
  const status = tagValue(region, '"status":"');
  if (status) tags.status = statusClass(status);
  if (metric === 'checks') {
    const check = tagValue(region, '"check":"');
    if (check) tags.check = check;
  }
  return tags;
}

/** The string value after `key` (e.g. `"name":"`) in raw tag text, or undefined when absent or empty. */
function tagValue(region: string, key: string): string | undefined {
  const at = region.indexOf(key);
  if (at === -1) return undefined;
  const from = at + key.length;
  const end = region.indexOf('"', from);
  if (end <= from) return undefined;
  return region.slice(from, end);
}
