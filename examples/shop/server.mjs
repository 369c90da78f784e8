#!/usr/bin/env node
// The demo shop: a small HTTP API over an embedded SQLite database (or PostgreSQL with
// SHOP_DB=postgres), with known, real bottlenecks.
//   PORT=0 picks a free port (default 18080); SHOP_FIXES=1 applies every fix (see README.md).
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openShopDatabase } from './db.mjs';
import { describeFixes, parseFixes } from './fixes.mjs';
import { listProducts, productDetail, search } from './handlers/catalog.mjs';
import { login } from './handlers/auth.mjs';
import { orderHistory, ORDER_HISTORY_SQL, ORDER_SUMMARY_SQL } from './handlers/orders.mjs';
import { checkout } from './handlers/checkout.mjs';
import { notFound, ok } from './http.mjs';
import { loadReviewGraph, RecommendationCache } from './recommendations.mjs';
import { pagesKept } from './page-replay.mjs';

const HOST = process.env.HOST ?? '127.0.0.1';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function routeOf(method, pathname) {
  if (method === 'GET') {
    if (pathname === '/health') return [(shop) => ok({ status: 'ok', fixes: describeFixes(shop.fixes) })];
    if (pathname === '/products') return [listProducts];
    const m = /^\/products\/([^/]+)$/.exec(pathname);
    if (m) return [productDetail, m[1]];
    if (pathname === '/search') return [search];
    if (pathname === '/orders') return [orderHistory];
    if (pathname === '/debug/explain') return [explain];
    if (pathname === '/debug/stats') return [stats];
  }
  if (method === 'POST') {
    if (pathname === '/login') return [login];
    if (pathname === '/checkout') return [checkout];
  }
  return undefined;
}

/** The database's plan for the queries behind the known bottlenecks: shows whether an index is used. */
async function explain(shop) {
  return ok({
    fixes: describeFixes(shop.fixes),
    engine: shop.q.engine,
    plans: {
      orderHistory: await shop.q.explain(ORDER_HISTORY_SQL),
      orderSummary: await shop.q.explain(ORDER_SUMMARY_SQL),
      productReviews: await shop.q.explain('SELECT id FROM reviews WHERE product_id = ?'),
    },
  });
}

/** Counters for tests and demos: ledger exports and the worst event-loop delay since the last read. */
function stats(shop, req) {
  const maxDelayMs = Math.round((shop.loopDelay.max / 1e6) * 10) / 10;
  if (req.query.get('reset') === '1') shop.loopDelay.reset();
  return ok({
    fixes: describeFixes(shop.fixes),
    rows: shop.counts,
    ledger: { runs: shop.ledger.runs, running: shop.ledger.running, last: shop.ledger.last ?? null },
    recommendationsCached: shop.recommendations ? shop.recommendations.memo.size : 0,
    pagesKept: pagesKept(),
    eventLoop: { maxDelayMs },
  });
}

async function handle(shop, req, res) {
  const started = performance.now();
  const timing = { dbMs: 0 };
  let result;
  try {
    const url = new URL(req.url ?? '/', 'http://shop.local');
    const route = routeOf(req.method ?? 'GET', url.pathname);
    if (!route) {
      result = notFound(`no route ${req.method} ${url.pathname}`);
    } else {
      const [handler, ...params] = route;
      result = await handler(shop, { raw: req, query: url.searchParams, timing }, ...params);
    }
  } catch (err) {
    console.error(`${req.method} ${req.url}: ${err.stack ?? err}`);
    result = { status: 500, body: { error: 'internal error' } };
  }
  const total = performance.now() - started;
  const body = JSON.stringify(result.body);
  res.writeHead(result.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'server-timing': `db;dur=${timing.dbMs.toFixed(2)}, app;dur=${Math.max(0, total - timing.dbMs).toFixed(2)}`,
  });
  res.end(body);
}

async function main() {
  let fixes;
  try {
    fixes = parseFixes(process.env.SHOP_FIXES);
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 18080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be an integer 0-65535, found "${process.env.PORT}"`);
    process.exit(2);
  }
  if (!LOOPBACK.has(HOST)) {
    console.error(`HOST must be a loopback address (127.0.0.1, localhost, ::1), found "${HOST}"`);
    process.exit(2);
  }
  let q;
  let counts;
  try {
    ({ q, counts } = await openShopDatabase(fixes));
  } catch (err) {
    console.error(`shop: ${err.message}`);
    process.exit(err.message.startsWith('SHOP_') ? 2 : 3);
  }
  const rows = await q.all({ dbMs: 0 }, 'SELECT id, name, category FROM products ORDER BY id');
  const catalog = new Map(rows.map(({ id, name, category }) => [id, { name, category }]));
  const reviewGraph = await loadReviewGraph(q);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const shop = {
    q,
    fixes,
    counts,
    catalog,
    reviewGraph,
    recommendations: fixes.cache ? new RecommendationCache(reviewGraph, catalog) : undefined,
    ledger: { runs: 0, running: false, lastStartedAt: Date.now(), last: undefined },
    ledgerIntervalMs: Number(process.env.SHOP_LEDGER_INTERVAL_MS ?? 2000),
    clock: () => new Date().toISOString(),
    loopDelay,
  };
  const server = createServer((req, res) => void handle(shop, req, res));
  server.keepAliveTimeout = 5000;
  server.listen(port, HOST, () => {
    const addr = server.address();
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    console.log(`shop: ${q.engine}, fixes ${describeFixes(fixes)}; ${counts.products} products, ${counts.reviews} reviews, ${counts.users} users, ${counts.orders} orders`);
    console.log(`listening on http://${host}:${addr.port}`);
  });
  server.on('error', (err) => {
    console.error(`cannot listen on ${HOST}:${port}: ${err.code ?? err.message}`);
    process.exit(3);
  });
  const stop = async () => {
    server.close();
    server.closeAllConnections?.();
    await q.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(`shop failed to start: ${err.stack ?? err}`);
  process.exit(3);
});
