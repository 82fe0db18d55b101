package passwordsafetest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFailNext(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	f.srv.FailNext(http.MethodGet, "requests", 2, http.StatusServiceUnavailable)
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
	f.srv.FailNext("", "Requests", 1, http.StatusTooManyRequests)
	f.anon().do(http.MethodPost, "Requests", req(1, 11, 5)).wantStatus(http.StatusTooManyRequests)
	if _, ok := f.srv.Request(1001); ok {
		t.Errorf("a failed call was processed")
	}

	h := http.Header{"Retry-After": {"2"}}
	f.srv.FailNextWith(http.MethodPost, "Requests", 1, http.StatusTooManyRequests, h, "slow down")
	r := rita.do(http.MethodPost, "Requests", req(1, 11, 5))
	r.wantError(http.StatusTooManyRequests, "slow down")
	if got := r.header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After %q", got)
	}
}

func TestFaultPatterns(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	a := rita.createRequest(req(1, 11, 30))
	b := rita.createRequest(req(3, 31, 30))
	f.srv.FailNext(http.MethodPut, "Requests/*/Checkin", 1, http.StatusBadGateway)
	f.srv.FailNext("", "Credentials/*", 1, http.StatusInternalServerError)

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

	f.srv.FailNext("", "", 5, http.StatusServiceUnavailable)
	f.srv.DelayNext("", "", 5, time.Hour)
	f.srv.ResetFaults()
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
	if n := f.srv.Calls("", ""); n != 1 {
		t.Errorf("calls after reset %d, want 1", n)
	}
	f.srv.FailNext("", "", 0, http.StatusServiceUnavailable) // n = 0 does nothing
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
}

func TestDelayNext(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	const d = 150 * time.Millisecond
	f.srv.DelayNext(http.MethodGet, "Requests", 1, d)
	start := time.Now()
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
	if el := time.Since(start); el < d {
		t.Errorf("answered after %v, want at least %v", el, d)
	}
	start = time.Now()
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
	if el := time.Since(start); el >= d {
		t.Errorf("second call delayed too (%v)", el)
	}

	// A delay and a failure combine.
	f.srv.DelayNext("", "Requests", 1, 50*time.Millisecond)
	f.srv.FailNext("", "Requests", 1, http.StatusGatewayTimeout)
	start = time.Now()
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusGatewayTimeout)
	if time.Since(start) < 50*time.Millisecond {
		t.Errorf("delay not applied before the failure")
	}

	// A client that gives up during the delay: the call is not processed.
	f.srv.DelayNext(http.MethodPost, "Requests", 1, 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	hreq, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.base+"Requests",
		strings.NewReader(`{"SystemID":1,"AccountID":11,"DurationMinutes":30}`))
	start = time.Now()
	if _, err := rita.hc.Do(hreq); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want deadline exceeded", err)
	}
	f.ts.Close() // waits for the handler, which must stop as the client went away
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("the abandoned call was held for %v", el)
	}
	if _, ok := f.srv.Request(1001); ok {
		t.Errorf("an abandoned delayed call was processed")
	}
}

func TestDropNext(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	f.srv.DropNext(http.MethodPost, "Requests", 1)
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

func TestDropAfterNext(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	f.srv.DropAfterNext(http.MethodPost, "Requests", 1)
	if _, err := rita.try(http.MethodPost, "Requests", req(1, 11, 30), nil); err == nil {
		t.Fatalf("dropped call got an answer")
	}
	// The request was created all the same: a retry would now conflict.
	info, ok := f.srv.Request(1001)
	if !ok || info.Status != "active" {
		t.Fatalf("request after drop-after: %+v %v", info, ok)
	}
	rita.do(http.MethodPost, "Requests", req(1, 11, 30)).wantStatus(http.StatusConflict)

	pw := f.srv.Password(1, 11)
	f.srv.DropAfterNext(http.MethodPut, "Requests/*/Checkin", 1)
	if _, err := rita.try(http.MethodPut, "Requests/1001/Checkin", nil, nil); err == nil {
		t.Fatalf("dropped check-in got an answer")
	}
	if info, _ := f.srv.Request(1001); info.Status != "checkedin" || f.srv.Password(1, 11) == pw {
		t.Errorf("check-in was not processed: %+v", info)
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
				var out struct{ RequestID int }
				r.decode(&out)
				if r, err := c.try(http.MethodGet, path("Credentials/{id}", out.RequestID), nil, nil); err != nil || r.status != http.StatusOK {
					errs <- errors.New(u + ": credentials failed")
					return
				}
				if r, err := c.try(http.MethodPut, path("Requests/{id}/Checkin", out.RequestID), nil, nil); err != nil || r.status != http.StatusNoContent {
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
			f.srv.Password(1, 11)
			f.srv.FailNext(http.MethodGet, "NoSuchThing", 1, http.StatusTeapot)
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
}
