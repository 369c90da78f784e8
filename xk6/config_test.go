package perf

import (
	"go.k6.io/k6/v2/lib/fsext"

	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	cases := []struct {
		name    string
		arg     string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		{"bare file", "out.ndjson", nil, func(c Config) bool { return c.File == "out.ndjson" && c.Window == 10*time.Second && !c.Guard }, ""},
		{"options", "file=a.ndjson,window=2s,guard=on,slos=s.json,duration=1m,factor=6", nil, func(c Config) bool {
			return c.File == "a.ndjson" && c.Window == 2*time.Second && c.Guard && c.SLOsPath == "s.json" && c.Duration == time.Minute && c.Factor == 6
		}, ""},
		{"environment", "", map[string]string{"K6_PERF_FILE": "e.ndjson", "K6_PERF_WINDOW": "5s"}, func(c Config) bool {
			return c.File == "e.ndjson" && c.Window == 5*time.Second
		}, ""},
		{"argument wins over environment", "x.ndjson", map[string]string{"K6_PERF_FILE": "e.ndjson"}, func(c Config) bool { return c.File == "x.ndjson" }, ""},
		{"unknown option", "file=a,colour=red", nil, nil, `unknown perf output option "colour"`},
		{"bad window", "file=a,window=fast", nil, nil, "window"},
		{"tiny window", "file=a,window=1ms", nil, nil, "at least 100ms"},
		{"bad guard", "file=a,guard=maybe", nil, nil, "want on or off"},
		{"scale-out", "file=a,run=soak-7,runner=r1,push=http://127.0.0.1:4318/push", nil, func(c Config) bool {
			return c.RunID == "soak-7" && c.Runner == "r1" && c.Push == "http://127.0.0.1:4318/push"
		}, ""},
		{"scale-out from the environment", "file=a", map[string]string{"K6_PERF_RUN": "x", "K6_PERF_PUSH": "http://c:1/p"}, func(c Config) bool {
			return c.RunID == "x" && c.Push == "http://c:1/p"
		}, ""},
		{"push needs a run id", "file=a,push=http://127.0.0.1:1/push", nil, nil, "needs a run id"},
		{"push needs an http URL", "file=a,run=x,push=ftp://h/x", nil, nil, "http:// or https://"},
		{"a bad push URL is not echoed with its credentials", "file=a,run=x,push=http://user:secret@/x", nil, nil, `push="http:///x"`},
		{"run id travels in headers", "file=a,run=a b", nil, nil, "A-Z a-z 0-9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := ParseConfig(c.arg, c.env)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, c.wantErr)
				}
				return
			}
			if err != nil || !c.check(cfg) {
				t.Fatalf("cfg = %+v, err = %v", cfg, err)
			}
		})
	}
}

func TestLoadSLOs(t *testing.T) {
	fs := fsext.NewMemMapFs()
	dir := "cfg"
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := fsext.WriteFile(fs, p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	slos, raw, warnings, err := LoadSLOs(fs, write("ok.json", `[{"name":"lat","sli":"latency","objective":99,"percentile":"p99","thresholdMs":300,"window":"30d","windowMs":2592000000},
		{"name":"p95 only","sli":"latency","objective":99,"percentile":"p95"}]`))
	if err != nil || len(slos) != 1 || slos[0].ThresholdMs != 300 || !strings.Contains(string(raw), `"thresholdMs":300`) {
		t.Fatalf("slos=%+v raw=%s err=%v", slos, raw, err)
	}
	if !strings.Contains(string(raw), "p95 only") || len(warnings) != 1 || !strings.Contains(warnings[0], "without thresholdMs") {
		t.Fatalf("the unwatchable SLO should be kept in the header and warned about: raw=%s warnings=%v", raw, warnings)
	}
	if slos, _, _, err := LoadSLOs(fs, write("wrapped.json", `{"slos":[{"name":"a","sli":"availability","objective":99.9}]}`)); err != nil || len(slos) != 1 {
		t.Fatalf("wrapped: %v %v", slos, err)
	}
	for body, want := range map[string]string{
		`[{"name":"x","sli":"speed","objective":99}]`:         "unknown sli",
		`[{"name":"x","sli":"availability","objective":100}]`: "between 0 and 100",
		`nope`: "not a JSON array",
	} {
		if _, _, _, err := LoadSLOs(fs, write("bad.json", body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", body, err, want)
		}
	}
	if _, _, _, err := LoadSLOs(fs, filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("missing file: %v", err)
	}
}
