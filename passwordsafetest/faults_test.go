package passwordsafetest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func TestFail(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	f.srv.Next(http.MethodGet, "requests").Times(2).Fail(http.StatusServiceUnavailable)
	rita.do(http.MethodGet, "Requests", nil).wantError(http.StatusServiceUnavailable, "Service Unavailable")
	rita.do(http.MethodGet, "REQUESTS?status=all", nil).wantError(http.StatusServiceUnavailable, "Service Unavailable")
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
	if n := f.srv.Calls(http.MethodGet, "Requests"); n != 3 {
		t.Errorf("Calls = %d, want 3", n)
	}
	if n := f.srv.Calls("", ""); n != 4 { // the sign-in too
		t.Errorf("all calls = %d, want 4", n)
	}

	// Faults come before authentication and processing: nothing is created.
	f.srv.Next("", "Requests").Fail(http.StatusTooManyRequests)
	f.anon().do(http.MethodPost, "Requests", req(1, 11, 5)).wantStatus(http.StatusTooManyRequests)
	if _, ok := f.srv.Request(1001); ok {
		t.Errorf("a failed call was processed")
	}

	f.srv.Next(http.MethodPost, "Requests").FailWith(http.StatusTooManyRequests, "slow down", http.Header{"retry-after": {"2"}})
	r := rita.do(http.MethodPost, "Requests", req(1, 11, 5))
	r.wantError(http.StatusTooManyRequests, "slow down")
	if got := r.header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After %q", got)
	}
	f.srv.Next("", "").Fail(799) // no status text
	rita.do(http.MethodGet, "Requests", nil).wantError(799, "Injected fault")
}

func TestFaultPatterns(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	a := rita.createRequest(req(1, 11, 30))
	b := rita.createRequest(req(3, 31, 30))
	f.srv.Next(http.MethodPut, "Requests/*/Checkin").Fail(http.StatusBadGateway)
	f.srv.Next("", "Credentials/*").Fail(http.StatusInternalServerError)

	rita.do(http.MethodPut, path("Requests/{id}/Approve", a), nil).wantCode(http.StatusForbidden, 4033) // no match
	rita.do(http.MethodGet, path("Credentials/{id}", b), nil).wantStatus(http.StatusInternalServerError)
	rita.do(http.MethodGet, path("Credentials/{id}", b), nil).wantStatus(http.StatusOK)
	rita.do(http.MethodPut, path("Requests/{id}/checkin", b), nil).wantStatus(http.StatusBadGateway)
	rita.do(http.MethodPut, path("Requests/{id}/Checkin", a), nil).wantStatus(http.StatusNoContent)

	if n := f.srv.Calls(http.MethodPut, "Requests/*/Checkin"); n != 2 {
		t.Errorf("checkin calls %d, want 2", n)
	}
	if n := f.srv.Calls("", "requests/*/*"); n != 3 {
		t.Errorf("requests/*/* calls %d, want 3", n)
	}
	if n := f.srv.Calls(http.MethodGet, "Requests/*/Checkin"); n != 0 {
		t.Errorf("GET checkin calls %d", n)
	}

	f.srv.Next("", "").Times(5).Fail(http.StatusServiceUnavailable)
	f.srv.Next("", "").Times(5).Delay(time.Hour)
	f.srv.ClearFaults()
	f.srv.ResetCalls()
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
	if n := f.srv.Calls("", ""); n != 1 {
		t.Errorf("calls after reset %d, want 1", n)
	}
	f.srv.Next("", "").Times(0).Fail(http.StatusServiceUnavailable) // does nothing
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
}

