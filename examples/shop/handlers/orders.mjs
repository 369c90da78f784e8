// GET /orders?customer=<id> — a customer's order history.
// Known bottleneck #2a (unindexed query): without the `index` fix there is no index on
// orders.customer_id, so both queries below scan every order in the table.
import { intParam } from './catalog.mjs';
import { badRequest, ok } from '../http.mjs';

export const ORDER_HISTORY_SQL =
  'SELECT id, created_at AS "createdAt", item_count AS "itemCount", total_cents AS "totalCents", status FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT 20';
export const ORDER_SUMMARY_SQL = 'SELECT COUNT(*) AS n, COALESCE(SUM(total_cents), 0) AS spent FROM orders WHERE customer_id = ?';

export async function orderHistory(shop, req) {
  const customer = intParam(req.query, 'customer', undefined);
  if (customer === undefined || customer < 1) return badRequest('customer must be a positive integer user id');
  const summary = await shop.q.get(req.timing, ORDER_SUMMARY_SQL, [customer]);
  const orders = await shop.q.all(req.timing, ORDER_HISTORY_SQL, [customer]);
  return ok({ customer, orderCount: summary.n, totalSpentCents: summary.spent, orders });
}
