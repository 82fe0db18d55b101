package passwordsafe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// End-to-end tests of "never leave a request open" (API.md): every path
// by which a Checkout can lose track of its request, for each of the three
// Checkout helpers, asserting on the fake's final state: how many requests
// were created, which are open, and the check-ins made.
//
// The fakes run on wall time (no WithTime in the past): the search for a
// request whose creation answer was lost compares the server's
// RequestReleaseDate with the client's clock.

// coTarget is an account of the default seed, by every handle a helper
// needs: IDs for Requests.Checkout, an alias for Aliases.Checkout, names
// for ManagedAccounts.Checkout.
type coTarget struct {
	system, account     string
	systemID, accountID int
	aliasID             int
}

var (
	// webRoot is auto-approved: the credential is released at once.
	webRoot = coTarget{system: "web01", account: "root", systemID: sysWeb01, accountID: acctRoot, aliasID: aliasWebRoot}
	// dbPostgres needs one approval; alias db-ha sends its requests here.
	dbPostgres = coTarget{system: "db01", account: "postgres", systemID: sysDB01, accountID: acctPostgres, aliasID: aliasDBHA}
)

// coOpts are the terms the tests vary.
type coOpts struct {
	conflict      ps.ConflictOption
	releaseReused bool   // the client option, or CheckoutOptions.ReleaseReused for ManagedAccounts
	checkinReason string // CheckinReason of each helper's options
}

// coHelper is one of the three Checkout helpers behind one shape: fn gets
// the password as a string.
type coHelper struct {
	name string
	// post is the creating POST's path, as the fake counts calls.
	post func(coTarget) string
	// creds is the credential poll's path pattern.
	creds string
	run   func(ctx context.Context, c *ps.Client, tg coTarget, o coOpts, fn func(context.Context, string) error) error
	// leftover makes a request as an earlier run of the same service would
	// have, through the same route.
	leftover func(c *ps.Client, tg coTarget) (int, error)
}

const coReason = "e2e checkout"

var coHelpers = []coHelper{
	{
		name:  "Requests",
		post:  func(coTarget) string { return "Requests" },
		creds: "Credentials/*",
		run: func(ctx context.Context, c *ps.Client, tg coTarget, o coOpts, fn func(context.Context, string) error) error {
			return c.Requests.Checkout(ctx, &ps.CreateRequestOptions{SystemID: tg.systemID, AccountID: tg.accountID,
				DurationMinutes: 10, Reason: coReason, ConflictOption: o.conflict, CheckinReason: o.checkinReason},
				func(ctx context.Context, cred ps.Secret) error { return fn(ctx, cred.Value()) })
		},
		leftover: func(c *ps.Client, tg coTarget) (int, error) {
			cr, _, err := c.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: tg.systemID, AccountID: tg.accountID,
				DurationMinutes: 60, Reason: "an earlier run"})
			if err != nil {
				return 0, err
			}
			return cr.RequestID, nil
		},
	},
	{
		name:  "Aliases",
		post:  func(tg coTarget) string { return "Aliases/" + strconv.Itoa(tg.aliasID) + "/Requests" },
		creds: "Aliases/*/Credentials/*",
		run: func(ctx context.Context, c *ps.Client, tg coTarget, o coOpts, fn func(context.Context, string) error) error {
			return c.Aliases.Checkout(ctx, tg.aliasID, &ps.CreateAliasRequestOptions{DurationMinutes: 10, Reason: coReason,
				ConflictOption: o.conflict, CheckinReason: o.checkinReason},
				func(ctx context.Context, cred *ps.AliasCredentials) error {
					if cred.SystemName != tg.system || cred.AccountName != tg.account {
						return fmt.Errorf("alias credentials for %s/%s, want %s/%s", cred.SystemName, cred.AccountName, tg.system, tg.account)
					}
					return fn(ctx, cred.Password.Value())
				})
		},
		leftover: func(c *ps.Client, tg coTarget) (int, error) {
			cr, _, err := c.Aliases.CreateRequest(bg, tg.aliasID, &ps.CreateAliasRequestOptions{DurationMinutes: 60,
				Reason: "an earlier run"})
			if err != nil {
				return 0, err
			}
			return cr.RequestID, nil
		},
	},
	{
		name:  "ManagedAccounts",
		post:  func(coTarget) string { return "Requests" },
		creds: "Credentials/*",
		run: func(ctx context.Context, c *ps.Client, tg coTarget, o coOpts, fn func(context.Context, string) error) error {
			return c.ManagedAccounts.Checkout(ctx, tg.system, tg.account, &ps.CheckoutOptions{DurationMinutes: 10,
				Reason: coReason, ConflictOption: o.conflict, ReleaseReused: o.releaseReused, CheckinReason: o.checkinReason},
				func(ctx context.Context, l *ps.Lease) error {
					if l.SystemID != tg.systemID || l.AccountID != tg.accountID || l.RequestID == 0 {
						return fmt.Errorf("lease %+v, want %s/%s", l, tg.system, tg.account)
					}
					return fn(ctx, l.Credential.Value())
				})
		},
		leftover: func(c *ps.Client, tg coTarget) (int, error) {
			cr, _, err := c.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: tg.systemID, AccountID: tg.accountID,
				DurationMinutes: 60, Reason: "an earlier run"})
			if err != nil {
				return 0, err
			}
			return cr.RequestID, nil
		},
	},
}

func managedHelper() coHelper {
	for _, h := range coHelpers {
		if h.name == "ManagedAccounts" {
			return h
		}
	}
	panic("no ManagedAccounts helper")
}

// client is a requestor's client for the helper; releaseReused is a client
// option for Requests and Aliases (ManagedAccounts takes it per call).
func (h coHelper) client(e *e2e, o coOpts, opts ...ps.Option) *ps.Client {
	e.t.Helper()
	if o.releaseReused && h.name != "ManagedAccounts" {
		opts = append(opts, ps.WithCheckoutReleaseReused())
	}
	return e.as("requestor", opts...)
}

// forEachHelper runs body as a parallel subtest per helper, each against
// its own fake.
func forEachHelper(t *testing.T, body func(t *testing.T, e *e2e, h coHelper)) {
	t.Helper()
	for _, h := range coHelpers {
		t.Run(h.name, func(t *testing.T) {
			t.Parallel()
			body(t, newE2E(t), h)
		})
	}
}

