// perf loadtest --parallel: the k6 command line of one runner, where its file goes, and the sentence
// the verdict gives when runners fall short.
import { describe, expect, it } from 'vitest';
import { describeExit, describeRunners, shortLoad, type RunnerRecord } from '../../analyzers/merge/index.js';
import { runDidNotHappen } from '../../analyzers/slo/run-validity.js';
import { runnerFile } from '../../k6-scripts/src/parallel/run-parallel.js';
import { k6Args, k6Completed } from '../../k6-scripts/src/run-k6.js';

const record = (over: Partial<RunnerRecord>): RunnerRecord => ({
  runner: 'r0',
  segment: '0:1/2',
  requests: 500,
  windows: 12,
  complete: true,
  aborted: null,
  lastEndMs: 12_000,
  short: false,
  shortReason: null,
  ...over,
});

describe('one runner of --parallel', () => {
  it('runs its segment of one sequence, paused on its REST address, thresholds off, SLOs in its header but k6\'s own guard off', () => {
    const args = k6Args({
      extension: true,
      script: 's.js',
      outFile: 'run/soak.r1.perf.ndjson',
      windowMs: 10_000,
      keepThresholds: false,
      guard: { slosFile: 'run/slos.json', durationMs: 600_000, live: false },
      segment: { segment: '1/2:1', sequence: '0,1/2,1' },
      pausedAt: '127.0.0.1:40123',
    });
    expect(args).toEqual([
      'run', '--no-usage-report', '--quiet', '--no-color',
      '--out', 'perf=file=run/soak.r1.perf.ndjson,window=10s,slos=run/slos.json,guard=off,duration=600s',
      '--no-thresholds', '--summary-mode=disabled',
      '--execution-segment', '1/2:1', '--execution-segment-sequence', '0,1/2,1',
      '--paused', '--address', '127.0.0.1:40123',
      's.js',
    ]);
  });

  it('a single process keeps its live guard on (--abort-on-burn) and takes no segment', () => {
    const args = k6Args({ extension: true, script: 's.js', outFile: 'o.ndjson', windowMs: 1000, keepThresholds: true, guard: { slosFile: 'slos.json', durationMs: 5000 } });
    expect(args).toContain('perf=file=o.ndjson,window=1s,slos=slos.json,guard=on,duration=5s');
    expect(args).not.toContain('--execution-segment');
    expect(args).not.toContain('--paused');
  });

  it('writes its windows beside the merged file, named for the runner', () => {
    expect(runnerFile('/w/runs/x/soak.perf.ndjson', 'r3')).toBe('/w/runs/x/soak.r3.perf.ndjson');
  });

  it('reads k6 exits: 0, 99 (thresholds) and 108 (script abort) ran to the end; a signal is a kill', () => {
    expect([0, 99, 108, 105, 107, null].map(k6Completed)).toEqual([true, true, true, false, false, false]);
    expect(describeExit({ code: 107, signal: null })).toBe('exit 107');
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('killed by SIGKILL');
  });
});

describe('the short-load verdict', () => {
  it('is null when every runner ran its share', () => {
    expect(shortLoad([record({}), record({ runner: 'r1', segment: '1/2:1' })])).toBeNull();
  });

  it('names each short runner, its segment, how its process ended and why', () => {
    const dead = record({ runner: 'r1', segment: '1/2:1', complete: false, short: true, shortReason: 'no summary line (its k6 process died): its load ended early', exitStatus: { code: null, signal: 'SIGKILL' } });
    const text = shortLoad([record({ exitStatus: { code: 0, signal: null } }), dead]);
    expect(text).toBe('1 of 2 runners fell short (runner r1 (segment 1/2:1), killed by SIGKILL: no summary line (its k6 process died): its load ended early)');
    // … and the gate cannot pass it, whatever the SLOs say.
    expect(runDidNotHappen({ requests: 700, failed: 0, shortLoad: text })).toEqual([`the load was short: ${text}; the merged figures cover less than the planned load`]);
  });

  it('says once what many runners share: 16 runners without a summary are one group, a runner that ended otherwise its own', () => {
    const stopped = 'no summary line: k6 stopped before finishing';
    const runners = Array.from({ length: 16 }, (_, i) => record({ runner: `r${i}`, segment: `${i}/16:${i + 1}/16`, complete: false, short: i !== 3, shortReason: i === 3 ? null : stopped }));
    runners[7] = { ...runners[7]!, shortReason: 'its last window ends 20 s before the other runners\' last', complete: true };
    expect(shortLoad(runners)).toBe(
      `15 of 16 runners fell short (14 runners (r0, r1, r2, r4, r5 … r15): ${stopped}; runner r7 (segment 7/16:8/16): its last window ends 20 s before the other runners' last)`,
    );
    expect(describeRunners(runners)).toMatch(new RegExp(`, 15 short: r0, r1, r2, r4, r5 … r15 — ${stopped}; r7 — its last window ends 20 s`));
  });
});
