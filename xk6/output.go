package perf

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/lib/fsext"
	"go.k6.io/k6/v2/metrics"
	"go.k6.io/k6/v2/output"
)

// ExtensionVersion is reported in the artifact header and in `k6 version`.
const ExtensionVersion = "0.1.0"

// maxCachedTimeSeries bounds the k6 time series → series id cache.
const maxCachedTimeSeries = 100_000

// pushCloseTimeout bounds how long Stop waits for the collector to take the last batches.
const pushCloseTimeout = 5 * time.Second

// closeGrace is how long after its end a window stays open for samples that are still in flight.
const closeGrace = 2 * time.Second

// Output is the `perf` k6 output: HDR-histogram windows written as perf.k6-windows/v1 NDJSON.
type Output struct {
	output.SampleBuffer

	cfg     Config
	logger  logrus.FieldLogger
	slos    []SLO
	rawSLOs []byte
	testDur time.Duration
	scale   *ScaleOut // nil for a single-runner run
	pusher  *Pusher   // nil without push=

	fs      fsext.Fs // k6's file system (params.FS): the OS in a run, a memory FS in tests
	file    io.WriteCloser
	lines   *LineWriter
	flusher *output.PeriodicFlusher

	mu       sync.Mutex // guards everything below (flusher vs Stop)
	agg      *Aggregator
	ids      map[metrics.TimeSeries]int // k6 time series → our series id (tags resolved once)
	guard    *Guard
	start    time.Time
	aborted  *Aborted
	stopFn   func(error)
	stopOnce sync.Once
	stopped  bool
	writeErr error
	now      func() time.Time
}

var (
	_ output.WithTestRunStop       = &Output{}
	_ output.WithStopWithTestError = &Output{}
)

// New is the output constructor registered as `perf`: k6 calls it once, before the test starts,
// with the `--out perf=ARG` argument, the environment and the file system every file goes through.
func New(p output.Params) (output.Output, error) {
	cfg, err := ParseConfig(p.ConfigArgument, p.Environment)
	if err != nil {
		return nil, err
	}
	fs := p.FS
	if fs == nil {
		fs = fsext.NewOsFs()
	}
	slos, raw, warnings, err := LoadSLOs(fs, cfg.SLOsPath)
	if err != nil {
		return nil, err
	}
	logger := p.Logger.WithField("output", "perf")
	for _, w := range warnings {
		logger.Warn(w)
	}
	if cfg.Guard && len(slos) == 0 {
		return nil, errors.New("perf output: guard=on needs SLOs it can watch (fix: add slos=<file.json> or K6_PERF_SLOS " +
			"with an availability/error-rate SLO or a latency SLO with thresholdMs)")
	}
	dur := cfg.Duration
	if dur == 0 && len(p.ExecutionPlan) > 0 {
		dur, _ = lib.GetEndOffset(p.ExecutionPlan)
	}
	o := &Output{cfg: cfg, fs: fs, logger: logger, slos: slos, rawSLOs: raw, testDur: dur, now: time.Now}
	o.scale = scaleOutOf(cfg, p.ScriptOptions)
	if cfg.Push != "" {
		o.pusher = NewPusher(cfg.Push, o.scale.RunID, o.scale.Runner, logger, o.collectorStop)
	}
	return o, nil
}

// scaleOutOf is the runner's scale-out header: present when the run has an id, a push URL or an
// execution segment; the segment and its sequence come from k6's own options (the segment= option only
// when k6 has none), the runner name defaults to the host name (a pod's name on Kubernetes).
func scaleOutOf(cfg Config, opts lib.Options) *ScaleOut {
	var seg, seq *string
	if es := opts.ExecutionSegment; es != nil {
		v := es.String()
		seg = &v
	} else if cfg.Segment != "" {
		seg = &cfg.Segment
	}
	if ess := opts.ExecutionSegmentSequence; ess != nil && len(*ess) > 0 {
		v := ess.String()
		seq = &v
	}
	if cfg.RunID == "" && cfg.Push == "" && seg == nil {
		return nil
	}
	runner := cfg.Runner
	if runner == "" {
		runner, _ = os.Hostname()
	}
	if runner == "" {
		runner = "runner"
	}
	return &ScaleOut{RunID: cfg.RunID, Runner: runner, Segment: seg, SegmentSequence: seq, AlignedWindows: true}
}