// creates counts the calls that may create a request (either route).
func (e *e2e) creates() int {
	return e.srv.Calls("POST", "Requests") + e.srv.Calls("POST", "Aliases/*/Requests")
}

// assertOneCheckedIn asserts the fake's final state after a checkout that
// must leave nothing open: exactly one request was created, by one POST on
// the helper's route; it is checked in, once, by the requestor, with the
// reason Checkout sends (none); nothing is open. It returns the request.
func (e *e2e) assertOneCheckedIn(h coHelper, tg coTarget) passwordsafetest.RequestInfo {
	e.t.Helper()
	return e.assertOneCheckedInWith(h, tg, "")
}

// assertOneCheckedInWith is assertOneCheckedIn with the check-in reason
// Checkout was given.
func (e *e2e) assertOneCheckedInWith(h coHelper, tg coTarget, checkinReason string) passwordsafetest.RequestInfo {
	t := e.t
	t.Helper()
	assert.Equal(t, 1, e.srv.Calls("POST", h.post(tg)), "one POST on the helper's route")
	assert.Equal(t, 1, e.creates(), "one creating POST in all")
	reqs := e.srv.Requests()
	require.Len(t, reqs, 1, "exactly one request created")
	rq := reqs[0]
	assert.Equal(t, passwordsafetest.StatusCheckedIn, rq.Status)
	assert.Equal(t, "requestor", rq.Owner)
	assert.Equal(t, tg.systemID, rq.SystemID)
	assert.Equal(t, tg.accountID, rq.AccountID)
	assert.Equal(t, coReason, rq.Reason)
	assert.Empty(t, e.srv.OpenRequests(), "nothing left open")
	checkins := e.srv.Checkins()
	if assert.Len(t, checkins, 1, "checked in once") {
		assert.Equal(t, rq.RequestID, checkins[0].RequestID)
		assert.Equal(t, "requestor", checkins[0].User)
		assert.Equal(t, checkinReason, checkins[0].Reason, "the reason Checkout was given for the check-in")
	}
	return rq
}

// whenArrived holds the next call to method and path, runs f once it has
// arrived, then lets it go on: f acts between that call and what came
// before it (a fault for the calls after it, say), without a clock.
func (e *e2e) whenArrived(method, path string, f func()) {
	hold := e.srv.Next(method, path).Hold()
	e.t.Cleanup(hold.Release)
	ctx := waitCtx(e.t)
	go func() {
		select {
		case <-hold.Arrived():
		case <-ctx.Done():
			return
		}
		f()
		hold.Release()
	}()
}

// waitCtx bounds a test's waits on the fake (for an approval, a poll, a
// request to appear), so that a regression fails the test with a deadline
// error instead of hanging it. No test comes near it: it is not a margin
// that real work races (each wait here is milliseconds, seconds on a
// machine under heavy load), and it is short enough that a mutation run's
// per-mutant timeout sees a failure, not a hang.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// approveWhenPendingAs approves, as the fake's approvers, the first request
// that becomes pending, with as many approvals as it needs.
func (e *e2e) approveWhenPendingAs(approvers ...string) <-chan error {
	done := make(chan error, 1)
	ctx := waitCtx(e.t)
	go func() {
		rq, err := e.srv.WaitForRequest(ctx, passwordsafetest.StatusPending)
		for _, a := range approvers {
			if err != nil {
				break
			}
			err = e.srv.Approve(rq.RequestID, a)
		}
		done <- err
	}()
	return done
}

// recordFn is an fn that records its runs and the credentials it got.
type recordFn struct {
	mu    sync.Mutex
	creds []string
}

func (r *recordFn) fn(_ context.Context, cred string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.creds = append(r.creds, cred)
	return nil
}

func (r *recordFn) runs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.creds...)
}

func fnMustNotRun(t *testing.T) func(context.Context, string) error {
	return func(context.Context, string) error {
		t.Error("fn ran")
		return nil
	}
}

// 1. The answer to the creating POST is lost after the server created the
// request: Checkout finds it with GET Requests and carries on with it, for
// an auto-approved account and for one that needs an approval.
func TestE2ECheckoutAnswerLost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		tg   coTarget
	}{{"released", webRoot}, {"pending", dbPostgres}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
				c := h.client(e, coOpts{})
				want := e.srv.Password(tc.tg.system, tc.tg.account)
				e.srv.Next("POST", h.post(tc.tg)).LoseAnswer()
				var approved <-chan error
				if tc.tg == dbPostgres {
					approved = e.approveWhenPendingAs("approver")
				}

				var got recordFn
				require.NoError(t, h.run(waitCtx(t), c, tc.tg, coOpts{}, got.fn))

				if tc.tg == dbPostgres {
					require.NoError(t, <-approved)
				}
				assert.Equal(t, []string{want}, got.runs(), "fn ran once, with the credential")
				assert.Equal(t, 2, e.srv.Calls("GET", "Requests"), "the list before the POST, and one search for the lost request")
				e.assertOneCheckedIn(h, tc.tg)
			})
		})
	}
}

// 1b. The answer is lost and the search for the request fails too: the
// error says the request may exist and what to do; doing it leaves nothing
// open.
func TestE2ECheckoutAnswerLostSearchFails(t *testing.T) {
	t.Parallel()
	forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
		c := h.client(e, coOpts{})
		e.srv.Next("POST", h.post(webRoot)).LoseAnswer()
		e.whenArrived("POST", h.post(webRoot), func() {
			e.srv.Next("GET", "Requests").Fail(http.StatusInternalServerError) // the search; not retried
		})

		err := h.run(waitCtx(t), c, webRoot, coOpts{}, fnMustNotRun(t))
		var ce *ps.CheckoutError
		require.ErrorAs(t, err, &ce)
		assert.Zero(t, ce.RequestID, "the request was not found")
		assert.Contains(t, err.Error(), "the request may have been created, and looking for it failed")
		assert.Contains(t, err.Error(), "list your open requests with Requests.List and check it in")
		assert.Equal(t, 1, e.creates())

		// The advice works.
		open, _, err := c.Requests.List(bg, nil)
		require.NoError(t, err)
		require.Len(t, open, 1)
		_, err = c.Requests.Checkin(bg, open[0].RequestID, "left by a failed checkout")
		require.NoError(t, err)
		assert.Empty(t, e.srv.OpenRequests())
		checkins := e.srv.Checkins()
		require.Len(t, checkins, 1)
		assert.Equal(t, "left by a failed checkout", checkins[0].Reason)
	})
}

