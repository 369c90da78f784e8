#!/usr/bin/env node
// Entry point of the `perf` CLI. Commands are compiled to dist/ and loaded lazily via the manifest.
// `perf --version` / `-v` alone is answered here (perf's and k6's versions) without loading oclif.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const { versionText } = await import('../../dist/cli/version.js');
  process.stdout.write(versionText());
} else {
  const { execute, settings } = await import('@oclif/core');
  // perf always runs its compiled dist/ (the checkout builds it too): never look for TypeScript sources.
  settings.enableAutoTranspile = false;
  await execute({ dir: import.meta.url });
}
