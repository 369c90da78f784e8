package perf

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/lib/fsext"
	"go.k6.io/k6/v2/metrics"
	"go.k6.io/k6/v2/output"
)

// newSegmentedOutput builds the output as k6 does for `k6 run --execution-segment 0:1/2
// --execution-segment-sequence 0,1/2,1 --out perf=ARG`, starting 300 ms into a second.
func newSegmentedOutput(t *testing.T, fs fsext.Fs, arg string) (*Output, *fakeClock, *metrics.Registry) {
	t.Helper()
	seg, err := lib.NewExecutionSegmentFromString("0:1/2")
	if err != nil {
		t.Fatal(err)
	}
	seq, err := lib.NewExecutionSegmentSequenceFromString("0,1/2,1")
	if err != nil {
		t.Fatal(err)
	}
	o, err := New(output.Params{
		ConfigArgument: arg, Logger: quietLogger(), Environment: map[string]string{}, FS: fs,
		ScriptOptions: lib.Options{ExecutionSegment: seg, ExecutionSegmentSequence: &seq},
	})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: t0.Add(300 * time.Millisecond)}
	po := o.(*Output)
	po.now = clock.now
	po.cfg.FlushPeriod = time.Hour
	return po, clock, metrics.NewRegistry()
}

func TestPushedBatchesAreTheLocalFileByteForByte(t *testing.T) {
	stub := &collectorStub{}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	fs := fsext.NewMemMapFs()
	o, clock, reg := newSegmentedOutput(t, fs, "file=out.ndjson,window=1s,run=soak-7,runner=r0,push="+srv.URL+"/push")
	reqs := reg.MustNewMetric("http_reqs", metrics.Counter)
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 3; i < 30; i++ {
		o.AddMetricSamples([]metrics.SampleContainer{sample(reg, reqs, time.Duration(i)*100*time.Millisecond, 1, nil)})
	}
	clock.set(t0.Add(4 * time.Second))
	o.flush()
	clock.set(t0.Add(3200 * time.Millisecond))
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	local, err := fsext.ReadFile(fs, "out.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	var pushed strings.Builder
	for i, r := range stub.requests {
		if r.seq != int64(i+1) || r.run != "soak-7" || r.runner != "r0" {
			t.Errorf("request %d: %+v", i, r)
		}
		pushed.WriteString(r.body)
	}
	if len(stub.requests) != 3 { // header at Start, windows 0-1 at the flush, windows 2-3 + summary at Stop
		t.Errorf("%d batches, want 3", len(stub.requests))
	}
	if pushed.String() != string(local) {
		t.Fatalf("pushed lines differ from the local file:\npushed %q\nlocal  %q", pushed.String(), local)
	}
	if !strings.HasPrefix(stub.requests[0].body, `{"schema":"perf.k6-windows/v1","type":"header"`) {
		t.Errorf("first batch does not start with the header: %q", stub.requests[0].body)
	}
	lines := readLines(t, fs, "out.ndjson")
	h := lines[0]
	if h["runId"] != "soak-7" || h["runner"] != "r0" || h["segment"] != "0:1/2" || h["segmentSequence"] != "0,1/2,1" || h["alignedWindows"] != true {
		t.Errorf("header scale-out fields: %v", h)
	}
	// Aligned: window 0 runs from the start (300 ms into the second) to the next whole second.
	start := float64(t0.UnixMilli())
	w0, w1 := lines[1], lines[2]
	if w0["startMs"] != start+300 || w0["endMs"] != start+1000 || w1["startMs"] != start+1000 || w1["endMs"] != start+2000 {
		t.Errorf("windows not aligned to whole seconds: %v..%v, %v..%v", w0["startMs"], w0["endMs"], w1["startMs"], w1["endMs"])
	}
}

func TestACollectorStopReplyStopsTheTestNamingTheReason(t *testing.T) {
	stub := &collectorStub{stopAt: 2}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	fs := fsext.NewMemMapFs()
	o, clock, reg := newSegmentedOutput(t, fs, "file=out.ndjson,window=1s,run=r,push="+srv.URL)
	stopped := make(chan error, 4)
	o.SetTestRunStopCallback(func(err error) { stopped <- err })
	reqs := reg.MustNewMetric("http_reqs", metrics.Counter)
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	o.AddMetricSamples([]metrics.SampleContainer{sample(reg, reqs, 500*time.Millisecond, 1, nil)})
	clock.set(t0.Add(4 * time.Second))
	o.flush()
	var err error
	select {
	case err = <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("the collector's stop reply never reached k6's stop callback")
	}
	if !strings.Contains(err.Error(), `global fast burn on "avail"`) {
		t.Errorf("stop error %q does not name the collector's reason", err)
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, fs, "out.ndjson")
	aborted, _ := lines[len(lines)-1]["aborted"].(map[string]any)
	if aborted == nil || !strings.Contains(aborted["reason"].(string), "collector: global fast burn") {
		t.Errorf("summary aborted = %v", lines[len(lines)-1]["aborted"])
	}
	select {
	case err := <-stopped:
		t.Errorf("stop callback called twice: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestTheLocalFileIsCompleteWhenTheCollectorIsUnreachable(t *testing.T) {
	srv := httptest.NewServer(&collectorStub{})
	url := srv.URL
	srv.Close() // nothing listens there any more
	fs := fsext.NewMemMapFs()
	o, clock, reg := newSegmentedOutput(t, fs, "file=out.ndjson,window=1s,run=r,push="+url)
	o.pusher.MinBackoff, o.pusher.MaxBackoff = time.Millisecond, 5*time.Millisecond
	reqs := reg.MustNewMetric("http_reqs", metrics.Counter)
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	o.AddMetricSamples([]metrics.SampleContainer{sample(reg, reqs, 500*time.Millisecond, 1, nil)})
	clock.set(t0.Add(1500 * time.Millisecond))
	started := time.Now()
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(started); d > pushCloseTimeout+2*time.Second {
		t.Errorf("Stop took %v", d)
	}
	lines := readLines(t, fs, "out.ndjson")
	if len(lines) != 4 || lines[1]["type"] != "window" || lines[3]["type"] != "summary" {
		t.Fatalf("local file %v, want header, 2 windows, summary", lines)
	}
}

func TestASingleRunnerFileHasNoScaleOutFields(t *testing.T) {
	fs := fsext.NewMemMapFs()
	o, _, _ := newTestOutput(t, fs, "file=out.ndjson")
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	h := readLines(t, fs, "out.ndjson")[0]
	for _, k := range []string{"runId", "runner", "segment", "segmentSequence", "alignedWindows"} {
		if _, ok := h[k]; ok {
			t.Errorf("header has %s: %v", k, h)
		}
	}
}

func TestStopAfterAFailedStartDoesNotWaitForThePusher(t *testing.T) {
	o, _, _ := newSegmentedOutput(t, fsext.NewReadOnlyFs(fsext.NewMemMapFs()), "file=out/x.ndjson,run=r,push=http://127.0.0.1:1/push")
	if err := o.Start(); err == nil {
		t.Fatal("Start on a read-only FS succeeded")
	}
	done := make(chan error, 1)
	go func() { done <- o.Stop() }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Stop hung on a pusher that never started")
	}
}
