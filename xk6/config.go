package perf

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.k6.io/k6/v2/lib/fsext"
)

// Config of the `perf` output. Set through the --out argument
// (`perf=<file>` or `perf=file=<f>,window=10s,slos=<json>,guard=on,...`) or the K6_PERF_* environment
// variables; the --out argument wins.
type Config struct {
	File        string
	Window      time.Duration
	SLOsPath    string
	Guard       bool
	Duration    time.Duration // expected test duration; 0 = take it from the execution plan
	Factor      float64       // fast-burn factor (SRE workbook: 14.4)
	MaxNames    int           // distinct `name` tag values kept per run; the rest fold into "other"
	MinEvents   int           // events the short window needs before the guard may fire
	FlushPeriod time.Duration // how often buffered samples are aggregated
	// Scale-out (one test over several k6 runners): the run id all runners share, this runner's name
	// (default: the host name, a pod's name on Kubernetes), its execution segment when k6 has none,
	// and the collector URL closed windows are pushed to (perf.k6-push/v1, see push.go).
	RunID   string
	Runner  string
	Segment string
	Push    string
}

// DefaultConfig is the configuration with nothing set.
func DefaultConfig() Config {
	return Config{
		File:        "perf-k6-windows.ndjson",
		Window:      10 * time.Second,
		Factor:      14.4,
		MaxNames:    100,
		MinEvents:   20,
		FlushPeriod: time.Second,
	}
}

var envKeys = map[string]string{
	"K6_PERF_FILE":       "file",
	"K6_PERF_WINDOW":     "window",
	"K6_PERF_SLOS":       "slos",
	"K6_PERF_GUARD":      "guard",
	"K6_PERF_DURATION":   "duration",
	"K6_PERF_FACTOR":     "factor",
	"K6_PERF_MAX_NAMES":  "maxNames",
	"K6_PERF_MIN_EVENTS": "minEvents",
	"K6_PERF_RUN":        "run",
	"K6_PERF_RUNNER":     "runner",
	"K6_PERF_PUSH":       "push",
}

// ParseConfig reads the environment, then the --out argument.
func ParseConfig(arg string, env map[string]string) (Config, error) {
	c := DefaultConfig()
	for envKey, key := range envKeys {
		if v, ok := env[envKey]; ok && v != "" {
			if err := c.set(key, v); err != nil {
				return c, fmt.Errorf("%s: %w", envKey, err)
			}
		}
	}
	arg = strings.TrimSpace(arg)
	if arg != "" {
		if !strings.Contains(arg, "=") {
			c.File = arg
		} else {
			for _, part := range strings.Split(arg, ",") {
				k, v, ok := strings.Cut(part, "=")
				if !ok {
					return c, fmt.Errorf("perf output option %q is not key=value (fix: e.g. --out perf=file=out.ndjson,window=10s)", part)
				}
				if err := c.set(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
					return c, err
				}
			}
		}
	}
	if c.File == "" {
		return c, fmt.Errorf("perf output needs a file (fix: --out perf=<file>)")
	}
	if c.Push != "" && c.RunID == "" {
		return c, fmt.Errorf("perf output option push=%s needs a run id the collector files the windows under (fix: add run=<id>)", redactURL(c.Push))
	}
	return c, nil
}

