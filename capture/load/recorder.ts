import type { LoadFigures } from '../../core/artifacts/schemas.js';
import { encodeHistogram, latencyStats, newHistogram, percentileMs, recordMs, type Histogram } from '../../analyzers/histogram.js';
import { COMPARE_BATCHES } from '../../analyzers/compare/batches.js';
import { supportsPercentile } from '../../analyzers/sample-size.js';

/** One batch of the measured period: its requests and the histogram of the reported view. */
interface Batch {
  requests: number;
  errors: number;
  h: Histogram;
}

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
  /** Count per status (0 = no answer); a Map on the hot path, a plain object in the artifact. */
  private readonly statuses = new Map<number, number>();
  /** COMPARE_BATCHES equal slices of the measured period (filled when the caller passes a batch index). */
  private readonly batches: Batch[] = Array.from({ length: COMPARE_BATCHES }, () => ({ requests: 0, errors: 0, h: newHistogram() }));
  private batched = false;

  constructor(name: string) {
    this.name = name;
  }

  /** One answered request. `correctedMs` is undefined in the closed model; `batch` its slice of the measured period (0..COMPARE_BATCHES-1). */
  recordResponse(status: number, ok: boolean, serviceMs: number, correctedMs?: number, batch?: number): void {
    this.requests++;
    if (!ok) this.errors++;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    recordMs(this.serviceTime, serviceMs);
    if (correctedMs !== undefined) recordMs(this.corrected, correctedMs);
    const b = this.batchAt(batch);
    if (b) {
      b.requests++;
      if (!ok) b.errors++;
      recordMs(b.h, correctedMs ?? serviceMs);
    }
  }

  /** A request that got no answer (timeout, connection error): status "0", counted as an error. */
  recordFailure(batch?: number): void {
    this.requests++;
    this.errors++;
    this.statuses.set(0, (this.statuses.get(0) ?? 0) + 1);
    const b = this.batchAt(batch);
    if (b) {
      b.requests++;
      b.errors++;
    }
  }

  private batchAt(batch: number | undefined): Batch | undefined {
    if (batch === undefined) return undefined;
    this.batched = true;
    return this.batches[Math.min(COMPARE_BATCHES - 1, Math.max(0, Math.floor(batch)))];
  }

  get statusCodes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of [...this.statuses].sort(([a], [b]) => a - b)) out[String(k)] = v;
    return out;
  }

  /** Adds another recorder's counts and histograms (the overall figures are the journeys merged). */
  add(other: LatencyRecorder): this {
    this.requests += other.requests;
    this.errors += other.errors;
    for (const [k, v] of other.statuses) this.statuses.set(k, (this.statuses.get(k) ?? 0) + v);
    this.corrected.add(other.corrected);
    this.serviceTime.add(other.serviceTime);
    if (other.batched) {
      this.batched = true;
      other.batches.forEach((b, i) => {
        const mine = this.batches[i] as Batch;
        mine.requests += b.requests;
        mine.errors += b.errors;
        mine.h.add(b.h);
      });
    }
    return this;
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
      statusCodes: this.statusCodes,
      throughputRps: durationMs > 0 ? Math.round((this.requests / (durationMs / 1000)) * 100) / 100 : 0,
      durationMs,
      latencyMs: latencyStats(main),
      histogram: encodeHistogram(main),
    };
    if (open) {
      f.latencyMsUncorrected = latencyStats(this.serviceTime);
      f.histogramUncorrected = encodeHistogram(this.serviceTime);
    }
    if (this.batched && durationMs > 0) {
      f.batches = {
        ms: Math.round(durationMs / COMPARE_BATCHES),
        series: this.batches.map((b) => {
          const answered = b.h.totalCount;
          return {
            requests: b.requests,
            errors: b.errors,
            p50Ms: answered > 0 ? percentileMs(b.h, 50) : null,
            p95Ms: supportsPercentile(answered, 95) ? percentileMs(b.h, 95) : null,
          };
        }),
      };
    }
    return f;
  }
}
