// The collector's side of the push protocol (core/artifacts/k6-push.ts): run id, batch numbers,
// malformed batches, and the stop reply once the guard fires on the MERGED windows.
import { describe, expect, it } from 'vitest';
import { PushCollector, type PushBatch } from '../../analyzers/merge/push-collector.js';
import { k6PushReply } from '../../core/contract/artifacts.js';
import type { EvalSlo } from '../../analyzers/slo/model.js';
import { GUARD_MIN_EVENTS } from '../../analyzers/slo/fast-burn.js';
import { shortLoad } from '../../analyzers/merge/runners.js';
import { ndjson, runnerStream, type RunnerStreamSpec } from '../support/runner-streams.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 0);
const availability: EvalSlo = { name: 'availability', sli: 'availability', objective: 99, window: '30d', windowMs: 30 * 24 * 3_600_000 };
// objective 99 % → allowed 0.01; factor 14.4 → trips at a bad share ≥ 0.144 in both windows, each with ≥ 20 events.
const rule = { longWindowMs: 5000, shortWindowMs: 1000, factor: 14.4, minEvents: GUARD_MIN_EVENTS };
const base = { runId: 'run-7', sequence: '0,1/2,1', startMs: T0, windowMs: 1000, seconds: 10 };
const spec = (i: number, extra: Partial<RunnerStreamSpec> = {}): RunnerStreamSpec => ({ ...base, runner: `r${i}`, segment: i === 0 ? '0:1/2' : '1/2:1', rate: 25, seed: i + 1, ...extra });

const batch = (runner: string, seq: number, lines: unknown[], extra: Partial<PushBatch> = {}): PushBatch => ({
  runId: 'run-7',
  runner,
  seq: String(seq),
  contentType: 'application/x-ndjson',
  body: lines.map((l) => JSON.stringify(l)).join('\n'),
  ...extra,
});

