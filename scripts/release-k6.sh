#!/usr/bin/env bash
# Release: a clean build of perf-toolkit and all five k6 platform packages (linux-x64, linux-arm64,
# darwin-x64, darwin-arm64, win32-x64; k6 cross-compiled from xk6/ with CGO off) into OUTDIR, ready
# for `npm publish OUTDIR/*.tgz` (platform packages first; perf-toolkit's optionalDependencies name them). Takes several minutes per platform on 2 cores.
#   bash scripts/release-k6.sh OUTDIR
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: bash scripts/release-k6.sh OUTDIR}"
node scripts/build.mjs --force
for dir in npm/k6-*/; do
  plat="$(basename "$dir")"; plat="${plat#k6-}"
  bash scripts/pack-k6.sh "$plat" "$out"
done
bash scripts/pack-main.sh "$out"
ls -l "$out"
