package perf

import (
	"fmt"
	"time"
)

// GuardWindows scales the SRE workbook's multi-window fast-burn pair (1 h long / 5 min short for a
// 30-day SLO, i.e. 12:1) to the length of the test: long = duration/12 (at least 5 s, at most 1 h),
// short = long/12 (at least 1 s). Unknown duration: 60 s / 5 s.
func GuardWindows(testDuration time.Duration) (long, short time.Duration) {
	if testDuration <= 0 {
		return time.Minute, 5 * time.Second
	}
	long = testDuration / 12
	if long < 5*time.Second {
		long = 5 * time.Second
	}
	if long > time.Hour {
		long = time.Hour
	}
	short = long / 12
	if short < time.Second {
		short = time.Second
	}
	return long.Round(time.Second), short.Round(time.Second)
}

type secBucket struct {
	sec       int64
	good, bad int64
}

// sloTracker keeps one-second good/bad buckets over the long window of one SLO.
type sloTracker struct {
	slo     SLO
	buckets []secBucket
}

func (t *sloTracker) record(at time.Time, bad bool) {
	sec := at.Unix()
	b := &t.buckets[int(sec%int64(len(t.buckets)))]
	if b.sec != sec {
		*b = secBucket{sec: sec}
	}
	if bad {
		b.bad++
	} else {
		b.good++
	}
}

func (t *sloTracker) sum(now time.Time, window time.Duration) (bad, total int64) {
	// One-second buckets overlapping (now-window, now]: the oldest and the current may be partial.
	end := now.Unix()
	from := now.Add(-window).Unix()
	for _, b := range t.buckets {
		if b.sec >= from && b.sec <= end {
			bad += b.bad
			total += b.good + b.bad
		}
	}
	return bad, total
}

// Guard evaluates fast burn of every SLO over the long and the short window.
type Guard struct {
	Long, Short time.Duration
	Factor      float64
	MinEvents   int64
	start       time.Time
	trackers    []*sloTracker
}

// Trip is the reason the guard stops a test.
type Trip struct {
	SLO                     string
	Reason                  string
	At                      time.Time
	LongBurnRate, ShortBurn float64
}

// NewGuard builds a guard for the SLOs.
func NewGuard(slos []SLO, start time.Time, long, short time.Duration, factor float64, minEvents int) *Guard {
	g := &Guard{Long: long, Short: short, Factor: factor, MinEvents: int64(minEvents), start: start}
	n := int(long/time.Second) + 2
	for _, s := range slos {
		g.trackers = append(g.trackers, &sloTracker{slo: s, buckets: make([]secBucket, n)})
	}
	return g
}

// Request is one HTTP request as the guard judges it: k6 emits its http_req_duration and
// http_req_failed samples together in one container (see requestOf in output.go).
type Request struct {
	Time        time.Time
	Journey     string
	DurationMs  float64
	HasDuration bool
	Failed      bool
}

// ObserveRequest records one request as a good or bad event of every SLO it belongs to (filtered by
// the SLO's journey), with the one bad-event rule: failed, or for a latency SLO slower than the
// threshold. A request without a duration only counts for a latency SLO when it failed.
func (g *Guard) ObserveRequest(r Request) {
	for _, t := range g.trackers {
		if t.slo.Journey != "" && t.slo.Journey != r.Journey {
			continue
		}
		if t.slo.SLI == "latency" && !r.HasDuration && !r.Failed {
			continue
		}
		t.record(r.Time, IsBadRequest(t.slo, r.DurationMs, r.Failed))
	}
}

// Check returns the first SLO whose burn rate is at or above the factor on both windows.
func (g *Guard) Check(now time.Time) *Trip {
	if now.Sub(g.start) < g.Short {
		return nil
	}
	for _, t := range g.trackers {
		lb, lt := t.sum(now, g.Long)
		sb, st := t.sum(now, g.Short)
		if st < g.MinEvents || lt < g.MinEvents {
			continue
		}
		long := BurnRate(lb, lt, t.slo.Objective)
		short := BurnRate(sb, st, t.slo.Objective)
		if long >= g.Factor && short >= g.Factor {
			return &Trip{
				SLO: t.slo.Name, At: now, LongBurnRate: long, ShortBurn: short,
				Reason: fmt.Sprintf("SLO %q burns its error budget %.1fx over the last %s and %.1fx over the last %s "+
					"(fast-burn threshold %.1fx; %d of %d events bad in the short window)",
					t.slo.Name, long, g.Long, short, g.Short, g.Factor, sb, st),
			}
		}
	}
	return nil
}
