package perf

import (
	"strconv"
	"strings"
)

// TimingEntry is one Server-Timing metric (https://www.w3.org/TR/server-timing/).
type TimingEntry struct {
	Name   string
	Dur    float64
	HasDur bool
	Desc   string
}

// splitOutsideQuotes splits s at sep, ignoring separators inside double-quoted strings.
func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	inQuote, escaped, last := false, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case c == '\\' && inQuote:
			escaped = true
		case c == '"':
			inQuote = !inQuote
		case c == sep && !inQuote:
			parts = append(parts, s[last:i])
			last = i + 1
		}
	}
	return append(parts, s[last:])
}

func unquote(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		if u, err := strconv.Unquote(v); err == nil {
			return u
		}
		return v[1 : len(v)-1]
	}
	return v
}

// ParseServerTiming parses one or more Server-Timing header values. Malformed entries are skipped;
// a repeated parameter keeps its first value, as the spec asks.
func ParseServerTiming(values ...string) []TimingEntry {
	var out []TimingEntry
	for _, header := range values {
		for _, entry := range splitOutsideQuotes(header, ',') {
			params := splitOutsideQuotes(entry, ';')
			name := strings.TrimSpace(params[0])
			if name == "" || strings.ContainsAny(name, " \t\"=") {
				continue
			}
			e := TimingEntry{Name: name}
			seenDesc := false
			for _, p := range params[1:] {
				k, v, _ := strings.Cut(p, "=")
				switch strings.ToLower(strings.TrimSpace(k)) {
				case "dur":
					if e.HasDur {
						continue
					}
					if d, err := strconv.ParseFloat(unquote(v), 64); err == nil && d >= 0 {
						e.Dur, e.HasDur = d, true
					}
				case "desc":
					if !seenDesc {
						e.Desc, seenDesc = unquote(v), true
					}
				}
			}
			out = append(out, e)
		}
	}
	return out
}

// TimingMetricName is the k6 Trend metric a component is recorded in: server_timing_<component>,
// with the component lower-cased and everything outside [a-z0-9_] replaced by "_".
func TimingMetricName(component string) string {
	var b strings.Builder
	b.WriteString("server_timing_")
	for _, r := range strings.ToLower(component) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	name := b.String()
	if len(name) > 128 {
		name = name[:128]
	}
	return name
}
