// GET /products, GET /products/:id, GET /search — the catalogue.
import { computeRecommendations } from '../recommendations.mjs';
import { badRequest, notFound, ok } from '../http.mjs';
import { keepPage, replayPage, requestIdOf } from '../page-replay.mjs';

export const PAGE_SIZE = 20;

const PRODUCT_COLUMNS = 'id, name, category, price_cents AS "priceCents", stock';

export async function listProducts(shop, req) {
  const page = intParam(req.query, 'page', 1);
  if (page === undefined || page < 1) return badRequest('page must be a positive integer');
  const rows = await shop.q.all(req.timing, `SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY id LIMIT ? OFFSET ?`, [PAGE_SIZE, (page - 1) * PAGE_SIZE]);
  const total = (await shop.q.get(req.timing, 'SELECT COUNT(*) AS n FROM products')).n;
  return ok({ page, pageSize: PAGE_SIZE, total, products: rows });
}

/**
 * Known bottleneck #2b (N+1): without the `index` fix the reviews are read with an unindexed
 * scan and then each review's author is fetched with one more query.
 */
async function reviewsWithAuthors(shop, req, productId) {
  if (shop.fixes.index) {
    return shop.q.all(
      req.timing,
      `SELECT r.id, r.rating, r.body, r.created_at AS "createdAt", u.id AS "authorId", u.display_name AS author
         FROM reviews r JOIN users u ON u.id = r.user_id
        WHERE r.product_id = ? ORDER BY r.id`,
      [productId],
    );
  }
  const reviews = await shop.q.all(req.timing, 'SELECT id, rating, body, created_at AS "createdAt", user_id FROM reviews WHERE product_id = ? ORDER BY id', [productId]);
  const out = [];
  for (const r of reviews) {
    const u = await shop.q.get(req.timing, 'SELECT id, display_name FROM users WHERE id = ?', [r.user_id]);
    out.push({ id: r.id, rating: r.rating, body: r.body, createdAt: r.createdAt, authorId: u.id, author: u.display_name });
  }
  return out;
}

export async function productDetail(shop, req, id) {
  const requestId = requestIdOf(req.raw);
  const replay = replayPage(requestId, shop.fixes);
  if (replay) return replay;
  const result = await renderProductDetail(shop, req, id);
  if (result.status === 200) keepPage(requestId, result, shop.fixes);
  return result;
}

async function renderProductDetail(shop, req, id) {
  const productId = Number(id);
  if (!Number.isInteger(productId) || productId < 1) return badRequest('product id must be a positive integer');
  const product = await shop.q.get(req.timing, `SELECT ${PRODUCT_COLUMNS}, description FROM products WHERE id = ?`, [productId]);
  if (!product) return notFound(`no product ${productId}`);
  const reviews = await reviewsWithAuthors(shop, req, productId);
  const rating = reviews.length ? Math.round((reviews.reduce((s, r) => s + r.rating, 0) / reviews.length) * 100) / 100 : null;
  const recommendations = shop.fixes.cache
    ? shop.recommendations.recommend(productId)
    : computeRecommendations(shop.reviewGraph, shop.catalog, productId);
  return ok({ ...product, rating, reviewCount: reviews.length, reviews, recommendations });
}

export async function search(shop, req) {
  const q = (req.query.get('q') ?? '').trim();
  if (q.length < 2) return badRequest('q must have at least 2 characters');
  // Case-insensitive on both engines (SQLite's LIKE is, PostgreSQL's is not): both sides lowered.
  const like = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await shop.q.all(
    req.timing,
    `SELECT ${PRODUCT_COLUMNS} FROM products
      WHERE LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(category) LIKE ? ESCAPE '\\' OR LOWER(description) LIKE ? ESCAPE '\\'
      ORDER BY id LIMIT 20`,
    [like, like, like],
  );
  return ok({ q, count: rows.length, products: rows });
}

export function intParam(query, name, fallback) {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}
