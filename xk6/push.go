package perf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// PushSchema is the collector's reply schema.
const PushSchema = "perf.k6-push/v1"

// The push protocol (perf.k6-push/v1), spoken by the `push=` option and `perf collect`:
//   - every batch is one HTTP POST to the push URL; its body is perf.k6-windows/v1 NDJSON lines exactly
//     as written to the local file (the first batch starts with the header; then closed windows, abort
//     lines, the summary), Content-Type application/x-ndjson;
//   - headers X-Perf-Run (run id), X-Perf-Runner (runner name), X-Perf-Seq (batch number from 1, +1 per
//     batch; a retried batch keeps its number, so the collector ignores a seq it has seen);
//   - the collector replies 200 {"schema":"perf.k6-push/v1","stop":false} or {…,"stop":true,"reason":"…"};
//     stop:true makes the runner stop its test (k6's test-run stop callback);
//   - 4xx other than 429: the runner gives up pushing (logged once) and keeps its local file;
//     network errors, 5xx and 429: retried with backoff, in order, from a bounded buffer.

// PushReply is the collector's answer to a batch.
type PushReply struct {
	Schema string `json:"schema"`
	Stop   bool   `json:"stop"`
	Reason string `json:"reason,omitempty"`
}

// PushStats is what the pusher did, reported when it closes.
type PushStats struct {
	Sent    int64 // batches the collector accepted
	Dropped int64 // batches dropped because the buffer was full
	Unsent  int64 // batches still buffered when the close deadline passed (or pushing gave up)
	GaveUp  string
}

type pushBatch struct {
	seq  int64
	body []byte
}

// Pusher sends batches to the collector from its own goroutine: Send never blocks (the k6 metric
// flush calls it), failures are retried with backoff, and the buffer holds at most MaxBatches batches
// (the oldest are dropped first, except the header batch and the one in flight).
type Pusher struct {
	URL, Run, Runner string
	Client           *http.Client
	Logger           logrus.FieldLogger
	OnStop           func(reason string) // called once, on its own goroutine, when the collector asks to stop
	MaxBatches       int
	MinBackoff       time.Duration
	MaxBackoff       time.Duration

	mu       sync.Mutex
	queue    []pushBatch
	seq      int64
	inFlight int64
	stats    PushStats
	closing  bool
	stopSeen bool
	wake     chan struct{}
	done     chan struct{}
	ctx      context.Context
	cancel   context.CancelFunc
}

// NewPusher is a pusher with the defaults: 1,024 batches, backoff 100 ms … 5 s, 5 s per request.
func NewPusher(url, run, runner string, logger logrus.FieldLogger, onStop func(string)) *Pusher {
	return &Pusher{
		URL: url, Run: run, Runner: runner, Logger: logger, OnStop: onStop,
		Client: &http.Client{Timeout: 5 * time.Second}, MaxBatches: 1024,
		MinBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second,
	}
}

// Start starts the sending goroutine.
func (p *Pusher) Start() {
	p.wake = make(chan struct{}, 1)
	p.done = make(chan struct{})
	p.ctx, p.cancel = context.WithCancel(context.Background())
	go p.loop()
}

// Send queues one batch (NDJSON lines) and returns at once.
func (p *Pusher) Send(body []byte) {
	if len(body) == 0 {
		return
	}
	p.mu.Lock()
	if p.stats.GaveUp != "" || p.closing {
		p.mu.Unlock()
		return
	}
	p.seq++
	if len(p.queue) >= p.MaxBatches {
		p.dropOldest()
	}
	p.queue = append(p.queue, pushBatch{seq: p.seq, body: body})
	p.mu.Unlock()
	p.signal()
}

// dropOldest drops the oldest batch that is neither the header batch (seq 1: without it the collector
// cannot read the rest) nor the one being sent. Called with p.mu held.
func (p *Pusher) dropOldest() {
	for i, b := range p.queue {
		if b.seq != 1 && b.seq != p.inFlight {
			p.queue = append(p.queue[:i], p.queue[i+1:]...)
			p.stats.Dropped++
			return
		}
	}
}

