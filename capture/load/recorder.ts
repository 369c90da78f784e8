import type { LoadFigures } from '../../core/artifacts/schemas.js';
import { encodeHistogram, latencyStats, newHistogram, percentileMs, recordMs, type Histogram } from '../../analyzers/histogram.js';

/**
 * Our own recording of one journey (or the overall mix): every response goes into HDR histograms.
 * `corrected` holds latency from the intended send time (open model); `serviceTime` from the
 * actual send. In the closed model both are the same measurement and only `serviceTime` is used.
 */
export class LatencyRecorder {
  readonly name: string;
  readonly corrected: Histogram = newHistogram();
  readonly serviceTime: Histogram = newHistogram();
  requests = 0;
  errors = 0;
  readonly statusCodes: Record<string, number> = {};

  constructor(name: string) {
    this.name = name;
  }

  /** One answered request. `correctedMs` is undefined in the closed model. */
  recordResponse(status: number, ok: boolean, serviceMs: number, correctedMs?: number): void {
    this.requests++;
    if (!ok) this.errors++;
    const key = String(status);
    this.statusCodes[key] = (this.statusCodes[key] ?? 0) + 1;
    recordMs(this.serviceTime, serviceMs);
    if (correctedMs !== undefined) recordMs(this.corrected, correctedMs);
  }

  /** A request that got no answer (timeout, connection error): status "0", counted as an error. */
  recordFailure(): void {
    this.requests++;
    this.errors++;
    this.statusCodes['0'] = (this.statusCodes['0'] ?? 0) + 1;
  }

  p95Ms(open: boolean): number {
    return percentileMs(open ? this.corrected : this.serviceTime, 95);
  }

  /** The artifact view. Open model: `latencyMs` is the corrected view, the service time goes beside it. */
  figures(durationMs: number, open: boolean): LoadFigures {
    const main = open ? this.corrected : this.serviceTime;
    const f: LoadFigures = {
      name: this.name,
      requests: this.requests,
      errors: this.errors,
      errorRate: this.requests === 0 ? 0 : this.errors / this.requests,
      statusCodes: { ...this.statusCodes },
      throughputRps: durationMs > 0 ? Math.round((this.requests / (durationMs / 1000)) * 100) / 100 : 0,
      durationMs,
      latencyMs: latencyStats(main),
      histogram: encodeHistogram(main),
    };
    if (open) {
      f.latencyMsUncorrected = latencyStats(this.serviceTime);
      f.histogramUncorrected = encodeHistogram(this.serviceTime);
    }
    return f;
  }
}
