// `perf loadtest --parallel N` with the user's own k6 outputs: N runners never share one file.
import { describe, expect, it } from 'vitest';
import { planRunnerOutputs, runnerK6Args, runnerOutput, runnerPath, runnerTagArgs } from '../../k6-scripts/src/parallel/runner-outputs.js';
import { isPerfError } from '../../core/errors.js';

describe('--parallel: the user\'s k6 outputs, per runner', () => {
  it.each([
    // [--out value, runner r1 gets]
    ['json=results.json', 'json=results.r1.json'],
    ['json=out/run.json.gz', 'json=out/run.r1.json.gz'],
    ['json=results', 'json=results.r1'],
    ['json', 'json'], // stdout: no file
    ['json=-', 'json=-'],
    ['csv=results.csv', 'csv=results.r1.csv'],
    ['csv', 'csv=file.r1.csv'], // k6's default file name
    ['csv=timeFormat=unix,fileName=a/b.csv', 'csv=timeFormat=unix,fileName=a/b.r1.csv'],
    ['csv=timeFormat=unix', 'csv=timeFormat=unix,fileName=file.r1.csv'],
    ['experimental-prometheus-rw', 'experimental-prometheus-rw'], // sends to a service
    ['influxdb=http://127.0.0.1:8086/k6', 'influxdb=http://127.0.0.1:8086/k6'],
  ])('--out %s → runner r1: %s', (given, r1) => {
    expect(runnerOutput(given, 'r1')).toBe(r1);
  });

  it('gives two runners two different files', () => {
    expect(['r0', 'r1'].map((r) => runnerOutput('csv=results.csv', r))).toEqual(['csv=results.r0.csv', 'csv=results.r1.csv']);
    expect(runnerPath('.hidden', 'r0')).toBe('.hidden.r0');
  });

  it('rewrites --out/-o among the k6 arguments after --, in every spelling, and leaves the rest alone', () => {
    expect(runnerK6Args(['--out', 'json=a.json', '-o', 'csv=b.csv', '--out=json=c.json', '-o=csv=d.csv', '--tag', 'x=y'], 'r0')).toEqual([
      '--out', 'json=a.r0.json', '-o', 'csv=b.r0.csv', '--out=json=c.r0.json', '-o=csv=d.r0.csv', '--tag', 'x=y',
    ]);
  });

  it('refuses web-dashboard and outputs it does not know, as a usage error naming the output', () => {
    for (const o of ['web-dashboard', 'web-dashboard=export=report.html', 'xk6-something=out.bin']) {
      let err: unknown;
      try {
        runnerOutput(o, 'r0');
      } catch (e) {
        err = e;
      }
      expect(isPerfError(err) && err.exitCode, o).toBe(2);
      expect((err as Error).message).toContain(`--out ${o} cannot run with --parallel`);
    }
    expect(() => planRunnerOutputs([], ['-o', 'web-dashboard'], ['r0', 'r1'])).toThrow(/--out web-dashboard cannot run with --parallel/);
  });

  it('says what each runner writes instead, once per output that changes', () => {
    expect(planRunnerOutputs(['csv=results.csv', 'experimental-prometheus-rw'], ['--out', 'json=x.json'], ['r0', 'r1'])).toEqual([
      '--out csv=results.csv with --parallel: each runner writes its own file (csv=results.r0.csv, csv=results.r1.csv)',
      '--out json=x.json with --parallel: each runner writes its own file (json=x.r0.json, json=x.r1.json)',
      '--out experimental-prometheus-rw with --parallel: each runner tags its samples runner=r0, runner=r1 (one series per runner in the service; sum over "runner" for the whole test)',
    ]);
    expect(planRunnerOutputs(['csv=results.csv'], ['--tag', 'runner=x'], ['r0', 'r1'])).toHaveLength(1);
  });

  it('tags each runner\'s samples when a service output receives them all, and only then', () => {
    expect(runnerTagArgs(['experimental-prometheus-rw'], [], 'r1')).toEqual(['--tag', 'runner=r1']);
    expect(runnerTagArgs([], ['-o', 'influxdb=http://127.0.0.1:8086/k6'], 'r0')).toEqual(['--tag', 'runner=r0']);
    expect(runnerTagArgs(['csv=results.csv'], ['--out=json=a.json', '--tag', 'x=y'], 'r0')).toEqual([]);
  });

  it('refuses the user\'s own --tag runner= beside a service output, before any load (exit 2)', () => {
    for (const args of [['--tag', 'runner=me'], ['--tag=runner=me']]) {
      let err: unknown;
      try {
        planRunnerOutputs(['experimental-prometheus-rw'], args, ['r0', 'r1']);
      } catch (e) {
        err = e;
      }
      expect(isPerfError(err) && err.exitCode, args.join(' ')).toBe(2);
      expect((err as Error).message).toContain('--tag runner=… cannot run with --parallel and --out experimental-prometheus-rw');
    }
  });
});
