// Deterministic seed data: the same rows on every start, so runs before and after a fix compare.
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

export const DEFAULT_SIZES = Object.freeze({ users: 2000, products: 2000, reviews: 20000, orders: 120000 });
/** Users shopper001..shopperNNN can log in with password "pw-shopperNNN" (see data/users.csv). */
export const LOGIN_USERS = 50;
export const PASSWORD_ITERATIONS = 25000;
export const PASSWORD_DIGEST = 'sha512';

const ADJECTIVES = ['classic', 'compact', 'ergonomic', 'wireless', 'organic', 'vintage', 'rugged', 'smart', 'slim', 'deluxe', 'portable', 'quiet', 'bright', 'heavy-duty', 'eco', 'modular'];
const NOUNS = ['kettle', 'backpack', 'headphones', 'desk lamp', 'notebook', 'chair', 'water bottle', 'keyboard', 'tent', 'jacket', 'coffee grinder', 'bike light', 'yoga mat', 'monitor stand', 'blender', 'teapot', 'umbrella', 'speaker', 'watch', 'sneakers'];
const CATEGORIES = ['kitchen', 'outdoor', 'office', 'audio', 'apparel', 'fitness', 'home'];
const PHRASES = ['works as described', 'arrived quickly', 'great value for the price', 'would buy again', 'the finish feels cheap', 'much better than my old one', 'smaller than expected', 'my kids love it', 'battery lasts all week', 'instructions were unclear', 'solid build quality', 'returned it after a week', 'perfect gift', 'does the job', 'stopped working after a month'];
const FIRST = ['Ada', 'Linus', 'Grace', 'Ken', 'Barbara', 'Dennis', 'Margaret', 'Alan', 'Frances', 'Edsger', 'Radia', 'Tim', 'Hedy', 'Donald', 'Sophie', 'John'];
const LAST = ['Lovelace', 'Torvalds', 'Hopper', 'Thompson', 'Liskov', 'Ritchie', 'Hamilton', 'Turing', 'Allen', 'Dijkstra', 'Perlman', 'Berners-Lee', 'Lamarr', 'Knuth', 'Wilson', 'McCarthy'];
const STATUSES = ['delivered', 'delivered', 'delivered', 'shipped', 'cancelled', 'returned'];

/** mulberry32: a tiny seeded PRNG, so the data is identical on every start. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function loginUsername(i) {
  return `shopper${String(i).padStart(3, '0')}`;
}

export function loginPassword(i) {
  return `pw-${loginUsername(i)}`;
}

function isoDay(start, dayOffset, secondOffset) {
  return new Date(start + dayOffset * 86_400_000 + secondOffset * 1000).toISOString();
}

/**
 * Fills an empty schema through `sink.insertAll(table, columns, count, row)`, which calls `row(i)`
 * for i = 1..count in order (so both engines get the same rows). Returns the row counts.
 */
export async function seedShop(sink, sizes = DEFAULT_SIZES) {
  const rand = rng(20261123);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const between = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const epoch = Date.UTC(2024, 0, 1);

  // Real password hashes for the login users (on the thread pool, in parallel); the rest cannot log in.
  const loginHashes = await Promise.all(
    Array.from({ length: Math.min(LOGIN_USERS, sizes.users) }, async (_, k) => {
      const salt = `salt-${loginUsername(k + 1)}`;
      const hash = await pbkdf2Async(loginPassword(k + 1), salt, PASSWORD_ITERATIONS, 32, PASSWORD_DIGEST);
      return { salt, hash: hash.toString('hex') };
    }),
  );
  await sink.insertAll('users', ['id', 'username', 'display_name', 'password_salt', 'password_hash'], sizes.users, (i) => {
    const display = `${pick(FIRST)} ${pick(LAST)}`;
    if (i <= loginHashes.length) return [i, loginUsername(i), display, loginHashes[i - 1].salt, loginHashes[i - 1].hash];
    return [i, `user${i}`, display, `salt-${i}`, Math.floor(rand() * 2 ** 52).toString(16).padStart(64, '0')];
  });

  const prices = [0];
  await sink.insertAll('products', ['id', 'name', 'category', 'description', 'price_cents', 'stock'], sizes.products, (i) => {
    const name = `${pick(ADJECTIVES)} ${pick(NOUNS)} ${String.fromCharCode(65 + (i % 26))}${i}`;
    const category = pick(CATEGORIES);
    const description = `A ${pick(ADJECTIVES)} ${name.split(' ')[1]} for ${category} use. ${pick(PHRASES)}; ${pick(PHRASES)}.`;
    const price = between(299, 24999);
    prices.push(price);
    return [i, name, category, description, price, between(0, 500)];
  });

  // Reviews are skewed: a few popular products collect many reviews (like real shops).
  await sink.insertAll('reviews', ['id', 'product_id', 'user_id', 'rating', 'body', 'created_at'], sizes.reviews, (i) => {
    const product = rand() < 0.3 ? between(1, Math.max(1, Math.floor(sizes.products / 50))) : between(1, sizes.products);
    const body = `${pick(PHRASES)}. ${pick(PHRASES)}.`;
    return [i, product, between(1, sizes.users), between(1, 5), body, isoDay(epoch, between(0, 600), between(0, 86399))];
  });

  // Orders are spread over all users; order history is what /orders scans.
  await sink.insertAll('orders', ['id', 'customer_id', 'created_at', 'item_count', 'total_cents', 'status'], sizes.orders, (i) => {
    const items = between(1, 5);
    let total = 0;
    for (let k = 0; k < items; k++) total += prices[between(1, sizes.products)];
    return [i, between(1, sizes.users), isoDay(epoch, Math.floor((i / sizes.orders) * 680), between(0, 86399)), items, total, pick(STATUSES)];
  });

  return { ...sizes };
}
