package perf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The TypeScript side reads the same file (test/unit/error-budget-vectors.test.ts).
var budgetVectorsPath = filepath.Join("..", "test", "fixtures", "slo", "error-budget-vectors.json")

type budgetVectors struct {
	AllowedBadFraction []struct {
		Objective float64 `json:"objective"`
		Want      float64 `json:"want"`
	} `json:"allowedBadFraction"`
	Requests []struct {
		Name        string  `json:"name"`
		SLI         string  `json:"sli"`
		ThresholdMs float64 `json:"thresholdMs"`
		DurationMs  float64 `json:"durationMs"`
		Failed      bool    `json:"failed"`
		Bad         bool    `json:"bad"`
	} `json:"requests"`
	Budgets []struct {
		Name        string  `json:"name"`
		SLI         string  `json:"sli"`
		Objective   float64 `json:"objective"`
		ThresholdMs float64 `json:"thresholdMs"`
		Total       int64   `json:"total"`
		Failed      int64   `json:"failed"`
		Slow        int64   `json:"slow"`
		RunMs       float64 `json:"runMs"`
		WindowMs    float64 `json:"windowMs"`
		Want        struct {
			Bad          int64   `json:"bad"`
			BadFraction  float64 `json:"badFraction"`
			BurnRate     float64 `json:"burnRate"`
			ConsumedPct  float64 `json:"consumedPct"`
			RemainingPct float64 `json:"remainingPct"`
		} `json:"want"`
	} `json:"budgets"`
}

func loadBudgetVectors(t *testing.T) budgetVectors {
	t.Helper()
	raw, err := os.ReadFile(budgetVectorsPath)
	if err != nil {
		t.Fatalf("read %s: %v", budgetVectorsPath, err)
	}
	var v budgetVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("parse %s: %v", budgetVectorsPath, err)
	}
	if len(v.AllowedBadFraction) == 0 || len(v.Requests) == 0 || len(v.Budgets) == 0 {
		t.Fatalf("%s has an empty section", budgetVectorsPath)
	}
	return v
}

func TestAllowedBadFractionMatchesSharedVectors(t *testing.T) {
	for _, c := range loadBudgetVectors(t).AllowedBadFraction {
		if got := AllowedBadFraction(c.Objective); got != c.Want {
			t.Errorf("AllowedBadFraction(%v) = %v, want %v", c.Objective, got, c.Want)
		}
	}
}

func TestBadRequestRuleMatchesSharedVectors(t *testing.T) {
	for _, c := range loadBudgetVectors(t).Requests {
		slo := SLO{Name: "s", SLI: c.SLI, Objective: 99, ThresholdMs: c.ThresholdMs}
		if got := IsBadRequest(slo, c.DurationMs, c.Failed); got != c.Bad {
			t.Errorf("%s: IsBadRequest = %v, want %v", c.Name, got, c.Bad)
		}
	}
}

func TestBudgetFiguresMatchSharedVectors(t *testing.T) {
	for _, c := range loadBudgetVectors(t).Budgets {
		t.Run(c.Name, func(t *testing.T) {
			slo := SLO{Name: "s", SLI: c.SLI, Objective: c.Objective, ThresholdMs: c.ThresholdMs}
			bad := BadEvents(slo, c.Total, c.Failed, c.Slow)
			if bad != c.Want.Bad {
				t.Fatalf("bad = %d, want %d", bad, c.Want.Bad)
			}
			var badFraction float64
			if c.Total > 0 {
				badFraction = dec(float64(bad) / float64(c.Total))
			}
			rate := BurnRate(bad, c.Total, c.Objective)
			consumed := ConsumedPct(rate, c.RunMs, c.WindowMs)
			remaining := dec(100 - consumed)
			if badFraction != c.Want.BadFraction || rate != c.Want.BurnRate || consumed != c.Want.ConsumedPct || remaining != c.Want.RemainingPct {
				t.Errorf("got badFraction %v burn %v consumed %v remaining %v, want %v %v %v %v",
					badFraction, rate, consumed, remaining, c.Want.BadFraction, c.Want.BurnRate, c.Want.ConsumedPct, c.Want.RemainingPct)
			}
		})
	}
}