func TestCallLog(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	rita.do(http.MethodGet, "Requests?status=active&version=3.1&api_key=oops&pwd=x", nil).wantStatus(http.StatusOK)
	f.srv.Next("", "Aliases/*/Requests").Drop()
	if _, err := rita.try(http.MethodPost, "Aliases/1/Requests", map[string]int{"DurationMinutes": 5}, nil); err == nil {
		t.Fatalf("dropped call got an answer")
	}
	log := f.srv.CallLog()
	if len(log) != 3 {
		t.Fatalf("log %v", log)
	}
	in, list, dropped := log[0], log[1], log[2]
	if in.Method != "POST" || in.Path != "Auth/SignAppin" || in.User != "requestor" || in.Status != 200 || !in.Time.Equal(epoch) {
		t.Errorf("sign-in %+v", in)
	}
	if list.Path != "Requests" || list.Version != "3.1" || list.User != "requestor" || list.Status != 200 ||
		list.Query != "api_key=REDACTED&pwd=REDACTED&status=active&version=3.1" {
		t.Errorf("list %+v", list)
	}
	if dropped.Path != "Aliases/1/Requests" || dropped.Status != 0 || dropped.User != "" {
		t.Errorf("dropped %+v", dropped)
	}
	if got := list.String(); got != "GET Requests?api_key=REDACTED&pwd=REDACTED&status=active&version=3.1 -> 200" {
		t.Errorf("String %q", got)
	}
	for _, c := range log {
		if strings.Contains(c.String()+c.Query, f.srv.APIKey()) {
			t.Errorf("the call log holds the key: %v", c)
		}
	}
}

func TestDelay(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")

	// A short delay: the call goes through, once.
	f.srv.Next(http.MethodGet, "Requests").Delay(time.Millisecond)
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)

	// A delay and a failure combine: the delay comes first.
	f.srv.Next("", "Requests").Delay(time.Millisecond)
	f.srv.Next("", "Requests").Fail(http.StatusGatewayTimeout)
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusGatewayTimeout)

	// A client that gives up during a long delay: the call is not processed.
	f.srv.Next(http.MethodPost, "Requests").Delay(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	hreq, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.base+"Requests",
		strings.NewReader(`{"SystemID":1,"AccountID":11,"DurationMinutes":30}`))
	done := make(chan error, 1)
	go func() {
		resp, err := rita.hc.Do(hreq)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	if err := f.srv.WaitForCalls(context.Background(), http.MethodPost, "Requests", 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want canceled", err)
	}
	// Close waits for the handler, which must stop as the client went away.
	if err := f.srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.srv.Request(1001); ok {
		t.Errorf("an abandoned delayed call was processed")
	}
}

func TestHold(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	hold := f.srv.Next(http.MethodPost, "Requests").Hold()
	answered := make(chan result, 1)
	go func() { answered <- rita.do(http.MethodPost, "Requests", req(1, 11, 30)) }()
	<-hold.Arrived()
	// The call is in flight and not acted on.
	if got := f.srv.OpenRequests(); len(got) != 0 {
		t.Errorf("a held call was processed: %+v", got)
	}
	select {
	case r := <-answered:
		t.Fatalf("a held call was answered: %d", r.status)
	default:
	}
	hold.Release()
	hold.Release() // twice is fine
	if id := (<-answered).wantStatus(http.StatusCreated).requestID(); id != 1001 {
		t.Errorf("RequestID %d", id)
	}
}

// A queued call is processed once released, although its client gave up
// and went away while it waited: the request exists, and nobody heard.
func TestQueue(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	q := f.srv.Next(http.MethodPost, "Requests").Queue()
	ctx, cancel := context.WithCancel(context.Background())
	hreq, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.base+"Requests",
		strings.NewReader(`{"SystemID":1,"AccountID":11,"DurationMinutes":30}`))
	hreq.Header.Set("Content-Type", "application/json")
	done := make(chan error, 1)
	go func() {
		resp, err := rita.hc.Do(hreq)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-q.Arrived()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want canceled", err)
	}
	if got := f.srv.OpenRequests(); len(got) != 0 {
		t.Fatalf("a queued call was processed before its release: %+v", got)
	}
	q.Release()
	wctx, wcancel := context.WithTimeout(context.Background(), time.Minute)
	defer wcancel()
	rq, err := f.srv.WaitForRequest(wctx, passwordsafetest.StatusActive)
	if err != nil {
		t.Fatal(err)
	}
	if rq.RequestID != 1001 || rq.Owner != "requestor" {
		t.Errorf("request %+v", rq)
	}
	// The next call is not queued.
	if id := rita.createRequest(req(3, 31, 30)); id != 1002 {
		t.Errorf("RequestID %d", id)
	}
}

