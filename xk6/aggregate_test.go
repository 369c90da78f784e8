package perf

import (
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func trend(metric string, at time.Duration, v float64, tags SeriesTags) Point {
	return Point{Metric: metric, Kind: KindTrend, Time: t0.Add(at), Value: v, Tags: tags}
}

func TestWindowRollover(t *testing.T) {
	cases := []struct {
		name       string
		at         []time.Duration
		closeAt    time.Duration
		wantClosed []int64 // counts per closed window, in order
		wantOpen   int
		wantLate   int64
	}{
		{"nothing closes before the first window ends", []time.Duration{0, 9 * time.Second}, 9 * time.Second, nil, 1, 0},
		{"a window closes exactly at its end", []time.Duration{0, 9 * time.Second, 10 * time.Second}, 10 * time.Second, []int64{2}, 1, 0},
		{"empty windows in between are emitted, keeping windows contiguous", []time.Duration{time.Second, 35 * time.Second}, 40 * time.Second, []int64{1, 0, 0, 1}, 0, 0},
		{"samples before the start land in window 0", []time.Duration{-time.Second}, 10 * time.Second, []int64{1}, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := NewAggregator(t0, 10*time.Second, 10)
			for _, at := range c.at {
				a.Add(trend("http_req_duration", at, 5, SeriesTags{}))
			}
			closed := a.CloseUntil(t0.Add(c.closeAt))
			if len(closed) != len(c.wantClosed) {
				t.Fatalf("closed %d windows, want %d", len(closed), len(c.wantClosed))
			}
			for i, w := range closed {
				if w.Index != int64(i) {
					t.Errorf("window %d has index %d", i, w.Index)
				}
				var n int64
				for _, tr := range w.trends {
					n += tr.count
				}
				if n != c.wantClosed[i] {
					t.Errorf("window %d holds %d samples, want %d", i, n, c.wantClosed[i])
				}
				if got := w.End.Sub(w.Start); got != 10*time.Second {
					t.Errorf("window %d spans %s", i, got)
				}
			}
			if a.OpenWindows() != c.wantOpen {
				t.Errorf("open windows = %d, want %d", a.OpenWindows(), c.wantOpen)
			}
		})
	}
}

func TestLateSamplesFoldIntoTheOldestOpenWindow(t *testing.T) {
	a := NewAggregator(t0, 10*time.Second, 10)
	a.Add(trend("m", time.Second, 1, SeriesTags{}))
	a.CloseUntil(t0.Add(10 * time.Second))
	a.Add(trend("m", 2*time.Second, 1, SeriesTags{})) // belongs to the closed window 0
	if a.Late != 1 {
		t.Fatalf("late = %d, want 1", a.Late)
	}
	ws := a.CloseAll(t0.Add(15 * time.Second))
	if len(ws) != 1 || ws[0].Index != 1 || ws[0].trends[idOf(ws[0], seriesKey{"m", SeriesTags{}})].count != 1 {
		t.Fatalf("late sample not in window 1: %+v", ws)
	}
	if !ws[0].End.Equal(t0.Add(15 * time.Second)) {
		t.Errorf("last partial window ends at %s, want the stop time", ws[0].End)
	}
}

func TestCloseAllOnAWindowBoundaryAddsNoEmptyWindow(t *testing.T) {
	a := NewAggregator(t0, 10*time.Second, 10)
	a.Add(trend("m", time.Second, 1, SeriesTags{}))
	if ws := a.CloseAll(t0.Add(10 * time.Second)); len(ws) != 1 {
		t.Fatalf("closed %d windows, want 1", len(ws))
	}
}

