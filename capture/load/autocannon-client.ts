/**
 * The one place perf touches autocannon's private per-connection Client (autocannon/lib/httpClient.js
 * and requestIterator.js). perf paces and records requests itself (see run-load.ts), so it needs to
 * choose which pre-built request a connection sends next, to decide *when* it sends, and to stop
 * autocannon from buffering response bodies. None of that is public API: autocannon is pinned to an
 * exact version in package.json, `adaptClient` checks the shape at run time (an upgrade that changed
 * it fails with a clear message instead of measuring wrongly), and test/unit/autocannon-client.test.ts
 * checks it on a real Client against a loopback server.
 */
import type autocannon from 'autocannon';
import { createRequire } from 'node:module';
import { UserError } from '../../core/errors.js';

/** The version whose internals this file matches; package.json pins exactly this one. */
export const PINNED_AUTOCANNON = '8.0.0';

/**
 * Before any load: the installed autocannon is the pinned one. A different version may still work,
 * but perf would be measuring through internals nobody checked, so it says so and stops.
 */
export function checkAutocannonVersion(installed = installedAutocannonVersion()): void {
  if (installed !== PINNED_AUTOCANNON) {
    throw new UserError(`autocannon ${installed} is installed, but perf drives autocannon's internals as of ${PINNED_AUTOCANNON}`, {
      fix: `install autocannon ${PINNED_AUTOCANNON} (npm ci in perf's package, or npm i autocannon@${PINNED_AUTOCANNON})`,
    });
  }
}

function installedAutocannonVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('autocannon/package.json') as { version: string }).version;
}

/** The private fields used, as autocannon 8.0.0 has them. */
interface RawClient {
  _doRequest(): void;
  destroyed: boolean;
  reqsMade: number;
  requestIterator: { currentRequestIndex: number; currentRequest: unknown; requests: unknown[]; rebuildRequest(): void };
  pipelinedRequests: { addBody(data: Buffer): void };
  on(event: 'response', fn: (status: number, bytes: number, durationMs: number) => void): void;
  on(event: 'timeout' | 'connError', fn: () => void): void;
}

/** One autocannon connection, as perf drives it. */
export interface Connection {
  /** True once autocannon closed the connection (end of run, or an error). */
  readonly destroyed: boolean;
  /** Send request `k` of the `requests` array given to autocannon, now. */
  send(k: number): void;
  /** Replace autocannon's own "send the next request" (called after each response and at start). */
  onSendTurn(fn: () => void): void;
  onResponse(fn: (status: number) => void): void;
  onTimeout(fn: () => void): void;
  onConnError(fn: () => void): void;
}

/** The shape check; exported for the test. Returns what is missing, empty when the Client fits. */
export function missingParts(raw: unknown): string[] {
  const c = raw as Partial<RawClient> | null;
  const missing: string[] = [];
  if (!c || typeof c !== 'object') return ['the client object'];
  if (typeof c._doRequest !== 'function') missing.push('_doRequest()');
  if (typeof c.reqsMade !== 'number') missing.push('reqsMade');
  if (typeof c.on !== 'function') missing.push('on()');
  const it = c.requestIterator;
  if (!it || typeof it.rebuildRequest !== 'function' || !Array.isArray(it.requests) || typeof it.currentRequestIndex !== 'number') missing.push('requestIterator');
  if (!c.pipelinedRequests || typeof c.pipelinedRequests.addBody !== 'function') missing.push('pipelinedRequests.addBody()');
  return missing;
}

/**
 * Adapts the Client autocannon passes to `setupClient`. Response bodies are still read and counted,
 * but no longer appended to a string (`body += chunk`, a UTF-8 decode and a copy of every response,
 * for expectBody/verifyBody, which perf never uses: for a 1 MiB body that cost several ms per
 * response inside the measured latency).
 */
export function adaptClient(raw: unknown): Connection {
  const missing = missingParts(raw);
  if (missing.length > 0) {
    throw new UserError(`the installed autocannon does not have the connection internals perf drives (${missing.join(', ')} missing)`, {
      fix: `install autocannon ${PINNED_AUTOCANNON}, the version perf is pinned to (npm ci)`,
    });
  }
  const client = raw as RawClient;
  client.pipelinedRequests.addBody = () => undefined;
  const doRequest = client._doRequest;
  return {
    get destroyed() {
      return client.destroyed;
    },
    send(k: number): void {
      const it = client.requestIterator;
      if (client.reqsMade === 0) {
        it.currentRequestIndex = k;
        it.currentRequest = it.requests[k];
        // autocannon pre-builds only static requests (and the first): a templated one is built now.
        if (typeof (it.currentRequest as autocannon.Request).setupRequest === 'function') it.rebuildRequest();
      } else it.currentRequestIndex = k - 1; // autocannon's nextRequest() advances to k
      doRequest.call(client);
    },
    onSendTurn(fn: () => void): void {
      client._doRequest = fn;
    },
    onResponse(fn: (status: number) => void): void {
      client.on('response', (status) => fn(status));
    },
    onTimeout(fn: () => void): void {
      client.on('timeout', fn);
    },
    onConnError(fn: () => void): void {
      client.on('connError', fn);
    },
  };
}
