// Sums vitest JSON reports and `go test -json` streams into one "N passed, N failed[, N skipped]" line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of existsSync(dir) ? readdirSync(dir) : []) {
  const text = readFileSync(join(dir, file), 'utf8');
  if (/^go(-[\w-]+)?\.json$/.test(file) && !file.endsWith('-skipped.json')) {
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      const ev = JSON.parse(line);
      if (!ev.Test) continue;
      if (ev.Action === 'pass') passed++;
      else if (ev.Action === 'fail') failed++;
      else if (ev.Action === 'skip') skipped++;
    }
  } else if (text.trim()) {
    const r = JSON.parse(text);
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
