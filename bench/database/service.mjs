// Bench target: a small HTTP service over PostgreSQL (DATABASE_URL); GET /q runs three indexed queries.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8 });
await pool.query(`CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, owner int NOT NULL, name text NOT NULL);
  INSERT INTO items SELECT g, g % 100, 'item ' || g FROM generate_series(1, 5000) g ON CONFLICT DO NOTHING; ANALYZE items;`);
const server = createServer((req, res) => {
  const id = 1 + Math.floor(Math.random() * 5000);
  Promise.all([
    pool.query('SELECT name FROM items WHERE id = $1', [id]),
    pool.query('SELECT owner FROM items WHERE id = $1', [5001 - id]),
    pool.query('SELECT count(*) FROM items WHERE id BETWEEN $1 AND $2', [id, id + 20]),
  ]).then(
    (r) => res.end(JSON.stringify({ name: r[0].rows[0]?.name })),
    (err) => {
      res.statusCode = 500;
      res.end(err.message);
    },
  );
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => pool.end().then(() => process.exit(0)));
