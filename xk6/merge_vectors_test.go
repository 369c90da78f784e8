package perf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The merge vectors are shared with the TypeScript reader (test/unit/k6-merge-vectors.test.ts): both
// aggregators must bucket, merge and classify the same samples into the same windows.
var mergeVectorsPath = filepath.Join("..", "test", "fixtures", "k6", "merge-vectors.json")

type mergeStep struct {
	At     *int64            `json:"at"`
	Close  *int64            `json:"close"`
	Metric string            `json:"metric"`
	Kind   string            `json:"kind"`
	Value  float64           `json:"value"`
	Tags   map[string]string `json:"tags"`
}

type mergeWindow struct {
	Index   int64                     `json:"index"`
	StartMs int64                     `json:"startMs"`
	EndMs   int64                     `json:"endMs"`
	Series  map[string]map[string]any `json:"series"`
}

type mergeExpect struct {
	Late    int64                     `json:"late"`
	Windows []mergeWindow             `json:"windows"`
	Totals  map[string]map[string]any `json:"totals"`
}

type mergeCase struct {
	Name     string      `json:"name"`
	WindowMs int64       `json:"windowMs"`
	Steps    []mergeStep `json:"steps"`
	StopMs   int64       `json:"stopMs"`
	Expect   mergeExpect `json:"expect"`
}

type mergeVectors struct {
	StatusClass [][2]string `json:"statusClass"`
	Cases       []mergeCase `json:"cases"`
}

func loadMergeVectors(t *testing.T) mergeVectors {
	t.Helper()
	raw, err := os.ReadFile(mergeVectorsPath)
	if err != nil {
		t.Fatal(err)
	}
	var v mergeVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) == 0 || len(v.StatusClass) == 0 {
		t.Fatal("merge vectors are empty")
	}
	return v
}

var kindNames = map[string]MetricKind{"trend": KindTrend, "counter": KindCounter, "rate": KindRate, "gauge": KindGauge}

// vectorKey is the fixture's series key: metric{tag=value,...} in the contract's tag order.
func vectorKey(metric string, t SeriesTags) string {
	var parts []string
	for _, kv := range [][2]string{{"journey", t.Journey}, {"name", t.Name}, {"scenario", t.Scenario}, {"status", t.Status}, {"check", t.Check}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return metric + "{" + strings.Join(parts, ",") + "}"
}

// vectorSeries reduces a window's series to the figures the fixture states (histograms are covered
// by hdr-crosslang.json).
func vectorSeries(t *testing.T, w *Window) map[string]map[string]any {
	t.Helper()
	s, err := w.seriesSet()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, x := range s.Trends {
		out[vectorKey(x.Metric, x.Tags)] = map[string]any{"count": float64(x.Count), "min": x.Min, "max": x.Max, "sum": x.Sum}
	}
	for _, x := range s.Counters {
		out[vectorKey(x.Metric, x.Tags)] = map[string]any{"value": x.Value}
	}
	for _, x := range s.Rates {
		out[vectorKey(x.Metric, x.Tags)] = map[string]any{"trues": float64(x.Trues), "total": float64(x.Total)}
	}
	for _, x := range s.Gauges {
		out[vectorKey(x.Metric, x.Tags)] = map[string]any{"value": x.Value, "max": x.Max}
	}
	return out
}

func TestStatusClassFollowsTheSharedVectors(t *testing.T) {
	for _, c := range loadMergeVectors(t).StatusClass {
		if got := StatusClass(c[0]); got != c[1] {
			t.Errorf("StatusClass(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestAggregatorFollowsTheSharedMergeVectors(t *testing.T) {
	for _, c := range loadMergeVectors(t).Cases {
		t.Run(c.Name, func(t *testing.T) {
			at := func(ms int64) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
			a := NewAggregator(t0, time.Duration(c.WindowMs)*time.Millisecond, 100)
			var ws []*Window
			for _, s := range c.Steps {
				if s.Close != nil {
					ws = append(ws, a.CloseUntil(at(*s.Close))...)
					continue
				}
				kind, ok := kindNames[s.Kind]
				if !ok || s.At == nil {
					t.Fatalf("bad step %+v", s)
				}
				tags := TagsOf(s.Metric, func(k string) (string, bool) { v, ok := s.Tags[k]; return v, ok })
				a.Add(Point{Metric: s.Metric, Kind: kind, Time: at(*s.At), Value: s.Value, Tags: tags})
			}
			ws = append(ws, a.CloseAll(at(c.StopMs))...)
			got := mergeExpect{Late: a.Late, Totals: vectorSeries(t, a.Totals())}
			for _, w := range ws {
				got.Windows = append(got.Windows, mergeWindow{
					Index: w.Index, StartMs: w.Start.Sub(t0).Milliseconds(), EndMs: w.End.Sub(t0).Milliseconds(), Series: vectorSeries(t, w),
				})
			}
			if !reflect.DeepEqual(got, c.Expect) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(c.Expect, "", " ")
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
		})
	}
}
