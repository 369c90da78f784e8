/** The demo shop (examples/shop) started for real on loopback, and the request script its tests replay. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../core/config/load.js';
import type { PerfConfig } from '../../core/config/types.js';
import { freePort } from './free-port.js';

export const SERVER = resolve(import.meta.dirname, '../../examples/shop/server.mjs');

/** The demo shop's config (examples/shop/<file>) aimed at a free loopback port, for tests that let perf start it. */
export async function demoShopConfig(file = 'perf.config.yaml'): Promise<PerfConfig> {
  const port = await freePort();
  const config = loadConfig(join(resolve(SERVER, '..'), file));
  config.target.baseUrl = `http://127.0.0.1:${port}`;
  config.target.start!.env = { ...config.target.start!.env, PORT: String(port) };
  return config;
}

export interface Shop {
  url: string;
  child: ChildProcess;
  startMs: number;
}

export function startShop(fixes: string, env: Record<string, string> = {}): Promise<Shop> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: '0', SHOP_FIXES: fixes, SHOP_LEDGER_INTERVAL_MS: '300', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`shop did not start in 60 s: ${out}${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ url: m[1]!, child, startMs: Date.now() - t0 });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => fail(new Error(`shop exited with ${code}: ${err}`)));
  });
}

export interface Answer {
  status: number;
  body: any;
  serverTiming: string | null;
}

export async function call(shop: Shop, method: string, path: string, json?: unknown, raw?: string): Promise<Answer> {
  const res = await fetch(shop.url + path, {
    method,
    headers: json !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (json === undefined ? undefined : JSON.stringify(json)),
  });
  return { status: res.status, body: await res.json(), serverTiming: res.headers.get('server-timing') };
}

export const appMs = (a: Answer): number => Number(/app;dur=([\d.]+)/.exec(a.serverTiming ?? '')![1]);
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The same requests, in the same order, against either shop. */
export const SCRIPT: Array<[string, string, unknown?, string?]> = [
  ['GET', '/health'],
  ['GET', '/products'],
  ['GET', '/products?page=3'],
  ['GET', '/products?page=101'],
  ['GET', '/products?page=abc'],
  ['GET', '/products/7'],
  ['GET', '/products/1234'],
  ['GET', '/products/99999'],
  ['GET', '/products/abc'],
  ['GET', '/search?q=kettle'],
  ['GET', '/search?q=100%25'],
  ['GET', '/search?q=zzzz-no-such-thing'],
  ['GET', '/search?q=a'],
  ['POST', '/login', { user: 'shopper001', password: 'pw-shopper001' }],
  ['POST', '/login', { user: 'shopper002', password: 'wrong' }],
  ['POST', '/login', { user: 'nobody', password: 'x' }],
  ['POST', '/login', undefined, '{"user": '],
  ['GET', '/orders?customer=17'],
  ['GET', '/orders?customer=1999'],
  ['GET', '/orders?customer=0'],
  ['GET', '/orders'],
  ['GET', '/products/42'],
  ['POST', '/checkout', { customer: 17, items: [{ productId: 42, quantity: 1 }, { productId: 7, quantity: 2 }] }],
  ['POST', '/checkout', { customer: 17, items: [{ productId: 99999, quantity: 1 }] }],
  ['POST', '/checkout', { customer: 17, items: [] }],
  ['POST', '/checkout', { customer: 5000, items: [{ productId: 1, quantity: 1 }] }],
  ['GET', '/products/42'],
  ['GET', '/orders?customer=17'],
  ['DELETE', '/products/1'],
  ['GET', '/no-such-route'],
];

/** Timestamps of orders placed during the test differ between the two runs; everything else must not. */
export function comparable(a: Answer): Answer {
  const body = structuredClone(a.body);
  for (const o of body?.orders ?? []) if (o.id > 120000) o.createdAt = '<placed during the test>';
  if (body?.fixes) body.fixes = '<fixes>';
  return { status: a.status, body, serverTiming: null };
}

