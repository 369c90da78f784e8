#!/usr/bin/env bash
# Sets up everything perf needs on a fresh clone: npm packages, the compiled CLI, and bin/k6
# built from our k6 extensions with a pinned xk6. Idempotent: each step skips when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: compiling the CLI"
node scripts/build.mjs

if [ -f xk6/build.sh ]; then
  echo "setup: building bin/k6 with the perf extensions"
  bash xk6/build.sh
fi
echo "setup: done"
