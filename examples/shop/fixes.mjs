// Which of the known bottlenecks are fixed, from the SHOP_FIXES environment variable.
//   unset, "", "0", "none"  -> no fixes (the "before" service)
//   "1", "all", "true"      -> every fix
//   "index,cache,async,lru" -> a subset

export const FIX_NAMES = Object.freeze(['index', 'cache', 'async', 'lru']);

const FIX_HELP = {
  index: 'orders.customer_id and reviews.product_id indexes; reviews and authors in one JOIN instead of N+1 queries',
  cache: 'product recommendations memoised instead of recomputed O(products x reviews) per request',
  async: 'ledger export built in chunks that yield to the event loop; password hashing on the libuv thread pool',
  lru: 'product pages kept for X-Request-Id replays in an LRU of 500 instead of a Map that grows by one page per request',
};

/** Parses SHOP_FIXES. Throws an Error naming the bad entry. */
export function parseFixes(value) {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === '0' || v === 'none' || v === 'false' || v === 'off') return emptyFixes();
  if (v === '1' || v === 'all' || v === 'true' || v === 'on') return { index: true, cache: true, async: true, lru: true };
  const fixes = emptyFixes();
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!FIX_NAMES.includes(part)) {
      throw new Error(`SHOP_FIXES: unknown fix "${part}" (expected 1, all, none, or a list of ${FIX_NAMES.join(', ')})`);
    }
    fixes[part] = true;
  }
  return fixes;
}

export function describeFixes(fixes) {
  const on = FIX_NAMES.filter((n) => fixes[n]);
  return on.length === 0 ? 'none' : on.join(',');
}

export function fixHelp() {
  return FIX_HELP;
}

function emptyFixes() {
  return { index: false, cache: false, async: false, lru: false };
}
