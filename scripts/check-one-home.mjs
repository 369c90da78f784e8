#!/usr/bin/env node
/**
 * One home per concept: fails (exit 1, one line per hit) when error-budget arithmetic, a histogram
 * decode/encode, a bad-event rule or number formatting appears outside its home.
 *   error budget      analyzers/slo/error-budget.ts, xk6/error_budget.go
 *   histogram codec   analyzers/histogram.ts
 *   number formatting core/format.ts (checked in analyzers/: analysis returns numbers, formats through it)
 * Scans the product's TypeScript and Go sources (not tests, benches, node_modules or build output).
 * Usage: node scripts/check-one-home.mjs [root]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET_HOMES = ['analyzers/slo/error-budget.ts', 'xk6/error_budget.go'];
const HISTOGRAM_HOME = ['analyzers/histogram.ts'];

/**
 * Each rule: what it catches, where it may appear, the pattern (run on code with comments removed) and,
 * for a rule that holds in one part of the tree only, that part (`within`).
 */
export const RULES = [
  { concept: 'allowed bad fraction (1 - objective) arithmetic', homes: BUDGET_HOMES, re: /\b1(?:\.0*)?\s*-\s*\(?\s*[\w.]*objective\w*\s*\/\s*100\b/i },
  { concept: 'allowed bad fraction (100 - objective) arithmetic', homes: BUDGET_HOMES, re: /\b100(?:\.0*)?\s*-\s*[\w.]*objective/i },
  { concept: 'histogram decode', homes: HISTOGRAM_HOME, re: /decodeFromCompressedBase64|JsHistogram\s*\.\s*decode|\.decode\(\s*new Uint8Array/ },
  { concept: 'histogram encode', homes: HISTOGRAM_HOME, re: /encodeIntoCompressedBase64/ },
  { concept: 'bad-event rule (failed + slow)', homes: BUDGET_HOMES, re: /\b(?:failed|errors|fails)\w*\s*\+\s*\w*(?:slow|countAbove)/i },
  { concept: 'bad-event rule (slow requests of an SLO)', homes: BUDGET_HOMES, re: /\.slowerThan\(/ },
  { concept: 'bad-event rule (latency above an SLO threshold)', homes: BUDGET_HOMES, re: /(?:\bValue|durationMs|\bms)\s*>=?\s*\(?\s*[\w.]*\.(?:ThresholdMs|thresholdMs)\b/ },
  { concept: 'number formatting (toFixed) in analysis code', homes: [], within: 'analyzers/', re: /\.toFixed\(/ },
];

const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'test', 'bench', '.git', '.aiwg', 'bin', 'tools', 'coverage']);

/** Strips // and /* *\/ comments (roughly: enough for our sources; strings with "//" in them are rare). */
export function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Hits of the rules in one file's text: [{ file, line, concept }]. */
export function violationsIn(file, text) {
  const out = [];
  if (file.endsWith('_test.go') || file.endsWith('.test.ts') || file.endsWith('.d.ts')) return out;
  const lines = stripComments(text).split('\n');
  for (const rule of RULES) {
    if (rule.homes.includes(file) || (rule.within && !file.startsWith(rule.within))) continue;
    lines.forEach((l, i) => {
      if (rule.re.test(l)) out.push({ file, line: i + 1, concept: rule.concept, text: l.trim() });
    });
  }
  return out;
}

function* sources(root, dir = root) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) yield* sources(root, join(dir, e.name));
    } else if (/\.(ts|mts|go)$/.test(e.name)) yield join(dir, e.name);
  }
}

export function scan(root) {
  const hits = [];
  for (const abs of sources(root)) hits.push(...violationsIn(relative(root, abs).split(sep).join('/'), readFileSync(abs, 'utf8')));
  return hits;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2] ?? join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const hits = scan(root);
  for (const h of hits) console.error(`${h.file}:${h.line}: ${h.concept} outside its home: ${h.text}`);
  if (hits.length > 0) {
    console.error(`${hits.length} hit(s): import the home (analyzers/slo/error-budget.ts, analyzers/histogram.ts, core/format.ts) instead`);
    process.exit(1);
  }
  console.log('one home per concept: ok');
}
