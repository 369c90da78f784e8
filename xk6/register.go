// Package perf is the perf k6 extension suite: the `perf` output (bounded-memory HDR-histogram
// windows as perf.k6-windows/v1 NDJSON with a live multi-window SLO burn-rate guard) and the
// `k6/x/perf` JS module (journeys, Server-Timing metrics).
package perf

import (
	"go.k6.io/k6/v2/js/modules"
	"go.k6.io/k6/v2/output"
)

func init() {
	output.RegisterExtension("perf", New)
	modules.Register("k6/x/perf", &RootModule{})
}
