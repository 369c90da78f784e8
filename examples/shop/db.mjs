// The shop's database: embedded SQLite (sql.js, WASM, in memory) by default, or PostgreSQL with
// SHOP_DB=postgres (see db-postgres.mjs). Both are seeded with the same deterministic rows and
// expose the same query layer, so the handlers and their responses are identical.
import initSqlJs from 'sql.js';
import { seedShop } from './seed.mjs';

/** Tables, columns and types shared by both engines (`%ID%` = the orders id column, which differs). */
export function schemaSql(orderId) {
  return `
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
      id ${orderId},
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
  `;
}

/** The indexes whose absence is one of the known bottlenecks (`fixes.index`). */
export const FIX_INDEXES_SQL = `
  CREATE INDEX idx_orders_customer ON orders(customer_id, created_at);
  CREATE INDEX idx_reviews_product ON reviews(product_id);
`;

/**
 * Opens the shop's database (SHOP_DB=sqlite, the default, or postgres), creates the schema and
 * seeds it. Returns the query layer and the row counts.
 */
export async function openShopDatabase(fixes, options = {}) {
  const engine = (options.engine ?? process.env.SHOP_DB ?? 'sqlite').trim().toLowerCase();
  if (engine === 'postgres' || engine === 'postgresql') {
    const { openPostgresShop } = await import('./db-postgres.mjs');
    return openPostgresShop(fixes, options);
  }
  if (engine !== 'sqlite') throw new Error(`SHOP_DB: expected sqlite (the default) or postgres, found "${engine}"`);
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec(schemaSql('INTEGER PRIMARY KEY'));
  const counts = await seedShop(sqliteSeedSink(db), options.sizes);
  if (fixes.index) db.exec(FIX_INDEXES_SQL);
  return { q: new Queries(db), counts };
}

function sqliteSeedSink(db) {
  return {
    async insertAll(table, columns, count, row) {
      const st = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      db.exec('BEGIN');
      for (let i = 1; i <= count; i++) st.run(row(i));
      db.exec('COMMIT');
      st.free();
    },
  };
}

/**
 * A thin query layer over one sql.js Database that caches prepared statements and adds the
 * time spent in SQLite to the request's timing (for the Server-Timing `db` entry). Its methods
 * return plain values; the handlers `await` them, so the PostgreSQL layer can return promises.
 */
export class Queries {
  constructor(db) {
    this.db = db;
    this.engine = 'sqlite';
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

  /** Runs a statement that returns no rows. */
  run(timing, sql, params = []) {
    const t0 = performance.now();
    try {
      this.statement(sql).run(params);
    } finally {
      timing.dbMs += performance.now() - t0;
    }
  }

  /** Runs an INSERT into a table with an `id` key; returns the new id. */
  insert(timing, sql, params = []) {
    this.run(timing, sql, params);
    return this.db.exec('SELECT last_insert_rowid() AS id')[0].values[0][0];
  }

  /** Runs `fn(q)` in one transaction (committed when it resolves, rolled back when it throws). */
  async transaction(fn) {
    this.db.exec('BEGIN');
    try {
      const out = await fn(this);
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Iterates rows (as arrays) of a query in slices of `size` rows, for work that must not hold the event loop. */
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

  close() {
    this.db.close();
  }
}