// 2. A 502, 503 or 504 to the creating POST after the server acted: as a
// lost answer. The POST is not repeated.
func TestE2ECheckoutFiveHundredAfterCreate(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
				c := h.client(e, coOpts{})
				want := e.srv.Password("web01", "root")
				e.srv.Next("POST", h.post(webRoot)).ActThenFail(status)

				var got recordFn
				require.NoError(t, h.run(waitCtx(t), c, webRoot, coOpts{}, got.fn))

				assert.Equal(t, []string{want}, got.runs())
				assert.Equal(t, 2, e.srv.Calls("GET", "Requests"), "the list before the POST, and one search")
				e.assertOneCheckedIn(h, webRoot)
			})
		})
	}
}

// 2b. A 503 to the creating POST that the server did not act on: Checkout
// looks, finds nothing, and returns the 503; nothing was created.
func TestE2ECheckoutFiveHundredNothingCreated(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
				c := h.client(e, coOpts{})
				e.srv.Next("POST", h.post(webRoot)).Fail(status)

				err := h.run(waitCtx(t), c, webRoot, coOpts{}, fnMustNotRun(t))
				var er *ps.ErrorResponse
				require.ErrorAs(t, err, &er, "the POST's own error")
				assert.Equal(t, status, er.StatusCode)
				var ce *ps.CheckoutError
				assert.False(t, errors.As(err, &ce), "returned as it came: %v", err)

				assert.Equal(t, 1, e.srv.Calls("POST", h.post(webRoot)), "not repeated")
				assert.Equal(t, 2, e.srv.Calls("GET", "Requests"), "the list before the POST, and one search")
				assert.Empty(t, e.srv.Requests())
				assert.Empty(t, e.srv.OpenRequests())
				assert.Empty(t, e.srv.Checkins())
			})
		})
	}
}

// cancelAfterPoll makes the client's transport call cancel once a
// credential poll has been answered 4034 and its answer read whole: the
// context ends while Checkout waits before the next poll, at a point the
// test picks without a clock.
type cancelAfterPoll struct {
	base   http.RoundTripper
	cancel func()
}

func (t *cancelAfterPoll) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil || r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/Credentials/") ||
		resp.StatusCode != http.StatusForbidden {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if rerr != nil {
		return nil, rerr
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	t.cancel()
	return resp, nil
}

// expiringCtx is a context whose deadline passes when the test says so
// (expire), never on the wall clock.
type expiringCtx struct {
	context.Context
	once    sync.Once
	expired chan struct{}
}

func newExpiringCtx() *expiringCtx {
	return &expiringCtx{Context: context.Background(), expired: make(chan struct{})}
}

func (c *expiringCtx) expire()               { c.once.Do(func() { close(c.expired) }) }
func (c *expiringCtx) Done() <-chan struct{} { return c.expired }
func (c *expiringCtx) Err() error {
	select {
	case <-c.expired:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// 3. The wait for approval ends first (the deadline passes while the
// request is pending), either between two polls or while a poll is in
// flight: a *CheckoutError with the request ID that matches the context's
// error and says the request is pending and what to do. The request stays
// open (a requestor cannot check in a pending request); following the
// advice ends it.
func TestE2ECheckoutDeadlineWhilePending(t *testing.T) {
	t.Parallel()
	for _, when := range []string{"between polls", "during a poll"} {
		t.Run(when, func(t *testing.T) {
			t.Parallel()
			forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
				ctx := newExpiringCtx()
				var c *ps.Client
				if when == "between polls" {
					c = h.client(e, coOpts{}, ps.WithHTTPClient(&http.Client{
						Transport: &cancelAfterPoll{base: http.DefaultTransport, cancel: ctx.expire}}))
				} else {
					c = h.client(e, coOpts{})
					hold := e.srv.Next("GET", h.creds).Hold()
					defer hold.Release()
					go func() {
						<-hold.Arrived()
						ctx.expire()
					}()
				}

				err := h.run(ctx, c, dbPostgres, coOpts{}, fnMustNotRun(t))

				reqs := e.srv.Requests()
				require.Len(t, reqs, 1, "one request created")
				id := reqs[0].RequestID
				var ce *ps.CheckoutError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, id, ce.RequestID)
				assert.False(t, ce.CheckedIn)
				assert.False(t, ce.Reused)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.ErrorIs(t, err, ps.ErrNotApproved, "the request is pending")
				sid := strconv.Itoa(id)
				assert.Contains(t, err.Error(), "request "+sid+" is still pending")
				assert.Contains(t, err.Error(), "it ends when an approver denies it or it expires")
				assert.Contains(t, err.Error(), "Requests.WaitCredentials(ctx, "+sid+", nil)")

				assert.Equal(t, 1, e.srv.Calls("POST", h.post(dbPostgres)))
				assert.Equal(t, 1, e.creates())
				open := e.srv.OpenRequests()
				require.Len(t, open, 1, "pending until an approver or expiry ends it")
				assert.Equal(t, passwordsafetest.StatusPending, open[0].Status)
				assert.Empty(t, e.srv.Checkins())
				assert.Equal(t, 1, e.srv.Calls("PUT", "Requests/*/Checkin"), "a check-in was tried")

				// Do what the message says: wait for the credential, then check in.
				require.NoError(t, e.srv.Approve(id, "approver"))
				cred, err := c.Requests.WaitCredentials(waitCtx(t), id, nil)
				require.NoError(t, err)
				assert.Equal(t, e.srv.Password("db01", "postgres"), cred.Value())
				_, err = c.Requests.Checkin(bg, id, "done after approval")
				require.NoError(t, err)
				assert.Empty(t, e.srv.OpenRequests())
				checkins := e.srv.Checkins()
				require.Len(t, checkins, 1)
				assert.Equal(t, "done after approval", checkins[0].Reason)
			})
		})
	}
}

// 3b. A plain cancel while pending, when the first poll arrives: the
// cancel lands during that poll or in the wait after it, whichever the
// scheduler makes it; the outcome is the same either way.
func TestE2ECheckoutCanceledWhilePending(t *testing.T) {
	t.Parallel()
	forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
		ctx, cancel := context.WithCancel(waitCtx(t))
		defer cancel()
		go func() {
			if e.srv.WaitForCalls(ctx, "GET", h.creds, 1) == nil {
				cancel()
			}
		}()
		err := h.run(ctx, h.client(e, coOpts{}), dbPostgres, coOpts{}, fnMustNotRun(t))
		var ce *ps.CheckoutError
		require.ErrorAs(t, err, &ce)
		require.Len(t, e.srv.Requests(), 1)
		assert.Equal(t, e.srv.Requests()[0].RequestID, ce.RequestID)
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, ps.ErrNotApproved)
		assert.Contains(t, err.Error(), "is still pending")
		assert.Len(t, e.srv.OpenRequests(), 1)
		assert.Equal(t, 1, e.creates())
	})
}

