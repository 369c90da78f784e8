// Known bottleneck #1 (CPU): "customers who reviewed this also reviewed", among the products of
// the same category, computed naively. Without the `cache` fix every product page rescans the
// whole review graph once per candidate product — O(candidates x reviews) of synchronous
// JavaScript on each request.

const TOP = 5;

/** The review graph as two parallel arrays, loaded once at start-up (it never changes at run time). */
export async function loadReviewGraph(q) {
  const rows = await q.all({ dbMs: 0 }, 'SELECT product_id AS "p", user_id AS "u" FROM reviews ORDER BY id');
  const productOf = new Int32Array(rows.length);
  const userOf = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    productOf[i] = r.p;
    userOf[i] = r.u;
  });
  return { productOf, userOf };
}

/** Users who reviewed `productId`, each once, in first-review order. Scans every review. */
function reviewersOf(graph, productId) {
  const users = [];
  for (let i = 0; i < graph.productOf.length; i++) {
    if (graph.productOf[i] === productId && !users.includes(graph.userOf[i])) users.push(graph.userOf[i]);
  }
  return users;
}

function jaccard(a, b) {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  for (const u of a) if (b.includes(u)) shared++;
  return shared / (a.length + b.length - shared);
}

function score(similarity) {
  return Math.round(similarity * 10000) / 10000;
}

function topN(scored) {
  scored.sort((x, y) => y.score - x.score || x.id - y.id);
  return scored.slice(0, TOP);
}

/**
 * The slow path: for each candidate product, rescan every review to find its reviewers and
 * compare them with this product's reviewers.
 */
export function computeRecommendations(graph, products, productId) {
  const mine = reviewersOf(graph, productId);
  const self = products.get(productId);
  const scored = [];
  for (const [id, p] of products) {
    if (id === productId || p.category !== self.category) continue;
    scored.push({ id, name: p.name, score: score(jaccard(mine, reviewersOf(graph, id))) });
  }
  return topN(scored);
}

/** The fix: the reviewer sets are built once, and each product's answer is memoised. */
export class RecommendationCache {
  constructor(graph, products) {
    this.products = products;
    this.memo = new Map();
    this.reviewers = new Map();
    for (let i = 0; i < graph.productOf.length; i++) {
      const p = graph.productOf[i];
      let list = this.reviewers.get(p);
      if (!list) this.reviewers.set(p, (list = []));
      if (!list.includes(graph.userOf[i])) list.push(graph.userOf[i]);
    }
  }

  recommend(productId) {
    let hit = this.memo.get(productId);
    if (!hit) {
      const mine = this.reviewers.get(productId) ?? [];
      const self = this.products.get(productId);
      const scored = [];
      for (const [id, p] of this.products) {
        if (id === productId || p.category !== self.category) continue;
        scored.push({ id, name: p.name, score: score(jaccard(mine, this.reviewers.get(id) ?? [])) });
      }
      hit = topN(scored);
      this.memo.set(productId, hit);
    }
    return hit.map((r) => ({ ...r }));
  }
}
