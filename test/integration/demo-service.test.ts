import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appMs, call, comparable, median, SCRIPT, SERVER, startShop, type Answer, type Shop } from '../support/shop.js';

// The demo shop (examples/shop) started for real on loopback, once with the fixes off and once on.
describe('demo shop (examples/shop)', () => {
  let before: Shop;
  let after: Shop;
  const answers: { before: Answer[]; after: Answer[] } = { before: [], after: [] };

  beforeAll(async () => {
    before = await startShop('0');
    after = await startShop('1');
    for (const [m, p, j, raw] of SCRIPT) {
      answers.before.push(await call(before, m, p, j, raw));
      answers.after.push(await call(after, m, p, j, raw));
    }
  });
  afterAll(() => {
    before?.child.kill('SIGTERM');
    after?.child.kill('SIGTERM');
  });

  const answer = (shop: 'before' | 'after', method: string, path: string, nth = 0): Answer => {
    const idx = SCRIPT.map((s, i) => (s[0] === method && s[1] === path ? i : -1)).filter((i) => i >= 0)[nth]!;
    return answers[shop][idx]!;
  };

  it('starts on a free loopback port within a few seconds and says which fixes are on', async () => {
    expect(before.startMs).toBeLessThan(30_000);
    expect(answer('before', 'GET', '/health').body).toEqual({ status: 'ok', fixes: 'none' });
    expect(answer('after', 'GET', '/health').body).toEqual({ status: 'ok', fixes: 'index,cache,async,lru' });
  });

  it('answers every request identically with the fixes off and on', () => {
    expect(answers.after.map(comparable)).toEqual(answers.before.map(comparable));
  });

  it('sends a Server-Timing header with measured db and app durations on every response', () => {
    for (const a of [...answers.before, ...answers.after]) {
      expect(a.serverTiming).toMatch(/^db;dur=\d+\.\d\d, app;dur=\d+\.\d\d$/);
    }
    expect(Number(/db;dur=([\d.]+)/.exec(answer('before', 'GET', '/orders?customer=17').serverTiming!)![1])).toBeGreaterThan(0);
  });

  it('lists products 20 per page over the 2,000 seeded', () => {
    const p = answer('before', 'GET', '/products?page=3').body;
    expect(p).toMatchObject({ page: 3, pageSize: 20, total: 2000 });
    expect(p.products.map((x: { id: number }) => x.id)).toEqual(Array.from({ length: 20 }, (_, i) => 41 + i));
    expect(Object.keys(p.products[0]).sort()).toEqual(['category', 'id', 'name', 'priceCents', 'stock']);
    expect(answer('before', 'GET', '/products').body.page).toBe(1);
    expect(answer('before', 'GET', '/products?page=101').body.products).toEqual([]);
    expect(answer('before', 'GET', '/products?page=abc').status).toBe(400);
  });

  it('shows a product with its reviews, authors, rating and five recommendations', () => {
    const p = answer('before', 'GET', '/products/7').body;
    expect(p).toMatchObject({ id: 7, reviewCount: p.reviews.length });
    expect(p.reviews.length).toBeGreaterThan(20); // a popular product
    expect(p.reviews[0]).toEqual({ id: expect.any(Number), rating: expect.any(Number), body: expect.any(String), createdAt: expect.any(String), authorId: expect.any(Number), author: expect.any(String) });
    expect(p.rating).toBeGreaterThanOrEqual(1);
    expect(p.rating).toBeLessThanOrEqual(5);
    expect(p.recommendations).toHaveLength(5);
    expect(p.recommendations.map((r: { id: number }) => r.id)).not.toContain(7);
    expect(answer('before', 'GET', '/products/99999').status).toBe(404);
    expect(answer('before', 'GET', '/products/abc').status).toBe(400);
  });

  it('searches names, categories and descriptions, treating % literally', () => {
    const s = answer('before', 'GET', '/search?q=kettle').body;
    expect(s.count).toBeGreaterThan(0);
    for (const p of s.products) expect(p.name).toContain('kettle');
    expect(answer('before', 'GET', '/search?q=100%25').body.count).toBe(0);
    expect(answer('before', 'GET', '/search?q=zzzz-no-such-thing').body).toEqual({ q: 'zzzz-no-such-thing', count: 0, products: [] });
    expect(answer('before', 'GET', '/search?q=a').status).toBe(400);
  });

  it('logs in the users of data/users.csv and refuses wrong passwords', () => {
    const ok = answer('before', 'POST', '/login', 0);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ token: expect.stringMatching(/^[0-9a-f]{64}$/), user: { id: 1, username: 'shopper001', displayName: expect.any(String) } });
    expect(answer('before', 'POST', '/login', 1).status).toBe(401);
    expect(answer('before', 'POST', '/login', 2).status).toBe(401);
    expect(answer('before', 'POST', '/login', 3).status).toBe(400);
  });

  it('shows a customer order history and places orders at checkout', () => {
    const h = answer('before', 'GET', '/orders?customer=17').body;
    expect(h.orderCount).toBeGreaterThan(20);
    expect(h.orders).toHaveLength(20);
    expect(h.totalSpentCents).toBeGreaterThan(0);
    expect(answer('before', 'GET', '/orders?customer=0').status).toBe(400);
    expect(answer('before', 'GET', '/orders').status).toBe(400);
    const c = answer('before', 'POST', '/checkout', 0);
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ orderId: 120001, customer: 17, itemCount: 3, status: 'confirmed' });
    expect(c.body.totalCents).toBe(c.body.items.reduce((s: number, l: { quantity: number; unitPriceCents: number }) => s + l.quantity * l.unitPriceCents, 0));
    for (const n of [1, 2, 3]) expect(answer('before', 'POST', '/checkout', n).status).toBe(400);
    const h2 = answer('before', 'GET', '/orders?customer=17', 1).body;
    expect(h2.orderCount).toBe(h.orderCount + 1);
    expect(h2.orders[0].id).toBe(120001);
    const stockBefore = answer('before', 'GET', '/products/42', 0).body.stock;
    expect(stockBefore).toBeGreaterThan(0);
    expect(answer('before', 'GET', '/products/42', 1).body.stock).toBe(stockBefore - 1);
    expect(answer('before', 'DELETE', '/products/1').status).toBe(404);
    expect(answer('before', 'GET', '/no-such-route').status).toBe(404);
  });

  it('the index fix is visible in the query plans: full scans before, index searches after', async () => {
    const off = (await call(before, 'GET', '/debug/explain')).body.plans;
    const on = (await call(after, 'GET', '/debug/explain')).body.plans;
    expect(off.orderHistory.join(' ')).toMatch(/SCAN orders/);
    expect(off.productReviews.join(' ')).toMatch(/SCAN reviews/);
    expect(on.orderHistory.join(' ')).toMatch(/USING INDEX idx_orders_customer/);
    expect(on.orderSummary.join(' ')).toMatch(/USING INDEX idx_orders_customer/);
    expect(on.productReviews.join(' ')).toMatch(/idx_reviews_product/);
  });

  it('the index fix makes the order-history queries much cheaper (generous 2x margin)', async () => {
    const dbMs = async (shop: Shop): Promise<number> => {
      const xs: number[] = [];
      for (const c of [3, 33, 333, 1333, 1777]) xs.push(Number(/db;dur=([\d.]+)/.exec((await call(shop, 'GET', `/orders?customer=${c}`)).serverTiming!)![1]));
      return median(xs);
    };
    const off = await dbMs(before);
    const on = await dbMs(after);
    expect(on * 2).toBeLessThan(off);
  });

  it('the cache fix makes product pages much cheaper to compute (generous 2x margin)', async () => {
    const ids = [11, 222, 333, 444, 555, 666, 777];
    const off: number[] = [];
    const on: number[] = [];
    for (const id of ids) {
      off.push(appMs(await call(before, 'GET', `/products/${id}`)));
      on.push(appMs(await call(after, 'GET', `/products/${id}`)));
    }
    expect(median(on) * 2).toBeLessThan(median(off));
    expect((await call(after, 'GET', '/debug/stats')).body.recommendationsCached).toBeGreaterThanOrEqual(ids.length);
  });

  it('the async fix stops the ledger export from holding the event loop in one block', async () => {
    const ledgerAfterCheckout = async (shop: Shop): Promise<{ durationMs: number; longestSliceMs: number; rows: number }> => {
      const runs = (await call(shop, 'GET', '/debug/stats')).body.ledger.runs;
      await new Promise((r) => setTimeout(r, 400)); // past SHOP_LEDGER_INTERVAL_MS
      expect((await call(shop, 'POST', '/checkout', { customer: 3, items: [{ productId: 3, quantity: 1 }] })).status).toBe(201);
      for (let i = 0; i < 200; i++) {
        const s = (await call(shop, 'GET', '/debug/stats')).body;
        if (s.ledger.runs > runs && !s.ledger.running) return s.ledger.last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('ledger export did not finish in 10 s');
    };
    const off = await ledgerAfterCheckout(before);
    const on = await ledgerAfterCheckout(after);
    expect(off.rows).toBe(on.rows);
    // Before: one synchronous block as long as the whole export. After: many short slices.
    expect(off.longestSliceMs).toBeGreaterThanOrEqual(off.durationMs * 0.9);
    expect(on.longestSliceMs * 3).toBeLessThan(on.durationMs);
  });
});

describe('SHOP_FIXES', () => {
  it('applies only the fixes listed', async () => {
    const shop = await startShop('index,cache');
    try {
      expect((await call(shop, 'GET', '/health')).body.fixes).toBe('index,cache');
      expect((await call(shop, 'GET', '/debug/explain')).body.plans.orderHistory.join(' ')).toMatch(/USING INDEX/);
      await call(shop, 'GET', '/products/5');
      expect((await call(shop, 'GET', '/debug/stats')).body.recommendationsCached).toBe(1);
    } finally {
      shop.child.kill('SIGTERM');
    }
  });


  it('rejects an unknown fix name with exit 2 and the list of known fixes', () => {
    const r = spawnSync(process.execPath, [SERVER], { env: { ...process.env, PORT: '0', SHOP_FIXES: 'index,speed' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown fix "speed"');
    expect(r.stderr).toContain('index, cache, async, lru');
  });
});
