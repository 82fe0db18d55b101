package passwordsafetest

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault injection. A fault applies to the next calls whose method and
// path match, picked with Server.Next; it acts before the fake looks at the
// call (before authentication), as a proxy or a network would, except
// LoseAnswer and ActThenFail, which let the server act and then take its
// answer away. Faults are used in the order they were added. A wait (Delay,
// Hold or Queue) and one action (Fail, Drop, LoseAnswer or ActThenFail) may
// apply to the same call: the wait comes first.

// Fault names the calls a fault applies to: build it with Server.Next, say
// how many with Times, and end with what happens to them.
type Fault struct {
	s       *Server
	method  string
	pattern []string
	times   int
}

// Next picks the next call with the given method ("" for any) and path.
// The path is below the base path, matched case-insensitively, without the
// query; "*" stands for any one segment ("Requests/*/Checkin") and "" for
// every path:
//
//	srv.Next("POST", "Requests").Fail(http.StatusServiceUnavailable)
//	srv.Next("GET", "Requests").Times(2).Fail(http.StatusBadGateway)
//	srv.Next("POST", "Requests").LoseAnswer()
func (s *Server) Next(method, path string) Fault {
	return Fault{s: s, method: strings.ToUpper(method), pattern: splitPattern(path), times: 1}
}

// Times makes the fault apply to the next n matching calls (default 1).
// n below 1 makes the fault do nothing.
func (f Fault) Times(n int) Fault { f.times = n; return f }

// Fail answers the calls with status and the status text as a JSON string
// body, without acting on them.
func (f Fault) Fail(status int) {
	text := http.StatusText(status)
	if text == "" {
		text = "Injected fault"
	}
	f.FailWith(status, text, nil)
}

