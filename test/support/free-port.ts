import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A loopback TCP port the OS has just handed out and released: the one home for tests that must tell a
 * server its port before it starts (random numbers in a range collide on a shared machine: EADDRINUSE).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** freePort for synchronous callers (a fixture built inside a sync helper): asks a short-lived node. */
export function freePortSync(): number {
  const out = execFileSync(
    process.execPath,
    ['-e', "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"],
    { encoding: 'utf8', timeout: 10_000 },
  );
  return Number(out);
}
