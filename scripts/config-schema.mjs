// Writes schema/perf.config.schema.json from the zod contract (core/contract/config.ts), so editors
// with yaml-language-server complete and check perf.config.yaml. Run by scripts/build.mjs after tsc;
// `node scripts/config-schema.mjs --check` exits 1 when the committed file is stale.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { configJsonSchema, CONFIG_SCHEMA_FILE } = await import(join(root, 'dist/core/contract/json-schema.js'));
const file = join(root, CONFIG_SCHEMA_FILE);
const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current !== text) {
    console.error(`${CONFIG_SCHEMA_FILE} is stale: run node scripts/config-schema.mjs`);
    process.exit(1);
  }
} else if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`build: wrote ${CONFIG_SCHEMA_FILE}`);
}
