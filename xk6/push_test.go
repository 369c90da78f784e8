package perf

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

// collectorStub is a scripted perf.k6-push/v1 collector: the n-th request gets statuses[n] (then
// 200), and the reply asks to stop from request stopAt on (0 = never).
type collectorStub struct {
	mu       sync.Mutex
	statuses []int
	stopAt   int
	hold     chan struct{} // when set, every request waits for it to close
	requests []pushRequest
}

type pushRequest struct {
	seq                      int64
	run, runner, contentType string
	body                     string
}

func (c *collectorStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.hold != nil {
		<-c.hold
	}
	body, _ := io.ReadAll(r.Body)
	seq, _ := strconv.ParseInt(r.Header.Get("X-Perf-Seq"), 10, 64)
	c.mu.Lock()
	n := len(c.requests)
	c.requests = append(c.requests, pushRequest{seq, r.Header.Get("X-Perf-Run"), r.Header.Get("X-Perf-Runner"), r.Header.Get("Content-Type"), string(body)})
	status := http.StatusOK
	if n < len(c.statuses) {
		status = c.statuses[n]
	}
	stop := c.stopAt > 0 && n+1 >= c.stopAt
	c.mu.Unlock()
	w.WriteHeader(status)
	if status == http.StatusOK {
		if stop {
			_, _ = fmt.Fprintf(w, `{"schema":%q,"stop":true,"reason":"global fast burn on \"avail\""}`, PushSchema)
		} else {
			_, _ = fmt.Fprintf(w, `{"schema":%q,"stop":false}`, PushSchema)
		}
	}
}

func (c *collectorStub) seqs() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int64
	for _, r := range c.requests {
		out = append(out, r.seq)
	}
	return out
}

func quietLogger() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func testPusher(url string, onStop func(string)) *Pusher {
	p := NewPusher(url, "run-1", "r0", quietLogger(), onStop)
	p.MinBackoff, p.MaxBackoff = time.Millisecond, 10*time.Millisecond
	return p
}

func TestPusher(t *testing.T) {
	cases := []struct {
		name     string
		stub     *collectorStub
		batches  int
		wantSeqs []int64 // seq of every request the collector saw, in order
		want     PushStats
		wantStop bool
	}{
		{name: "numbers batches from 1 and sends them in order", batches: 3, stub: &collectorStub{},
			wantSeqs: []int64{1, 2, 3}, want: PushStats{Sent: 3}},
		{name: "retries 5xx, 429 and keeps the batch's number", batches: 2, stub: &collectorStub{statuses: []int{503, 500, 429}},
			wantSeqs: []int64{1, 1, 1, 1, 2}, want: PushStats{Sent: 2}},
		{name: "gives up on a 4xx other than 429", batches: 3, stub: &collectorStub{statuses: []int{200, 403}},
			wantSeqs: []int64{1, 2}, want: PushStats{Sent: 1, Unsent: 2, GaveUp: "collector refused batch 2: 403 Forbidden"}},
		{name: "a stop reply calls the stop callback once and pushing goes on", batches: 3, stub: &collectorStub{stopAt: 2},
			wantSeqs: []int64{1, 2, 3}, want: PushStats{Sent: 3}, wantStop: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.stub)
			defer srv.Close()
			stops := make(chan string, 4)
			p := testPusher(srv.URL+"/push", func(r string) { stops <- r })
			p.Start()
			for i := 1; i <= c.batches; i++ {
				p.Send([]byte(fmt.Sprintf(`{"type":"window","index":%d}`+"\n", i)))
			}
			got := p.Close(5 * time.Second)
			if got != c.want {
				t.Errorf("stats = %+v, want %+v", got, c.want)
			}
			if s := c.stub.seqs(); fmt.Sprint(s) != fmt.Sprint(c.wantSeqs) {
				t.Errorf("collector saw seqs %v, want %v", s, c.wantSeqs)
			}
			for _, r := range c.stub.requests {
				if r.run != "run-1" || r.runner != "r0" || r.contentType != "application/x-ndjson" {
					t.Errorf("request headers: %+v", r)
				}
				if want := fmt.Sprintf(`{"type":"window","index":%d}`+"\n", r.seq); r.body != want {
					t.Errorf("batch %d body %q, want %q", r.seq, r.body, want)
				}
			}
			var reasons []string
			for len(stops) > 0 || (c.wantStop && len(reasons) == 0) {
				select {
				case r := <-stops:
					reasons = append(reasons, r)
				case <-time.After(2 * time.Second):
					t.Fatal("stop callback never called")
				}
			}
			if c.wantStop && (len(reasons) != 1 || !strings.Contains(reasons[0], `global fast burn on "avail"`)) {
				t.Errorf("stop reasons %q, want one naming the collector's reason", reasons)
			}
			if !c.wantStop && len(reasons) > 0 {
				t.Errorf("stop callback called: %q", reasons)
			}
		})
	}
}

func TestPusherDropsTheOldestBatchesButTheHeaderWhenTheBufferIsFull(t *testing.T) {
	stub := &collectorStub{hold: make(chan struct{})}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	p := testPusher(srv.URL, nil)
	p.MaxBatches = 3
	p.Start()
	p.Send([]byte("header\n"))
	// Batch 1 is in flight (the collector holds it) before the others arrive.
	deadline := time.Now().Add(2 * time.Second)
	for {
		p.mu.Lock()
		inFlight := p.inFlight
		p.mu.Unlock()
		if inFlight == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	for i := 2; i <= 10; i++ {
		p.Send([]byte("window\n"))
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("Send blocked for %v with the collector stalled", d)
	}
	close(stub.hold)
	st := p.Close(5 * time.Second)
	if st.Dropped != 7 || st.Sent != 3 || st.Unsent != 0 {
		t.Errorf("stats %+v, want 7 dropped, 3 sent", st)
	}
	if s := fmt.Sprint(stub.seqs()); s != "[1 9 10]" {
		t.Errorf("collector saw seqs %s, want [1 9 10] (header, then the newest)", s)
	}
}

func TestPusherCloseIsBoundedWhenTheCollectorIsDown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	p := testPusher(srv.URL, nil)
	p.Start()
	p.Send([]byte("header\n"))
	p.Send([]byte("window\n"))
	start := time.Now()
	st := p.Close(200 * time.Millisecond)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v with a 200ms deadline", d)
	}
	if st.Sent != 0 || st.Unsent != 2 {
		t.Errorf("stats %+v, want 2 unsent", st)
	}
}

func TestPushRequestsCarryNoBodyOtherThanTheLines(t *testing.T) {
	var got bytes.Buffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(&got, r.Body)
		_, _ = w.Write([]byte("not json")) // a 2xx is delivered whatever its body
	}))
	defer srv.Close()
	p := testPusher(srv.URL, func(string) { t.Error("stop on a body that is not a reply") })
	p.Start()
	p.Send([]byte("a\nb\n"))
	if st := p.Close(time.Second); st.Sent != 1 || got.String() != "a\nb\n" {
		t.Errorf("stats %+v, body %q", st, got.String())
	}
}
