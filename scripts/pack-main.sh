#!/usr/bin/env bash
# Packs perf-toolkit (compiled JS + oclif manifest, built by prepack) into OUTDIR, with the k6 platform
# packages (npm/k6-*/) added as optionalDependencies at perf's version. They are added here, not in the
# checkout's package.json: until they are published, a lock file cannot hold them and `npm ci` would fail.
#   bash scripts/pack-main.sh OUTDIR
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: bash scripts/pack-main.sh OUTDIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
npm pack --silent --pack-destination "$stage" >/dev/null
tar xzf "$stage"/perf-toolkit-*.tgz -C "$stage"
node -e '
const fs = require("fs");
const file = process.argv[1];
const p = JSON.parse(fs.readFileSync(file, "utf8"));
p.optionalDependencies = {};
for (const d of fs.readdirSync("npm").filter((d) => d.startsWith("k6-")).sort()) {
  p.optionalDependencies[JSON.parse(fs.readFileSync(`npm/${d}/package.json`, "utf8")).name] = p.version;
}
fs.writeFileSync(file, JSON.stringify(p, null, 2) + "\n");
' "$stage/package/package.json"
(cd "$stage/package" && npm pack --silent --ignore-scripts --pack-destination "$out" >/dev/null)
echo "pack: $(ls "$out"/perf-toolkit-[0-9]*.tgz)"