describe('push collector', () => {
  it('counts a retried batch once: a seq already taken is answered 200 and ignored', () => {
    const c = new PushCollector({ runId: 'run-7', slos: [] });
    const lines = runnerStream(spec(0));
    expect(c.receive(batch('r0', 1, lines.slice(0, 4))).status).toBe(200);
    // The same batch again (the reply was lost): 200, not merged a second time.
    expect(c.receive(batch('r0', 1, lines.slice(0, 4)))).toEqual({ status: 200, reply: { schema: 'perf.k6-push/v1', stop: false } });
    expect(c.receive(batch('r0', 2, lines.slice(4))).status).toBe(200);
    expect(c.done()).toBe(true);
    const merged = c.finish('timeout')!;
    expect(merged.runners[0]).toMatchObject({ runner: 'r0', requests: 250, windows: 10, complete: true, short: false });
  });

  it('answers 409 to another run id (header or line) and 400 to malformed batches, taking nothing', () => {
    const c = new PushCollector({ runId: 'run-7', slos: [] });
    const lines = runnerStream(spec(0));
    const wrong = c.receive(batch('r0', 1, lines, { runId: 'run-8' }));
    expect(wrong.status).toBe(409);
    expect(wrong.reply).toMatchObject({ error: expect.stringContaining('run "run-7", not "run-8"') });
    expect(c.receive(batch('r0', 1, [{ ...lines[0], runId: 'run-8' }])).status).toBe(409);
    expect(c.receive(batch('r0', 1, lines, { seq: '0' })).status).toBe(400);
    expect(c.receive(batch('r0', 1, lines, { seq: undefined })).status).toBe(400);
    expect(c.receive(batch('r0', 1, lines, { runner: undefined })).status).toBe(400);
    expect(c.receive(batch('r0', 1, lines, { contentType: 'text/plain' })).status).toBe(400);
    expect(c.receive({ ...batch('r0', 1, []), body: '{"type":"window"' }).reply).toMatchObject({ error: 'line 1 of batch 1 is not JSON' });
    expect(c.receive(batch('r0', 1, [{ type: 'window', index: 0 }])).status).toBe(400);
    // A window before the runner's header.
    expect(c.receive(batch('r0', 1, lines.slice(1, 3))).reply).toMatchObject({ error: expect.stringContaining('before its header') });
    for (const r of [wrong.reply]) expect(k6PushReply.safeParse(r).success).toBe(true);
    // None of that was taken: the real first batch is still batch 1.
    expect(c.receive(batch('r0', 1, lines)).status).toBe(200);
    expect(c.finish('end')!.runners[0]!.requests).toBe(250);
  });

  it('replies stop:true to every runner once the merged windows burn fast, though neither runner alone could trip the guard', () => {
    // Each runner: 12 requests/s, all failing from 3 s on. Alone: 12 events in the 1 s short window < 20, never trips.
    // Merged: 24 events ≥ 20. At 4 s (end of the first bad window): short 24/24 bad → 100x; long (5 s:
    // windows 0-3 s) 24/96 = 0.25 → 25x; both ≥ 14.4: trip.
    const streams = [0, 1].map((i) => runnerStream(spec(i, { rate: 12, failShare: 1, failFromS: 3 })));
    for (const s of streams) {
      const alone = new PushCollector({ runId: 'run-7', slos: [availability], rule });
      alone.receive(batch('r0', 1, s));
      expect(alone.trip).toBeNull();
    }
    const c = new PushCollector({ runId: 'run-7', expectedRunners: 2, slos: [availability], rule });
    // Interleaved batches of 2 lines, as two runners push.
    let seq = 0;
    let stopSeen: unknown = null;
    for (let i = 0; i < streams[0]!.length; i += 2) {
      seq++;
      for (const [r, s] of streams.entries()) {
        const a = c.receive(batch(`r${r}`, seq, s.slice(i, i + 2)));
        expect(a.status).toBe(200);
        if ('stop' in a.reply && a.reply.stop) stopSeen ??= { at: i, runner: r, reply: a.reply };
      }
    }
    expect(c.trip).toMatchObject({ slo: 'availability', atMs: T0 + 4000, longBurnRate: 25, shortBurnRate: 100 });
    expect(stopSeen).toMatchObject({ reply: { schema: 'perf.k6-push/v1', stop: true, reason: expect.stringContaining('merged runners') } });
    // After the trip every runner's next POST says stop, also a duplicate.
    expect(c.receive(batch('r0', 1, streams[0]!.slice(0, 2))).reply).toMatchObject({ stop: true });
    expect(c.receive(batch('r1', 99, [])).reply).toMatchObject({ stop: true });
  });

  it('runners the global verdict stopped are stopped, not short, though the stop reached one 3 s later', () => {
    // r0 got stop:true at 5 s, r1 (its pushes retried) at 8 s: each summary records the collector's abort.
    // Without the abort, r0's last window ending 3 s before r1's would be "short" (a runner that fell behind).
    const reason = 'collector: SLO "availability" burns its error budget 25.0x of the merged runners';
    const stopped = (i: number, seconds: number): unknown[] =>
      runnerStream(spec(i, { seconds })).map((l) => (l.type === 'summary' ? { ...l, aborted: { reason, atMs: T0 + seconds * 1000 } } : l));
    const c = new PushCollector({ runId: 'run-7', expectedRunners: 2, slos: [] });
    c.receive(batch('r0', 1, stopped(0, 5)));
    c.receive(batch('r1', 1, stopped(1, 8)));
    expect(c.done()).toBe(true);
    const merged = c.finish('end')!;
    expect(merged.runners.map((r) => [r.runner, r.complete, r.short, r.aborted?.reason])).toEqual([
      ['r0', true, false, reason],
      ['r1', true, false, reason],
    ]);
    expect(shortLoad(merged.runners)).toBeNull();
  });

  it('records runners that stopped pushing, and expected runners that never pushed, as short', () => {
    const c = new PushCollector({ runId: 'run-7', expectedRunners: 3, slos: [] });
    c.receive(batch('r0', 1, runnerStream(spec(0))));
    c.receive(batch('r1', 1, runnerStream(spec(1, { seconds: 4, summary: false }))));
    expect(c.done()).toBe(false);
    const merged = c.finish('silent for 30 s')!;
    expect(merged.runners.map((r) => [r.runner, r.short])).toEqual([
      ['r0', false],
      ['r1', true],
      ['(missing 1 of 1)', true],
    ]);
    expect(merged.runners[1]!.shortReason).toMatch(/silent for 30 s/);
    expect(ndjson(merged.lines).split('\n')[0]).toContain('"runId":"run-7"');
  });
});
