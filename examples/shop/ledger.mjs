// Known bottleneck #3 (event-loop stall): the sales-ledger export that checkout refreshes every
// LEDGER_INTERVAL_MS. It reads the most recent orders, renders them as CSV, compresses and signs
// the file. Without the `async` fix it all runs synchronously inside one checkout request
// (hundreds of ms during which NO request is served); with it, the same work runs in slices that
// yield to the event loop, and compression runs on the thread pool.
import { createHash } from 'node:crypto';
import { deflate, deflateSync } from 'node:zlib';
import { promisify } from 'node:util';

const deflateAsync = promisify(deflate);

export const LEDGER_ORDERS = 25000;
const LEDGER_SQL = 'SELECT id, customer_id, created_at, item_count, total_cents, status FROM orders ORDER BY id DESC LIMIT ?';
const SLICE_ROWS = 1000;

function renderRows(rows) {
  let out = '';
  for (const [id, customer, createdAt, items, total, status] of rows) {
    out += `${id},${customer},${createdAt},${items},${(total / 100).toFixed(2)},${status}\n`;
  }
  return out;
}

function finish(csv, compressed, startedAt, longestSliceMs) {
  return {
    rows: csv.split('\n').length - 2,
    bytes: csv.length,
    compressedBytes: compressed.length,
    sha256: createHash('sha256').update(compressed).digest('hex'),
    durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
    longestSliceMs: Math.round(longestSliceMs * 10) / 10,
  };
}

/**
 * The slow path: everything at once, on the event loop. (`for await` only adds microtask hops,
 * which never let another request in; with PostgreSQL the read itself is async, the rest is not.)
 */
export async function buildLedgerExportSync(q, timing) {
  const startedAt = performance.now();
  const rows = [];
  for await (const slice of q.slices(timing, LEDGER_SQL, [LEDGER_ORDERS], SLICE_ROWS)) rows.push(...slice);
  const csv = `id,customer,created_at,items,total,status\n${renderRows(rows)}`;
  const compressed = deflateSync(csv, { level: 9 });
  return finish(csv, compressed, startedAt, performance.now() - startedAt);
}

/** The fix: the same export in slices, yielding between them; compression off the event loop. */
export async function buildLedgerExportChunked(q, timing) {
  const startedAt = performance.now();
  let longest = 0;
  const parts = ['id,customer,created_at,items,total,status\n'];
  let t0 = performance.now();
  for await (const slice of q.slices(timing, LEDGER_SQL, [LEDGER_ORDERS], SLICE_ROWS)) {
    parts.push(renderRows(slice));
    longest = Math.max(longest, performance.now() - t0);
    await new Promise((resolve) => setImmediate(resolve));
    t0 = performance.now();
  }
  const csv = parts.join('');
  const compressed = await deflateAsync(csv, { level: 9 });
  return finish(csv, compressed, startedAt, longest);
}
