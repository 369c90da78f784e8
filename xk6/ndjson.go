package perf

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Schema is the artifact schema (core/artifacts/k6-windows.ts in the perf repository).
const Schema = "perf.k6-windows/v1"

// TrendSeries etc. are the JSON lines of perf.k6-windows/v1.
type TrendSeries struct {
	Metric    string     `json:"metric"`
	Tags      SeriesTags `json:"tags"`
	Count     int64      `json:"count"`
	Min       float64    `json:"min"`
	Max       float64    `json:"max"`
	Sum       float64    `json:"sum"`
	Histogram string     `json:"histogram"`
}

// CounterSeries is a counter's sum in a window.
type CounterSeries struct {
	Metric string     `json:"metric"`
	Tags   SeriesTags `json:"tags"`
	Value  float64    `json:"value"`
}

// RateSeries counts non-zero samples and all samples.
type RateSeries struct {
	Metric string     `json:"metric"`
	Tags   SeriesTags `json:"tags"`
	Trues  int64      `json:"trues"`
	Total  int64      `json:"total"`
}

// GaugeSeries is the last and the max value of a gauge in a window.
type GaugeSeries struct {
	Metric string     `json:"metric"`
	Tags   SeriesTags `json:"tags"`
	Value  float64    `json:"value"`
	Max    float64    `json:"max"`
}

// GuardInfo describes the live SLO guard in the header.
type GuardInfo struct {
	Enabled       bool    `json:"enabled"`
	LongWindowMs  int64   `json:"longWindowMs"`
	ShortWindowMs int64   `json:"shortWindowMs"`
	Factor        float64 `json:"factor"`
}

// HeaderLine is line 1.
type HeaderLine struct {
	Schema           string          `json:"schema"`
	Type             string          `json:"type"`
	StartMs          int64           `json:"startMs"`
	WindowMs         int64           `json:"windowMs"`
	K6Version        string          `json:"k6Version"`
	ExtensionVersion string          `json:"extensionVersion"`
	SLOs             json.RawMessage `json:"slos"`
	Guard            *GuardInfo      `json:"guard"`
	*ScaleOut                        // absent in a single-runner file
}

// ScaleOut is the header of one runner of a test split over several k6 processes or hosts.
type ScaleOut struct {
	RunID           string  `json:"runId"`
	Runner          string  `json:"runner"`
	Segment         *string `json:"segment"`         // k6's --execution-segment, null when unsegmented
	SegmentSequence *string `json:"segmentSequence"` // k6's --execution-segment-sequence, null when none
	AlignedWindows  bool    `json:"alignedWindows"`
}

type seriesSet struct {
	Trends   []TrendSeries   `json:"trends"`
	Counters []CounterSeries `json:"counters"`
	Rates    []RateSeries    `json:"rates"`
	Gauges   []GaugeSeries   `json:"gauges"`
}

// WindowLine is one closed window.
type WindowLine struct {
	Type    string `json:"type"`
	Index   int64  `json:"index"`
	StartMs int64  `json:"startMs"`
	EndMs   int64  `json:"endMs"`
	seriesSet
}

// AbortLine records that the live SLO guard stopped the test.
type AbortLine struct {
	Type          string  `json:"type"`
	AtMs          int64   `json:"atMs"`
	SLO           string  `json:"slo"`
	Reason        string  `json:"reason"`
	LongBurnRate  float64 `json:"longBurnRate"`
	ShortBurnRate float64 `json:"shortBurnRate"`
}

// Aborted is the summary's abort info.
type Aborted struct {
	Reason string `json:"reason"`
	AtMs   int64  `json:"atMs"`
}

// SummaryLine is the last line of a cleanly stopped run.
type SummaryLine struct {
	Type    string `json:"type"`
	StartMs int64  `json:"startMs"`
	EndMs   int64  `json:"endMs"`
	Windows int64  `json:"windows"`
	seriesSet
	Aborted *Aborted `json:"aborted"`
	// Diagnostics (additive to the contract): samples folded/clamped/late.
	LateSamples    int64 `json:"lateSamples"`
	ClampedSamples int64 `json:"clampedSamples"`
	FoldedNames    int64 `json:"foldedNames"`
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// EncodeHistogram is HdrHistogram's V2 compressed base64 encoding.
func EncodeHistogram(h *hdrhistogram.Histogram) (string, error) {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func finite(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	return v
}

func (w *Window) seriesSet() (seriesSet, error) {
	s := seriesSet{
		Trends: []TrendSeries{}, Counters: []CounterSeries{}, Rates: []RateSeries{}, Gauges: []GaugeSeries{},
	}
	for _, id := range sortedKeys(w, w.trends) {
		t, k := w.trends[id], w.keyOf(id)
		enc, err := EncodeHistogram(t.h)
		if err != nil {
			return s, fmt.Errorf("encoding histogram of %s: %w", k.metric, err)
		}
		s.Trends = append(s.Trends, TrendSeries{
			Metric: k.metric, Tags: k.tags, Count: t.count,
			Min: finite(t.min), Max: finite(t.max), Sum: t.sum, Histogram: enc,
		})
	}
	for _, id := range sortedKeys(w, w.counters) {
		k := w.keyOf(id)
		s.Counters = append(s.Counters, CounterSeries{Metric: k.metric, Tags: k.tags, Value: w.counters[id]})
	}
	for _, id := range sortedKeys(w, w.rates) {
		r, k := w.rates[id], w.keyOf(id)
		s.Rates = append(s.Rates, RateSeries{Metric: k.metric, Tags: k.tags, Trues: r.trues, Total: r.total})
	}
	for _, id := range sortedKeys(w, w.gauges) {
		g, k := w.gauges[id], w.keyOf(id)
		s.Gauges = append(s.Gauges, GaugeSeries{Metric: k.metric, Tags: k.tags, Value: g.value, Max: g.max})
	}
	return s, nil
}

// WindowToLine renders a closed window.
func WindowToLine(w *Window) (WindowLine, error) {
	s, err := w.seriesSet()
	return WindowLine{Type: "window", Index: w.Index, StartMs: ms(w.Start), EndMs: ms(w.End), seriesSet: s}, err
}

// LineWriter writes one JSON object per line; each line goes out in a single write and window lines
// are synced, so a killed k6 leaves every finished line readable. With Capture set it also keeps the
// lines since the last TakeBatch, byte for byte, for the collector.
type LineWriter struct {
	mu      sync.Mutex
	w       io.Writer
	err     error
	Capture bool
	batch   []byte
}

// TakeBatch returns the lines written since the last call and starts a new batch.
func (lw *LineWriter) TakeBatch() []byte {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	b := lw.batch
	lw.batch = nil
	return b
}

type syncer interface{ Sync() error }

// Write marshals v and writes it as one line.
func (lw *LineWriter) Write(v any, sync bool) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.Capture {
		lw.batch = append(lw.batch, b...)
	}
	if lw.err != nil {
		return lw.err
	}
	if _, err := lw.w.Write(b); err != nil {
		lw.err = err
		return err
	}
	if s, ok := lw.w.(syncer); ok && sync {
		_ = s.Sync()
	}
	return nil
}
