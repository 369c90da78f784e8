/**
 * Parsers of Linux /proc/<pid>/stat and /proc/<pid>/status (proc(5)). Pure: text in, figures out.
 * stat's second field (comm) is parenthesised and may itself hold spaces and ")", so the fields
 * after it are read from the LAST ")". CPU times are in clock ticks (sysconf(_SC_CLK_TCK)).
 */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** User + system CPU time of the process itself, in clock ticks. */
  cpuTicks: number;
  threads: number;
}

export interface ProcStatus {
  /** Resident set size, kB (VmRSS); undefined for a zombie. */
  rssKb: number | undefined;
  threads: number | undefined;
}

export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  const open = text.indexOf('(');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // Fields after comm start at field 3 (state); utime is field 14, stime 15, num_threads 20.
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const field = (n: number): number => Number(rest[n - 3]);
  const ppid = field(4);
  const cpuTicks = field(14) + field(15);
  const threads = field(20);
  if (![pid, ppid, cpuTicks, threads].every(Number.isFinite)) return undefined;
  return { pid, ppid, cpuTicks, threads };
}

export function parseProcStatus(text: string): ProcStatus {
  const value = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return { rssKb: value('VmRSS'), threads: value('Threads') };
}
