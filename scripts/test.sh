#!/usr/bin/env bash
# Sets up (idempotent) and runs every test suite: vitest (unit, then integration/e2e one file at a
# time, since they put load on a 2-core machine) and go test for the k6 extensions. Ends with one
# line "N passed, N failed[, N skipped]" summing all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
status=0

# Strict type check of everything, tests and benches included (counted as one check).
# The k6 runtime of generated scripts is checked against @types/k6 on its own (k6 globals, no Node).
if node node_modules/typescript/bin/tsc -p tsconfig.json --noEmit && node node_modules/typescript/bin/tsc -p k6-scripts/runtime/tsconfig.json; then
  echo '{"numPassedTests":1}' > "$results/typecheck.json"
else
  echo '{"numFailedTests":1}' > "$results/typecheck.json"; status=1
fi

npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json" || status=1
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$results/integration.json" || status=1

if [ -f xk6/go.mod ]; then
  (cd xk6 && go vet ./... && go test -count=1 -json ./... > "$results/go.json") || status=1
  (cd xk6 && go test -count=1 ./... 2>&1 | tail -20) || true
fi

# The --k8s manifests decoded strictly into k6-operator's own API types (test/k8s, its own Go module
# pinning github.com/grafana/k6-operator). Where the Go module proxy does not serve that module the
# test cannot build: it is counted as skipped and says why.
if [ -f test/k8s/go.mod ]; then
  op="$(awk '$1=="github.com/grafana/k6-operator" {print $2; exit}' test/k8s/go.mod)"
  if (cd test/k8s && go mod download "github.com/grafana/k6-operator@$op" >/dev/null 2>&1); then
    (cd test/k8s && GOFLAGS=-mod=mod go test -count=1 -json ./... > "$results/go-k8s.json") || status=1
    (cd test/k8s && GOFLAGS=-mod=mod go test -count=1 ./... 2>&1 | tail -20) || true
  else
    echo "test/k8s: skipped: github.com/grafana/k6-operator@$op is not available from the Go module proxy here"
    echo '{"numPendingTests":1}' > "$results/go-k8s-skipped.json"
  fi
fi

node scripts/sum-results.mjs "$results" || status=1
exit $status
