import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids of live processes whose program (argv[0]) matches `program` and whose command line contains every
 * `needle` (a test's own temp directory): how tests check that no k6 or perf process outlived them.
 */
export function processesMatching(program: RegExp, ...needles: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const argv = cmd.split('\0');
    if (program.test(argv[0] ?? '') && needles.every((n) => argv.some((a) => a.includes(n)))) pids.push(Number(entry));
  }
  return pids;
}
