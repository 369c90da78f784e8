package perf

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/grafana/sobek"

	"go.k6.io/k6/v2/js/common"
	"go.k6.io/k6/v2/js/modules"
	"go.k6.io/k6/v2/metrics"
)

// RootModule is the `k6/x/perf` JS module.
type RootModule struct {
	mu      sync.Mutex
	metrics map[string]*metrics.Metric
}

// ModuleInstance is the module as one VU sees it.
type ModuleInstance struct {
	root     *RootModule
	vu       modules.VU
	registry *metrics.Registry
}

var (
	_ modules.Module   = &RootModule{}
	_ modules.Instance = &ModuleInstance{}
)

// NewModuleInstance is called per VU, in the init context.
func (r *RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	mi := &ModuleInstance{root: r, vu: vu}
	if env := vu.InitEnv(); env != nil {
		mi.registry = env.Registry
	}
	return mi
}

// Exports of `k6/x/perf`.
func (mi *ModuleInstance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{
		"journey":           mi.Journey,
		"serverTiming":      mi.ServerTiming,
		"parseServerTiming": mi.ParseServerTiming,
		"version":           ExtensionVersion,
	}}
}

// Journey runs fn with the tag journey=<name> on every metric emitted inside it (requests, checks,
// custom metrics), restoring the previous value afterwards. Returns fn's return value.
func (mi *ModuleInstance) Journey(name string, val sobek.Value) (sobek.Value, error) {
	state := mi.vu.State()
	if state == nil {
		return nil, errors.New("perf.journey() cannot be used in the init context; call it from the default function")
	}
	if name == "" {
		return nil, errors.New("perf.journey() needs a non-empty journey name")
	}
	fn, ok := sobek.AssertFunction(val)
	if common.IsNullish(val) || !ok {
		return nil, errors.New("perf.journey() requires a callback as its second argument")
	}
	if common.IsAsyncFunction(mi.vu.Runtime(), val) {
		return nil, errors.New("perf.journey() does not support async functions (the tag would be restored " +
			"before the awaited requests run); tag those requests with {tags: {journey: name}} instead")
	}
	old, hadOld := state.Tags.GetCurrentValues().Tags.Get("journey")
	state.Tags.Modify(func(tm *metrics.TagsAndMeta) { tm.SetTag("journey", name) })
	defer state.Tags.Modify(func(tm *metrics.TagsAndMeta) {
		if hadOld {
			tm.SetTag("journey", old)
		} else {
			tm.DeleteTag("journey")
		}
	})
	return fn(sobek.Undefined())
}

func (r *RootModule) metric(reg *metrics.Registry, name string) (*metrics.Metric, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m := r.metrics[name]; m != nil {
		return m, nil
	}
	m, err := reg.NewMetric(name, metrics.Trend, metrics.Time)
	if err != nil {
		return nil, err
	}
	if r.metrics == nil {
		r.metrics = map[string]*metrics.Metric{}
	}
	r.metrics[name] = m
	return m, nil
}

// headerValues finds the Server-Timing header(s) in a k6 response object (any case).
func headerValues(rt *sobek.Runtime, res sobek.Value) []string {
	if common.IsNullish(res) {
		return nil
	}
	h := res.ToObject(rt).Get("headers")
	if common.IsNullish(h) {
		return nil
	}
	obj := h.ToObject(rt)
	var out []string
	for _, k := range obj.Keys() {
		if strings.EqualFold(k, "server-timing") {
			v := obj.Get(k)
			if arr, ok := v.Export().([]any); ok {
				for _, a := range arr {
					if s, ok := a.(string); ok {
						out = append(out, s)
					}
				}
			} else {
				out = append(out, v.String())
			}
		}
	}
	return out
}

// ParseServerTiming returns {component: durationMs} of a response's Server-Timing header without
// recording anything.
func (mi *ModuleInstance) ParseServerTiming(res sobek.Value) map[string]float64 {
	out := map[string]float64{}
	for _, e := range ParseServerTiming(headerValues(mi.vu.Runtime(), res)...) {
		if e.HasDur {
			if _, seen := out[e.Name]; !seen {
				out[e.Name] = e.Dur
			}
		}
	}
	return out
}

// ServerTiming parses a response's Server-Timing header and records every component with a duration
// in the Trend metric server_timing_<component> (ms), tagged like the VU's other metrics (journey
// included). Returns {component: durationMs}.
func (mi *ModuleInstance) ServerTiming(res sobek.Value) (map[string]float64, error) {
	state := mi.vu.State()
	if state == nil {
		return nil, errors.New("perf.serverTiming() cannot be used in the init context")
	}
	if mi.registry == nil {
		return nil, errors.New("perf.serverTiming(): no metrics registry (import k6/x/perf at the top of the script)")
	}
	parsed := mi.ParseServerTiming(res)
	if len(parsed) == 0 {
		return parsed, nil
	}
	ctm := state.Tags.GetCurrentValues()
	now := time.Now()
	samples := make([]metrics.Sample, 0, len(parsed))
	for name, dur := range parsed {
		m, err := mi.root.metric(mi.registry, TimingMetricName(name))
		if err != nil {
			return nil, err
		}
		samples = append(samples, metrics.Sample{
			TimeSeries: metrics.TimeSeries{Metric: m, Tags: ctm.Tags},
			Time:       now, Value: dur, Metadata: ctm.Metadata,
		})
	}
	metrics.PushIfNotDone(mi.vu.Context(), state.Samples, metrics.Samples(samples))
	return parsed, nil
}
