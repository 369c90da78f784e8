import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeRunnerFiles, runnerFiles } from '../helpers/runner-files.js';

// The split merge of runner files as perf runs it: the built dist/, its parts on real worker threads
// (runner-merge-worker.js), their results posted back to the main thread and joined. It must give exactly
// the serial merge, the reference, and leave what a thread cannot vouch for to the serial merge. (The unit
// test of the split, under vitest's TypeScript loader, runs its parts in-process: no compiled worker there.)

type RunnerFilesModule = typeof import('../../capture/results/runner-files.js');
type SerialModule = typeof import('../../capture/results/runner-files-serial.js');
const DIST = resolve(import.meta.dirname, '../../dist/capture/results');
const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(join(DIST, file)).href)) as T;
const { readRunnerFiles } = await load<RunnerFilesModule>('runner-files.js');
const { readRunnerFiles: readSerially } = await load<SerialModule>('runner-files-serial.js');

afterAll(removeRunnerFiles);

describe('the split merge on worker threads (built dist/)', () => {
  it('gives exactly the serial merge: windows, totals, runners, an abort, a runner that stopped early', async () => {
    const dir = runnerFiles(21, [{ windows: 160, summary: true }, { windows: 160, summary: true, abortAt: 90 }, { windows: 70, summary: true, gaps: [5, 6] }]);
    const serial = await readSerially([dir]);
    for (const parts of [2, 3]) {
      const split = await readRunnerFiles([dir], { parts, minBytes: 0 });
      // It ran in parts (threads), not in the serial fallback.
      expect(split.parts).toBe(parts);
      expect(split.lines).toEqual(serial.lines);
      expect(split.runners).toEqual(serial.runners);
      expect(split.run).toEqual(serial.run);
    }
  });

  it('gives exactly the serial merge when no runner wrote a summary (totals summed from the merged windows)', async () => {
    const dir = runnerFiles(22, [{ windows: 120 }, { windows: 120 }]);
    const serial = await readSerially([dir]);
    const split = await readRunnerFiles([dir], { parts: 2, minBytes: 0 });
    expect(split.parts).toBe(2);
    expect(split.run.totals).toEqual(serial.run.totals);
    expect(split.run.warnings).toEqual(serial.run.warnings);
  });

  it('a corrupt line in a thread\'s part: the serial merge reports it, file and line, as without threads', async () => {
    const dir = runnerFiles(23, [{ windows: 120 }, { windows: 120 }]);
    const file = join(dir, 'r1.perf.ndjson');
    const lines = readFileSync(file, 'utf8').split('\n');
    // Early in the file: the first part's, which runs on a thread.
    lines[10] = '{"type":"window","startMs":"soon"}';
    writeFileSync(file, lines.join('\n'));
    const failure = (e: Error & { where?: string; exitCode?: number }) => ({ message: e.message, where: e.where, exitCode: e.exitCode });
    const serial = await readSerially([dir]).catch(failure);
    expect(serial).toMatchObject({ message: expect.stringMatching(/corrupt line/) as unknown, where: `${file}:11`, exitCode: 2 });
    expect(await readRunnerFiles([dir], { parts: 2, minBytes: 0 }).catch(failure)).toEqual(serial);
  });
});
