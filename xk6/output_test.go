package perf

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"go.k6.io/k6/v2/lib/fsext"
	"go.k6.io/k6/v2/metrics"
	"go.k6.io/k6/v2/output"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func readLines(t *testing.T, fs fsext.Fs, path string) []map[string]any {
	t.Helper()
	f, err := fs.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() //nolint:errcheck
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", len(out)+1, err)
		}
		out = append(out, m)
	}
	return out
}

// newTestOutput builds the output as k6 does, on the given file system (a memory FS in tests).
func newTestOutput(t *testing.T, fs fsext.Fs, arg string) (*Output, *fakeClock, *metrics.Registry) {
	t.Helper()
	logger := logrus.New()
	logger.SetOutput(&strings.Builder{})
	o, err := New(output.Params{ConfigArgument: arg, Logger: logger, Environment: map[string]string{}, FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: t0}
	po := o.(*Output)
	po.now = clock.now
	po.cfg.FlushPeriod = time.Hour // the test drives flush() itself
	return po, clock, metrics.NewRegistry()
}

func sample(reg *metrics.Registry, m *metrics.Metric, at time.Duration, v float64, tags map[string]string) metrics.Sample {
	return metrics.Sample{
		TimeSeries: metrics.TimeSeries{Metric: m, Tags: reg.RootTagSet().WithTagsFromMap(tags)},
		Time:       t0.Add(at), Value: v,
	}
}

func TestOutputWritesWindowsAsTheyCloseAndASummary(t *testing.T) {
	fs := fsext.NewMemMapFs()
	file := filepath.Join("results", "sub", "out.ndjson")
	o, clock, reg := newTestOutput(t, fs, "file="+file+",window=1s")
	dur := reg.MustNewMetric("http_req_duration", metrics.Trend, metrics.Time)
	reqs := reg.MustNewMetric("http_reqs", metrics.Counter)
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{"journey": "login", "name": "GET /", "scenario": "s", "status": "200", "method": "GET", "url": "http://x/"}
	for i := 0; i < 30; i++ { // 10 samples per second for 3 s
		at := time.Duration(i) * 100 * time.Millisecond
		o.AddMetricSamples([]metrics.SampleContainer{
			sample(reg, dur, at, float64(i+1), tags), sample(reg, reqs, at, 1, tags),
		})
	}
	clock.set(t0.Add(3500 * time.Millisecond)) // windows ending <= 1.5 s are closed (2 s grace)
	o.flush()
	if lines := readLines(t, fs, file); len(lines) != 2 || lines[1]["type"] != "window" {
		t.Fatalf("after the first flush: %d lines, want header + window 0", len(lines))
	}
	clock.set(t0.Add(3200 * time.Millisecond))
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, fs, file)
	if len(lines) != 6 { // header, windows 0..3 (3 partial), summary
		t.Fatalf("%d lines, want 6", len(lines))
	}
	if lines[0]["schema"] != Schema || lines[0]["windowMs"] != float64(1000) {
		t.Errorf("header = %v", lines[0])
	}
	last := lines[4]
	if last["endMs"].(float64)-last["startMs"].(float64) != 200 {
		t.Errorf("last window should be partial (200 ms): %v..%v", last["startMs"], last["endMs"])
	}
	sum := lines[5]
	if sum["type"] != "summary" || sum["windows"] != float64(4) || sum["aborted"] != nil {
		t.Fatalf("summary = %v", sum)
	}
	trends := sum["trends"].([]any)
	tr := trends[0].(map[string]any)
	wantTags := map[string]any{"journey": "login", "name": "GET /", "scenario": "s", "status": "2xx"}
	if tr["count"] != float64(30) || tr["min"] != float64(1) || tr["max"] != float64(30) || !equalMaps(tr["tags"].(map[string]any), wantTags) {
		t.Errorf("summary trend = %v", tr)
	}
	counters := sum["counters"].([]any)
	if c := counters[0].(map[string]any); c["value"] != float64(30) {
		t.Errorf("http_reqs = %v", c)
	}
}

func equalMaps(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestOutputGuardStopsTheTestOnce(t *testing.T) {
	fs := fsext.NewMemMapFs()
	slos := filepath.Join("cfg", "slos.json")
	if err := fsext.WriteFile(fs, slos, []byte(`[{"name":"avail","sli":"availability","objective":99}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	file := "out.ndjson"
	o, clock, reg := newTestOutput(t, fs, "file="+file+",slos="+slos+",guard=on,duration=60s")
	failed := reg.MustNewMetric("http_req_failed", metrics.Rate)
	stopped := make(chan error, 10)
	o.SetTestRunStopCallback(func(err error) { stopped <- err })
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ { // 10 s, half the requests fail
		o.AddMetricSamples([]metrics.SampleContainer{sample(reg, failed, time.Duration(i)*50*time.Millisecond, float64(i%2), nil)})
	}
	clock.set(t0.Add(10 * time.Second))
	o.flush()
	o.flush()
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	select { // the stop callback runs on its own goroutine
	case err := <-stopped:
		if !strings.Contains(err.Error(), `"avail"`) {
			t.Fatalf("stop reason: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the guard never called the stop callback")
	}
	select {
	case err := <-stopped:
		t.Fatalf("stop callback called twice: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	lines := readLines(t, fs, file)
	var aborts int
	for _, l := range lines {
		if l["type"] == "abort" {
			aborts++
			if l["longBurnRate"].(float64) < 14.4 {
				t.Errorf("abort line %v", l)
			}
		}
	}
	if aborts != 1 {
		t.Errorf("%d abort lines, want 1", aborts)
	}
	if lines[len(lines)-1]["aborted"] == nil {
		t.Error("summary does not record the abort")
	}
}

func TestOutputRejectsAGuardWithoutSLOs(t *testing.T) {
	_, err := New(output.Params{ConfigArgument: "file=x,guard=on", Logger: logrus.New()})
	if err == nil || !strings.Contains(err.Error(), "needs SLOs") {
		t.Fatalf("err = %v", err)
	}
}

func TestStartOnAReadOnlyFileSystemFailsNamingTheFile(t *testing.T) {
	o, _, _ := newTestOutput(t, fsext.NewReadOnlyFs(fsext.NewMemMapFs()), "file=out/run.ndjson")
	err := o.Start()
	if err == nil || !strings.Contains(err.Error(), "out") {
		t.Fatalf("Start on a read-only FS: err = %v, want an error naming the path", err)
	}
}
