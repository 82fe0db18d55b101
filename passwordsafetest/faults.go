package passwordsafetest

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault injection. A rule applies to the next n calls whose method and
// path match: method "" matches any method; pattern is the path below the
// base path, matched case-insensitively, where "*" stands for any one
// segment ("Requests/*/Checkin") and "" for every path. Rules are used in
// the order they were added. A delay and one action (fail, drop, drop
// after) can apply to the same call: the delay comes first.

type faultKind int

const (
	faultNone faultKind = iota
	faultFail
	faultDrop
	faultDropAfter
)

type faultRule struct {
	method    string
	pattern   []string
	remaining int
	kind      faultKind
	delay     time.Duration
	reply     reply
}

// faultAction is what happens to one call.
type faultAction struct {
	kind  faultKind
	delay time.Duration
	reply reply
}

type faults struct {
	mu      sync.Mutex
	actions []*faultRule
	delays  []*faultRule
	calls   map[callKey]int
}

type callKey struct{ method, path string }

func splitPattern(pattern string) []string {
	pattern = strings.Trim(pattern, "/")
	if pattern == "" {
		return nil
	}
	return strings.Split(strings.ToLower(pattern), "/")
}

// matches reports whether method and the lower-cased path match the rule's.
func matchesCall(method string, pattern []string, callMethod, path string) bool {
	if method != "" && !strings.EqualFold(method, callMethod) {
		return false
	}
	if pattern == nil {
		return true
	}
	segs := strings.Split(path, "/")
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

// arrive counts a call and takes the faults that apply to it.
func (f *faults) arrive(method, rel string) faultAction {
	path := strings.ToLower(rel)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[callKey]int{}
	}
	f.calls[callKey{method, path}]++
	var act faultAction
	if r := take(&f.delays, method, path); r != nil {
		act.delay = r.delay
	}
	if r := take(&f.actions, method, path); r != nil {
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

func (f *faults) add(list *[]*faultRule, r *faultRule) {
	if r.remaining <= 0 {
		return
	}
	f.mu.Lock()
	*list = append(*list, r)
	f.mu.Unlock()
}

// FailNext makes the next n matching calls answer status, with the status
// text as a JSON string body, without processing them.
func (s *Server) FailNext(method, pattern string, n, status int) {
	text := http.StatusText(status)
	if text == "" {
		text = "Injected fault"
	}
	s.FailNextWith(method, pattern, n, status, nil, text)
}

// FailNextWith is FailNext with a chosen answer: header (e.g. Retry-After)
// is added to it and message is sent as a JSON string body.
func (s *Server) FailNextWith(method, pattern string, n, status int, header http.Header, message string) {
	rep := errorReply(status, message)
	for k, vs := range header {
		rep.header()[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	s.faults.add(&s.faults.actions, &faultRule{
		method: method, pattern: splitPattern(pattern), remaining: n, kind: faultFail, reply: rep,
	})
}

// DelayNext holds the next n matching calls for d before processing them.
// A call whose client goes away during the delay is not processed.
func (s *Server) DelayNext(method, pattern string, n int, d time.Duration) {
	s.faults.add(&s.faults.delays, &faultRule{
		method: method, pattern: splitPattern(pattern), remaining: n, delay: d,
	})
}

// DropNext closes the connection of the next n matching calls before
// processing them: the client gets no answer and nothing changes.
//
// Note that Go's http.Transport itself sends an idempotent request (GET,
// PUT with a replayable body...) again, once, when a reused keep-alive
// connection closes before any answer; such a retry arrives as a new call.
func (s *Server) DropNext(method, pattern string, n int) {
	s.faults.add(&s.faults.actions, &faultRule{
		method: method, pattern: splitPattern(pattern), remaining: n, kind: faultDrop,
	})
}

// DropAfterNext processes the next n matching calls fully (their state
// changes stay) and then closes the connection without an answer.
func (s *Server) DropAfterNext(method, pattern string, n int) {
	s.faults.add(&s.faults.actions, &faultRule{
		method: method, pattern: splitPattern(pattern), remaining: n, kind: faultDropAfter,
	})
}

// Calls returns how many matching calls arrived below the base path since
// the start or the last ResetFaults, faulted ones included.
func (s *Server) Calls(method, pattern string) int {
	p := splitPattern(pattern)
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	n := 0
	for k, count := range s.faults.calls {
		if matchesCall(method, p, k.method, k.path) {
			n += count
		}
	}
	return n
}

// ResetFaults removes every pending fault and sets the call counts to zero.
func (s *Server) ResetFaults() {
	s.faults.mu.Lock()
	s.faults.actions, s.faults.delays, s.faults.calls = nil, nil, nil
	s.faults.mu.Unlock()
}
