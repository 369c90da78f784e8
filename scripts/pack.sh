#!/usr/bin/env bash
# Writes the npm tarballs a project installs: perf-toolkit (compiled JS + oclif manifest, via prepack)
# and this machine's k6 platform package (@perf-toolkit/k6-<os>-<cpu>), into OUTDIR.
#   bash scripts/pack.sh OUTDIR
#   npm install OUTDIR/perf-toolkit-*.tgz OUTDIR/perf-toolkit-k6-*.tgz   (in the service's repo)
# All five platforms (cross-compiled, slow): bash scripts/release-k6.sh OUTDIR.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: bash scripts/pack.sh OUTDIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
[ -d node_modules ] || { echo "pack: run bash scripts/setup.sh first" >&2; exit 2; }
bash scripts/pack-main.sh "$out"
bash scripts/pack-k6.sh "$(node -p 'process.platform + "-" + process.arch')" "$out"
