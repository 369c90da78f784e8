// Loaded with `node --import` into a measured child: writes its peak RSS to $PERF_BENCH_RSS_FILE at exit.
import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  if (process.env.PERF_BENCH_RSS_FILE) writeFileSync(process.env.PERF_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
