import type { LoadTestPayload } from '../../core/artifacts/schemas.js';

/**
 * Windows and stages may carry epoch milliseconds or offsets from the run start; charts plot
 * offsets. Values above ~3 years in ms are taken as epoch and made relative to the run start.
 */
const EPOCH_THRESHOLD_MS = 1e11;

/** The epoch ms that offset 0 stands for: the run start, or the first window if that is earlier. */
export function runOrigin(lt: Pick<LoadTestPayload, 'windows' | 'startedAt'>): number {
  const started = Date.parse(lt.startedAt);
  const first = lt.windows[0]?.startMs ?? Number.NaN;
  if (Number.isFinite(started) && Number.isFinite(first) && first > EPOCH_THRESHOLD_MS) return Math.min(started, first);
  if (Number.isFinite(started)) return started;
  return Number.isFinite(first) ? first : 0;
}

/** Offset from the run start of a window/stage time that may be epoch or already an offset. */
export function offsetOf(ms: number, origin: number): number {
  return ms > EPOCH_THRESHOLD_MS ? ms - origin : ms;
}
