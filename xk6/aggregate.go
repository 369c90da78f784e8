package perf

import (
	"math"
	"sort"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram parameters shared with the TypeScript side (analyzers/histogram.ts): values are
// round(sample × 1000) (µs for time Trends), lowest discernible value 1, 3 significant digits.
const (
	histLowest  int64 = 1
	histHighest int64 = 3_600_000_000 // 1 h in µs; larger values are clamped (and counted in `clamped`)
	histDigits        = 3
	otherName         = "other"
)

// MetricKind mirrors k6's metric types without importing k6 (keeps the aggregator testable alone).
type MetricKind int

// Metric kinds.
const (
	KindCounter MetricKind = iota
	KindGauge
	KindRate
	KindTrend
)

// Point is one sample as the aggregator sees it.
type Point struct {
	Metric string
	Kind   MetricKind
	Time   time.Time
	Value  float64
	Tags   SeriesTags
}

// SeriesTags are the tags a series is keyed by (perf.k6-windows/v1 `SeriesTags`).
type SeriesTags struct {
	Journey  string `json:"journey,omitempty"`
	Name     string `json:"name,omitempty"`
	Scenario string `json:"scenario,omitempty"`
	Status   string `json:"status,omitempty"`
	Check    string `json:"check,omitempty"`
}

type seriesKey struct {
	metric string
	tags   SeriesTags
}

type seriesInfo struct {
	key  seriesKey
	kind MetricKind
}

// StatusClass maps k6's `status` tag to its class: three digits "NNN" → "Nxx"; anything else that is
// present ("0" for a network error, or an odd value) → "0xx", a request without a usable HTTP status.
// The TypeScript readers follow the same rule (analyzers/parsers/k6-series.ts, test/fixtures/k6/merge-vectors.json).
func StatusClass(status string) string {
	if status == "" {
		return ""
	}
	if len(status) == 3 && isDigit(status[0]) && isDigit(status[1]) && isDigit(status[2]) {
		return status[:1] + "xx"
	}
	return "0xx"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// TagsOf picks the tags a series is keyed by out of a sample's tags (`get` looks one up): the status
// as its class, the check name only for the `checks` rate.
func TagsOf(metric string, get func(key string) (string, bool)) SeriesTags {
	var t SeriesTags
	t.Journey, _ = get("journey")
	t.Name, _ = get("name")
	t.Scenario, _ = get("scenario")
	status, _ := get("status")
	t.Status = StatusClass(status)
	if metric == "checks" {
		t.Check, _ = get("check")
	}
	return t
}

type trendAgg struct {
	h             *hdrhistogram.Histogram
	count         int64
	min, max, sum float64
}

func newTrendAgg() *trendAgg {
	return &trendAgg{h: hdrhistogram.New(histLowest, histHighest, histDigits), min: math.Inf(1), max: math.Inf(-1)}
}

// histValue converts a sample to the integer the histogram records, clamped into its range.
func histValue(v float64) (int64, bool) {
	r := math.Round(v * 1000)
	switch {
	case r < 0 || math.IsNaN(r):
		return 0, true
	case r > float64(histHighest):
		return histHighest, true
	}
	return int64(r), false
}

func (t *trendAgg) add(v float64) bool {
	iv, clamped := histValue(v)
	_ = t.h.RecordValue(iv) // cannot fail: iv is in range
	t.count++
	t.sum += v
	if v < t.min {
		t.min = v
	}
	if v > t.max {
		t.max = v
	}
	return clamped
}

func (t *trendAgg) merge(o *trendAgg) {
	t.h.Merge(o.h)
	t.count += o.count
	t.sum += o.sum
	t.min = math.Min(t.min, o.min)
	t.max = math.Max(t.max, o.max)
}

type rateAgg struct{ trues, total int64 }

// gaugeAgg is a gauge in a window: the value of its latest-timestamped sample (not of the last to
// arrive: k6 flushes samples slightly out of order) and the max of all.
type gaugeAgg struct {
	value, max float64
	last       time.Time
}

// Window holds the aggregates of one time window (or of the whole run, for the totals).
type Window struct {
	Index    int64
	Start    time.Time
	End      time.Time
	series   *[]seriesInfo // the aggregator's interned series, indexed by id
	trends   map[int]*trendAgg
	counters map[int]float64
	rates    map[int]*rateAgg
	gauges   map[int]*gaugeAgg
}

func newWindow(index int64, start, end time.Time, series *[]seriesInfo) *Window {
	return &Window{
		Index: index, Start: start, End: end, series: series,
		trends:   map[int]*trendAgg{},
		counters: map[int]float64{},
		rates:    map[int]*rateAgg{},
		gauges:   map[int]*gaugeAgg{},
	}
}

// keyOf is the metric and tags of a series id.
func (w *Window) keyOf(id int) seriesKey { return (*w.series)[id].key }

// add returns true when the value had to be clamped into the histogram range.
func (w *Window) add(k int, kind MetricKind, at time.Time, value float64) bool {
	switch kind {
	case KindTrend:
		t := w.trends[k]
		if t == nil {
			t = newTrendAgg()
			w.trends[k] = t
		}
		return t.add(value)
	case KindCounter:
		w.counters[k] += value
	case KindRate:
		r := w.rates[k]
		if r == nil {
			r = &rateAgg{}
			w.rates[k] = r
		}
		r.total++
		if value != 0 {
			r.trues++
		}
	case KindGauge:
		g := w.gauges[k]
		if g == nil {
			g = &gaugeAgg{value: value, max: value, last: at}
			w.gauges[k] = g
			return false
		}
		if !at.Before(g.last) {
			g.value, g.last = value, at
		}
		g.max = math.Max(g.max, value)
	}
	return false
}

func (w *Window) merge(o *Window) {
	for k, t := range o.trends {
		if cur := w.trends[k]; cur != nil {
			cur.merge(t)
		} else {
			n := newTrendAgg()
			n.merge(t)
			w.trends[k] = n
		}
	}
	for k, v := range o.counters {
		w.counters[k] += v
	}
	for k, r := range o.rates {
		cur := w.rates[k]
		if cur == nil {
			cur = &rateAgg{}
			w.rates[k] = cur
		}
		cur.trues += r.trues
		cur.total += r.total
	}
	for k, g := range o.gauges {
		cur := w.gauges[k]
		if cur == nil {
			w.gauges[k] = &gaugeAgg{value: g.value, max: g.max, last: g.last}
			continue
		}
		if !g.last.Before(cur.last) {
			cur.value, cur.last = g.value, g.last
		}
		cur.max = math.Max(cur.max, g.max)
	}
}

// Aggregator buckets points into fixed windows relative to the start time (or, aligned, to multiples
// of the window since the Unix epoch). Only the open windows and the run totals are held in memory:
// bounded by series × open windows, never by sample count.
type Aggregator struct {
	start    time.Time
	origin   time.Time // window i spans [origin + i·window, origin + (i+1)·window), window 0 cut to start
	window   time.Duration
	maxNames int
	names    map[string]struct{}
	folded   map[string]struct{}
	ids      map[seriesKey]int
	series   []seriesInfo
	open     map[int64]*Window
	next     int64 // index of the oldest window not closed yet
	totals   *Window
	Late     int64 // samples whose window had closed: counted in the oldest open window (the contract's rule)
	Clamped  int64 // trend samples outside the histogram range
	Folded   int64 // distinct `name` tag values folded into "other"
}

// NewAggregator starts windows at `start`.
func NewAggregator(start time.Time, window time.Duration, maxNames int) *Aggregator {
	return newAggregator(start, start, window, maxNames)
}

// NewAlignedAggregator puts window boundaries at multiples of `window` since the Unix epoch, so the
// windows of runners that started at different moments line up exactly; the first window starts at
// `start` and may be short (perf.k6-windows/v1 `alignedWindows`).
func NewAlignedAggregator(start time.Time, window time.Duration, maxNames int) *Aggregator {
	ns := start.UnixNano()
	return newAggregator(start, time.Unix(0, ns-ns%window.Nanoseconds()).In(start.Location()), window, maxNames)
}

func newAggregator(start, origin time.Time, window time.Duration, maxNames int) *Aggregator {
	a := &Aggregator{
		start: start, origin: origin, window: window, maxNames: maxNames,
		names:  map[string]struct{}{},
		folded: map[string]struct{}{},
		ids:    map[seriesKey]int{},
		open:   map[int64]*Window{},
	}
	a.totals = newWindow(-1, start, start, &a.series)
	return a
}

// boundary is where window idx starts (and window idx-1 ends).
func (a *Aggregator) boundary(idx int64) time.Time {
	if idx <= 0 {
		return a.start
	}
	return a.origin.Add(time.Duration(idx) * a.window)
}

func (a *Aggregator) windowAt(idx int64) *Window {
	w := a.open[idx]
	if w == nil {
		w = newWindow(idx, a.boundary(idx), a.boundary(idx+1), &a.series)
		a.open[idx] = w
	}
	return w
}

// Intern returns the id of a series, folding `name` values beyond the cap into "other". Ids are
// stable for the run, so callers may cache them (the output caches them per k6 time series).
func (a *Aggregator) Intern(metric string, kind MetricKind, tags SeriesTags) int {
	if tags.Name != "" {
		if _, ok := a.names[tags.Name]; !ok {
			if len(a.names) < a.maxNames {
				a.names[tags.Name] = struct{}{}
			} else {
				if _, seen := a.folded[tags.Name]; !seen {
					a.folded[tags.Name] = struct{}{}
					a.Folded++
				}
				tags.Name = otherName
			}
		}
	}
	k := seriesKey{metric, tags}
	id, ok := a.ids[k]
	if !ok {
		id = len(a.series)
		a.series = append(a.series, seriesInfo{key: k, kind: kind})
		a.ids[k] = id
	}
	return id
}

// Key is the metric and tags of an interned series.
func (a *Aggregator) Key(id int) (string, SeriesTags) {
	k := a.series[id].key
	return k.metric, k.tags
}

// Add aggregates one point.
func (a *Aggregator) Add(p Point) {
	a.AddSample(a.Intern(p.Metric, p.Kind, p.Tags), p.Time, p.Value)
}

// AddSample aggregates one sample of an interned series.
func (a *Aggregator) AddSample(id int, at time.Time, value float64) {
	idx := int64(0)
	if d := at.Sub(a.origin); d > 0 {
		idx = int64(d / a.window)
	}
	if idx < a.next {
		idx = a.next
		a.Late++
	}
	if a.windowAt(idx).add(id, a.series[id].kind, at, value) {
		a.Clamped++
	}
}

// CloseUntil closes, in order, every window that ended at or before `t` (including empty ones, so
// windows are contiguous) and returns them. Their aggregates are merged into the totals.
func (a *Aggregator) CloseUntil(t time.Time) []*Window {
	var out []*Window
	for {
		end := a.boundary(a.next + 1)
		if end.After(t) {
			return out
		}
		out = append(out, a.closeNext(end))
	}
}

func (a *Aggregator) closeNext(end time.Time) *Window {
	w := a.windowAt(a.next)
	delete(a.open, a.next)
	w.End = end
	a.next++
	a.totals.merge(w)
	a.totals.End = end
	return w
}

// CloseAll closes every remaining window at the end of the run: the last one ends at `stop` (a
// partial window) unless it is already complete.
func (a *Aggregator) CloseAll(stop time.Time) []*Window {
	out := a.CloseUntil(stop)
	var last int64 = -1
	for idx := range a.open {
		if idx > last {
			last = idx
		}
	}
	// The window `stop` falls into, if it has started, plus any that hold (clock-skewed) samples.
	if stop.After(a.boundary(a.next)) && a.next > last {
		last = a.next
	}
	for a.next <= last {
		end := a.boundary(a.next + 1)
		if stop.Before(end) && a.next == last {
			end = stop
		}
		out = append(out, a.closeNext(end))
	}
	return out
}

// Totals are the whole-run aggregates of the closed windows.
func (a *Aggregator) Totals() *Window { return a.totals }

// OpenWindows is the number of windows currently held in memory.
func (a *Aggregator) OpenWindows() int { return len(a.open) }

func sortedKeys[V any](w *Window, m map[int]V) []int {
	ids := make([]int, 0, len(m))
	for k := range m {
		ids = append(ids, k)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := w.keyOf(ids[i]), w.keyOf(ids[j])
		if a.metric != b.metric {
			return a.metric < b.metric
		}
		if a.tags.Journey != b.tags.Journey {
			return a.tags.Journey < b.tags.Journey
		}
		if a.tags.Name != b.tags.Name {
			return a.tags.Name < b.tags.Name
		}
		if a.tags.Scenario != b.tags.Scenario {
			return a.tags.Scenario < b.tags.Scenario
		}
		if a.tags.Status != b.tags.Status {
			return a.tags.Status < b.tags.Status
		}
		return a.tags.Check < b.tags.Check
	})
	return ids
}