// 3c. The request is denied, or expires, while Checkout waits: fn never
// runs, the error holds the request ID and says it is no longer open;
// nothing is.
func TestE2ECheckoutDeniedOrExpiredWhileWaiting(t *testing.T) {
	t.Parallel()
	for _, end := range []string{"denied", "expired"} {
		t.Run(end, func(t *testing.T) {
			t.Parallel()
			forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
				ended := make(chan error, 1)
				ctx, stop := context.WithCancel(waitCtx(t))
				go func() {
					rq, err := e.srv.WaitForRequest(ctx, passwordsafetest.StatusPending)
					if err == nil {
						if end == "denied" {
							err = e.srv.Deny(rq.RequestID, "approver", "not now")
						} else {
							err = e.srv.ExpireRequest(rq.RequestID)
						}
					}
					ended <- err
				}()
				err := h.run(waitCtx(t), h.client(e, coOpts{}), dbPostgres, coOpts{}, fnMustNotRun(t))
				stop() // a checkout that returned without a pending request fails here, not at the bound
				require.NoError(t, <-ended)

				reqs := e.srv.Requests()
				require.Len(t, reqs, 1)
				id := reqs[0].RequestID
				assert.Equal(t, end, reqs[0].Status)
				var ce *ps.CheckoutError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, id, ce.RequestID)
				assert.False(t, ce.CheckedIn)
				assert.ErrorIs(t, err, ps.ErrForbidden)
				assert.NotErrorIs(t, err, ps.ErrNotApproved)
				if end == "denied" {
					assert.ErrorIs(t, err, ps.ErrDenied)
					assert.NotErrorIs(t, err, ps.ErrExpired)
				} else {
					assert.ErrorIs(t, err, ps.ErrExpired)
					assert.NotErrorIs(t, err, ps.ErrDenied)
				}
				assert.Contains(t, err.Error(), "request "+strconv.Itoa(id)+" is no longer open")
				assert.NotContains(t, err.Error(), "may still be open")
				assert.Equal(t, 1, e.creates())
				assert.Empty(t, e.srv.OpenRequests())
				assert.Empty(t, e.srv.Checkins())
			})
		})
	}
}

// 4. A leftover of an earlier run that died (same user, another client):
// with ConflictReuse the server hands it over; released on request
// (WithCheckoutReleaseReused, CheckoutOptions.ReleaseReused), left open by
// default.
func TestE2ECheckoutReusesLeftover(t *testing.T) {
	t.Parallel()
	for _, release := range []bool{true, false} {
		t.Run("release="+strconv.FormatBool(release), func(t *testing.T) {
			t.Parallel()
			forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
				leftover, err := h.leftover(e.as("requestor"), webRoot) // the run that died
				require.NoError(t, err)
				want := e.srv.Password("web01", "root")

				o := coOpts{conflict: ps.ConflictReuse, releaseReused: release}
				var got recordFn
				require.NoError(t, h.run(waitCtx(t), h.client(e, o), webRoot, o, got.fn))

				assert.Equal(t, []string{want}, got.runs())
				assert.Equal(t, 2, e.srv.Calls("POST", h.post(webRoot)), "the earlier run's POST and Checkout's")
				reqs := e.srv.Requests()
				require.Len(t, reqs, 1, "the leftover was reused, nothing new created")
				assert.Equal(t, leftover, reqs[0].RequestID)
				assert.Equal(t, 1, e.srv.Calls("GET", "Requests"), "the list before the POST; no search: the answer came")
				if release {
					assert.Empty(t, e.srv.OpenRequests())
					checkins := e.srv.Checkins()
					require.Len(t, checkins, 1)
					assert.Equal(t, leftover, checkins[0].RequestID)
					assert.Equal(t, "requestor", checkins[0].User)
				} else {
					open := e.srv.OpenRequests()
					require.Len(t, open, 1, "not ours to release by default")
					assert.Equal(t, leftover, open[0].RequestID)
					assert.Empty(t, e.srv.Checkins())
				}
			})
		})
	}
}

// 4b. ManagedAccounts.Checkout honours the client-wide option too.
func TestE2EManagedCheckoutReleaseReusedClientOption(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	leftover, _, err := e.as("requestor").Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot,
		DurationMinutes: 60})
	require.NoError(t, err)
	c := e.as("requestor", ps.WithCheckoutReleaseReused())
	err = c.ManagedAccounts.Checkout(waitCtx(t), "web01", "root", &ps.CheckoutOptions{DurationMinutes: 5, ConflictOption: ps.ConflictReuse},
		func(_ context.Context, l *ps.Lease) error {
			assert.Equal(t, leftover.RequestID, l.RequestID)
			return nil
		})
	require.NoError(t, err)
	assert.Empty(t, e.srv.OpenRequests())
	require.Len(t, e.srv.Checkins(), 1)
	assert.Equal(t, leftover.RequestID, e.srv.Checkins()[0].RequestID)
}

