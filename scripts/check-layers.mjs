#!/usr/bin/env node
/**
 * Dependencies point one way (docs: ARCHITECTURE.md "Layout"): fails (exit 1, one line per hit) when
 *   - a command or any other module of cli/ imports analyzers/, capture/, k6-scripts/, agents/, report/ or profiles/
 *     directly instead of calling its use case in app/;
 *   - a module of analyzers/ or profiles/ (pure logic) imports a side-effecting Node module (files,
 *     processes, sockets) or a layer above it (app/, cli/, capture/, k6-scripts/, agents/, report/).
 * The two lists below are the known exceptions still to move (both empty now); an entry that no longer breaks its rule
 * is a failure too, so the lists only shrink.
 * Usage: node scripts/check-layers.mjs [root] [--except file,file]   (--except replaces the lists: for tests)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Commands whose run() still calls below app/: none left (every command goes through its use case). */
export const COMMANDS_NOT_YET_THROUGH_APP = [];

/** analyzers/ modules that still open files: none left (the parsers take a LineSource; capture/results/ opens the files). */
export const ANALYZERS_STILL_READING_FILES = [];

const BELOW_APP = ['analyzers', 'capture', 'k6-scripts', 'agents', 'report', 'profiles'];
const ABOVE_PURE = ['app', 'cli', 'capture', 'k6-scripts', 'agents', 'report'];
const SIDE_EFFECT_MODULES = /^(node:)?(fs|fs\/promises|child_process|net|http|https|http2|dgram|dns|readline|worker_threads|cluster|tls|os)$/;

/** Every `import … from '…'` / `export … from '…'` / `import('…')` specifier of a file's text, with its line. */
export function importsOf(text) {
  const out = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) out.push({ spec: m[1] ?? m[2] ?? m[3], line: text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0) });
  return out;
}

/** The top-level folder an import resolves to, from the importing file (repo-relative, '/'-separated). */
function targetTop(file, spec) {
  if (!spec.startsWith('.')) return null;
  const parts = file.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts[0] ?? null;
}

/** Hits of the layer rules in one file: [{ file, line, rule, spec }]. */
export function violationsIn(file, text) {
  if (file.endsWith('.test.ts') || file.endsWith('.d.ts')) return [];
  const top = file.split('/')[0];
  const out = [];
  for (const { spec, line } of importsOf(text)) {
    const target = targetTop(file, spec);
    if (file.startsWith('cli/') && target && BELOW_APP.includes(target)) {
      out.push({ file, line, rule: `a command imports ${target}/ instead of calling its use case in app/`, spec });
    }
    if ((top === 'analyzers' || top === 'profiles') && target && ABOVE_PURE.includes(target)) {
      out.push({ file, line, rule: `pure ${top}/ imports ${target}/, a layer above it`, spec });
    }
    if ((top === 'analyzers' || top === 'profiles') && SIDE_EFFECT_MODULES.test(spec)) {
      out.push({ file, line, rule: `pure ${top}/ imports ${spec} (a side effect)`, spec });
    }
  }
  return out;
}

function* sources(root, dir) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* sources(root, join(dir, e.name));
    else if (/\.(ts|mts)$/.test(e.name)) yield relative(root, join(dir, e.name)).split(sep).join('/');
  }
}

/** Hits outside the known exceptions, and exceptions that no longer break their rule. */
export function scan(root, exceptions = [...COMMANDS_NOT_YET_THROUGH_APP, ...ANALYZERS_STILL_READING_FILES]) {
  const hits = [];
  const excused = new Set();
  const known = new Set(exceptions);
  for (const dir of ['cli', 'analyzers', 'profiles']) {
    for (const file of sources(root, join(root, dir))) {
      for (const h of violationsIn(file, readFileSync(join(root, file), 'utf8'))) {
        if (known.has(file)) excused.add(file);
        else hits.push(h);
      }
    }
  }
  const stale = [...known].filter((f) => existsSync(join(root, f)) && !excused.has(f));
  return { hits, stale };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--except');
  const exceptions = at >= 0 ? (args.splice(at, 2)[1] ?? '').split(',').filter(Boolean) : undefined;
  const root = args[0] ?? join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const { hits, stale } = scan(root, exceptions);
  for (const h of hits) console.error(`${h.file}:${h.line}: ${h.rule}: '${h.spec}'`);
  for (const f of stale) console.error(`${f}: keeps to its layer now: remove it from the exceptions in scripts/check-layers.mjs`);
  if (hits.length + stale.length > 0) {
    console.error(`${hits.length} hit(s), ${stale.length} stale exception(s): commands call app/; analyzers/ and profiles/ take data, not files`);
    process.exit(1);
  }
  console.log('layers: ok');
}
