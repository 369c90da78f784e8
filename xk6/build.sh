#!/usr/bin/env bash
# Builds bin/k6 = k6 (pinned) + the perf extensions in this folder, with a pinned xk6 built from the
# committed tools module (xk6/tools/go.mod + go.sum). Idempotent: skips when bin/k6 exists and a hash
# of xk6/** (minus tests and docs) plus the pinned versions matches bin/k6.stamp. Needs Go >= 1.25; nothing is downloaded at
# k6 run time (Go modules are fetched here, through the Go module proxy, at build time only).
#   bash xk6/build.sh          build if needed
#   bash xk6/build.sh --force  rebuild
set -euo pipefail
cd "$(dirname "$0")/.."

K6_VERSION="v2.2.0"                                   # go.k6.io/k6/v2, also pinned in xk6/go.mod
XK6_VERSION="$(awk '$1=="require" && $2=="go.k6.io/xk6" {print $3}' xk6/tools/go.mod)"
MODULE="$(awk '$1=="module" {print $2; exit}' xk6/go.mod)"
OUT="bin/k6"
STAMP="bin/k6.stamp"

if ! command -v go >/dev/null 2>&1; then
  echo "xk6/build.sh: Go is not installed (fix: install Go >= 1.25 from https://go.dev/dl/, then rerun bash xk6/build.sh)" >&2
  exit 2
fi

hash_inputs() {
  {
    echo "k6=$K6_VERSION xk6=$XK6_VERSION module=$MODULE go=$(go env GOVERSION)"
    # Only what goes into the binary: not tests, fixtures or docs (editing those needs no rebuild).
    find xk6 \( -path xk6/.build -o -name testdata \) -prune -o -type f ! -name '*_test.go' ! -name '*.md' -print | LC_ALL=C sort | while read -r f; do
      printf '%s ' "$f"; sha256sum < "$f"
    done
  } | sha256sum | cut -d' ' -f1
}

mkdir -p bin xk6/.build
exec 9>xk6/.build/lock
flock 9

want="$(hash_inputs)"
if [ "${1:-}" != "--force" ] && [ -x "$OUT" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "xk6/build.sh: $OUT is up to date ($("$OUT" version | head -1))"
  exit 0
fi

echo "xk6/build.sh: building xk6 $XK6_VERSION from xk6/tools"
(cd xk6/tools && go build -o ../.build/xk6 go.k6.io/xk6/cmd/xk6)

echo "xk6/build.sh: building $OUT (k6 $K6_VERSION + $MODULE), this takes a few minutes"
rm -f "$OUT.tmp"
# xk6 turns `--with module=<dir>` into a replace directive on the local folder (absolute: it builds in a temp dir).
XK6_SKIP_CLEANUP="" xk6/.build/xk6 build "$K6_VERSION" --output "$OUT.tmp" --with "$MODULE=$PWD/xk6" > xk6/.build/build.log 2>&1 || {
  tail -30 xk6/.build/build.log >&2
  echo "xk6/build.sh: the build failed (full log: xk6/.build/build.log)" >&2
  exit 3
}
"$OUT.tmp" version | grep -q "k6/x/perf" || { echo "xk6/build.sh: built k6 does not list k6/x/perf" >&2; "$OUT.tmp" version >&2; exit 3; }
mv -f "$OUT.tmp" "$OUT"
echo "$want" > "$STAMP"
echo "xk6/build.sh: built $OUT"
"$OUT" version
