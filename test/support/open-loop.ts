import { Agent, request } from 'node:http';

/**
 * Bounded open-loop load for tests: `rate` requests/s for `durationMs` (at most rate × duration
 * requests, cycling through `paths`), on loopback. Returns when every answer, error or timeout is
 * in, with the answer times in ms since `t0`.
 */
export async function driveOpenLoop(opts: { port: number; rate: number; durationMs: number; paths?: string[]; t0?: number }): Promise<number[]> {
  const paths = opts.paths ?? ['/'];
  const t0 = opts.t0 ?? Date.now();
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const answered: number[] = [];
  const total = Math.round((opts.rate * opts.durationMs) / 1000);
  const pending: Promise<void>[] = [];
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port: opts.port, path: paths[i % paths.length], agent, timeout: 5000 }, (res) => {
          res.resume();
          res.on('end', () => {
            answered.push(Date.now() - t0);
            resolve();
          });
        });
        req.on('error', () => resolve());
        req.on('timeout', () => req.destroy());
        req.end();
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return answered;
}
