package perf

import (
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.k6.io/k6/v2/errext"
	"go.k6.io/k6/v2/errext/exitcodes"
	"go.k6.io/k6/v2/lib/fsext"
	"go.k6.io/k6/v2/metrics"
)

// An SLO stop must make k6 exit as a failed abortOnFail threshold does (99), whoever gave the verdict:
// with a plain error k6 exits 255, and perf, k6-operator and CI read the runner as crashed.
func TestAnSLOStopEndsK6AsAFailedThresholdNotACrash(t *testing.T) {
	cases := []struct {
		name   string
		reason string
		// start builds a started output whose stop callback sends to `stopped`, and makes it stop.
		start func(t *testing.T, stopped chan error) *Output
	}{
		{
			name:   "its own guard trips",
			reason: `perf SLO guard: SLO "avail"`,
			start: func(t *testing.T, stopped chan error) *Output {
				fs := fsext.NewMemMapFs()
				slos := filepath.Join("cfg", "slos.json")
				if err := fsext.WriteFile(fs, slos, []byte(`[{"name":"avail","sli":"availability","objective":99}]`), 0o600); err != nil {
					t.Fatal(err)
				}
				o, clock, reg := newTestOutput(t, fs, "file=out.ndjson,slos="+slos+",guard=on,duration=60s")
				o.SetTestRunStopCallback(func(err error) { stopped <- err })
				if err := o.Start(); err != nil {
					t.Fatal(err)
				}
				failed := reg.MustNewMetric("http_req_failed", metrics.Rate)
				for i := 0; i < 200; i++ { // 10 s, half the requests fail
					o.AddMetricSamples([]metrics.SampleContainer{sample(reg, failed, time.Duration(i)*50*time.Millisecond, float64(i%2), nil)})
				}
				clock.set(t0.Add(10 * time.Second))
				o.flush()
				return o
			},
		},
		{
			name:   "the collector's reply asks it to stop",
			reason: `perf collector asked to stop the test: global fast burn on "avail"`,
			start: func(t *testing.T, stopped chan error) *Output {
				srv := httptest.NewServer(&collectorStub{stopAt: 1})
				t.Cleanup(srv.Close)
				o, _, _ := newSegmentedOutput(t, fsext.NewMemMapFs(), "file=out.ndjson,window=1s,run=r,push="+srv.URL)
				o.SetTestRunStopCallback(func(err error) { stopped <- err })
				if err := o.Start(); err != nil { // the header batch gets the stop reply
					t.Fatal(err)
				}
				return o
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stopped := make(chan error, 4)
			o := tc.start(t, stopped)
			var err error
			select {
			case err = <-stopped:
			case <-time.After(5 * time.Second):
				t.Fatal("k6's stop callback was never called")
			}
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("stop error %q does not say %q", err, tc.reason)
			}
			var code errext.HasExitCode
			if !errors.As(err, &code) || code.ExitCode() != exitcodes.ThresholdsHaveFailed {
				t.Errorf("stop error %q: exit code %v, want %d (ThresholdsHaveFailed)", err, code, exitcodes.ThresholdsHaveFailed)
			}
			var reason errext.HasAbortReason
			if !errors.As(err, &reason) || reason.AbortReason() != errext.AbortedByThreshold {
				t.Errorf("stop error %q: abort reason %v, want AbortedByThreshold", err, reason)
			}
		})
	}
}
