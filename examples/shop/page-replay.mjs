// Known bottleneck #5 (memory): product pages are kept by request id, so a client that retries with
// the same X-Request-Id gets the page it was first served. Without the `lru` fix every page goes
// into a module-level Map and is never dropped: a request without an X-Request-Id gets a fresh id,
// so the Map grows by one rendered page (a few KB) per product request, for as long as the process
// runs. With it, only the PAGES_KEPT most recently served pages are kept (least recently used out).
// Responses are the same either way; only the memory differs.

export const PAGES_KEPT = 500;

const served = new Map();
let nextId = 0;

/** The request's replay key: its X-Request-Id, or a fresh one. */
export function requestIdOf(raw) {
  const header = raw.headers['x-request-id'];
  return typeof header === 'string' && header !== '' ? `client:${header}` : `shop:${process.pid}:${nextId++}`;
}

/** The page first served for this request id, if kept. */
export function replayPage(id, fixes) {
  const page = served.get(id);
  if (page !== undefined && fixes.lru) {
    // Most recently used goes to the end of the Map's insertion order.
    served.delete(id);
    served.set(id, page);
  }
  return page === undefined ? undefined : { status: page.status, body: JSON.parse(page.json) };
}

/** Keeps the rendered page for replays: the insertion that grows without the `lru` fix. */
export function keepPage(id, result, fixes) {
  served.set(id, { status: result.status, json: JSON.stringify(result.body), at: Date.now() });
  if (fixes.lru) {
    while (served.size > PAGES_KEPT) served.delete(served.keys().next().value);
  }
}

export function pagesKept() {
  return served.size;
}