func (p *Pusher) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Close sends what is buffered until the buffer is empty or `timeout` has passed, then stops the
// goroutine (cancelling a request in flight) and reports what happened.
func (p *Pusher) Close(timeout time.Duration) PushStats {
	if p.done == nil { // never started (the output failed to start)
		return p.stats
	}
	p.mu.Lock()
	p.closing = true
	p.mu.Unlock()
	p.signal()
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.cancel()
		<-p.done
	}
	p.cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Unsent = int64(len(p.queue))
	return p.stats
}

// next waits for the oldest buffered batch; false when closing with nothing left, or cancelled.
func (p *Pusher) next() (pushBatch, bool) {
	for {
		p.mu.Lock()
		if len(p.queue) > 0 && p.stats.GaveUp == "" {
			b := p.queue[0]
			p.inFlight = b.seq
			p.mu.Unlock()
			return b, true
		}
		closing := p.closing || p.stats.GaveUp != ""
		p.mu.Unlock()
		if closing {
			return pushBatch{}, false
		}
		select {
		case <-p.wake:
		case <-p.ctx.Done():
			return pushBatch{}, false
		}
	}
}

func (p *Pusher) loop() {
	defer close(p.done)
	backoff := p.MinBackoff
	for {
		b, ok := p.next()
		if !ok {
			return
		}
		reply, retryAfter, err := p.post(b)
		switch {
		case err == nil:
			backoff = p.MinBackoff
			p.delivered(b.seq, reply)
			continue
		case retryAfter < 0: // not worth retrying
			p.giveUp(err)
			return
		}
		wait := max(backoff, retryAfter)
		backoff = min(2*backoff, p.MaxBackoff)
		select {
		case <-time.After(min(wait, p.MaxBackoff)):
		case <-p.ctx.Done():
			return
		}
	}
}

// post sends one batch. retryAfter < 0 means the error is final (a 4xx other than 429).
func (p *Pusher) post(b pushBatch) (PushReply, time.Duration, error) {
	var reply PushReply
	req, err := http.NewRequestWithContext(p.ctx, http.MethodPost, p.URL, bytes.NewReader(b.body))
	if err != nil {
		return reply, -1, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("X-Perf-Run", p.Run)
	req.Header.Set("X-Perf-Runner", p.Runner)
	req.Header.Set("X-Perf-Seq", strconv.FormatInt(b.seq, 10))
	res, err := p.Client.Do(req)
	if err != nil {
		return reply, 0, err
	}
	defer res.Body.Close() //nolint:errcheck
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		_ = json.Unmarshal(body, &reply) // a 2xx is delivered, whatever its body says
		return reply, 0, nil
	case res.StatusCode == http.StatusTooManyRequests:
		ra, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		return reply, time.Duration(ra) * time.Second, fmt.Errorf("collector is busy (429)")
	case res.StatusCode >= 500:
		return reply, 0, fmt.Errorf("collector answered %s", res.Status)
	}
	msg := fmt.Sprintf("collector refused batch %d: %s", b.seq, res.Status)
	if detail := bytes.TrimSpace(body[:min(len(body), 200)]); len(detail) > 0 {
		msg += " " + string(detail)
	}
	return reply, -1, errors.New(msg)
}

func (p *Pusher) delivered(seq int64, reply PushReply) {
	p.mu.Lock()
	if len(p.queue) > 0 && p.queue[0].seq == seq {
		p.queue = p.queue[1:]
	}
	p.inFlight = 0
	p.stats.Sent++
	stop := reply.Stop && !p.stopSeen
	if stop {
		p.stopSeen = true
	}
	p.mu.Unlock()
	if stop && p.OnStop != nil {
		reason := reply.Reason
		if reason == "" {
			reason = "no reason given"
		}
		go p.OnStop(reason)
	}
}

func (p *Pusher) giveUp(err error) {
	p.mu.Lock()
	p.stats.GaveUp = err.Error()
	p.mu.Unlock()
	p.Logger.WithError(err).Error("perf output: giving up pushing to the collector; the local file keeps every window")
}
