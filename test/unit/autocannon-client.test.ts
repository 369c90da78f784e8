/**
 * perf drives autocannon through its private per-connection Client (capture/load/autocannon-client.ts).
 * These tests hold that contract on the real, pinned autocannon against a loopback server, so an
 * upgrade that changes the internals fails here instead of measuring wrongly.
 */
import autocannon from 'autocannon';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adaptClient, checkAutocannonVersion, missingParts, PINNED_AUTOCANNON, type Connection } from '../../capture/load/autocannon-client.js';
import { UserError } from '../../core/errors.js';

let server: Server;
let url: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end('x'.repeat(64));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the autocannon internals perf drives', () => {
  it('the installed autocannon is the pinned version', () => {
    expect(() => checkAutocannonVersion()).not.toThrow();
    expect(() => checkAutocannonVersion('8.1.0')).toThrow(UserError);
    expect(() => checkAutocannonVersion('8.1.0')).toThrow(`autocannon 8.1.0 is installed, but perf drives autocannon's internals as of ${PINNED_AUTOCANNON}`);
  });

  it('a real Client has every private part, and send(k) sends exactly the chosen requests', async () => {
    seen.length = 0;
    const order = [2, 0, 1, 1, 2];
    const problems: string[][] = [];
    await new Promise<void>((resolve, reject) => {
      const inst = autocannon(
        {
          url,
          connections: 1,
          amount: 50,
          requests: [{ path: '/a' }, { path: '/b' }, { path: '/c' }],
          setupClient: (raw: unknown) => {
            problems.push(missingParts(raw));
            const c: Connection = adaptClient(raw);
            let i = 0;
            c.onSendTurn(() => {
              if (i < order.length) c.send(order[i++] as number);
            });
            c.onResponse(() => {
              if (i >= order.length) inst.stop();
            });
          },
        } as autocannon.Options,
        (err) => (err ? reject(err) : resolve()),
      );
    });
    expect(problems).toEqual([[]]);
    expect(seen).toEqual(['/c', '/a', '/b', '/b', '/c']);
  });

  it('a client without those internals is named part by part, as a user error', () => {
    expect(missingParts({ on() {}, reqsMade: 0 })).toEqual(['_doRequest()', 'requestIterator', 'pipelinedRequests.addBody()']);
    expect(() => adaptClient({})).toThrow(UserError);
  });
});