// 5. fn fails or panics: checked in once; fn's error is returned (joined
// with the check-in's, when that fails), the panic goes on.
func TestE2ECheckoutFnFailsOrPanics(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	t.Run("fails", func(t *testing.T) {
		t.Parallel()
		forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
			var runs atomic.Int32
			err := h.run(waitCtx(t), h.client(e, coOpts{}), webRoot, coOpts{}, func(context.Context, string) error {
				runs.Add(1)
				return boom
			})
			assert.ErrorIs(t, err, boom)
			assert.Equal(t, boom.Error(), err.Error(), "fn's error alone: the check-in went well")
			assert.Equal(t, int32(1), runs.Load())
			e.assertOneCheckedIn(h, webRoot)
		})
	})
	t.Run("panics", func(t *testing.T) {
		t.Parallel()
		forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
			c := h.client(e, coOpts{})
			var recovered any
			func() {
				defer func() { recovered = recover() }()
				_ = h.run(waitCtx(t), c, webRoot, coOpts{}, func(context.Context, string) error { panic(boom) })
			}()
			assert.Equal(t, boom, recovered, "the panic goes on, unchanged")
			e.assertOneCheckedIn(h, webRoot)
		})
	})
	t.Run("fails and the check-in is retried", func(t *testing.T) {
		t.Parallel()
		forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
			e.srv.Next("PUT", "Requests/*/Checkin").Fail(http.StatusServiceUnavailable) // not acted on; PUT is retried
			err := h.run(waitCtx(t), h.client(e, coOpts{}), webRoot, coOpts{}, func(context.Context, string) error { return boom })
			assert.ErrorIs(t, err, boom)
			assert.Equal(t, boom.Error(), err.Error())
			assert.Equal(t, 2, e.srv.Calls("PUT", "Requests/*/Checkin"))
			e.assertOneCheckedIn(h, webRoot)
		})
	})
	// The check-in acts but its answer is lost: the PUT is repeated and
	// refused (checked in already); that is no check-in error.
	for name, fault := range map[string]func(passwordsafetest.Fault){
		"a 502":     func(f passwordsafetest.Fault) { f.ActThenFail(http.StatusBadGateway) },
		"a 504":     func(f passwordsafetest.Fault) { f.ActThenFail(http.StatusGatewayTimeout) },
		"no answer": func(f passwordsafetest.Fault) { f.LoseAnswer() },
	} {
		t.Run("fails and the check-in acts but gets "+name, func(t *testing.T) {
			t.Parallel()
			forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
				fault(e.srv.Next("PUT", "Requests/*/Checkin"))
				err := h.run(waitCtx(t), h.client(e, coOpts{}), webRoot, coOpts{}, func(context.Context, string) error { return boom })
				assert.ErrorIs(t, err, boom)
				assert.Equal(t, boom.Error(), err.Error(), "the request was checked in: no check-in error")
				assert.Equal(t, 2, e.srv.Calls("PUT", "Requests/*/Checkin"), "repeated once")
				e.assertOneCheckedIn(h, webRoot)
			})
		})
	}
	t.Run("fails and the check-in fails", func(t *testing.T) {
		t.Parallel()
		forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
			c := h.client(e, coOpts{})
			e.srv.Next("PUT", "Requests/*/Checkin").Fail(http.StatusInternalServerError) // not retried
			err := h.run(waitCtx(t), c, webRoot, coOpts{}, func(context.Context, string) error { return boom })
			assert.ErrorIs(t, err, boom)
			var er *ps.ErrorResponse
			require.ErrorAs(t, err, &er, "the check-in's error, joined")
			assert.Equal(t, http.StatusInternalServerError, er.StatusCode)
			open := e.srv.OpenRequests()
			require.Len(t, open, 1)
			assert.Contains(t, err.Error(), "checking in request "+strconv.Itoa(open[0].RequestID))

			// The error names the request: check it in.
			_, err = c.Requests.Checkin(bg, open[0].RequestID, "")
			require.NoError(t, err)
			e.assertOneCheckedIn(h, webRoot)
		})
	})
}

// 6. An open request conflicts (409) and no ConflictOption was given: the
// error matches ErrConflict and says what to do; nothing is created, and
// the open request, not Checkout's, stays open.
func TestE2ECheckoutConflict(t *testing.T) {
	t.Parallel()
	forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
		leftover, err := h.leftover(e.as("requestor"), webRoot)
		require.NoError(t, err)

		err = h.run(waitCtx(t), h.client(e, coOpts{}), webRoot, coOpts{}, fnMustNotRun(t))
		assert.ErrorIs(t, err, ps.ErrConflict)
		var ce *ps.CheckoutError
		require.ErrorAs(t, err, &ce)
		assert.Zero(t, ce.RequestID)
		var er *ps.ErrorResponse
		require.ErrorAs(t, err, &er)
		assert.Equal(t, http.StatusConflict, er.StatusCode)
		assert.Contains(t, err.Error(), "request "+strconv.Itoa(leftover)+" of this user for the account is open: "+
			"pass ConflictOption reuse to take it over, or renew to replace it")

		assert.Equal(t, 2, e.srv.Calls("POST", h.post(webRoot)), "the earlier run's and Checkout's")
		assert.Equal(t, 1, e.srv.Calls("GET", "Requests"), "the list before the POST; a 409 proves nothing was created: no search")
		reqs := e.srv.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, leftover, reqs[0].RequestID)
		open := e.srv.OpenRequests()
		require.Len(t, open, 1)
		assert.Equal(t, leftover, open[0].RequestID)
		assert.Empty(t, e.srv.Checkins())
	})
}

// 7. ManagedAccounts.Checkout by name: a domain account, named DOMAIN\name
// or by its UPN (two approvals), and the key and passphrase of an account
// that has them.
func TestE2EManagedCheckoutDomainAccount(t *testing.T) {
	t.Parallel()
	for _, name := range []string{`EXAMPLE\deploy`, "deploy@example.test", `example\DEPLOY`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			c := e.as("requestor")
			approved := e.approveWhenPendingAs("approver", "reqapprover")
			want := e.srv.Password("app01", `EXAMPLE\deploy`)
			var lease ps.Lease
			err := c.ManagedAccounts.Checkout(waitCtx(t), "app01", name, &ps.CheckoutOptions{DurationMinutes: 15, Reason: coReason},
				func(_ context.Context, l *ps.Lease) error {
					lease = *l
					return nil
				})
			require.NoError(t, err)
			require.NoError(t, <-approved)

			assert.Equal(t, want, lease.Credential.Value())
			assert.Equal(t, 4, lease.SystemID)
			assert.Equal(t, 41, lease.AccountID)
			assert.Equal(t, "app01", lease.SystemName)
			assert.Equal(t, "deploy", lease.AccountName, "as the server spells it")
			assert.Equal(t, "EXAMPLE", lease.DomainName)
			rq := e.assertOneCheckedIn(managedHelper(), coTarget{systemID: 4, accountID: 41})
			assert.Equal(t, rq.RequestID, lease.RequestID)
			assert.Equal(t, []string{"approver", "reqapprover"}, rq.Approvals)

			lookup := findCall(e.srv.CallLog(), "GET", "ManagedAccounts")
			require.NotNil(t, lookup)
			assert.Equal(t, "accountName="+escapeQuery(name)+"&systemName=app01", lookup.Query)
			assert.Equal(t, http.StatusOK, lookup.Status)
		})
	}
}

