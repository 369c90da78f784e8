// The shop's embedded database: SQLite (sql.js, WASM, in memory), seeded deterministically.
import initSqlJs from 'sql.js';
import { seedShop } from './seed.mjs';

/**
 * Opens a fresh in-memory database, creates the schema and seeds it.
 * `fixes.index` adds the indexes whose absence is one of the known bottlenecks.
 */
export async function openShopDatabase(fixes, options = {}) {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec(`
    CREATE TABLE users (
      id INTEGER PRIMARY KEY,
      username TEXT NOT NULL UNIQUE,
      display_name TEXT NOT NULL,
      password_salt TEXT NOT NULL,
      password_hash TEXT NOT NULL
    );
    CREATE TABLE products (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      category TEXT NOT NULL,
      description TEXT NOT NULL,
      price_cents INTEGER NOT NULL,
      stock INTEGER NOT NULL
    );
    CREATE TABLE reviews (
      id INTEGER PRIMARY KEY,
      product_id INTEGER NOT NULL REFERENCES products(id),
      user_id INTEGER NOT NULL REFERENCES users(id),
      rating INTEGER NOT NULL,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE orders (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      item_count INTEGER NOT NULL,
      total_cents INTEGER NOT NULL,
      status TEXT NOT NULL
    );
    CREATE TABLE order_items (
      order_id INTEGER NOT NULL REFERENCES orders(id),
      product_id INTEGER NOT NULL REFERENCES products(id),
      quantity INTEGER NOT NULL,
      unit_price_cents INTEGER NOT NULL
    );
  `);
  const counts = await seedShop(db, options.sizes);
  if (fixes.index) {
    db.exec(`
      CREATE INDEX idx_orders_customer ON orders(customer_id, created_at);
      CREATE INDEX idx_reviews_product ON reviews(product_id);
    `);
  }
  return { db, counts };
}

/**
 * A thin query layer over one sql.js Database that caches prepared statements and adds the
 * time spent in SQLite to the request's timing (for the Server-Timing `db` entry).
 */
export class Queries {
  constructor(db) {
    this.db = db;
    this.statements = new Map();
  }

  statement(sql) {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /** All rows as objects. */
  all(timing, sql, params = []) {
    const t0 = performance.now();
    const st = this.statement(sql);
    try {
      st.bind(params);
      const rows = [];
      while (st.step()) rows.push(st.getAsObject());
      return rows;
    } finally {
      st.reset();
      timing.dbMs += performance.now() - t0;
    }
  }

  /** The first row as an object, or undefined. */
  get(timing, sql, params = []) {
    return this.all(timing, sql, params)[0];
  }

  /** Runs a statement that returns no rows; returns the last inserted rowid. */
  run(timing, sql, params = []) {
    const t0 = performance.now();
    const st = this.statement(sql);
    try {
      st.run(params);
      return this.db.exec('SELECT last_insert_rowid() AS id')[0].values[0][0];
    } finally {
      timing.dbMs += performance.now() - t0;
    }
  }

  /** Iterates rows of a query in slices of `size` rows, for work that must not hold the event loop. */
  *slices(timing, sql, params, size) {
    const st = this.db.prepare(sql);
    try {
      st.bind(params);
      let done = false;
      while (!done) {
        const t0 = performance.now();
        const rows = [];
        while (rows.length < size) {
          if (!st.step()) {
            done = true;
            break;
          }
          rows.push(st.get());
        }
        timing.dbMs += performance.now() - t0;
        if (rows.length) yield rows;
      }
    } finally {
      st.free();
    }
  }

  /** SQLite's query plan, one line per step (for /debug/explain). */
  explain(sql) {
    const res = this.db.exec(`EXPLAIN QUERY PLAN ${sql}`, sql.includes('?') ? sql.split('?').slice(1).map(() => 1) : undefined);
    return res.length ? res[0].values.map((r) => String(r[3])) : [];
  }
}
