// Loaded with `node --import` into a measured child: writes its peak RSS (bytes) and CPU time (ms,
// user + system) to $PERF_BENCH_RSS_FILE at exit, as JSON.
import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  if (!process.env.PERF_BENCH_RSS_FILE) return;
  const u = process.resourceUsage();
  writeFileSync(process.env.PERF_BENCH_RSS_FILE, JSON.stringify({ rss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
