package perf

import (
	"math"
	"strconv"
)

// The error budget, as analyzers/slo/error-budget.ts defines it (the TypeScript home); both test
// suites read test/fixtures/slo/error-budget-vectors.json, so the guard and perf slo-check agree.
//
// A bad event is a failed request, or for a latency SLO a request slower than the threshold (strictly
// above it); a request that is both counts once. Burn rate = bad fraction / allowed bad fraction.

// dec rounds to 12 significant digits, like the TypeScript `dec`: decimal objectives have no exact
// binary form, so figures are compared and printed without float noise.
func dec(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return v
}

// AllowedBadFraction is 1 - objective/100 on decimal ticks: 99.9 gives exactly 0.001.
func AllowedBadFraction(objectivePercent float64) float64 {
	ticks := math.Round((100 - objectivePercent) * 1e10)
	return dec(ticks / 1e12)
}

// IsBadRequest applies the bad-event rule to one request.
func IsBadRequest(slo SLO, durationMs float64, failed bool) bool {
	if failed {
		return true
	}
	return slo.SLI == "latency" && durationMs > slo.ThresholdMs
}

// BadEvents counts an SLO's bad events from counts: failures, plus (latency SLOs) slow requests not
// already failed, capped at the total.
func BadEvents(slo SLO, total, failed, slow int64) int64 {
	if slo.SLI != "latency" {
		return failed
	}
	return min(total, failed+slow)
}

// BurnRateOf is the rate the error budget is consumed at: the bad fraction divided by the allowed bad
// fraction. 1 means the budget lasts exactly the SLO window; 0 with no events; +Inf when a zero
// budget has a bad event.
func BurnRateOf(bad, total int64, allowed float64) float64 {
	if total <= 0 {
		return 0
	}
	badFraction := dec(float64(bad) / float64(total))
	if allowed <= 0 {
		if bad > 0 {
			return math.Inf(1)
		}
		return 0
	}
	return dec(badFraction / allowed)
}

// BurnRate is BurnRateOf at an objective given in percent.
func BurnRate(bad, total int64, objectivePercent float64) float64 {
	return BurnRateOf(bad, total, AllowedBadFraction(objectivePercent))
}

// ConsumedPct is the percent of the SLO window's budget a run of runMs at the burn rate consumed
// (0 when either length is unknown).
func ConsumedPct(rate, runMs, windowMs float64) float64 {
	if math.IsInf(rate, 0) || math.IsNaN(rate) {
		return math.Inf(1)
	}
	if runMs <= 0 || windowMs <= 0 {
		return 0
	}
	return dec(rate * (runMs / windowMs) * 100)
}
