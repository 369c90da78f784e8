// POST /login — password check with PBKDF2 (deliberately expensive, as password hashing should be).
// Without the `async` fix the hash runs with pbkdf2Sync on the event loop, so every login stalls
// every other request for its duration; with it, the hash runs on the libuv thread pool.
import { createHmac, pbkdf2, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { PASSWORD_DIGEST, PASSWORD_ITERATIONS } from '../seed.mjs';
import { badRequest, ok, readJson, unauthorized } from '../http.mjs';

const pbkdf2Async = promisify(pbkdf2);
const SESSION_KEY = 'shop-demo-session-key';

function hashPasswordSync(password, salt) {
  return pbkdf2Sync(password, salt, PASSWORD_ITERATIONS, 32, PASSWORD_DIGEST);
}

function hashPasswordAsync(password, salt) {
  return pbkdf2Async(password, salt, PASSWORD_ITERATIONS, 32, PASSWORD_DIGEST);
}

export async function login(shop, req) {
  const { value, error } = await readJson(req.raw);
  if (error) return badRequest(error);
  const { user, password } = value ?? {};
  if (typeof user !== 'string' || typeof password !== 'string') return badRequest('expected {"user": string, "password": string}');
  const row = await shop.q.get(req.timing, 'SELECT id, username, display_name, password_salt, password_hash FROM users WHERE username = ?', [user]);
  // Unknown users still pay for a hash, so timing does not reveal which usernames exist.
  const salt = row?.password_salt ?? 'no-such-user';
  const hash = shop.fixes.async ? await hashPasswordAsync(password, salt) : hashPasswordSync(password, salt);
  if (!row || !timingSafeEqual(hash, Buffer.from(row.password_hash, 'hex'))) return unauthorized('wrong user or password');
  const token = createHmac('sha256', SESSION_KEY).update(`${row.id}:${row.username}`).digest('hex');
  return ok({ token, user: { id: row.id, username: row.username, displayName: row.display_name } });
}