func TestE2EManagedCheckoutCredentialTypes(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	var root passwordsafetest.Account
	for _, a := range e.srv.Accounts() {
		if a.ID == acctRoot {
			root = a
		}
	}
	require.NotEmpty(t, root.PrivateKey, "web01/root has an SSH key in the default seed")
	require.NotEmpty(t, root.Passphrase)
	c := e.as("requestor")
	for _, tc := range []struct {
		typ   ps.CredentialType
		want  string
		query string
	}{
		{"", root.Password, ""},
		{ps.CredentialPassword, root.Password, "type=password"},
		{ps.CredentialDSSKey, root.PrivateKey, "type=dsskey"},
		{ps.CredentialPassphrase, root.Passphrase, "type=passphrase"},
	} {
		e.srv.ResetCalls()
		var got string
		err := c.ManagedAccounts.Checkout(waitCtx(t), "web01", "root", &ps.CheckoutOptions{DurationMinutes: 5, CredentialType: tc.typ,
			RotateOnCheckin: ps.Ptr(false)},
			func(_ context.Context, l *ps.Lease) error {
				got = l.Credential.Value()
				return nil
			})
		require.NoError(t, err, tc.typ)
		assert.Equal(t, tc.want, got, tc.typ)
		read := findCall(e.srv.CallLog(), "GET", "Credentials/*")
		require.NotNil(t, read)
		assert.Equal(t, tc.query, read.Query, tc.typ)
		assert.Empty(t, e.srv.OpenRequests())
	}
	assert.Len(t, e.srv.Requests(), 4)
	assert.Len(t, e.srv.Checkins(), 4)

}

// findCall returns the first call to method and path (a pattern as for
// Server.Calls), or nil.
func findCall(log []passwordsafetest.Call, method, pattern string) *passwordsafetest.Call {
	pat := strings.Split(strings.ToLower(pattern), "/")
	for i := range log {
		segs := strings.Split(strings.ToLower(log[i].Path), "/")
		if log[i].Method != method || len(segs) != len(pat) {
			continue
		}
		ok := true
		for j := range pat {
			if pat[j] != "*" && pat[j] != segs[j] {
				ok = false
			}
		}
		if ok {
			return &log[i]
		}
	}
	return nil
}