// Description is called by k6 before the test starts, for the `output:` line of `k6 run`.
func (o *Output) Description() string {
	d := fmt.Sprintf("perf v%s (%s, %s windows", ExtensionVersion, o.cfg.File, o.cfg.Window)
	if o.cfg.Guard && len(o.slos) > 0 {
		long, short := GuardWindows(o.testDur)
		d += fmt.Sprintf(", SLO guard on %d SLO(s): %s/%s windows at %.1fx", len(o.slos), long, short, o.cfg.Factor)
	}
	if o.scale != nil {
		d += fmt.Sprintf(", run %q runner %q", o.scale.RunID, o.scale.Runner)
		if o.scale.Segment != nil {
			d += " segment " + *o.scale.Segment
		}
	}
	if o.pusher != nil {
		d += ", push to " + redactURL(o.cfg.Push)
	}
	return d + ")"
}

func k6Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "go.k6.io/k6/v2" || d.Path == "go.k6.io/k6" {
				return d.Version
			}
		}
	}
	return "unknown"
}

// Start is called by k6 once, before the first sample: it opens the artifact, writes the header
// and starts the periodic flusher.
func (o *Output) Start() error {
	if dir := filepath.Dir(o.cfg.File); dir != "" {
		if err := o.fs.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("perf output: cannot create %s: %w", dir, err)
		}
	}
	f, err := o.fs.Create(o.cfg.File)
	if err != nil {
		return fmt.Errorf("perf output: cannot create %s: %w", o.cfg.File, err)
	}
	o.file = f
	o.lines = &LineWriter{w: f, Capture: o.pusher != nil}
	o.start = o.now()
	if o.scale != nil {
		o.agg = NewAlignedAggregator(o.start, o.cfg.Window, o.cfg.MaxNames)
	} else {
		o.agg = NewAggregator(o.start, o.cfg.Window, o.cfg.MaxNames)
	}
	o.ids = map[metrics.TimeSeries]int{}
	var gi *GuardInfo
	if len(o.slos) > 0 || o.cfg.SLOsPath != "" {
		long, short := GuardWindows(o.testDur)
		gi = &GuardInfo{Enabled: o.cfg.Guard, LongWindowMs: long.Milliseconds(), ShortWindowMs: short.Milliseconds(), Factor: o.cfg.Factor}
		if o.cfg.Guard && len(o.slos) > 0 {
			o.guard = NewGuard(o.slos, o.start, long, short, o.cfg.Factor, o.cfg.MinEvents)
		}
	}
	hdr := HeaderLine{
		Schema: Schema, Type: "header", StartMs: ms(o.start), WindowMs: o.cfg.Window.Milliseconds(),
		K6Version: k6Version(), ExtensionVersion: ExtensionVersion, SLOs: o.rawSLOs, Guard: gi, ScaleOut: o.scale,
	}
	if err := o.lines.Write(hdr, true); err != nil {
		return fmt.Errorf("perf output: writing %s: %w", o.cfg.File, err)
	}
	if o.pusher != nil {
		o.pusher.Start()
		o.pushLines()
	}
	o.flusher, err = output.NewPeriodicFlusher(o.cfg.FlushPeriod, o.flush)
	return err
}

// SetTestRunStopCallback is called by k6 before Start with the function the guard calls to stop the test.
func (o *Output) SetTestRunStopCallback(fn func(error)) {
	o.mu.Lock()
	o.stopFn = fn
	o.mu.Unlock()
}

func kindOf(t metrics.MetricType) MetricKind {
	switch t {
	case metrics.Counter:
		return KindCounter
	case metrics.Gauge:
		return KindGauge
	case metrics.Rate:
		return KindRate
	default:
		return KindTrend
	}
}

// PointFromSample keeps only the tags series are keyed by.
func PointFromSample(s metrics.Sample) Point {
	p := Point{Metric: s.Metric.Name, Kind: kindOf(s.Metric.Type), Time: s.Time, Value: s.Value}
	if tags := s.Tags; tags != nil {
		p.Tags = TagsOf(p.Metric, tags.Get)
	}
	return p
}

// requestOf folds one sample of a k6 HTTP request container (http_req_duration, http_req_failed, …)
// into the request the guard judges; samples of other metrics leave it untouched.
func requestOf(r *Request, metric string, tags SeriesTags, at time.Time, value float64) {
	switch metric {
	case "http_req_duration":
		r.DurationMs, r.HasDuration = value, true
	case "http_req_failed":
		r.Failed = value != 0
	default:
		return
	}
	r.Time, r.Journey = at, tags.Journey
}

