#!/usr/bin/env bash
# Builds a stock k6 (no perf extensions) of the version xk6/build.sh pins into bin/stock/k6, from the Go
# module cache (the proxy on first use). For the test of perf's stock-k6 fallback; CI runs it from .ci/run.
# Idempotent: skips when bin/stock/k6 already reports the pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."
K6_VERSION="$(sed -n 's/^K6_VERSION="\(v[^"]*\)".*/\1/p' xk6/build.sh)"
OUT="bin/stock/k6"
if [ -x "$OUT" ] && "$OUT" version 2>/dev/null | grep -q "k6 $K6_VERSION "; then
  echo "stock-k6: $OUT is up to date ($K6_VERSION)"; exit 0
fi
command -v go >/dev/null 2>&1 || { echo "stock-k6: Go is not installed (fix: install Go >= 1.25, then rerun bash scripts/stock-k6.sh)" >&2; exit 2; }
mkdir -p bin/stock
echo "stock-k6: building k6 $K6_VERSION (go.k6.io/k6/v2) into $OUT"
# A throwaway module requiring the pinned k6; xk6/go.sum already holds k6's dependency sums.
mod="$(mktemp -d)"
trap 'rm -rf "$mod"' EXIT
cp xk6/go.sum "$mod/go.sum"
(cd "$mod" && go mod init perf-stock-k6 >/dev/null 2>&1 && go mod edit -require="go.k6.io/k6/v2@$K6_VERSION" &&
  CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -ldflags='-s -w' -o "$OLDPWD/$OUT.tmp" go.k6.io/k6/v2)
mv -f "$OUT.tmp" "$OUT"
"$OUT" version | head -1