func (c *Config) set(key, v string) error {
	var err error
	switch key {
	case "file":
		c.File = v
	case "window":
		c.Window, err = time.ParseDuration(v)
		if err == nil && c.Window < 100*time.Millisecond {
			err = fmt.Errorf("must be at least 100ms")
		}
	case "slos":
		c.SLOsPath = v
	case "guard":
		switch strings.ToLower(v) {
		case "on", "true", "1", "yes":
			c.Guard = true
		case "off", "false", "0", "no", "":
			c.Guard = false
		default:
			err = fmt.Errorf("want on or off")
		}
	case "duration":
		c.Duration, err = time.ParseDuration(v)
	case "factor":
		c.Factor, err = strconv.ParseFloat(v, 64)
		if err == nil && c.Factor <= 1 {
			err = fmt.Errorf("must be greater than 1")
		}
	case "maxNames":
		c.MaxNames, err = strconv.Atoi(v)
		if err == nil && c.MaxNames < 1 {
			err = fmt.Errorf("must be at least 1")
		}
	case "minEvents":
		c.MinEvents, err = strconv.Atoi(v)
	case "flush":
		c.FlushPeriod, err = time.ParseDuration(v)
		if err == nil && c.FlushPeriod <= 0 {
			err = fmt.Errorf("must be positive")
		}
	case "run":
		c.RunID, err = name(v)
	case "runner":
		c.Runner, err = name(v)
	case "segment":
		c.Segment = v
	case "push":
		c.Push, err = pushURL(v)
	default:
		return fmt.Errorf("unknown perf output option %q (known: file, window, slos, guard, duration, factor, maxNames, minEvents, flush, run, runner, segment, push)", key)
	}
	if err != nil {
		if key == "push" {
			v = redactURL(v)
		}
		return fmt.Errorf("perf output option %s=%q: %w", key, v, err)
	}
	return nil
}

// name checks a run id or runner name: it travels in HTTP headers and file names.
func name(v string) (string, error) {
	if v == "" || len(v) > 128 || strings.IndexFunc(v, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) >= 0 {
		return "", fmt.Errorf("want 1-128 characters of A-Z a-z 0-9 . _ -")
	}
	return v, nil
}

// pushURL checks the collector URL: http(s), with a host.
func pushURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("want an http:// or https:// URL with a host, e.g. push=http://127.0.0.1:4318/push")
	}
	return v, nil
}

// redactURL is a URL fit for logs: no user info, no query.
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// SLO is the `Slo` shape of the perf CLI config (core/config/types.ts).
type SLO struct {
	Name        string  `json:"name"`
	SLI         string  `json:"sli"` // latency | availability | error-rate
	Journey     string  `json:"journey,omitempty"`
	Objective   float64 `json:"objective"` // percent of good events
	Window      string  `json:"window,omitempty"`
	WindowMs    float64 `json:"windowMs,omitempty"`
	Percentile  string  `json:"percentile,omitempty"`
	ThresholdMs float64 `json:"thresholdMs,omitempty"`
}

// LoadSLOs reads (through k6's file system) a JSON array of SLOs (or {"slos": [...]}) and validates what the guard needs. It
// returns the SLOs the guard can watch, all of them as JSON (for the header) and warnings about the
// ones it cannot (a latency SLO without thresholdMs: a percentile alone has no per-request verdict).
func LoadSLOs(fs fsext.Fs, path string) ([]SLO, json.RawMessage, []string, error) {
	if path == "" {
		return nil, json.RawMessage("[]"), nil, nil
	}
	raw, err := fsext.ReadFile(fs, path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("cannot read SLO file %s: %w", path, err)
	}
	var slos []SLO
	if err := json.Unmarshal(raw, &slos); err != nil {
		var wrapped struct {
			SLOs []SLO `json:"slos"`
		}
		if err2 := json.Unmarshal(raw, &wrapped); err2 != nil || wrapped.SLOs == nil {
			return nil, nil, nil, fmt.Errorf("SLO file %s is not a JSON array of SLOs: %w", path, err)
		}
		slos = wrapped.SLOs
	}
	var usable []SLO
	var warnings []string
	for i, s := range slos {
		where := fmt.Sprintf("SLO file %s, entry %d (%q)", path, i, s.Name)
		if s.Objective <= 0 || s.Objective >= 100 {
			return nil, nil, nil, fmt.Errorf("%s: objective must be a percent between 0 and 100, got %v", where, s.Objective)
		}
		switch s.SLI {
		case "latency":
			if s.ThresholdMs <= 0 {
				warnings = append(warnings, where+": a latency SLO without thresholdMs is not watched by the live guard")
				continue
			}
		case "availability", "error-rate":
		default:
			return nil, nil, nil, fmt.Errorf("%s: unknown sli %q (want latency, availability or error-rate)", where, s.SLI)
		}
		usable = append(usable, s)
	}
	out, _ := json.Marshal(slos)
	return usable, out, warnings, nil
}
