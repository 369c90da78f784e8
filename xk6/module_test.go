package perf

import (
	"strings"
	"testing"

	"go.k6.io/k6/v2/js/modulestest"
	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/metrics"
)

type jsCase struct {
	rt      *modulestest.Runtime
	state   *lib.State
	samples chan metrics.SampleContainer
}

func newJSCase(t *testing.T) *jsCase {
	t.Helper()
	rt := modulestest.NewRuntime(t)
	mi := (&RootModule{}).NewModuleInstance(rt.VU)
	if err := rt.VU.RuntimeField.Set("perf", mi.Exports().Named); err != nil {
		t.Fatal(err)
	}
	registry := metrics.NewRegistry()
	samples := make(chan metrics.SampleContainer, 100)
	state := &lib.State{
		Options:        lib.Options{SystemTags: &metrics.DefaultSystemTagSet},
		Samples:        samples,
		Tags:           lib.NewVUStateTags(registry.RootTagSet().WithTagsFromMap(map[string]string{"group": ""})),
		BuiltinMetrics: metrics.RegisterBuiltinMetrics(registry),
	}
	rt.MoveToVUContext(state)
	return &jsCase{rt: rt, state: state, samples: samples}
}

func (c *jsCase) journeyTag() string {
	v, ok := c.state.Tags.GetCurrentValues().Tags.Get("journey")
	if !ok {
		return "<none>"
	}
	return v
}

func TestJourneyTagsAndRestores(t *testing.T) {
	c := newJSCase(t)
	var seen []string
	if err := c.rt.VU.RuntimeField.Set("observe", func() { seen = append(seen, c.journeyTag()) }); err != nil {
		t.Fatal(err)
	}
	v, err := c.rt.RunOnEventLoop(`
		perf.journey('checkout', () => {
			observe();
			perf.journey('payment', () => observe());
			observe();
			return 42;
		})`)
	if err != nil {
		t.Fatal(err)
	}
	if v.ToInteger() != 42 {
		t.Errorf("journey returned %v, want fn's result", v)
	}
	if strings.Join(seen, ",") != "checkout,payment,checkout" {
		t.Errorf("tags inside: %v", seen)
	}
	if got := c.journeyTag(); got != "<none>" {
		t.Errorf("after journey(): journey=%s, want no tag", got)
	}
}

func TestJourneyRestoresTheTagWhenFnThrows(t *testing.T) {
	c := newJSCase(t)
	_, err := c.rt.RunOnEventLoop(`perf.journey('login', () => { throw new Error('boom') })`)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
	if got := c.journeyTag(); got != "<none>" {
		t.Errorf("journey=%s after a throw", got)
	}
}

func TestJourneyRejectsBadArguments(t *testing.T) {
	cases := map[string]string{
		`perf.journey('x', async () => {})`: "does not support async functions",
		`perf.journey('x')`:                 "requires a callback",
		`perf.journey('', () => {})`:        "non-empty journey name",
	}
	for code, want := range cases {
		c := newJSCase(t)
		if _, err := c.rt.RunOnEventLoop(code); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", code, err, want)
		}
	}
}

func TestServerTimingRecordsTrendsTaggedWithTheJourney(t *testing.T) {
	c := newJSCase(t)
	v, err := c.rt.RunOnEventLoop(`
		const res = { headers: { 'Server-Timing': 'db;dur=12.5;desc="q", cache-read;dur=0.5, miss' } };
		JSON.stringify(perf.journey('search', () => perf.serverTiming(res)))`)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != `{"cache-read":0.5,"db":12.5}` && v.String() != `{"db":12.5,"cache-read":0.5}` {
		t.Errorf("returned %s", v)
	}
	got := map[string]float64{}
	for _, sc := range metrics.GetBufferedSamples(c.samples) {
		for _, s := range sc.GetSamples() {
			if j, _ := s.Tags.Get("journey"); j != "search" {
				t.Errorf("%s not tagged with the journey", s.Metric.Name)
			}
			if s.Metric.Type != metrics.Trend || s.Metric.Contains != metrics.Time {
				t.Errorf("%s is not a time Trend", s.Metric.Name)
			}
			got[s.Metric.Name] = s.Value
		}
	}
	if len(got) != 2 || got["server_timing_db"] != 12.5 || got["server_timing_cache_read"] != 0.5 {
		t.Errorf("samples: %v", got)
	}
}

func TestParseServerTimingRecordsNothing(t *testing.T) {
	c := newJSCase(t)
	v, err := c.rt.RunOnEventLoop(`JSON.stringify(perf.parseServerTiming({ headers: { 'server-timing': 'app;dur=3' } }))`)
	if err != nil || v.String() != `{"app":3}` {
		t.Fatalf("v=%v err=%v", v, err)
	}
	if n := len(metrics.GetBufferedSamples(c.samples)); n != 0 {
		t.Errorf("%d samples recorded", n)
	}
}