// FailWith answers the calls with status, message as a JSON string body
// (as the real server writes errors) and header added (e.g. Retry-After),
// without acting on them.
func (f Fault) FailWith(status int, message string, header http.Header) {
	rep := errorReply(status, message)
	for k, vs := range header {
		rep.header()[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	f.add(&faultRule{kind: faultFail, reply: rep})
}

// Drop closes the calls' connections before the server acts: the client
// gets no answer and nothing changes.
//
// Go's http.Transport itself sends an idempotent request (GET, a PUT with a
// replayable body...) again, once, when a reused keep-alive connection
// closes before any answer; such a retry arrives as a new call.
func (f Fault) Drop() { f.add(&faultRule{kind: faultDrop}) }

// LoseAnswer lets the server act on the calls (their changes stay) and
// then closes the connection: the answer is lost, as when a network breaks
// after a POST reached the server.
func (f Fault) LoseAnswer() { f.add(&faultRule{kind: faultLoseAnswer}) }

// ActThenFail lets the server act on the calls (their changes stay) and
// then answers status, with the status text as a JSON string body, in
// place of the server's own answer: a gateway that gave up on the server
// after it had acted (502, 504), or a server that failed after committing
// (500, 503). The client cannot tell from the answer whether anything
// changed, which is what a client that must never act twice (or never
// leave a request open) has to cope with:
//
//	srv.Next("POST", "Requests").ActThenFail(http.StatusServiceUnavailable) // created, then 503
//
// The server's own answer is dropped whatever it was, an error included
// (then nothing changed, as with Fail). The call log shows status.
func (f Fault) ActThenFail(status int) {
	text := http.StatusText(status)
	if text == "" {
		text = "Injected fault"
	}
	f.ActThenFailWith(status, text, nil)
}

// ActThenFailWith is ActThenFail with message as the JSON string body and
// header added (e.g. Retry-After).
func (f Fault) ActThenFailWith(status int, message string, header http.Header) {
	rep := errorReply(status, message)
	for k, vs := range header {
		rep.header()[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	f.add(&faultRule{kind: faultActThenFail, reply: rep})
}

// Delay holds each call for d (real time) before the server looks at it.
// A call whose client goes away meanwhile is not acted on. To order events
// in a test without a wall-clock margin, use Hold.
func (f Fault) Delay(d time.Duration) { f.add(&faultRule{kind: faultWait, delay: d}) }

// Hold holds the calls until the test releases them: the way to make a
// call be in flight while the test does something else, without relying
// on timing. A call whose client goes away meanwhile is not acted on.
func (f Fault) Hold() *Hold {
	h := &Hold{arrived: make(chan struct{}), release: make(chan struct{})}
	f.add(&faultRule{kind: faultWait, hold: h})
	return h
}

// Queue holds the calls until the test releases them, as Hold does, and
// then the server acts on each whether or not its client is still there:
// a call queued at a busy server is processed after the client's deadline
// has passed and the client has gone. An answer to a client that has gone
// is lost. This is how a request comes to exist that its client never
// heard of:
//
//	q := srv.Next("POST", "Requests").Queue()
//	// ... the client's deadline passes while the POST is queued ...
//	q.Release() // the server creates the request now
//
// A queued call still waiting when the server closes is not acted on.
func (f Fault) Queue() *Hold {
	h := &Hold{arrived: make(chan struct{}), release: make(chan struct{})}
	f.add(&faultRule{kind: faultWait, hold: h, queue: true})
	return h
}

// Hold is a set of held calls; see Fault.Hold and Fault.Queue.
type Hold struct {
	arrived     chan struct{}
	arriveOnce  sync.Once
	release     chan struct{}
	releaseOnce sync.Once
}

// Arrived is closed when the first held call has arrived.
func (h *Hold) Arrived() <-chan struct{} { return h.arrived }

// Release lets every held call, and those still to come, go on.
func (h *Hold) Release() { h.releaseOnce.Do(func() { close(h.release) }) }

// ClearFaults removes every fault not yet used. Held calls stay held
// until released.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.actions, s.faults.waits = nil, nil
	s.faults.mu.Unlock()
}

type faultKind int

const (
	faultNone faultKind = iota
	faultFail
	faultDrop
	faultLoseAnswer
	faultActThenFail
	faultWait
)

type faultRule struct {
	method    string
	pattern   []string
	remaining int
	kind      faultKind
	delay     time.Duration
	hold      *Hold
	queue     bool // the held calls are acted on even when their client has gone
	reply     reply
}

// faultAction is what happens to one call: wait until hold is closed (when
// not nil; with queued, also when the client has gone), then kind.
type faultAction struct {
	kind   faultKind
	hold   <-chan struct{}
	queued bool
	reply  reply
}

type faults struct {
	mu      sync.Mutex
	actions []*faultRule
	waits   []*faultRule
}

func (f Fault) add(r *faultRule) {
	if f.times <= 0 {
		return
	}
	r.method, r.pattern, r.remaining = f.method, f.pattern, f.times
	fs := &f.s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if r.kind == faultWait {
		fs.waits = append(fs.waits, r)
	} else {
		fs.actions = append(fs.actions, r)
	}
}

func splitPattern(pattern string) []string {
	pattern = strings.Trim(pattern, "/")
	if pattern == "" {
		return nil
	}
	return strings.Split(strings.ToLower(pattern), "/")
}

// matchesCall reports whether method and path (matched case-insensitively)
// fit a method and a split pattern.
func matchesCall(method string, pattern []string, callMethod, path string) bool {
	if method != "" && !strings.EqualFold(method, callMethod) {
		return false
	}
	if pattern == nil {
		return true
	}
	segs := strings.Split(strings.ToLower(strings.Trim(path, "/")), "/")
	if len(segs) != len(pattern) {
		return false
	}
	for i, p := range pattern {
		if p != "*" && p != segs[i] {
			return false
		}
	}
	return true
}

// arrive takes the faults that apply to a call.
func (f *faults) arrive(method, rel string) faultAction {
	f.mu.Lock()
	defer f.mu.Unlock()
	var act faultAction
	if r := take(&f.waits, method, rel); r != nil {
		if r.hold != nil {
			r.hold.arriveOnce.Do(func() { close(r.hold.arrived) })
			act.hold, act.queued = r.hold.release, r.queue
		} else {
			ch := make(chan struct{})
			time.AfterFunc(r.delay, func() { close(ch) })
			act.hold = ch
		}
	}
	if r := take(&f.actions, method, rel); r != nil {
		act.kind, act.reply = r.kind, r.reply
	}
	return act
}

// take uses up one call of the first matching rule.
func take(rules *[]*faultRule, method, path string) *faultRule {
	for i, r := range *rules {
		if matchesCall(r.method, r.pattern, method, path) {
			r.remaining--
			if r.remaining <= 0 {
				*rules = append((*rules)[:i:i], (*rules)[i+1:]...)
			}
			return r
		}
	}
	return nil
}
