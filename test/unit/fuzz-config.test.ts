/**
 * Fuzz test of the config loader: thousands of seeded mutations of real configs — structural edits
 * with special values, text edits, YAML anchors/aliases/tags/merge keys, and huge inputs. The only
 * outcomes allowed are a parsed config that keeps the contract's promises or a clean exit-2
 * UserError naming the file — never another exception. A failure prints the seed and the input.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../core/config/load.js';
import { ExitCode, formatError, UserError } from '../../core/errors.js';
import { seededRandom } from '../../core/random.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = ['examples/shop/perf.config.yaml', 'test/fixtures/config/valid-full.yaml'].map((f) => join(ROOT, f));
const TEXTS = SOURCES.map((f) => readFileSync(f, 'utf8'));

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const SPECIAL: readonly unknown[] = [
  null, '', ' ', 0, -1, -0, 1e308, -1e308, 2 ** 53 + 1, 0.1, true, false, [], {}, [null], { '': 1 },
  '__proto__', 'constructor', 'x'.repeat(10_000), '\u0000', '\n# injected', '${HOME}', 'p95', 'latency', '30d', '0s', 'http://[::1]:0/',
  { __proto__: null, toString: 1 }, { constructor: { prototype: 1 } }, [[[[[]]]]], 'NaN', 'Infinity',
];
const KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'target', 'slos', 'sli', 'thresholdMs', 'percentile', 'steps', 'data', 'file', ''];
// YAML constructs that plain data cannot express: special floats, tags, anchors, aliases, merges.
const YAML_SNIPPETS = ['.nan', '.inf', '-.inf', '!!binary aGVsbG8=', '!!set { a, b }', '!!omap [ a: 1 ]', '2026-01-01', '0x1F', '0o17', '~', '*missing', '&a 1', '!!str 5', '!!float 1', '!!js/function "f(){}"', '!custom x', '{ <<: *a }', '[*a, *a]', '? [1] : 2', '"\\u0000"', '|\n  text', "'quote"];

function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, op: 'set' | 'delete' | 'rename'): unknown {
  if (path.length === 0) return op === 'set' ? value : root;
  let parent = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (op === 'rename' && !Array.isArray(parent)) {
    const v = parent[last];
    delete parent[last];
    Object.defineProperty(parent, String(value), { value: v, enumerable: true, writable: true, configurable: true });
  } else parent[last] = value;
  return root;
}

/** One structural mutation of the parsed config, written back as YAML or JSON. */
function structural(r: Rand, text: string): string {
  let data: unknown = parse(text);
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const all = paths(data);
    const at = pick(r, all);
    const op = pick(r, ['set', 'set', 'delete', 'rename'] as const);
    data = setAt(data, at, op === 'rename' ? pick(r, KEYS) : pick(r, SPECIAL), op);
  }
  if (r() < 0.3) return JSON.stringify(data) ?? 'null';
  try {
    return stringify(data, { aliasDuplicateObjects: r() < 0.5 });
  } catch {
    return JSON.stringify(data) ?? 'null';
  }
}

/** Edits of the text: bytes, YAML snippets, anchors on one value and aliases elsewhere. */
function textual(r: Rand, text: string): string {
  let t = text;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * t.length);
    const kind = r();
    if (kind < 0.25) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 8));
    else if (kind < 0.45) t = t.slice(0, at) + pick(r, [':', '-', ' ', '\n', '\t', '"', '[', '{', '#', '&', '*', '!', '%', '@', '`', '\u00a0']) + t.slice(at);
    else if (kind < 0.75) t = t.slice(0, at) + pick(r, YAML_SNIPPETS) + t.slice(at);
    else {
      // Anchor a value, then reuse it somewhere else (valid or not at that place).
      const colon = t.indexOf(': ', at);
      if (colon > 0) t = `${t.slice(0, colon + 2)}&a ${t.slice(colon + 2)}`;
      const later = t.indexOf(': ', Math.floor(r() * t.length));
      if (later > 0) t = `${t.slice(0, later + 2)}*a${pick(r, ['', ' ', '\n'])}${t.slice(later + 2)}`;
    }
  }
  return t;
}

