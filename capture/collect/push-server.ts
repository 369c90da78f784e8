/**
 * The HTTP edge of `perf collect`: node:http around a PushCollector (analyzers/merge/push-collector.ts).
 * POST to any path is a runner batch (protocol: core/artifacts/k6-push.ts); anything else is 405.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { K6_PUSH_SCHEMA, PUSH_HEADERS, PUSH_MAX_BATCH_BYTES } from '../../core/artifacts/k6-push.js';
import type { PushCollector } from '../../analyzers/merge/push-collector.js';
import { RuntimeFailure } from '../../core/errors.js';

export interface PushServer {
  /** host:port actually bound (port 0 → the port the OS chose). */
  address: string;
  port: number;
  close(): Promise<void>;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the body up to the batch limit; null when it is larger (the rest is drained, not kept). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > PUSH_MAX_BATCH_BYTES) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startPushServer(host: string, port: number, collector: PushCollector, onBatch: () => void = () => {}): Promise<PushServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      send(res, 405, { schema: K6_PUSH_SCHEMA, error: 'POST perf.k6-windows/v1 NDJSON batches here' });
      return;
    }
    readBody(req).then(
      (body) => {
        if (body === null) {
          send(res, 413, { schema: K6_PUSH_SCHEMA, error: `batch larger than ${PUSH_MAX_BATCH_BYTES} bytes` });
          return;
        }
        const a = collector.receive({
          runId: header(req, PUSH_HEADERS.run),
          runner: header(req, PUSH_HEADERS.runner),
          seq: header(req, PUSH_HEADERS.seq),
          contentType: header(req, 'content-type'),
          body,
        });
        send(res, a.status, a.reply);
        onBatch();
      },
      () => res.destroy(),
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new RuntimeFailure(`cannot listen on ${host}:${port}: ${err.code ?? err.message}`, { where: '--listen', fix: 'pick a free port (or 0 for any), on an address of this machine' })),
    );
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    address: `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