func TestSeriesAreKeyedByMetricAndTagsAndTotalsMergeWindows(t *testing.T) {
	a := NewAggregator(t0, time.Second, 10)
	login := SeriesTags{Journey: "login", Name: "POST /login", Scenario: "s", Status: "2xx"}
	browse := SeriesTags{Journey: "browse", Name: "GET /items", Scenario: "s", Status: "2xx"}
	for i := 0; i < 100; i++ {
		at := time.Duration(i) * 50 * time.Millisecond // 5 s → 5 windows
		a.Add(trend("http_req_duration", at, float64(i+1), login))
		a.Add(trend("http_req_duration", at, 1000, browse))
		a.Add(Point{Metric: "http_reqs", Kind: KindCounter, Time: t0.Add(at), Value: 1, Tags: login})
		a.Add(Point{Metric: "http_req_failed", Kind: KindRate, Time: t0.Add(at), Value: float64(i % 4 / 3), Tags: login})
		a.Add(Point{Metric: "vus", Kind: KindGauge, Time: t0.Add(at), Value: float64(i % 7)})
	}
	ws := a.CloseAll(t0.Add(5 * time.Second))
	if len(ws) != 5 {
		t.Fatalf("%d windows, want 5", len(ws))
	}
	tot := a.Totals()
	l := tot.trends[idOf(tot, seriesKey{"http_req_duration", login})]
	if l.count != 100 || l.min != 1 || l.max != 100 || l.sum != 5050 {
		t.Errorf("login totals = count %d min %v max %v sum %v", l.count, l.min, l.max, l.sum)
	}
	if got := l.h.ValueAtPercentile(50); !l.h.ValuesAreEquivalent(got, 50000) {
		t.Errorf("login p50 = %d µs, want 50000 within HDR precision", got)
	}
	if tot.counters[idOf(tot, seriesKey{"http_reqs", login})] != 100 {
		t.Errorf("http_reqs = %v", tot.counters[idOf(tot, seriesKey{"http_reqs", login})])
	}
	if r := tot.rates[idOf(tot, seriesKey{"http_req_failed", login})]; r.trues != 25 || r.total != 100 {
		t.Errorf("failed = %d/%d, want 25/100", r.trues, r.total)
	}
	if g := tot.gauges[idOf(tot, seriesKey{"vus", SeriesTags{}})]; g.max != 6 || g.value != float64(99%7) {
		t.Errorf("vus gauge = %+v", g)
	}
}

func TestNameCardinalityIsCapped(t *testing.T) {
	a := NewAggregator(t0, time.Second, 3)
	for i := 0; i < 10; i++ {
		a.Add(trend("http_req_duration", 0, 1, SeriesTags{Name: string(rune('a' + i))}))
	}
	ws := a.CloseAll(t0.Add(time.Second))
	if n := len(ws[0].trends); n != 4 {
		t.Errorf("%d series, want 3 names + other", n)
	}
	if c := ws[0].trends[idOf(ws[0], seriesKey{"http_req_duration", SeriesTags{Name: "other"}})].count; c != 7 {
		t.Errorf("other holds %d samples, want 7", c)
	}
	if a.Folded != 7 {
		t.Errorf("folded = %d", a.Folded)
	}
}

func TestStatusClass(t *testing.T) {
	for in, want := range map[string]string{"200": "2xx", "204": "2xx", "404": "4xx", "503": "5xx", "0": "0xx", "": "", "1": "0xx"} {
		if got := StatusClass(in); got != want {
			t.Errorf("StatusClass(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHistogramValuesAreMicrosecondsClamped(t *testing.T) {
	cases := []struct {
		ms      float64
		want    int64
		clamped bool
	}{
		{0.0004, 0, false}, {0.0006, 1, false}, {1.2345, 1235, false}, {250, 250000, false},
		{-1, 0, true}, {1e9, histHighest, true},
	}
	for _, c := range cases {
		got, cl := histValue(c.ms)
		if got != c.want || cl != c.clamped {
			t.Errorf("histValue(%v) = %d,%v want %d,%v", c.ms, got, cl, c.want, c.clamped)
		}
	}
}

func TestHistogramEncodingRoundTrips(t *testing.T) {
	cases := map[string][]int64{
		"single":   {1500},
		"small":    {1, 2, 3, 4, 5},
		"wide":     {1, 1000, 1_000_000, 60_000_000, histHighest},
		"repeated": {777, 777, 777, 778},
	}
	for name, values := range cases {
		t.Run(name, func(t *testing.T) {
			h := hdrhistogram.New(histLowest, histHighest, histDigits)
			for _, v := range values {
				if err := h.RecordValue(v); err != nil {
					t.Fatal(err)
				}
			}
			enc, err := EncodeHistogram(h)
			if err != nil {
				t.Fatal(err)
			}
			back, err := hdrhistogram.Decode([]byte(enc))
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equals(h) {
				t.Fatalf("decoded histogram differs")
			}
			for _, p := range []float64{50, 90, 99, 100} {
				if back.ValueAtPercentile(p) != h.ValueAtPercentile(p) {
					t.Errorf("p%v differs", p)
				}
			}
		})
	}
}

// idOf finds the id of a series key in a window (-1 when unknown).
func idOf(w *Window, k seriesKey) int {
	for id, info := range *w.series {
		if info.key == k {
			return id
		}
	}
	return -1
}
