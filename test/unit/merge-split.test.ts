import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeHistogram, latencyStats } from '../../analyzers/histogram.js';
import { readRunnerFiles as readSerially } from '../../capture/results/runner-files-serial.js';
import { readRunnerFiles } from '../../capture/results/runner-files.js';
import { removeRunnerFiles, runnerFiles } from '../helpers/runner-files.js';

// The split merge (capture/results: the files cut in time, parts merged side by side, joined) must give
// exactly the serial merge (analyzers/merge), the reference: the same lines, runners, totals and warnings,
// and the same errors. Under vitest the parts run in-process (no compiled worker): the cut, the parts and
// the join are what is tested here; bench/merge runs them on threads.

afterAll(removeRunnerFiles);

/** The split merge gives the serial one, in `parts` parts (or serially: 1, when it should not vouch for the input). */
async function expectSameMerge(dir: string, ranIn: (parts: number) => number = (p) => p): Promise<void> {
  const serial = await readSerially([dir]);
  for (const parts of [2, 3]) {
    const split = await readRunnerFiles([dir], { parts, minBytes: 0 });
    expect(split.parts).toBe(ranIn(parts));
    // Byte for byte: the same encoder sums the same counts in the same order.
    expect(split.lines).toEqual(serial.lines);
    expect(split.runners).toEqual(serial.runners);
    expect(split.run).toEqual(serial.run);
    for (const [i, t] of split.run.totals.trends.entries()) {
      expect(latencyStats(decodeHistogram(t.histogram))).toEqual(latencyStats(decodeHistogram(serial.run.totals.trends[i]!.histogram)));
    }
  }
}

describe('the split merge of runner files (parts side by side, joined in order)', () => {
  it('gives exactly the serial merge: windows, totals with resizes at different points, runners, warnings', async () => {
    await expectSameMerge(runnerFiles(1, [{ windows: 80 }, { windows: 80, gaps: [3, 40, 41, 77] }, { windows: 60 }, { windows: 80 }]));
  });

  it('gives exactly the serial merge with summaries, an abort mid-run and a runner that stopped early', async () => {
    await expectSameMerge(runnerFiles(2, [{ windows: 100, summary: true }, { windows: 100, summary: true, abortAt: 60 }, { windows: 35, summary: true }]));
    await expectSameMerge(runnerFiles(3, [{ windows: 100, summary: true }, { windows: 100, abortAt: 10 }]));
  });

  it('gives exactly the serial merge of unaligned runners (re-binned by midpoint)', async () => {
    await expectSameMerge(runnerFiles(4, [{ windows: 80 }, { windows: 80, shiftMs: 300 }, { windows: 80, shiftMs: 700 }], { aligned: false }));
  });

  it('reads lines as the serial reader does: CRLF line ends, blank lines, no newline at the end', async () => {
    const dir = runnerFiles(8, [{ windows: 70, summary: true }, { windows: 70 }]);
    const a = join(dir, 'r0.perf.ndjson');
    writeFileSync(a, readFileSync(a, 'utf8').trimEnd().split('\n').join('\r\n\r\n'));
    await expectSameMerge(dir);
  });

  it('leaves what it cannot vouch for to the serial merge: a truncated last line, windows out of order, a corrupt line', async () => {
    const truncated = runnerFiles(5, [{ windows: 60 }, { windows: 60 }]);
    writeFileSync(join(truncated, 'r1.perf.ndjson'), '{"type":"window","index":60,"startMs', { flag: 'a' });
    await expectSameMerge(truncated, () => 1);

    const shuffled = runnerFiles(6, [{ windows: 60 }, { windows: 60 }]);
    const lines = readFileSync(join(shuffled, 'r0.perf.ndjson'), 'utf8').trimEnd().split('\n');
    [lines[10], lines[50]] = [lines[50]!, lines[10]!];
    writeFileSync(join(shuffled, 'r0.perf.ndjson'), lines.join('\n') + '\n');
    await expectSameMerge(shuffled, () => 1);

    const corrupt = runnerFiles(7, [{ windows: 60 }, { windows: 60 }]);
    const c = readFileSync(join(corrupt, 'r1.perf.ndjson'), 'utf8').split('\n');
    c[40] = '{"type":"window","startMs":"soon"}';
    writeFileSync(join(corrupt, 'r1.perf.ndjson'), c.join('\n'));
    const serial = await readSerially([corrupt]).catch((e: Error) => e.message);
    expect(serial).toMatch(/corrupt line/);
    expect(await readRunnerFiles([corrupt], { parts: 3, minBytes: 0 }).catch((e: Error) => e.message)).toBe(serial);
  });

  it('a folder holding the runner files and perf\'s merge of them (as perf loadtest --parallel writes it): the merge is left out, with a warning', async () => {
    const dir = runnerFiles(9, [{ windows: 60, summary: true }, { windows: 60, summary: true }]);
    const runnersOnly = await readSerially([dir]);
    writeFileSync(join(dir, 'baseline.perf.ndjson'), runnersOnly.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    for (const read of [readSerially, (paths: string[]) => readRunnerFiles(paths, { parts: 2, minBytes: 0 })]) {
      const r = await read([dir]);
      expect(r.files.map((f) => f.slice(dir.length + 1))).toEqual(['r0.perf.ndjson', 'r1.perf.ndjson']);
      expect(r.lines).toEqual(runnersOnly.lines);
      expect(r.run.totals).toEqual(runnersOnly.run.totals);
      expect(r.run.warnings[0]).toMatch(/baseline\.perf\.ndjson: left out, perf's merge of the 2 runner file\(s\) beside it/);
    }
    // Named one by one beside a runner file, it is refused: its requests would count twice.
    const both = [join(dir, 'r0.perf.ndjson'), join(dir, 'baseline.perf.ndjson')];
    for (const read of [readSerially, (paths: string[]) => readRunnerFiles(paths, { parts: 2, minBytes: 0 })]) {
      await expect(read(both)).rejects.toMatchObject({ message: expect.stringMatching(/^perf's merge of runner files .* their requests would count twice/) as unknown, where: both[1], exitCode: 2 });
    }
    // Alone in a folder, the merge reads as itself.
    const alone = runnerFiles(10, [{ windows: 5 }]);
    const single = await readSerially([alone]);
    rmSync(join(alone, 'r0.perf.ndjson'));
    writeFileSync(join(alone, 'merged.perf.ndjson'), single.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect((await readSerially([alone])).run.totals).toEqual(single.run.totals);
  });
});
