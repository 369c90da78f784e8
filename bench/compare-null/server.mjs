// The unchanged service of the compare-null bench: a small JSON API with real per-request CPU work
// (serialising a list, sorting a page). Prints "listening <url>" on stderr. Never changes.
import { createServer } from 'node:http';

const items = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, name: `item ${i + 1}`, tags: ['a', 'b', 'c'].slice(0, (i % 3) + 1), price: (i * 37) % 1000 }));
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/items') {
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify(items));
  }
  if (url.pathname === '/search') {
    const page = [...items].sort((a, b) => (a.price - b.price) || (a.id - b.id)).slice(0, 50);
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify(page));
  }
  res.statusCode = 404;
  res.end();
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.stderr.write(`listening http://127.0.0.1:${server.address().port}\n`));
