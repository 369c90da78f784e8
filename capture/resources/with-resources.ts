import type { ResourceSeries } from '../../core/contract/artifacts.js';
import { resourceSourceFor, startResourceSampler, type StartedTarget } from './sampler.js';

/**
 * Runs `fn` while sampling the target's resources: the process perf started (`started`), else
 * `target.pid`, else `target.metricsUrl`. `resources` is undefined when there is nothing to sample.
 */
export async function withResources<T>(
  target: { pid?: number | undefined; metricsUrl?: string | undefined },
  started: StartedTarget | undefined,
  fn: () => Promise<T>,
  opts: { intervalMs?: number } = {},
): Promise<{ value: T; resources: ResourceSeries | undefined }> {
  const source = resourceSourceFor(target, started);
  const sampler = source ? startResourceSampler(source, opts) : undefined;
  let value: T;
  try {
    value = await fn();
  } catch (err) {
    await sampler?.stop();
    throw err;
  }
  return { value, resources: await sampler?.stop() };
}