// flush runs on the periodic flusher (every flushPeriod, never on k6's sample path): aggregate what the hot path buffered, close finished windows,
// evaluate the guard.
func (o *Output) flush() {
	containers := o.GetBufferedSamples()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped {
		return
	}
	for _, c := range containers {
		var req Request
		for _, s := range c.GetSamples() {
			id, ok := o.ids[s.TimeSeries]
			if !ok {
				p := PointFromSample(s)
				id = o.agg.Intern(p.Metric, p.Kind, p.Tags)
				if len(o.ids) >= maxCachedTimeSeries { // e.g. a unique url tag per request
					clear(o.ids)
				}
				o.ids[s.TimeSeries] = id
			}
			o.agg.AddSample(id, s.Time, s.Value)
			if o.guard != nil {
				metric, tags := o.agg.Key(id)
				requestOf(&req, metric, tags, s.Time, s.Value)
			}
		}
		if o.guard != nil && !req.Time.IsZero() {
			o.guard.ObserveRequest(req)
		}
	}
	now := o.now()
	o.writeWindows(o.agg.CloseUntil(now.Add(-closeGrace)))
	if o.guard != nil && o.aborted == nil {
		if trip := o.guard.Check(now); trip != nil {
			o.abort(trip)
		}
	}
	o.pushLines()
}

// pushLines hands the lines written since the last batch to the pusher (never blocks).
func (o *Output) pushLines() {
	if o.pusher != nil {
		o.pusher.Send(o.lines.TakeBatch())
	}
}

// stopTest calls k6's test-run stop callback once, on its own goroutine (k6 may call back into the output).
func (o *Output) stopTest(err error) {
	o.stopOnce.Do(func() {
		if o.stopFn != nil {
			go o.stopFn(err)
		}
	})
}

// collectorStop runs (on the pusher's goroutine) when the collector's reply asks this runner to stop:
// the global verdict ends every runner; the summary records it as the run's abort.
func (o *Output) collectorStop(reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped {
		return
	}
	if o.aborted == nil {
		o.aborted = &Aborted{Reason: "collector: " + reason, AtMs: ms(o.now())}
	}
	o.logger.Error("perf output: the collector asked to stop the test: " + reason)
	o.stopTest(sloStopError("perf collector asked to stop the test: %s", reason))
}

func (o *Output) writeWindows(ws []*Window) {
	for _, w := range ws {
		line, err := WindowToLine(w)
		if err == nil {
			err = o.lines.Write(line, true)
		}
		if err != nil && o.writeErr == nil {
			o.writeErr = err
			o.logger.WithError(err).Error("perf output: cannot write a window; later windows are lost")
		}
	}
}

func (o *Output) abort(t *Trip) {
	o.aborted = &Aborted{Reason: t.Reason, AtMs: ms(t.At)}
	_ = o.lines.Write(AbortLine{
		Type: "abort", AtMs: ms(t.At), SLO: t.SLO, Reason: t.Reason,
		LongBurnRate: t.LongBurnRate, ShortBurnRate: t.ShortBurn,
	}, true)
	o.logger.Error("perf SLO guard: stopping the test: " + t.Reason)
	o.stopTest(sloStopError("perf SLO guard: %s", t.Reason))
}

// Stop is called by k6 once after the test when no test error is passed: it flushes everything,
// closes the last (partial) window and writes the summary line.
func (o *Output) Stop() error { return o.StopWithTestError(nil) }

// StopWithTestError is called by k6 instead of Stop (it implements output.WithStopWithTestError),
// also when the test ended with an error; k6 has stopped calling AddMetricSamples by then.
func (o *Output) StopWithTestError(_ error) error {
	if o.flusher != nil {
		o.flusher.Stop()
	}
	err := o.finish()
	o.mu.Lock()
	p := o.pusher
	o.pusher = nil
	o.mu.Unlock()
	if p != nil {
		o.reportPush(p.Close(pushCloseTimeout))
	}
	return err
}

func (o *Output) reportPush(st PushStats) {
	msg := fmt.Sprintf("perf output: pushed %d batch(es) to %s", st.Sent, redactURL(o.cfg.Push))
	if st.Dropped == 0 && st.Unsent == 0 && st.GaveUp == "" {
		o.logger.Info(msg)
		return
	}
	msg += fmt.Sprintf("; %d dropped (buffer full), %d not sent; the local file %s has every window", st.Dropped, st.Unsent, o.cfg.File)
	o.logger.Warn(msg)
}

// finish closes the last windows, writes the summary and closes the file; once.
func (o *Output) finish() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped || o.file == nil {
		return nil
	}
	o.stopped = true
	end := o.now()
	o.writeWindows(o.agg.CloseAll(end))
	s, err := o.agg.Totals().seriesSet()
	if err == nil {
		err = o.lines.Write(SummaryLine{
			Type: "summary", StartMs: ms(o.start), EndMs: ms(end), Windows: o.agg.next,
			seriesSet: s, Aborted: o.aborted,
			LateSamples: o.agg.Late, ClampedSamples: o.agg.Clamped, FoldedNames: o.agg.Folded,
		}, true)
	}
	o.pushLines()
	if cerr := o.file.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = o.writeErr
	}
	if err != nil {
		return fmt.Errorf("perf output: %s: %w", o.cfg.File, err)
	}
	return nil
}