// A queued call the test never releases does not keep Close waiting, and
// is not acted on.
func TestQueueUnreleasedAtClose(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	q := f.srv.Next(http.MethodPost, "Requests").Queue()
	done := make(chan error, 1)
	go func() {
		_, err := rita.try(http.MethodPost, "Requests", req(1, 11, 30), nil)
		done <- err
	}()
	<-q.Arrived()
	if err := f.srv.Close(); err != nil {
		t.Fatal(err)
	}
	<-done
	if _, ok := f.srv.Request(1001); ok {
		t.Errorf("an unreleased queued call was processed")
	}
}

func TestDrop(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	f.srv.Next(http.MethodPost, "Requests").Drop()
	if _, err := rita.try(http.MethodPost, "Requests", req(1, 11, 30), nil); err == nil {
		t.Fatalf("dropped call got an answer")
	}
	if _, ok := f.srv.Request(1001); ok {
		t.Errorf("a dropped call was processed")
	}
	if n := f.srv.Calls(http.MethodPost, "Requests"); n != 1 {
		t.Errorf("Calls = %d, want 1", n)
	}
	// The next call goes through.
	if id := rita.createRequest(req(1, 11, 30)); id != 1001 {
		t.Errorf("RequestID %d", id)
	}
}

func TestLoseAnswer(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	f.srv.Next(http.MethodPost, "Requests").LoseAnswer()
	if _, err := rita.try(http.MethodPost, "Requests", req(1, 11, 30), nil); err == nil {
		t.Fatalf("dropped call got an answer")
	}
	// The request was created all the same: a retry would now conflict.
	info, ok := f.srv.Request(1001)
	if !ok || info.Status != "active" {
		t.Fatalf("request after a lost answer: %+v %v", info, ok)
	}
	rita.do(http.MethodPost, "Requests", req(1, 11, 30)).wantStatus(http.StatusConflict)

	pw := f.srv.Password("web01", "root")
	f.srv.Next(http.MethodPut, "Requests/*/Checkin").LoseAnswer()
	if _, err := rita.try(http.MethodPut, "Requests/1001/Checkin", nil, nil); err == nil {
		t.Fatalf("dropped check-in got an answer")
	}
	if info, _ := f.srv.Request(1001); info.Status != "checkedin" || f.srv.Password("web01", "root") == pw {
		t.Errorf("check-in was not processed: %+v", info)
	}
}

