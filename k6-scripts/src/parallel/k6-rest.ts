/**
 * k6's REST API (`k6 run --address HOST:PORT`), as `perf loadtest --parallel` uses it: wait until a
 * paused runner answers, then resume every runner at once. Loopback only: the runners are perf's own.
 */
import { createServer, type Server } from 'node:net';
import { RuntimeFailure } from '../../../core/errors.js';

/** `n` distinct loopback ports the OS picked (all held at once, then released for k6 to take). */
export async function freeLoopbackPorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', resolve);
      });
      const addr = s.address();
      if (addr === null || typeof addr === 'string') throw new RuntimeFailure('the OS gave no free loopback port', { fix: 'retry; check the loopback interface' });
      ports.push(addr.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

const statusUrl = (address: string): string => `http://${address}/v1/status`;

/** True once k6's REST API at `address` answers GET /v1/status. */
export async function k6Answers(address: string): Promise<boolean> {
  try {
    const res = await fetch(statusUrl(address), { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Resumes a paused k6 (PATCH /v1/status paused=false); a refusal is a runtime failure naming the runner. */
export async function resumeK6(address: string, runner: string): Promise<void> {
  const body = JSON.stringify({ data: { type: 'status', id: 'default', attributes: { paused: false } } });
  let res: Response;
  try {
    res = await fetch(statusUrl(address), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new RuntimeFailure(`runner ${runner} could not be resumed: ${(err as Error).message}`, { where: statusUrl(address), fix: 'check that nothing else uses the port, then re-run' });
  }
  const text = await res.text();
  if (!res.ok) throw new RuntimeFailure(`runner ${runner} refused to resume (HTTP ${res.status}): ${text.slice(0, 200)}`, { where: statusUrl(address), fix: 'check the k6 output above, then re-run' });
}
