// The naive reference: readline + JSON.parse of every line, collect, sort. Prints one JSON line.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const file = process.argv[2];
const t0 = process.hrtime.bigint(); const c0 = process.cpuUsage();
const durations = [];
let failed = 0;
let total = 0;
const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
for await (const line of rl) {
  if (!line) continue;
  const o = JSON.parse(line);
  if (o.type !== 'Point') continue;
  if (o.metric === 'http_req_duration') durations.push(o.data.value);
  else if (o.metric === 'http_req_failed') {
    total++;
    if (o.data.value !== 0) failed++;
  }
}
const sorted = Float64Array.from(durations).sort();
const pct = (p) => sorted[Math.max(0, Math.ceil((p * sorted.length) / 100 - 1e-9) - 1)];
const ms = Number(process.hrtime.bigint() - t0) / 1e6; const cu = process.cpuUsage(c0); const cpuMs = (cu.user + cu.system) / 1000;
process.stdout.write(JSON.stringify({ ms, cpuMs, requests: total, failed, p95: pct(95), p99: pct(99), maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
