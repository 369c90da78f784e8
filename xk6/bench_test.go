package perf

import (
	"go.k6.io/k6/v2/lib/fsext"

	"path/filepath"
	"testing"
	"time"

	"go.k6.io/k6/v2/metrics"
)

// BenchmarkFlushPerSample measures the flusher's cost per k6 sample (aggregation into HDR windows),
// i.e. the CPU the output takes away from k6 per sample: go test -bench FlushPerSample -benchtime 2s
func BenchmarkFlushPerSample(b *testing.B) {
	t := &testing.T{}
	o, clock, reg := newTestOutput(t, fsext.NewMemMapFs(), "file="+filepath.Join("bench", "b.ndjson")+",window=10s")
	dur := reg.MustNewMetric("http_req_duration", metrics.Trend, metrics.Time)
	reqs := reg.MustNewMetric("http_reqs", metrics.Counter)
	failed := reg.MustNewMetric("http_req_failed", metrics.Rate)
	if err := o.Start(); err != nil {
		b.Fatal(err)
	}
	const batch = 1000
	samples := make([]metrics.SampleContainer, 0, batch)
	for i := 0; i < batch/4; i++ {
		tags := map[string]string{"journey": "j", "name": []string{"a", "b", "c", "d"}[i%4], "scenario": "s", "status": "200", "method": "GET"}
		at := time.Duration(i) * time.Millisecond
		samples = append(samples, sample(reg, dur, at, float64(i%97)+0.5, tags), sample(reg, dur, at, 3, tags),
			sample(reg, reqs, at, 1, tags), sample(reg, failed, at, 0, tags))
	}
	clock.set(t0.Add(time.Second))
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		o.AddMetricSamples(samples)
		o.flush()
	}
	b.StopTimer()
	_ = o.Stop()
}
