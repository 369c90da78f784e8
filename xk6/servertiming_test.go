package perf

import (
	"reflect"
	"testing"
)

func TestParseServerTiming(t *testing.T) {
	cases := []struct {
		name   string
		header []string
		want   []TimingEntry
	}{
		{"single", []string{"db;dur=53"}, []TimingEntry{{Name: "db", Dur: 53, HasDur: true}}},
		{"several with spaces and desc", []string{`db;dur=53.2, app;desc="App logic";dur=47.25 , cache;desc=hit`},
			[]TimingEntry{{Name: "db", Dur: 53.2, HasDur: true}, {Name: "app", Dur: 47.25, HasDur: true, Desc: "App logic"}, {Name: "cache", Desc: "hit"}}},
		{"commas and semicolons inside quotes", []string{`render;desc="a, b; c";dur=1`}, []TimingEntry{{Name: "render", Dur: 1, HasDur: true, Desc: "a, b; c"}}},
		{"first dur wins", []string{"x;dur=1;dur=2"}, []TimingEntry{{Name: "x", Dur: 1, HasDur: true}}},
		{"quoted dur and case-insensitive param", []string{`x;DUR="2.5"`}, []TimingEntry{{Name: "x", Dur: 2.5, HasDur: true}}},
		{"invalid dur is ignored", []string{"x;dur=abc, y;dur=-1"}, []TimingEntry{{Name: "x"}, {Name: "y"}}},
		{"empty entries skipped", []string{" , ,db;dur=1,"}, []TimingEntry{{Name: "db", Dur: 1, HasDur: true}}},
		{"several header lines", []string{"a;dur=1", "b;dur=2"}, []TimingEntry{{Name: "a", Dur: 1, HasDur: true}, {Name: "b", Dur: 2, HasDur: true}}},
		{"nothing", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ParseServerTiming(c.header...); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestTimingMetricName(t *testing.T) {
	for in, want := range map[string]string{
		"db": "server_timing_db", "App": "server_timing_app", "cache-read": "server_timing_cache_read", "a.b c": "server_timing_a_b_c",
	} {
		if got := TimingMetricName(in); got != want {
			t.Errorf("TimingMetricName(%q) = %q, want %q", in, got, want)
		}
	}
}
