package perf

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestBurnRate(t *testing.T) {
	cases := []struct {
		bad, total int64
		objective  float64
		want       float64
	}{
		{0, 0, 99.9, 0},
		{0, 1000, 99.9, 0},
		{1, 1000, 99.9, 1},       // exactly on budget
		{144, 10000, 99.9, 14.4}, // the SRE workbook's fast-burn threshold
		{5, 100, 99, 5},
		{100, 100, 95, 20},
	}
	for _, c := range cases {
		if got := BurnRate(c.bad, c.total, c.objective); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("BurnRate(%d,%d,%v) = %v, want %v", c.bad, c.total, c.objective, got, c.want)
		}
	}
}

func TestGuardWindowsScaleWithTheTest(t *testing.T) {
	cases := []struct {
		dur         time.Duration
		long, short time.Duration
	}{
		{0, time.Minute, 5 * time.Second},
		{30 * time.Second, 5 * time.Second, time.Second},
		{10 * time.Minute, 50 * time.Second, 4 * time.Second},
		{2 * time.Hour, 10 * time.Minute, 50 * time.Second},
		{30 * 24 * time.Hour, time.Hour, 5 * time.Minute},
	}
	for _, c := range cases {
		l, s := GuardWindows(c.dur)
		if l != c.long || s != c.short {
			t.Errorf("GuardWindows(%s) = %s/%s, want %s/%s", c.dur, l, s, c.long, c.short)
		}
	}
}

func feed(g *Guard, from, to time.Duration, perSec int, badEvery int, metric string, value func(bad bool) float64) {
	n := 0
	for at := from; at < to; at += time.Second / time.Duration(perSec) {
		bad := badEvery > 0 && n%badEvery == 0
		r := Request{Time: t0.Add(at), Journey: "checkout"}
		if metric == "http_req_duration" {
			r.DurationMs, r.HasDuration = value(bad), true
		} else {
			r.Failed = value(bad) != 0
		}
		g.ObserveRequest(r)
		n++
	}
}

func TestGuardTripsOnlyWhenBothWindowsBurnFast(t *testing.T) {
	avail := SLO{Name: "availability", SLI: "availability", Objective: 99}
	failed := func(bad bool) float64 {
		if bad {
			return 1
		}
		return 0
	}
	t.Run("healthy traffic never trips", func(t *testing.T) {
		g := NewGuard([]SLO{avail}, t0, 60*time.Second, 5*time.Second, 14.4, 20)
		feed(g, 0, 60*time.Second, 50, 200, "http_req_failed", failed) // 0.5 % errors = 0.5x
		if trip := g.Check(t0.Add(60 * time.Second)); trip != nil {
			t.Fatalf("tripped: %s", trip.Reason)
		}
	})
	t.Run("a short spike alone does not trip (long window still fine)", func(t *testing.T) {
		g := NewGuard([]SLO{avail}, t0, 60*time.Second, 5*time.Second, 14.4, 20)
		feed(g, 0, 55*time.Second, 50, 0, "http_req_failed", failed)
		feed(g, 55*time.Second, 60*time.Second, 50, 2, "http_req_failed", failed) // 50 % errors for 5 s
		if trip := g.Check(t0.Add(60 * time.Second)); trip != nil {
			t.Fatalf("tripped: %s", trip.Reason)
		}
	})
	t.Run("sustained fast burn trips with a clear reason", func(t *testing.T) {
		g := NewGuard([]SLO{avail}, t0, 60*time.Second, 5*time.Second, 14.4, 20)
		feed(g, 0, 60*time.Second, 50, 4, "http_req_failed", failed) // 25 % errors = 25x
		trip := g.Check(t0.Add(60 * time.Second))
		if trip == nil {
			t.Fatal("did not trip")
		}
		if math.Abs(trip.LongBurnRate-25) > 0.5 || math.Abs(trip.ShortBurn-25) > 0.5 {
			t.Errorf("burn rates %v/%v, want ≈25", trip.LongBurnRate, trip.ShortBurn)
		}
		if !strings.Contains(trip.Reason, `"availability"`) || !strings.Contains(trip.Reason, "14.4x") {
			t.Errorf("reason: %s", trip.Reason)
		}
	})
	t.Run("latency SLO counts requests slower than the threshold", func(t *testing.T) {
		lat := SLO{Name: "p99 under 300ms", SLI: "latency", Objective: 99, ThresholdMs: 300, Journey: "checkout"}
		g := NewGuard([]SLO{lat}, t0, 60*time.Second, 5*time.Second, 14.4, 20)
		feed(g, 0, 60*time.Second, 50, 5, "http_req_duration", func(bad bool) float64 {
			if bad {
				return 900
			}
			return 20
		})
		if g.Check(t0.Add(60*time.Second)) == nil {
			t.Fatal("20 % slow requests against a 99 % objective did not trip")
		}
	})
	t.Run("latency SLO counts fast failures as bad events too", func(t *testing.T) {
		lat := SLO{Name: "p99 under 300ms", SLI: "latency", Objective: 99, ThresholdMs: 300}
		g := NewGuard([]SLO{lat}, t0, 60*time.Second, 5*time.Second, 14.4, 20)
		for at := time.Duration(0); at < 60*time.Second; at += 20 * time.Millisecond {
			g.ObserveRequest(Request{Time: t0.Add(at), DurationMs: 5, HasDuration: true, Failed: at%(100*time.Millisecond) == 0})
		}
		trip := g.Check(t0.Add(60 * time.Second))
		if trip == nil || math.Abs(trip.LongBurnRate-20) > 0.5 {
			t.Fatalf("20 %% fast failures against a 99 %% latency objective: trip %+v, want burn rate ≈20", trip)
		}
	})
	t.Run("journey filter ignores other journeys", func(t *testing.T) {
		other := SLO{Name: "search", SLI: "error-rate", Objective: 99, Journey: "search"}
		g := NewGuard([]SLO{other}, t0, 60*time.Second, 5*time.Second, 14.4, 20)
		feed(g, 0, 60*time.Second, 50, 1, "http_req_failed", failed) // all checkout requests fail
		if g.Check(t0.Add(60*time.Second)) != nil {
			t.Fatal("tripped on another journey's errors")
		}
	})
	t.Run("too few events do not trip", func(t *testing.T) {
		g := NewGuard([]SLO{avail}, t0, 60*time.Second, 5*time.Second, 14.4, 20)
		feed(g, 55*time.Second, 60*time.Second, 2, 1, "http_req_failed", failed) // 10 events, all bad
		if g.Check(t0.Add(60*time.Second)) != nil {
			t.Fatal("tripped on 10 events")
		}
	})
}
