/**
 * The open-model arrival schedule (wrk2's "intended send time"): slot k is due at
 * `startMs + k * 1000 / rateRps`, whatever happened to earlier requests. A connection that becomes
 * free takes the next slot and waits for it; if the slot is already past (the service stalled and
 * every connection was busy), it sends at once and the lateness counts in the corrected latency.
 */
export class OpenSchedule {
  private k = 0;
  private readonly intervalMs: number;

  constructor(
    readonly startMs: number,
    readonly rateRps: number,
    /** No slot at or after this time is handed out. */
    readonly endMs: number,
  ) {
    this.intervalMs = 1000 / rateRps;
  }

  /** The intended send time of the next request, or undefined when the schedule is over. */
  next(): number | undefined {
    const t = this.startMs + this.k * this.intervalMs;
    if (t >= this.endMs) return undefined;
    this.k++;
    return t;
  }

  get issued(): number {
    return this.k;
  }
}
