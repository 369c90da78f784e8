#!/usr/bin/env bash
# Builds k6 (pinned) + the perf extensions in this folder, with a pinned xk6 built from the committed
# tools module (xk6/tools/go.mod + go.sum). CGO is off, so the binary is static and cross-compiles.
# Default product: bin/k6 for this machine, idempotent: skips when bin/k6 exists and a hash of
# xk6/** (minus tests and docs) plus the pinned versions matches bin/k6.stamp. Needs Go >= 1.25;
# nothing is downloaded at k6 run time (Go modules come through the Go module proxy, at build time).
#   bash xk6/build.sh                                   build bin/k6 if needed
#   bash xk6/build.sh --force                           rebuild
#   bash xk6/build.sh --goos linux --goarch arm64 --output DIR/k6   cross-compile (no stamp)
# The extension goes in as a real module version (v<package version>-src.<content hash>, served to
# Go from a local file proxy), so `k6 version` prints perf's version next to k6's.
set -euo pipefail
cd "$(dirname "$0")/.."

K6_VERSION="v2.2.0"                                   # go.k6.io/k6/v2, also pinned in xk6/go.mod
XK6_VERSION="$(awk '$1=="require" && $2=="go.k6.io/xk6" {print $3}' xk6/tools/go.mod)"
MODULE="$(awk '$1=="module" {print $2; exit}' xk6/go.mod)"
PERF_VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json | head -1)"
OUT="bin/k6"
STAMP="bin/k6.stamp"
FORCE=""
GOOS_T="" GOARCH_T=""
while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --goos) GOOS_T="$2"; shift ;;
    --goarch) GOARCH_T="$2"; shift ;;
    --output) OUT="$2"; STAMP=""; shift ;;
    *) echo "xk6/build.sh: unknown option $1 (see the header of xk6/build.sh)" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v go >/dev/null 2>&1; then
  echo "xk6/build.sh: Go is not installed (fix: install Go >= 1.25 from https://go.dev/dl/ and rerun; in a project using perf: npx perf k6 build)" >&2
  exit 2
fi
GOOS_T="${GOOS_T:-$(go env GOOS)}"
GOARCH_T="${GOARCH_T:-$(go env GOARCH)}"

hash_inputs() {
  {
    echo "k6=$K6_VERSION xk6=$XK6_VERSION module=$MODULE perf=$PERF_VERSION go=$(go env GOVERSION)"
    # Only what goes into the binary: not tests, fixtures or docs (editing those needs no rebuild).
    find xk6 \( -path xk6/.build -o -name testdata \) -prune -o -type f ! -name '*_test.go' ! -name '*.md' -print | LC_ALL=C sort | while read -r f; do
      printf '%s ' "$f"; sha256sum < "$f"
    done
  } | sha256sum | cut -d' ' -f1
}

mkdir -p "$(dirname "$OUT")" xk6/.build
exec 9>xk6/.build/lock
flock 9

want="$(hash_inputs)"
if [ -z "$FORCE" ] && [ -n "$STAMP" ] && [ -x "$OUT" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "xk6/build.sh: $OUT is up to date ($("$OUT" version | head -1))"
  exit 0
fi

echo "xk6/build.sh: building xk6 $XK6_VERSION from xk6/tools"
(cd xk6/tools && GOOS= GOARCH= go build -o ../.build/xk6 go.k6.io/xk6/cmd/xk6)

# A local module proxy holding the extension at version v<perf>-src.<hash>: Go records that version in
# the binary (a plain directory replace would show "(devel)"). The hash keeps Go's module cache honest.
MOD_VERSION="v${PERF_VERSION}-src.${want:0:12}"
WITH=("$MODULE=$PWD/xk6")
if command -v zip >/dev/null 2>&1; then
  proxy="$PWD/xk6/.build/proxy"
  moddir="$proxy/$MODULE/@v"
  if [ ! -f "$moddir/$MOD_VERSION.zip" ]; then
    stage="$PWD/xk6/.build/stage"
    rm -rf "$stage" && mkdir -p "$stage/$MODULE@$MOD_VERSION" "$moddir"
    (cd xk6 && find . \( -path ./.build -o -path ./tools -o -name testdata \) -prune -o -type f ! -name '*_test.go' -print) |
      while read -r f; do mkdir -p "$stage/$MODULE@$MOD_VERSION/$(dirname "$f")"; cp "xk6/$f" "$stage/$MODULE@$MOD_VERSION/$f"; done
    (cd "$stage" && zip -qrX "$moddir/$MOD_VERSION.zip" "$MODULE@$MOD_VERSION")
    cp xk6/go.mod "$moddir/$MOD_VERSION.mod"
    printf '{"Version":"%s"}\n' "$MOD_VERSION" > "$moddir/$MOD_VERSION.info"
    printf '%s\n' "$MOD_VERSION" >> "$moddir/list"
    rm -rf "$stage"
  fi
  WITH=("$MODULE@$MOD_VERSION")
  export GOPROXY="file://$proxy,$(go env GOPROXY)" GONOSUMDB="$MODULE${GONOSUMDB:+,$GONOSUMDB}" GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
else
  echo "xk6/build.sh: no zip command: building from the directory, so k6 version shows the extension as (devel)"
fi

echo "xk6/build.sh: building $OUT for $GOOS_T/$GOARCH_T (k6 $K6_VERSION + $MODULE), this takes a few minutes"
rm -f "$OUT.tmp"
log="xk6/.build/build-$GOOS_T-$GOARCH_T.log"
CGO_ENABLED=0 GOOS="$GOOS_T" GOARCH="$GOARCH_T" XK6_SKIP_CLEANUP="" \
  xk6/.build/xk6 build "$K6_VERSION" --output "$OUT.tmp" --with "${WITH[@]}" > "$log" 2>&1 || {
  tail -30 "$log" >&2
  echo "xk6/build.sh: the build failed (full log: $log)" >&2
  exit 3
}
if [ "$GOOS_T/$GOARCH_T" = "$(go env GOHOSTOS)/$(go env GOHOSTARCH)" ]; then
  "$OUT.tmp" version | grep -q "k6/x/perf" || { echo "xk6/build.sh: built k6 does not list k6/x/perf" >&2; "$OUT.tmp" version >&2; exit 3; }
fi
mv -f "$OUT.tmp" "$OUT"
# Read by `perf --version` without starting k6.
printf '{"k6":"%s","perf":"%s","extension":"%s","goos":"%s","goarch":"%s"}\n' "$K6_VERSION" "$PERF_VERSION" "$MOD_VERSION" "$GOOS_T" "$GOARCH_T" > "$(dirname "$OUT")/k6.versions.json"
[ -n "$STAMP" ] && echo "$want" > "$STAMP"
echo "xk6/build.sh: built $OUT"
[ "$GOOS_T/$GOARCH_T" = "$(go env GOHOSTOS)/$(go env GOHOSTARCH)" ] && "$OUT" version
exit 0
