// POST /checkout — records an order; now and then refreshes the sales-ledger export (see ledger.mjs).
import { buildLedgerExportChunked, buildLedgerExportSync } from '../ledger.mjs';
import { badRequest, created, readJson } from '../http.mjs';

const MAX_LINES = 20;

function parseCart(value) {
  if (value === null || typeof value !== 'object') return { error: 'expected {"customer": id, "items": [{"productId": id, "quantity": n}]}' };
  const { customer, items } = value;
  if (!Number.isInteger(customer) || customer < 1) return { error: 'customer must be a positive integer user id' };
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_LINES) return { error: `items must be a list of 1-${MAX_LINES} lines` };
  for (const [i, it] of items.entries()) {
    if (!Number.isInteger(it?.productId) || it.productId < 1) return { error: `items[${i}].productId must be a positive integer` };
    if (!Number.isInteger(it.quantity) || it.quantity < 1 || it.quantity > 99) return { error: `items[${i}].quantity must be an integer 1-99` };
  }
  return { customer, items };
}

export async function checkout(shop, req) {
  const { value, error } = await readJson(req.raw);
  if (error) return badRequest(error);
  const cart = parseCart(value);
  if (cart.error) return badRequest(cart.error);
  const t = req.timing;
  if (!(await shop.q.get(t, 'SELECT id FROM users WHERE id = ?', [cart.customer]))) return badRequest(`no customer ${cart.customer}`);
  const lines = [];
  for (const it of cart.items) {
    const p = await shop.q.get(t, 'SELECT id, name, price_cents FROM products WHERE id = ?', [it.productId]);
    if (!p) return badRequest(`no product ${it.productId}`);
    lines.push({ productId: p.id, name: p.name, quantity: it.quantity, unitPriceCents: p.price_cents });
  }
  const totalCents = lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0);
  const itemCount = lines.reduce((s, l) => s + l.quantity, 0);
  const orderId = await shop.q.transaction(async (tx) => {
    const id = await tx.insert(t, 'INSERT INTO orders (customer_id, created_at, item_count, total_cents, status) VALUES (?, ?, ?, ?, ?)', [
      cart.customer,
      shop.clock(),
      itemCount,
      totalCents,
      'confirmed',
    ]);
    for (const l of lines) {
      await tx.run(t, 'INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)', [id, l.productId, l.quantity, l.unitPriceCents]);
      await tx.run(t, 'UPDATE products SET stock = CASE WHEN stock > ? THEN stock - ? ELSE 0 END WHERE id = ?', [l.quantity, l.quantity, l.productId]);
    }
    return id;
  });
  await maybeRefreshLedger(shop, t);
  return created({ orderId, customer: cart.customer, items: lines, itemCount, totalCents, status: 'confirmed' });
}

/** Refreshes the ledger export if the last one is older than the interval (one at a time). */
async function maybeRefreshLedger(shop, timing) {
  const ledger = shop.ledger;
  if (ledger.running || Date.now() - ledger.lastStartedAt < shop.ledgerIntervalMs) return;
  ledger.running = true;
  ledger.lastStartedAt = Date.now();
  const record = (result) => {
    ledger.runs += 1;
    ledger.last = result;
    ledger.running = false;
  };
  if (!shop.fixes.async) {
    try {
      record(await buildLedgerExportSync(shop.q, timing));
    } finally {
      ledger.running = false;
    }
    return;
  }
  // Fixed: the customer gets the answer now; the export is built in the background.
  buildLedgerExportChunked(shop.q, { dbMs: 0 }).then(record, (err) => {
    ledger.running = false;
    console.error(`ledger export failed: ${err.message}`);
  });
}