func escapeQuery(s string) string {
	return strings.NewReplacer(`\`, "%5C", "@", "%40").Replace(s)
}

// ManagedAccounts.Get, List and All against the fake, paging with Limit,
// in both list shapes.
func TestE2EManagedAccountsGetListAll(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.as("requestor")

	acct, _, err := c.ManagedAccounts.Get(bg, "web01", "root")
	require.NoError(t, err)
	assert.Equal(t, sysWeb01, acct.SystemID)
	assert.Equal(t, acctRoot, acct.AccountID)
	assert.Equal(t, "web01", acct.SystemName)
	assert.Equal(t, "root", acct.AccountName)
	assert.Equal(t, 2, acct.PlatformID)
	assert.Empty(t, acct.DomainName)

	dom, _, err := c.ManagedAccounts.Get(bg, "app01", `EXAMPLE\deploy`)
	require.NoError(t, err)
	assert.Equal(t, 41, dom.AccountID)
	assert.Equal(t, "EXAMPLE", dom.DomainName)
	assert.Equal(t, "deploy@example.test", dom.UserPrincipalName)

	_, _, err = c.ManagedAccounts.Get(bg, "web01", "nobody")
	assert.ErrorIs(t, err, ps.ErrNotFound)

	all, _, err := c.ManagedAccounts.List(bg, nil)
	require.NoError(t, err)
	require.Len(t, all, 6)
	assert.Equal(t, acctRoot, all[0].AccountID)

	pg, _, err := c.ManagedAccounts.List(bg, &ps.ListManagedAccountsOptions{AccountName: "postgres"})
	require.NoError(t, err)
	assert.Equal(t, []int{acctPostgres, 61}, accountIDs(pg))

	page, _, err := c.ManagedAccounts.List(bg, &ps.ListManagedAccountsOptions{Limit: 2, Offset: 2})
	require.NoError(t, err)
	assert.Equal(t, []int{all[2].AccountID, all[3].AccountID}, accountIDs(page))

	wantIDs := accountIDs(all)
	for _, tc := range []struct {
		limit int
		calls int
	}{
		{2, 4}, // 2+2+2, then an empty page ends it
		{4, 2}, // 4, then a short page
		{6, 2}, // a full page, then an empty one
		{0, 1}, // the default page size, 1000: one short page
	} {
		e.srv.ResetCalls()
		got, err := collect(c.ManagedAccounts.All(waitCtx(t), &ps.ListManagedAccountsOptions{Limit: tc.limit}))
		require.NoError(t, err)
		assert.Equal(t, wantIDs, accountIDs(got), "limit %d", tc.limit)
		assert.Equal(t, tc.calls, e.srv.Calls("GET", "ManagedAccounts"), "limit %d", tc.limit)
	}

	// Stopping early stops the paging.
	e.srv.ResetCalls()
	n := 0
	for a, err := range c.ManagedAccounts.All(waitCtx(t), &ps.ListManagedAccountsOptions{Limit: 2}) {
		require.NoError(t, err)
		n++
		if a.AccountID == wantIDs[2] {
			break
		}
	}
	assert.Equal(t, 3, n)
	assert.Equal(t, 2, e.srv.Calls("GET", "ManagedAccounts"))
}

func TestE2EManagedAccountsPagedWrapper(t *testing.T) {
	t.Parallel()
	e := newE2E(t, passwordsafetest.WithPagedManagedAccounts("3.1"))
	c := e.as("requestor", ps.WithAPIVersion("3.1"))
	old := e.as("requestor") // no ?version=: a bare list

	bare, _, err := old.ManagedAccounts.List(bg, nil)
	require.NoError(t, err)
	wantIDs := accountIDs(bare)
	require.Len(t, wantIDs, 6)

	page, _, err := c.ManagedAccounts.List(bg, &ps.ListManagedAccountsOptions{Limit: 4})
	require.NoError(t, err)
	assert.Equal(t, wantIDs[:4], accountIDs(page), "the Data of {TotalCount, Data}")

	for _, tc := range []struct {
		limit int
		calls int
	}{
		{2, 3}, // TotalCount 6 ends it after the third page: no empty page
		{4, 2},
		{6, 1},
		{5, 2},
	} {
		e.srv.ResetCalls()
		got, err := collect(c.ManagedAccounts.All(waitCtx(t), &ps.ListManagedAccountsOptions{Limit: tc.limit}))
		require.NoError(t, err)
		assert.Equal(t, wantIDs, accountIDs(got), "limit %d", tc.limit)
		log := e.srv.CallLog()
		require.Len(t, log, tc.calls, "limit %d: %v", tc.limit, log)
		for i, call := range log {
			assert.Equal(t, "3.1", call.Version)
			want := fmt.Sprintf("limit=%d&offset=%d&version=3.1", tc.limit, i*tc.limit)
			if i == 0 {
				want = fmt.Sprintf("limit=%d&version=3.1", tc.limit) // offset 0 is left out
			}
			assert.Equal(t, want, call.Query)
		}
	}

	// A filter that names one account by both names answers one object.
	one, _, err := c.ManagedAccounts.List(bg, &ps.ListManagedAccountsOptions{SystemName: "db02", AccountName: "postgres"})
	require.NoError(t, err)
	assert.Equal(t, []int{61}, accountIDs(one))

	// Checkout looks the account up the same way.
	err = c.ManagedAccounts.Checkout(waitCtx(t), "web01", "root", &ps.CheckoutOptions{DurationMinutes: 5},
		func(_ context.Context, l *ps.Lease) error {
			assert.Equal(t, acctRoot, l.AccountID)
			return nil
		})
	require.NoError(t, err)
	assert.Empty(t, e.srv.OpenRequests())
}

func accountIDs(list []ps.ManagedAccount) []int {
	out := make([]int, 0, len(list))
	for _, a := range list {
		out = append(out, a.AccountID)
	}
	return out
}

func collect[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ---- issue 16: never someone else's request, never after the deadline ----

// holdFn is an fn that stays inside until the test lets it go: the
// checkout that runs it holds its request meanwhile.
type holdFn struct {
	in, out chan struct{}
	cred    string
}

func newHoldFn() *holdFn { return &holdFn{in: make(chan struct{}), out: make(chan struct{})} }

func (h *holdFn) fn(_ context.Context, cred string) error {
	h.cred = cred
	close(h.in)
	<-h.out
	return nil
}

// 8. Two replicas of one service share one API user. A holds the account
// (its fn is running); B's POST reaches the server, which refuses it (409)
// or reuses A's request for it (200), and B never gets the answer (a
// gateway's 504 in its place, or a broken connection). B then sees A's
// request among the open ones, but it was open before B's POST, so it is
// not B's: B neither runs fn on it nor checks it in, even when told to
// release reused requests. A's request stays A's, and A checks it in.
func TestE2ECheckoutReplicasShareOneUser(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		b     coOpts
		fault func(passwordsafetest.Fault)
	}{
		{"a 504 in front of the 409", coOpts{}, func(f passwordsafetest.Fault) { f.ActThenFail(http.StatusGatewayTimeout) }},
		{"the answer to a reuse (200) lost", coOpts{conflict: ps.ConflictReuse, releaseReused: true},
			func(f passwordsafetest.Fault) { f.LoseAnswer() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
				a, b := h.client(e, coOpts{}), h.client(e, tc.b)
				held := newHoldFn()
				aDone := make(chan error, 1)
				go func() { aDone <- h.run(waitCtx(t), a, webRoot, coOpts{}, held.fn) }()
				select {
				case <-held.in:
				case err := <-aDone:
					t.Fatalf("A's checkout returned before its fn ran: %v", err)
				case <-waitCtx(t).Done():
					t.Fatal("A's fn never ran")
				}
				open := e.srv.OpenRequests()
				require.Len(t, open, 1)
				theirs := open[0].RequestID

				tc.fault(e.srv.Next("POST", h.post(webRoot)))
				err := h.run(waitCtx(t), b, webRoot, tc.b, fnMustNotRun(t))
				require.Error(t, err)
				var ce *ps.CheckoutError
				assert.False(t, errors.As(err, &ce) && ce.RequestID != 0, "B names no request: %v", err)
				// B left A's request alone while A is inside fn.
				open = e.srv.OpenRequests()
				require.Len(t, open, 1, "A's request is still open")
				assert.Equal(t, theirs, open[0].RequestID)
				assert.Equal(t, passwordsafetest.StatusActive, open[0].Status)
				assert.Empty(t, e.srv.Checkins(), "B checked nothing in")

				close(held.out)
				require.NoError(t, <-aDone)
				assert.NotEmpty(t, held.cred, "A's fn got the credential")
				assert.Equal(t, 2, e.srv.Calls("POST", h.post(webRoot)), "one POST each")
				require.Len(t, e.srv.Requests(), 1, "only A's request was created")
				checkins := e.srv.Checkins()
				require.Len(t, checkins, 1, "checked in once, by A after its fn")
				assert.Equal(t, theirs, checkins[0].RequestID)
				assert.Empty(t, e.srv.OpenRequests())
			})
		})
	}
}

// 9. The caller's deadline passes while the server holds the POST (a busy
// server's queue): Checkout returns at once, saying a request may yet be
// created, and the server creates it after the client's deadline. The
// client reads the answer in the background and checks that request in,
// with the check-in reason; SignOut waits for it. One POST, nothing open
// once SignOut returns, and the check-in is the requestor's.
func TestE2ECheckoutDeadlineWhileServerHoldsPost(t *testing.T) {
	t.Parallel()
	forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
		c := h.client(e, coOpts{})
		queued := e.srv.Next("POST", h.post(webRoot)).Queue()
		ctx := newExpiringCtx()
		go func() {
			<-queued.Arrived()
			ctx.expire()
		}()
		o := coOpts{checkinReason: "gave up waiting"}
		err := h.run(ctx, c, webRoot, o, fnMustNotRun(t))
		var ce *ps.CheckoutError
		require.ErrorAs(t, err, &ce)
		assert.True(t, ce.Background)
		assert.Zero(t, ce.RequestID)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "the request may yet be created")
		assert.Empty(t, e.srv.Requests(), "returned while the server still held the POST")

		queued.Release() // the server creates the request now, after the client's deadline
		require.NoError(t, c.SignOut(waitCtx(t)))
		e.assertOneCheckedInWith(h, webRoot, "gave up waiting")
		assert.Zero(t, e.srv.Calls("GET", h.creds), "fn's credential is never read")
	})
}

// 10. The server's clock is 30 s behind the client's and the answer to the
// POST is lost: Checkout finds the request by the lists, not by dates,
// carries on with it and checks it in. No bare error, nothing left open.
func TestE2ECheckoutServerClock30sBehind(t *testing.T) {
	t.Parallel()
	for _, skew := range []time.Duration{-30 * time.Second, 30 * time.Second} {
		t.Run(skew.String(), func(t *testing.T) {
			t.Parallel()
			for _, h := range coHelpers {
				t.Run(h.name, func(t *testing.T) {
					t.Parallel()
					e := newE2E(t, passwordsafetest.WithClockSkew(skew))
					c := h.client(e, coOpts{})
					e.srv.Next("POST", h.post(webRoot)).LoseAnswer()
					want := e.srv.Password("web01", "root")
					var got recordFn
					require.NoError(t, h.run(waitCtx(t), c, webRoot, coOpts{}, got.fn))
					assert.Equal(t, []string{want}, got.runs())
					rq := e.assertOneCheckedIn(h, webRoot)
					assert.WithinDuration(t, time.Now().Add(skew), rq.Created, 10*time.Second, "the server's clock is off")
				})
			}
		})
	}
}

// 11. A leftover of an earlier run that is still pending, and ConflictReuse:
// the server hands over only an approved request, so it answers 409, and
// creates no second request beside the pending one. The message says so
// and what to do; doing it ends the leftover.
func TestE2ECheckoutReusePendingLeftover(t *testing.T) {
	t.Parallel()
	forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
		c := h.client(e, coOpts{conflict: ps.ConflictReuse})
		leftover, err := h.leftover(e.as("requestor"), dbPostgres) // pending: needs an approval
		require.NoError(t, err)

		err = h.run(waitCtx(t), c, dbPostgres, coOpts{conflict: ps.ConflictReuse}, fnMustNotRun(t))
		assert.ErrorIs(t, err, ps.ErrConflict)
		var ce *ps.CheckoutError
		require.ErrorAs(t, err, &ce)
		id := strconv.Itoa(leftover)
		assert.Contains(t, err.Error(), "request "+id+" of this user for the account is still pending, and ConflictOption "+
			"reuse takes over only an approved request: wait for it with Requests.WaitCredentials(ctx, "+id+", nil)")
		reqs := e.srv.Requests()
		require.Len(t, reqs, 1, "no second request beside the pending one")
		assert.Equal(t, passwordsafetest.StatusPending, reqs[0].Status)

		// The advice works: once approved, the same checkout reuses it.
		require.NoError(t, e.srv.Approve(leftover, "approver"))
		var got recordFn
		require.NoError(t, h.run(waitCtx(t), h.client(e, coOpts{releaseReused: true}), dbPostgres,
			coOpts{conflict: ps.ConflictReuse, releaseReused: true}, got.fn))
		assert.Len(t, got.runs(), 1)
		assert.Empty(t, e.srv.OpenRequests())
		require.Len(t, e.srv.Checkins(), 1)
		assert.Equal(t, leftover, e.srv.Checkins()[0].RequestID)
	})
}

// 12. Many concurrent checkouts of one account with ConflictReuse: the
// first creates the request, the others reuse it while it is open, and
// some find it checked in by its creator before they read the credential.
// Every error says what is true: the reused request is no longer open
// (never "left open" beside "no longer active"). Each request is checked
// in once, by the checkout that created it; nothing is left open.
func TestE2ECheckoutConcurrentReuses(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.as("requestor")
	const n = 48
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- managedHelper().run(waitCtx(t), c, webRoot, coOpts{conflict: ps.ConflictReuse},
				func(context.Context, string) error { return nil })
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-waitCtx(t).Done():
		t.Fatal("the concurrent checkouts hang")
	}
	close(errs)
	for err := range errs {
		if err == nil {
			continue
		}
		var ce *ps.CheckoutError
		require.ErrorAs(t, err, &ce, "%v", err)
		assert.True(t, ce.Reused, "%v", err)
		msg := err.Error()
		assert.True(t, strings.HasSuffix(msg, "request "+strconv.Itoa(ce.RequestID)+", which the server reused (it was open "+
			"before this Checkout), is no longer open"), msg)
		assert.NotContains(t, msg, "left open")
		rq, ok := e.srv.Request(ce.RequestID)
		require.True(t, ok)
		assert.False(t, rq.Open(), "the message said it is no longer open")
	}
	assert.Empty(t, e.srv.OpenRequests())
	reqs, checkins := e.srv.Requests(), e.srv.Checkins()
	assert.Len(t, checkins, len(reqs), "each request checked in once, by its creator")
}

// 13. The check-in finds the session lost, and the sign-in anew is lost
// too: the check-in signs in once more and the request is checked in,
// instead of staying open and blocking every later checkout with 409.
func TestE2ECheckoutCheckinAfterSessionLostTwice(t *testing.T) {
	t.Parallel()
	forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
		c := h.client(e, coOpts{})
		e.srv.Next("PUT", "Requests/*/Checkin").Times(2).Fail(http.StatusUnauthorized)
		var got recordFn
		require.NoError(t, h.run(waitCtx(t), c, webRoot, coOpts{}, got.fn))
		assert.Len(t, got.runs(), 1)
		e.assertOneCheckedIn(h, webRoot)
		assert.Equal(t, 3, e.srv.Calls("PUT", "Requests/*/Checkin"))
		assert.Equal(t, 2, e.srv.Calls("POST", "Auth/SignAppin"), "signed in, then once more after the first 401")

		// The next checkout is not blocked.
		require.NoError(t, h.run(waitCtx(t), c, webRoot, coOpts{}, got.fn))
		assert.Empty(t, e.srv.OpenRequests())
	})
}

// 14. The check-in reason reaches the server with the check-in, for each
// helper, and never with the request.
func TestE2ECheckoutCheckinReason(t *testing.T) {
	t.Parallel()
	forEachHelper(t, func(t *testing.T, e *e2e, h coHelper) {
		o := coOpts{checkinReason: "migration done"}
		var got recordFn
		require.NoError(t, h.run(waitCtx(t), h.client(e, o), webRoot, o, got.fn))
		rq := e.assertOneCheckedInWith(h, webRoot, "migration done")
		assert.Equal(t, coReason, rq.Reason, "the request's own reason is unchanged")
	})
}
