#!/usr/bin/env bash
# Packs one per-platform k6 package (npm/k6-<os>-<cpu>: k6 + the perf extensions, CGO off) into OUTDIR.
# This machine's platform reuses bin/k6 (bash xk6/build.sh, idempotent); others are cross-compiled.
# The package takes perf-toolkit's version, so the optionalDependencies pin always matches.
#   bash scripts/pack-k6.sh linux-x64 OUTDIR
set -euo pipefail
cd "$(dirname "$0")/.."
plat="${1:?usage: scripts/pack-k6.sh <os-cpu, e.g. linux-x64> OUTDIR}"
out="${2:?usage: scripts/pack-k6.sh <os-cpu> OUTDIR}"
src="npm/k6-$plat"
[ -f "$src/package.json" ] || { echo "pack-k6: no platform package $src (have: $(ls npm | tr '\n' ' '))" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
read -r goos goarch binary <<< "$(node -p "const k=require('./$src/package.json').perfK6; [k.goos,k.goarch,k.binary].join(' ')")"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
node -e "
const fs=require('fs');const p=JSON.parse(fs.readFileSync('$src/package.json','utf8'));
p.version=require('./package.json').version;
fs.writeFileSync('$stage/package.json', JSON.stringify(p,null,2)+'\n');"
[ -f "$src/README.md" ] && cp "$src/README.md" "$stage/"
mkdir -p "$stage/bin"
here="$(node -p 'process.platform + "-" + process.arch')"
if [ "$plat" = "$here" ]; then
  bash xk6/build.sh
  cp bin/k6 "$stage/$binary"
  cp bin/k6.versions.json "$stage/bin/"
else
  bash xk6/build.sh --goos "$goos" --goarch "$goarch" --output "$stage/$binary"
fi
node -e "const p=require('$stage/package.json');p.files=['bin/'];require('fs').writeFileSync('$stage/package.json',JSON.stringify(p,null,2)+'\n')"
(cd "$stage" && npm pack --silent --pack-destination "$out" >/dev/null)
echo "pack-k6: $(ls "$out"/perf-toolkit-k6-"$plat"-*.tgz)"
