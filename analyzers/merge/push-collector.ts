/**
 * The collector's side of the push protocol (core/artifacts/k6-push.ts), without the sockets: each
 * runner batch is checked, deduplicated by (runner, seq), fed to one LiveMerge, and every merged
 * window it closes goes through the fast-burn guard; once the guard fires, every reply says stop.
 * PURE apart from the clock it is given; `perf collect` (capture/collect/) puts HTTP around it.
 */
import type { K6WindowsLine } from '../../core/artifacts/k6-windows.js';
import { K6_PUSH_SCHEMA, PUSH_CONTENT_TYPE } from '../../core/artifacts/k6-push.js';
import { k6WindowsLine, type K6PushReply, type RunnerRecord } from '../../core/contract/artifacts.js';
import { isPerfError } from '../../core/errors.js';
import { FastBurnGuard, fastBurnRuleOf, type FastBurnRule, type FastBurnTrip } from '../slo/fast-burn.js';
import type { EvalSlo } from '../slo/model.js';
import { LiveMerge, silentRunner, type MergedRunners } from './runners.js';

export interface PushBatch {
  runId: string | undefined;
  runner: string | undefined;
  seq: string | undefined;
  contentType: string | undefined;
  body: string;
}

export interface PushAnswer {
  status: 200 | 400 | 409;
  reply: K6PushReply;
}

export interface PushCollectorOptions {
  runId: string;
  /** Runners to wait for (--runners); default: the runners seen. */
  expectedRunners?: number;
  slos: readonly EvalSlo[];
  /** Guard rule; default: the first runner header's `guard`, else the Go guard's defaults. */
  rule?: FastBurnRule;
  now?: () => number;
}

export interface CollectProgress {
  runners: number;
  finished: number;
  requests: number;
  mergedWindows: number;
  trip: FastBurnTrip | null;
}

const RUNNER_NAME = /^[\w.:@-]{1,128}$/;

export class PushCollector {
  private readonly merge: LiveMerge;
  private readonly seen = new Map<string, Set<number>>();
  private guard: FastBurnGuard | null = null;
  private tripped: FastBurnTrip | null = null;
  private mergedWindows = 0;
  private readonly now: () => number;
  /** When the last batch was taken (or the collector started). */
  lastActivityMs: number;

  constructor(private readonly opts: PushCollectorOptions) {
    this.merge = new LiveMerge(opts.expectedRunners !== undefined ? { expectedRunners: opts.expectedRunners } : {});
    this.now = opts.now ?? Date.now;
    this.lastActivityMs = this.now();
  }

  get trip(): FastBurnTrip | null {
    return this.tripped;
  }

  /** Handles one POST. Never throws: a bad batch is a 400/409 answer and is not taken. */
  receive(b: PushBatch): PushAnswer {
    if (b.runId !== this.opts.runId) {
      return this.error(409, b.runId === undefined ? 'no X-Perf-Run header' : `this collector is for run "${this.opts.runId}", not "${b.runId}"`);
    }
    if (b.runner === undefined || !RUNNER_NAME.test(b.runner)) return this.error(400, 'X-Perf-Runner must name the runner (letters, digits, . _ : @ -)');
    const seq = b.seq !== undefined && /^\d{1,15}$/.test(b.seq) ? Number(b.seq) : 0;
    if (seq < 1) return this.error(400, 'X-Perf-Seq must be the batch number, from 1');
    if (!b.contentType || b.contentType.split(';')[0]!.trim().toLowerCase() !== PUSH_CONTENT_TYPE) return this.error(400, `Content-Type must be ${PUSH_CONTENT_TYPE}`);
    const taken = this.seen.get(b.runner);
    if (taken?.has(seq)) return this.ok();

    const lines: K6WindowsLine[] = [];
    const raw = b.body.split('\n');
    for (let i = 0; i < raw.length; i++) {
      const text = raw[i]!.trim();
      if (text === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return this.error(400, `line ${i + 1} of batch ${seq} is not JSON`);
      }
      const r = k6WindowsLine.safeParse(parsed);
      if (!r.success) return this.error(400, `line ${i + 1} of batch ${seq} is not a perf.k6-windows/v1 line: ${r.error.issues[0]?.message ?? 'invalid'}`);
      const line = r.data as K6WindowsLine;
      if (line.type === 'header' && line.runId !== undefined && line.runId !== this.opts.runId) {
        return this.error(409, `runner "${b.runner}" sent the header of run "${line.runId}"; this collector is for run "${this.opts.runId}"`);
      }
      lines.push(line);
    }
    try {
      for (const line of lines) this.merge.add(b.runner, line, `runner "${b.runner}" (batch ${seq})`);
    } catch (err) {
      if (isPerfError(err)) return this.error(400, err.message);
      throw err;
    }
    if (taken) taken.add(seq);
    else this.seen.set(b.runner, new Set([seq]));
    this.lastActivityMs = this.now();
    for (const line of lines) if (line.type === 'header' && !this.guard && this.opts.slos.length > 0) this.guard = new FastBurnGuard(this.opts.slos, this.opts.rule ?? fastBurnRuleOf(line.guard));
    this.judge();
    return this.ok();
  }

  /** Every expected runner (else every runner seen) sent its summary line. */
  done(): boolean {
    const runners = this.merge.runners();
    const expected = this.opts.expectedRunners ?? runners.length;
    return runners.length >= expected && runners.length > 0 && runners.filter((r) => r.complete).length >= expected;
  }

  progress(): CollectProgress {
    const runners = this.merge.runners();
    return {
      runners: runners.length,
      finished: runners.filter((r) => r.complete).length,
      requests: runners.reduce((n, r) => n + r.requests, 0),
      mergedWindows: this.mergedWindows,
      trip: this.tripped,
    };
  }

  /**
   * Closes the run: runners that did not finish are given up on with `why` (they are short), expected
   * runners that never pushed are recorded as short too. Null when no runner ever pushed.
   */
  finish(why: string): (MergedRunners & { trip: FastBurnTrip | null }) | null {
    const seen = this.merge.runners();
    if (seen.length === 0) return null;
    for (const r of seen) if (!r.complete) this.merge.markDead(r.runner, why);
    const merged = this.merge.finish();
    const missing = Math.max(0, (this.opts.expectedRunners ?? 0) - seen.length);
    const never: RunnerRecord[] = Array.from({ length: missing }, (_, i) =>
      silentRunner(`(missing ${i + 1} of ${missing})`, null, `never pushed (${this.opts.expectedRunners} runners expected, ${seen.length} pushed)`),
    );
    return { ...merged, runners: [...merged.runners, ...never], trip: this.tripped };
  }

  private judge(): void {
    for (const w of this.merge.takeClosed()) {
      this.mergedWindows++;
      const t = this.guard?.observe(w) ?? null;
      if (t && !this.tripped) this.tripped = t;
    }
  }

  private ok(): PushAnswer {
    return { status: 200, reply: this.tripped ? { schema: K6_PUSH_SCHEMA, stop: true, reason: this.tripped.reason } : { schema: K6_PUSH_SCHEMA, stop: false } };
  }

  private error(status: 400 | 409, message: string): PushAnswer {
    return { status, reply: { schema: K6_PUSH_SCHEMA, error: message } };
  }
}