/** Inputs no mutation reaches: deep nesting, nested aliases, wide documents, long lines. */
function huge(r: Rand): string {
  const depth = 500 + Math.floor(r() * 5000);
  return pick(r, [
    `target: { baseUrl: "http://127.0.0.1:1" }\nx: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
    `target: { baseUrl: "http://127.0.0.1:1" }\nx: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`,
    `target: { baseUrl: "http://127.0.0.1:1" }\n${Array.from({ length: 12 }, (_, i) => (i === 0 ? 'l0: &l0 [1,2,3,4,5,6,7,8]' : `l${i}: &l${i} [${Array(8).fill(`*l${i - 1}`).join(',')}]`)).join('\n')}\n`,
    `target: { baseUrl: "http://127.0.0.1:1" }\njourneys:\n${'  - { name: j, steps: [{ path: / }] }\n'.repeat(2000 + Math.floor(r() * 3000))}`,
    `target: { baseUrl: "http://127.0.0.1:1", headers: { X: "${'y'.repeat(200_000 + Math.floor(r() * 1_200_000))}" } }\n`,
    `${'#'.repeat(100_000)}\n`,
    `target: { baseUrl: "http://127.0.0.1:1" }\n${Array.from({ length: 3000 }, (_, i) => `k${i}: ${i}`).join('\n')}\n`,
  ]);
}

type Outcome = { ok: true; parsed: boolean } | { ok: false; problem: string };

function check(text: string, source: string): Outcome {
  try {
    const c = parseConfig(text, source);
    // A parsed config keeps the contract's promises.
    if (typeof c.target.baseUrl !== 'string' || !/^https?:/.test(c.target.baseUrl)) return { ok: false, problem: `bad baseUrl ${String(c.target.baseUrl)}` };
    for (const s of c.slos) {
      if (s.sli === 'latency' && (typeof s.thresholdMs !== 'number' || !(s.thresholdMs > 0) || typeof s.percentile !== 'string')) return { ok: false, problem: `latency SLO ${s.name} without threshold/percentile` };
      if (!(s.objective > 0 && s.objective < 100) || !(s.windowMs > 0)) return { ok: false, problem: `SLO ${s.name} objective ${s.objective} window ${s.windowMs}` };
    }
    for (const j of c.journeys) for (const st of j.steps) if (!st.path.startsWith('/') || st.expectStatus.length === 0) return { ok: false, problem: `step ${st.name}` };
    if (Object.getPrototypeOf(c) !== Object.prototype) return { ok: false, problem: 'config prototype changed' };
    return { ok: true, parsed: true };
  } catch (err) {
    if (!(err instanceof UserError)) return { ok: false, problem: `${(err as Error)?.name}: ${(err as Error)?.message?.slice(0, 200)}` };
    if (err.exitCode !== ExitCode.Usage) return { ok: false, problem: `exit ${err.exitCode}` };
    const printed = formatError(err);
    if (!printed.includes(source)) return { ok: false, problem: `error does not name the file: ${printed.slice(0, 200)}` };
    const lines = printed.split('\n').length;
    if (lines > 60) return { ok: false, problem: `error prints ${lines} lines` };
    return { ok: true, parsed: false };
  }
}

function run(family: string, count: number, gen: (r: Rand, i: number) => { text: string; source: string }): { parsed: number; rejected: number } {
  let parsed = 0;
  for (let i = 0; i < count; i++) {
    const seed = 0x5eed + i * 7919 + family.length;
    const { text, source } = gen(seededRandom(seed), i);
    const outcome = check(text, source);
    if (!outcome.ok) expect.fail(`${family} seed ${seed}: ${outcome.problem}\n--- input (first 600 chars) ---\n${text.slice(0, 600)}`);
    if (outcome.parsed) parsed++;
  }
  return { parsed, rejected: count - parsed };
}

// About 10 ms per config on an idle core; the timeouts leave room for a loaded machine.
describe('config fuzz: only a parsed config or a clean exit-2 error', { timeout: 120_000 }, () => {
  it('survives 1,500 structural mutations with special values and builtin-named keys', () => {
    const r = run('structural', 1500, (rand, i) => ({ text: structural(rand, TEXTS[i % 2]!), source: SOURCES[i % 2]! }));
    // The corpus must exercise both outcomes, or it tests nothing.
    expect(r.parsed).toBeGreaterThan(50);
    expect(r.rejected).toBeGreaterThan(300);
  });

  it('survives 1,500 text mutations with YAML anchors, aliases, tags and merge keys', () => {
    const r = run('textual', 1500, (rand, i) => ({ text: textual(rand, TEXTS[i % 2]!), source: SOURCES[i % 2]! }));
    expect(r.parsed).toBeGreaterThan(20);
    expect(r.rejected).toBeGreaterThan(300);
  });

  it('survives 24 huge or deeply nested inputs', () => {
    run('huge', 24, (rand) => ({ text: huge(rand), source: '/fuzz/perf.config.yaml' }));
  });
});