func TestActThenFail(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")

	// The server creates the request; the client gets a 503.
	f.srv.Next(http.MethodPost, "Requests").ActThenFail(http.StatusServiceUnavailable)
	rita.do(http.MethodPost, "Requests", req(1, 11, 30)).wantError(http.StatusServiceUnavailable, "Service Unavailable")
	info, ok := f.srv.Request(1001)
	if !ok || info.Status != passwordsafetest.StatusActive || info.Owner != "requestor" {
		t.Fatalf("request after ActThenFail: %+v %v", info, ok)
	}
	log := f.srv.CallLog()
	if last := log[len(log)-1]; last.Status != http.StatusServiceUnavailable || last.User != "requestor" {
		t.Errorf("call log %+v, want the injected status and the caller", last)
	}
	// A repeat would now conflict: the first call acted.
	rita.do(http.MethodPost, "Requests", req(1, 11, 30)).wantStatus(http.StatusConflict)

	// Times, a message and a header; the check-ins happen.
	second := rita.createRequest(req(3, 31, 30))
	f.srv.Next(http.MethodPut, "Requests/*/Checkin").Times(2).ActThenFailWith(http.StatusBadGateway, "upstream gone",
		http.Header{"retry-after": {"1"}})
	for _, id := range []int{1001, second} {
		r := rita.do(http.MethodPut, path("Requests/{id}/Checkin", id), map[string]string{"Reason": "done"})
		r.wantError(http.StatusBadGateway, "upstream gone")
		if got := r.header.Get("Retry-After"); got != "1" {
			t.Errorf("Retry-After %q", got)
		}
	}
	if open := f.srv.OpenRequests(); len(open) != 0 {
		t.Errorf("check-ins not processed: %+v", open)
	}
	if c := f.srv.Checkins(); len(c) != 2 || c[0].Reason != "done" {
		t.Errorf("check-ins %+v", c)
	}

	// A call the server refuses is refused all the same, and answered with
	// the injected status: nothing changes.
	f.srv.Next(http.MethodPost, "Requests").ActThenFail(http.StatusGatewayTimeout)
	rita.do(http.MethodPost, "Requests", req(999, 999, 30)).wantError(http.StatusGatewayTimeout, "Gateway Timeout")
	if n := len(f.srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}

	// Before authentication nothing is acted on either; a status without
	// text gets a placeholder; the fault is used up after one call.
	f.srv.Next("", "Requests").ActThenFail(799)
	f.anon().do(http.MethodPost, "Requests", req(1, 11, 30)).wantError(799, "Injected fault")
	if n := len(f.srv.Requests()); n != 2 {
		t.Errorf("%d requests after an unauthenticated call, want 2", n)
	}
	if id := rita.createRequest(req(1, 11, 30)); id != 1003 {
		t.Errorf("RequestID %d, want 1003", id)
	}
}

func TestActThenFailAfterHold(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	hold := f.srv.Next(http.MethodPost, "Requests").Hold()
	f.srv.Next(http.MethodPost, "Requests").ActThenFail(http.StatusBadGateway)
	answered := make(chan result, 1)
	go func() { answered <- rita.do(http.MethodPost, "Requests", req(1, 11, 30)) }()
	<-hold.Arrived()
	if open := f.srv.OpenRequests(); len(open) != 0 {
		t.Errorf("a held call was processed: %+v", open)
	}
	hold.Release()
	(<-answered).wantError(http.StatusBadGateway, "Bad Gateway")
	if info, ok := f.srv.Request(1001); !ok || !info.Open() {
		t.Errorf("request after the hold: %+v %v", info, ok)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFixture(t)
	users := []string{"requestor", "admin", "reqapprover", "secured"}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i, u := range users {
		c := f.as(u)
		account := []struct{ sys, acct int }{{1, 11}, {3, 31}, {1, 11}, {3, 31}}[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 15 {
				r, err := c.try(http.MethodPost, "Requests", req(account.sys, account.acct, 30), nil)
				if err != nil || r.status != http.StatusCreated {
					errs <- errors.New(u + ": create failed")
					return
				}
				id := r.requestID()
				if r, err := c.try(http.MethodGet, path("Credentials/{id}", id), nil, nil); err != nil || r.status != http.StatusOK {
					errs <- errors.New(u + ": credentials failed")
					return
				}
				if r, err := c.try(http.MethodPut, path("Requests/{id}/Checkin", id), nil, nil); err != nil || r.status != http.StatusNoContent {
					errs <- errors.New(u + ": checkin failed")
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 30 {
			f.srv.Advance(time.Second)
			f.srv.Calls("", "")
			f.srv.Users()
			f.srv.Password("web01", "root")
			f.srv.Next(http.MethodGet, "NoSuchThing").Fail(http.StatusTeapot)
			f.srv.OpenRequests()
			f.srv.CallLog()
			_, _ = f.srv.Request(1001)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := f.srv.Calls(http.MethodPost, "Requests"); n != 60 {
		t.Errorf("POST Requests calls %d, want 60", n)
	}
	if n := len(f.srv.Checkins()); n != 60 {
		t.Errorf("%d check-ins, want 60", n)
	}
}
