import type { HotFunction } from '../../core/artifacts/schemas.js';
import type { RuleId } from './catalogue.js';
import type { Signatures } from './stacks.js';

/**
 * Frame signatures: the words in a function or file name that say which rule a CPU frame belongs to
 * (a database engine, a blocking call, serialisation, compression), and the tokenizer that reads them.
 */
const DB_TOKENS = new Set(['sql', 'sqlite', 'query', 'queries', 'select', 'db', 'database', 'knex', 'sequelize', 'prisma', 'typeorm', 'pg', 'mysql', 'mongo', 'mongodb', 'redis', 'prepare', 'stmt', 'statement', 'wasm']);
const BLOCKING_TOKENS = new Set(['sync', 'sleep', 'block', 'blocking', 'stall', 'busy', 'spin', 'wait', 'pbkdf2', 'scrypt']);
const SERIALISE_TOKENS = new Set(['stringify', 'serialize', 'serialise', 'serializer']);
/**
 * 'render' and 'template' name serialisation only inside a library (a template engine's render); in app
 * code they are the app's own work (the demo's renderProductDetail is an O(n²) loop, not a serialiser).
 */
const SERIALISE_LIBRARY_TOKENS = new Set(['render', 'template']);
const PAYLOAD_TOKENS = new Set(['gzip', 'deflate', 'zlib', 'compress', 'brotli', 'inflate']);
export const STOP_TOKENS = new Set(['api', 'v1', 'v2', 'http', 'handle', 'handler', 'get', 'post', 'put', 'route', 'index', 'server', 'app', 'src', 'lib', 'js', 'mjs', 'ts', 'node', 'the', 'and', 'for']);


/** The signature sets analyzeStacks classifies call stacks by. */
export const SIGNATURES: Signatures = { db: DB_TOKENS, blocking: BLOCKING_TOKENS, serialise: SERIALISE_TOKENS, serialiseLibrary: SERIALISE_LIBRARY_TOKENS, payload: PAYLOAD_TOKENS };

/** Splits camelCase, snake_case, paths and punctuation into lowercase tokens ("s" plural stripped). */
export function tokens(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9+]+/)
    .map((t) => t.toLowerCase())
    .filter((t) => t.length > 0)
    .map((t) => (t.length > 3 && t.endsWith('s') && !t.endsWith('ss') ? t.slice(0, -1) : t));
}

function frameText(f: HotFunction): string {
  const file = f.url.split(/[\\/]/).pop() ?? '';
  return `${f.functionName} ${file} ${f.category === 'node_modules' ? f.url : ''}`;
}

export function classifyFrame(f: HotFunction): RuleId | null {
  if (f.category === 'idle' || f.category === 'program' || f.category === 'gc') return null;
  const t = tokens(frameText(f));
  const has = (set: Set<string>): boolean => t.some((x) => set.has(x)) || /sql[.-]?(js|wasm)/i.test(f.url);
  if (t.some((x) => BLOCKING_TOKENS.has(x))) return 'blocking-io';
  if (has(DB_TOKENS)) return 'db-query';
  if (t.some((x) => PAYLOAD_TOKENS.has(x))) return 'payload-size';
  if (t.some((x) => SERIALISE_TOKENS.has(x))) return 'serialisation';
  if (f.category === 'node_modules' && t.some((x) => SERIALISE_LIBRARY_TOKENS.has(x))) return 'serialisation';
  if (f.category === 'app') return 'sync-cpu';
  return null;
}
