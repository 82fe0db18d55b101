package passwordsafe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkoutMock registers GET Requests answering no open request, POST
// Requests answering createStatus with request 42, GET Credentials/42
// answering 4034 pending times before the password, and PUT
// Requests/42/Checkin answering checkinStatus. It returns counters of
// credential reads and check-ins.
func checkoutMock(t *testing.T, mt *httpmock.MockTransport, createStatus, pending, checkinStatus int) (reads, checkins *atomic.Int32) {
	t.Helper()
	reads, checkins = new(atomic.Int32), new(atomic.Int32)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(http.StatusOK, `[]`))
	mt.RegisterResponder(http.MethodPost, testBase+"Requests",
		httpmock.NewStringResponder(createStatus, `{"RequestID":42}`))
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/42", func(*http.Request) (*http.Response, error) {
		if int(reads.Add(1)) <= pending {
			return httpmock.NewStringResponse(http.StatusForbidden, `"4034 - Request is not yet approved."`), nil
		}
		return httpmock.NewStringResponse(http.StatusOK, `"s3cr3t-pw"`), nil
	})
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin", func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		assert.JSONEq(t, `{"Reason":""}`, string(b))
		checkins.Add(1)
		return httpmock.NewStringResponse(checkinStatus, ""), nil
	})
	return reads, checkins
}

var checkoutOpts = &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 10}

// pollRecorder replaces the wall clock of Checkout's polling: it records
// every wait asked for and lets it pass at once. onWait, when set, is told
// the wait's number (from 1) first; returning false blocks that wait for
// good, so only the context can end it.
type pollRecorder struct {
	mu     sync.Mutex
	delays []time.Duration
	onWait func(n int) bool
}

func (p *pollRecorder) after(d time.Duration) <-chan time.Time {
	p.mu.Lock()
	p.delays = append(p.delays, d)
	n := len(p.delays)
	p.mu.Unlock()
	if p.onWait != nil && !p.onWait(n) {
		return nil
	}
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

func (p *pollRecorder) waits() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Duration(nil), p.delays...)
}

// withPolls makes the client poll through p instead of timers.
func withPolls(p *pollRecorder) Option {
	return func(c *clientConfig) error {
		c.checkout.after = p.after
		return nil
	}
}

// instantPolls polls without waiting, for tests that do not look at the
// schedule.
func instantPolls() Option { return withPolls(&pollRecorder{}) }

// t0 is when the tests of a lost answer take place, by the server's clock.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestCheckoutWaitsForApprovalThenChecksIn(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	reads, checkins := checkoutMock(t, mt, http.StatusCreated, 3, http.StatusNoContent)

	var got string
	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(_ context.Context, cred Secret) error {
		got = cred.Value()
		assert.Equal(t, int32(0), checkins.Load(), "checked in before fn ran")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, "s3cr3t-pw", got)
	assert.Equal(t, int32(4), reads.Load(), "three 4034 answers, then the password")
	assert.Equal(t, int32(1), checkins.Load())
}

// The polling schedule, pinned without the wall clock: the defaults are
// 500 ms doubling to 15 s, then 15 s.
func TestCheckoutPollingDefaults(t *testing.T) {
	t.Parallel()
	polls := &pollRecorder{}
	c, mt := newMockClient(t, withPolls(polls))
	reads, checkins := checkoutMock(t, mt, http.StatusCreated, 9, http.StatusNoContent)

	require.NoError(t, c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return nil }))
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{500 * ms, 1000 * ms, 2000 * ms, 4000 * ms, 8000 * ms, 15000 * ms, 15000 * ms, 15000 * ms, 15000 * ms},
		polls.waits())
	assert.Equal(t, int32(10), reads.Load())
	assert.Equal(t, int32(1), checkins.Load())
}

func TestCheckoutPollingCustom(t *testing.T) {
	t.Parallel()
	polls := &pollRecorder{}
	c, mt := newMockClient(t, withPolls(polls), WithCheckoutPolling(100*time.Millisecond, 300*time.Millisecond))
	checkoutMock(t, mt, http.StatusCreated, 4, http.StatusNoContent)

	require.NoError(t, c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return nil }))
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{100 * ms, 200 * ms, 300 * ms, 300 * ms}, polls.waits())

	// WaitCredentials polls on the same schedule.
	polls2 := &pollRecorder{}
	c2, mt2 := newMockClient(t, withPolls(polls2), WithCheckoutPolling(time.Second, 3*time.Second))
	checkoutMock(t, mt2, http.StatusCreated, 3, http.StatusNoContent)
	_, err := c2.Requests.WaitCredentials(context.Background(), 42, nil)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, polls2.waits())
}

// Without the test hook, a real timer waits: one short poll proves the
// default path works.
func TestCheckoutPollingRealTimer(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, WithCheckoutPolling(time.Millisecond, time.Millisecond))
	reads, _ := checkoutMock(t, mt, http.StatusCreated, 1, http.StatusNoContent)
	require.NoError(t, c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return nil }))
	assert.Equal(t, int32(2), reads.Load())
}

func TestCheckoutReturnsFnErrorAndChecksIn(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 0, http.StatusNoContent)
	boom := errors.New("deploy failed")

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, int32(1), checkins.Load())
}

func TestCheckoutChecksInThenRepanics(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 0, http.StatusNoContent)

	assert.PanicsWithValue(t, "fn blew up", func() {
		_ = c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { panic("fn blew up") })
	})
	assert.Equal(t, int32(1), checkins.Load())
}

func TestCheckoutChecksInAfterFnOutlivesContext(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 0, http.StatusNoContent)
	ctx, cancel := context.WithCancel(context.Background())

	err := c.Requests.Checkout(ctx, checkoutOpts, func(ctx context.Context, _ Secret) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, int32(1), checkins.Load(), "check-in must run on a detached context")
}

func TestCheckoutLeavesReusedRequestOpen(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	_, checkins := checkoutMock(t, mt, http.StatusOK, 0, http.StatusNoContent)
	ran := false

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { ran = true; return nil })
	require.NoError(t, err)
	assert.True(t, ran)
	assert.Equal(t, int32(0), checkins.Load(), "a reused request is not ours to check in")
}

func TestCheckoutReleasesReusedRequestWhenAsked(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls(), WithCheckoutReleaseReused())
	posts := &recorder{}
	_, checkins := checkoutMock(t, mt, http.StatusOK, 0, http.StatusNoContent)
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", posts.wrap(respond(http.StatusOK, `{"RequestID":42}`)))

	boom := errors.New("fn failed")
	err := c.Requests.Checkout(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 10,
		ConflictOption: ConflictReuse}, func(context.Context, Secret) error { return boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 1, posts.count())
	assert.Equal(t, int32(1), checkins.Load(), "WithCheckoutReleaseReused: the reused leftover is checked in")

	// It panics: checked in all the same.
	assert.Panics(t, func() {
		_ = c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { panic("boom") })
	})
	assert.Equal(t, 2, posts.count())
	assert.Equal(t, int32(2), checkins.Load())
}

// A reused request whose wait fails is not checked in; the message says
// what became of it as the server's list of open requests shows it, so it
// is true whether another holder checked it in meanwhile (as under many
// concurrent reuses), it is still open, or the list cannot be read.
func TestCheckoutReusedRequestWaitFailsLeftOpen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, after, fate string
	}{
		{"still open", `[{"RequestID":42,"SystemID":1,"AccountID":2,"Status":"Active"}]`,
			"request 42 was open before this Checkout (the server reused it) and is left open: it is not this Checkout's " +
				"to check in (see WithCheckoutReleaseReused)"},
		{"ended meanwhile", `[]`, "request 42, which the server reused (it was open before this Checkout), is no longer open"},
		{"list fails", ``, "request 42 was open before this Checkout (the server reused it), so Checkout did not check it in " +
			"(see WithCheckoutReleaseReused)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			_, checkins := checkoutMock(t, mt, http.StatusOK, 0, http.StatusNoContent)
			mt.RegisterResponder(http.MethodGet, testBase+"Credentials/42", respond(http.StatusForbidden, `"4031 - Request has expired."`))
			after := respond(http.StatusOK, tc.after)
			if tc.after == "" {
				after = respond(http.StatusForbidden, `"4031 - No."`)
			}
			lists := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", lists.wrap(sequence(respond(http.StatusOK, `[]`), after)))

			err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error {
				t.Error("fn ran")
				return nil
			})
			var ce *CheckoutError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, 42, ce.RequestID)
			assert.True(t, ce.Reused)
			assert.False(t, ce.CheckedIn)
			assert.ErrorIs(t, err, ErrNoPermission)
			assert.ErrorIs(t, err, ErrExpired)
			assert.NotErrorIs(t, err, ErrDenied)
			assert.Equal(t, "passwordsafe: GET Credentials/42: 403 Forbidden: 4031 Request has expired.: "+tc.fate, err.Error())
			assert.Equal(t, int32(0), checkins.Load())
			assert.Equal(t, 2, lists.count(), "before the POST, and to learn what became of the request")
		})
	}
}

// A check-in refused with 401 even after the sign-in anew that every call
// makes signs in again and is tried again, twice at most; a session that
// stays refused ends it, and the error says the request may be open.
func TestCheckoutCheckinSignsInAgain(t *testing.T) {
	t.Parallel()
	unauthorized := respond(http.StatusUnauthorized, `"Not signed in."`)
	for _, tc := range []struct {
		name              string
		refusals, puts    int
		signIns           int
		checkedIn         bool
		wantErrorContains string
	}{
		{"refused once", 1, 2, 2, true, ""},
		{"refused twice (the session lost twice)", 2, 3, 2, true, ""},
		{"refused four times", 4, 5, 3, true, ""},
		{"refused for good", 99, 6, 4, false, "checking in request 42: passwordsafe: PUT Requests/42/Checkin: 401 Unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			checkoutMock(t, mt, http.StatusCreated, 0, http.StatusNoContent)
			rs := make([]httpmock.Responder, 0, tc.refusals+1)
			for range tc.refusals {
				rs = append(rs, unauthorized)
			}
			checkins := &recorder{}
			mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin", checkins.wrap(sequence(append(rs,
				respond(http.StatusNoContent, ""))...)))
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", sequence(respond(http.StatusOK, `[]`),
				respond(http.StatusOK, `[{"RequestID":42,"SystemID":1,"AccountID":2,"Status":"Active"}]`)))

			err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return nil })
			assert.Equal(t, tc.puts, checkins.count())
			assert.Equal(t, tc.signIns, signIns(mt))
			if tc.checkedIn {
				require.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrUnauthorized)
			assert.Contains(t, err.Error(), tc.wantErrorContains)
		})
	}
}

func TestCheckoutJoinsCheckinError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 0, http.StatusInternalServerError)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", sequence(respond(http.StatusOK, `[]`),
		respond(http.StatusOK, `[{"RequestID":42,"SystemID":1,"AccountID":2,"Status":"Active"}]`))) // still open after the failed check-in
	boom := errors.New("fn failed")

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return boom })
	assert.ErrorIs(t, err, boom)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusInternalServerError, er.StatusCode)
	assert.Equal(t, int32(1), checkins.Load(), "a failed PUT check-in answered 500 is not retried")
}

// The context ends while the request is pending: no wall-clock deadline,
// the poll hook cancels it at the third wait, which then never fires.
func TestCheckoutStopsWaitingWhenContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	polls := &pollRecorder{onWait: func(n int) bool {
		if n == 3 {
			cancel()
			return false
		}
		return true
	}}
	c, mt := newMockClient(t, withPolls(polls))
	posts := &recorder{}
	reads, _ := checkoutMock(t, mt, http.StatusCreated, 1<<30, http.StatusForbidden)
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", posts.wrap(respond(http.StatusCreated, `42`)))
	checkins := &recorder{}
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin",
		checkins.wrap(respond(http.StatusForbidden, `"4034 - Request is not yet approved."`)))

	err := c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran without a released credential")
		return nil
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrNotApproved, "the request was still pending")
	assert.NotErrorIs(t, err, ErrForbidden, "neither the 4034 poll nor the refused check-in is reported as a 403")
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 42, ce.RequestID)
	assert.False(t, ce.CheckedIn)
	assert.False(t, ce.Reused)
	assert.Contains(t, err.Error(), "request 42 is still pending")
	assert.Contains(t, err.Error(), "Requests.WaitCredentials(ctx, 42, nil)")
	assert.Equal(t, int32(3), reads.Load(), "three polls, then the context ended the third wait")
	assert.Len(t, polls.waits(), 3)
	assert.Equal(t, 1, posts.count())
	assert.Equal(t, 1, checkins.count(), "a check-in is still attempted, on a detached context")
}

// A deadline that passes while the request is pending: the error matches
// context.DeadlineExceeded. The context's deadline passes when the first
// poll's wait begins (the test's hook says so), never on the wall clock.
func TestCheckoutDeadlineWhilePending(t *testing.T) {
	t.Parallel()
	ctx := &deadlineCtx{Context: context.Background(), expired: make(chan struct{})}
	var once sync.Once
	polls := &pollRecorder{onWait: func(int) bool {
		once.Do(func() { close(ctx.expired) })
		return false
	}}
	c, mt := newMockClient(t, withPolls(polls))
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 1<<30, http.StatusNoContent)
	posts := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", posts.wrap(respond(http.StatusCreated, `42`)))

	err := c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran")
		return nil
	})
	assert.Equal(t, 1, posts.count())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, ErrNotApproved)
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 42, ce.RequestID)
	assert.True(t, ce.CheckedIn, "the check-in was accepted")
	assert.Equal(t, "passwordsafe: waiting for approval of request 42: context deadline exceeded (still not approved, 4034): "+
		"request 42 was checked in", err.Error())
	assert.Equal(t, int32(1), checkins.Load())
	assert.Len(t, polls.waits(), 1)
}

// deadlineCtx is a context whose deadline passes when expired is closed.
type deadlineCtx struct {
	context.Context
	expired chan struct{}
}

func (c *deadlineCtx) Done() <-chan struct{} { return c.expired }

func (c *deadlineCtx) Err() error {
	select {
	case <-c.expired:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func TestCheckoutStopsWhenDenied(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", httpmock.NewStringResponder(http.StatusCreated, `7`))
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/7",
		httpmock.NewStringResponder(http.StatusForbidden, `"4031 - Request was denied."`))
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/7/Checkin",
		httpmock.NewStringResponder(http.StatusForbidden, `"4031 - Request is not active."`))
	// The list after the failed check-in fails: whether 7 is open is unknown.
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", sequence(respond(http.StatusOK, `[]`),
		respond(http.StatusInternalServerError, `"down"`)))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a wait that misses the denial fails here
	defer cancel()
	err := c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran for a denied request")
		return nil
	})
	assert.ErrorIs(t, err, ErrNoPermission)
	assert.ErrorIs(t, err, ErrDenied)
	assert.NotErrorIs(t, err, ErrExpired)
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 7, ce.RequestID)
	assert.Contains(t, err.Error(), "request 7 may still be open (its check-in failed: ")
	assert.Contains(t, err.Error(), "Requests.Checkin(ctx, 7, reason)")
	assert.Equal(t, 1, mt.GetCallCountInfo()["GET "+testBase+"Credentials/7"], "a denial ends the wait")
	assert.Equal(t, 1, mt.GetCallCountInfo()["PUT "+testBase+"Requests/7/Checkin"])
}

// A 409 says what it means and what to do, from the user's requests for
// the account that were open before the POST: an active one can be taken
// over with reuse; a pending one cannot (reuse takes over only an approved
// request), so the advice is to wait for it; with none, another user (or
// a request made meanwhile) holds the account. Every message is true of
// the case it is given in.
func TestCheckoutConflictSaysWhatToDo(t *testing.T) {
	t.Parallel()
	const conflict = `"Conflicting request exists. This user already has request 40 for the account."`
	own := func(status string) string {
		return `[{"RequestID":40,"SystemID":1,"AccountID":2,"AliasID":5,"Status":"` + status + `","AccessType":"View"},` +
			`{"RequestID":39,"SystemID":1,"AccountID":3,"Status":"Active"}]`
	}
	for _, tc := range []struct {
		name     string
		listed   string
		conflict ConflictOption
		hint     string
	}{
		{"own active", own("Active"), "", "request 40 of this user for the account is open: pass ConflictOption reuse " +
			"to take it over, or renew to replace it"},
		{"own pending", own("Pending"), "", "request 40 of this user for the account is still pending: wait for it with " +
			"Requests.WaitCredentials(ctx, 40, nil), or pass ConflictOption renew to replace it"},
		{"own pending, reuse", own("Pending"), ConflictReuse, "request 40 of this user for the account is still pending, " +
			"and ConflictOption reuse takes over only an approved request: wait for it with Requests.WaitCredentials(ctx, 40, nil), " +
			"or pass renew to replace it"},
		{"own active, reuse (another access type)", strings.Replace(own("Active"), `"View"`, `"RDP"`, 1), ConflictReuse,
			"request 40 of this user for the account is open for RDP access, and ConflictOption reuse takes over only a " +
				"request of the access type asked for: check it in with Requests.Checkin(ctx, 40, reason), or pass renew to replace it"},
		{"own, renew", own("Active"), ConflictRenew, "request 40 of this user for the account was open when Checkout " +
			"began, and ConflictOption renew did not replace it: another user may hold the account; try again once it ends"},
		{"none of the user's", `[{"RequestID":39,"SystemID":1,"AccountID":3,"Status":"Active"}]`, ConflictRenew,
			"no request of this user for the account was open when Checkout began: another user holds the account (it is " +
				"released to one user at a time), or a request of this user was made meanwhile; try again once it ends"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			posts, lists := &recorder{}, &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Requests", posts.wrap(respond(http.StatusConflict, conflict)))
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", lists.wrap(respond(http.StatusOK, tc.listed)))

			opts := *checkoutOpts
			opts.ConflictOption = tc.conflict
			err := c.Requests.Checkout(context.Background(), &opts, func(context.Context, Secret) error {
				t.Error("fn ran")
				return nil
			})
			assert.ErrorIs(t, err, ErrConflict)
			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			assert.Equal(t, http.StatusConflict, er.StatusCode)
			var ce *CheckoutError
			require.ErrorAs(t, err, &ce)
			assert.Zero(t, ce.RequestID)
			assert.Equal(t, "passwordsafe: POST Requests: 409 Conflict: Conflicting request exists. This user already has "+
				"request 40 for the account.: "+tc.hint, err.Error())
			assert.Equal(t, 1, posts.count())
			assert.Equal(t, 1, lists.count(), "the list before the POST; a 409 proves nothing was created: no other")

			// The alias checkout says the same, recognising the alias's request.
			mt.RegisterResponder(http.MethodPost, testBase+"Aliases/5/Requests", respond(http.StatusConflict, conflict))
			err = c.Aliases.Checkout(context.Background(), 5, &CreateAliasRequestOptions{DurationMinutes: 5, ConflictOption: tc.conflict},
				func(context.Context, *AliasCredentials) error { return nil })
			assert.ErrorIs(t, err, ErrConflict)
			assert.True(t, strings.HasSuffix(err.Error(), tc.hint), err.Error())
		})
	}
}

// ---- never leave a request open: the answer to the POST is lost ----

// lostMock is a server whose POST Requests creates request 42 and then
// loses the answer with postFail, and whose GET Requests lists it among
// others that must not be taken for it.
type lostMock struct {
	posts, lists, reads, checkins *recorder
}

// requestJSON renders a GET Requests entry, released at the given time in
// the server's format (no zone, UTC).
func requestEntry(id, systemID, accountID, aliasID int, access string, released time.Time) string {
	alias := "null"
	if aliasID != 0 {
		alias = fmt.Sprint(aliasID)
	}
	return fmt.Sprintf(`{"RequestID":%d,"SystemID":%d,"SystemName":"db01","AccountID":%d,"AccountName":"postgres",`+
		`"DomainName":null,"AliasID":%s,"ApplicationID":null,"RequestReleaseDate":%q,"ApprovedDate":null,`+
		`"ExpiresDate":null,"Status":"Pending","AccessType":%q}`,
		id, systemID, accountID, alias, released.UTC().Format("2006-01-02T15:04:05.99"), access)
}

// theList holds request 42 (system 1, account 2, View) among decoys: the
// leftover from before the call, another account, another access type,
// another system.
func theList() string {
	return "[" + strings.Join([]string{
		requestEntry(40, 1, 2, 0, "View", t0.Add(-time.Hour)),  // a leftover: released long before the call
		requestEntry(41, 1, 3, 0, "View", t0.Add(time.Second)), // another account
		requestEntry(42, 1, 2, 0, "View", t0.Add(time.Second)), // the one the lost POST created
		requestEntry(43, 1, 2, 0, "RDP", t0.Add(time.Second)),  // another access type
		requestEntry(44, 9, 2, 0, "View", t0.Add(time.Second)), // another system
	}, ",") + "]"
}

// leftover is the list before the POST in the tests of a lost answer: an
// earlier run's request 40 for the same account, which a later list must
// not be taken for the POST's.
func leftover() string { return "[" + requestEntry(40, 1, 2, 0, "View", t0.Add(-time.Hour)) + "]" }

// newLostMock answers the first GET Requests (before the POST) with
// leftover() and the next ones with list.
func newLostMock(t *testing.T, mt *httpmock.MockTransport, postPath string, postFail httpmock.Responder, list string) *lostMock {
	t.Helper()
	m := &lostMock{posts: &recorder{}, lists: &recorder{}, reads: &recorder{}, checkins: &recorder{}}
	mt.RegisterResponder(http.MethodPost, testBase+postPath, m.posts.wrap(postFail))
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", m.lists.wrap(sequence(
		respond(http.StatusOK, leftover()), respond(http.StatusOK, list))))
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/42", m.reads.wrap(sequence(
		respond(http.StatusForbidden, `"4034 - Request is not yet approved."`),
		respond(http.StatusOK, `"s3cr3t-pw"`))))
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin", m.checkins.wrap(respond(http.StatusNoContent, "")))
	return m
}

// fail answers with a transport error after the server acted: the
// connection broke before the answer arrived.
func fail(err error) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) { return nil, err }
}

func TestCheckoutAnswerLostAfterCreate(t *testing.T) {
	t.Parallel()
	cases := map[string]httpmock.Responder{
		"connection dropped":   fail(io.ErrUnexpectedEOF),
		"connection reset":     fail(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}),
		"503":                  respond(http.StatusServiceUnavailable, `"Service Unavailable"`),
		"500":                  respond(http.StatusInternalServerError, `"Object reference not set to an instance of an object."`),
		"502 from a proxy":     reply(http.StatusBadGateway, []byte("<html><title>502 Bad Gateway</title></html>"), "Content-Type", "text/html"),
		"201 with no ID":       respond(http.StatusCreated, `{"RequestID":"soon"}`),
		"201 cut short (json)": respond(http.StatusCreated, `{"RequestID":`),
		"201 too large":        respond(http.StatusCreated, `{"RequestID":42,"Pad":"`+strings.Repeat("x", 2<<20)+`"}`),
	}
	for name, postFail := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			m := newLostMock(t, mt, "Requests", postFail, theList())

			var got string
			err := c.Requests.Checkout(context.Background(), checkoutOpts, func(_ context.Context, cred Secret) error {
				got = cred.Value()
				assert.Zero(t, m.checkins.count(), "checked in before fn ran")
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, "s3cr3t-pw", got, "Checkout carried on with the request the lost POST created")
			assert.Equal(t, 1, m.posts.count(), "never a second POST")
			assert.Equal(t, 2, m.lists.count(), "one list before the POST, one after")
			for _, l := range m.lists.all() {
				assert.Equal(t, "", l.URL.RawQuery, "GET Requests lists active and pending requests")
			}
			assert.Equal(t, 2, m.reads.count(), "it waited for approval")
			assert.Equal(t, 1, m.checkins.count(), "and checked request 42 in")
			assert.Equal(t, 6, apiCalls(mt), "two lists, the POST, two reads, the check-in: no other call")
		})
	}
}

func TestCheckoutAnswerLostFnFailsOrPanics(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	m := newLostMock(t, mt, "Requests", fail(io.ErrUnexpectedEOF), theList())
	boom := errors.New("deploy failed")

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 1, m.checkins.count())

	c2, mt2 := newMockClient(t, instantPolls())
	m2 := newLostMock(t, mt2, "Requests", respond(http.StatusServiceUnavailable, ""), theList())
	assert.PanicsWithValue(t, "fn blew up", func() {
		_ = c2.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { panic("fn blew up") })
	})
	assert.Equal(t, 1, m2.posts.count())
	assert.Equal(t, 1, m2.checkins.count())
}

// No clock is compared: a request new since the list before the POST is
// the POST's, whatever its release date says (a server clock behind or
// ahead); one that was open before is not, however new its date.
func TestCheckoutAnswerLostNoClock(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		before string // the list before the POST
		after  string
		found  bool
	}{
		{"server 30 s behind", `[]`, "[" + requestEntry(42, 1, 2, 0, "View", time.Now().Add(-30*time.Second)) + "]", true},
		{"server a day behind", `[]`, "[" + requestEntry(42, 1, 2, 0, "View", time.Now().Add(-24*time.Hour)) + "]", true},
		{"server an hour ahead", `[]`, "[" + requestEntry(42, 1, 2, 0, "View", time.Now().Add(time.Hour)) + "]", true},
		{"no release date", `[]`, `[{"RequestID":42,"SystemID":1,"AccountID":2,"AccessType":"View","RequestReleaseDate":null}]`, true},
		{"open before, dated after", "[" + requestEntry(42, 1, 2, 0, "View", time.Now().Add(time.Hour)) + "]",
			"[" + requestEntry(42, 1, 2, 0, "View", time.Now().Add(time.Hour)) + "]", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			m := newLostMock(t, mt, "Requests", respond(http.StatusServiceUnavailable, `"down"`), tc.after)
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", m.lists.wrap(sequence(
				respond(http.StatusOK, tc.before), respond(http.StatusOK, tc.after))))
			ran := false
			err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { ran = true; return nil })
			assert.Equal(t, 1, m.posts.count())
			assert.Equal(t, 2, m.lists.count())
			if tc.found {
				require.NoError(t, err)
				assert.True(t, ran)
				assert.Equal(t, 1, m.checkins.count())
				return
			}
			var er *ErrorResponse
			require.ErrorAs(t, err, &er, "the POST's own error")
			assert.Equal(t, http.StatusServiceUnavailable, er.StatusCode)
			assert.False(t, errors.As(err, new(*CheckoutError)), "returned as is")
			assert.False(t, ran)
			assert.Zero(t, m.checkins.count(), "a request open before the call is not ours")
		})
	}
}

// Two requests for the account appeared while the answer was lost (a
// server that broke its one-request rule): neither is taken for the POST's.
func TestCheckoutAnswerLostTwoNewRequests(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	m := newLostMock(t, mt, "Requests", fail(io.ErrUnexpectedEOF),
		"["+requestEntry(41, 1, 2, 0, "View", t0)+","+requestEntry(42, 1, 2, 0, "View", t0)+"]")
	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran")
		return nil
	})
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Zero(t, ce.RequestID)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the POST's error")
	assert.Contains(t, err.Error(), "2 requests for the account appeared while the POST's answer was lost ([41 42])")
	assert.Zero(t, m.reads.count())
	assert.Zero(t, m.checkins.count())
}

func TestCheckoutAnswerLostNothingFound(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	m := newLostMock(t, mt, "Requests", fail(io.ErrUnexpectedEOF),
		"["+requestEntry(40, 1, 2, 0, "View", t0.Add(-time.Hour))+","+requestEntry(43, 1, 2, 0, "SSH", t0)+"]")

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran")
		return nil
	})
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the POST's error")
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 2, m.lists.count())
	assert.Zero(t, m.reads.count())
	assert.Zero(t, m.checkins.count())
}

func TestCheckoutAnswerLostLookupFails(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	m := newLostMock(t, mt, "Requests", respond(http.StatusBadGateway, ""), "")
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", m.lists.wrap(sequence(respond(http.StatusOK, `[]`),
		respond(http.StatusForbidden, `"4033 - Approver only."`))))

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return nil })
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusBadGateway, er.StatusCode, "errors.As reaches the POST's error")
	assert.NotErrorIs(t, err, ErrApproverOnly, "the lookup's error is in the message only")
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Zero(t, ce.RequestID)
	assert.Contains(t, err.Error(), "the request may have been created, and looking for it failed (")
	assert.Contains(t, err.Error(), "4033")
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 2, m.lists.count())
	assert.Zero(t, m.checkins.count())
}

// With a context that can end but does not, Checkout runs its POST on a
// detached context and carries on with its answer: the whole of it, fn
// and the check-in included, as with context.Background. Nothing is left
// to the background.
func TestCheckoutWithAContextThatCanEnd(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	reads, checkins := checkoutMock(t, mt, http.StatusCreated, 1, http.StatusNoContent)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := false
	var err error
	within(t, 10*time.Second, "Checkout with a context that can end", func() {
		err = c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error { ran = true; return nil })
	})
	require.NoError(t, err)
	assert.True(t, ran)
	assert.Equal(t, int32(2), reads.Load())
	assert.Equal(t, int32(1), checkins.Load())
	assert.NoError(t, idle(t, c, 10*time.Second))
	assert.Zero(t, c.bg.n)
}

// heldPost is a POST responder that stays in flight until the test
// releases it, then answers with then: the server is slow, and the caller's
// context can end while the POST is under way.
type heldPost struct {
	arrived, release chan struct{}
	then             httpmock.Responder
}

func newHeldPost(then httpmock.Responder) *heldPost {
	return &heldPost{arrived: make(chan struct{}), release: make(chan struct{}), then: then}
}

func (h *heldPost) respond(req *http.Request) (*http.Response, error) {
	close(h.arrived)
	<-h.release
	return h.then(req)
}

// callerCtx is the caller's context, which ends once the POST has arrived
// at the server: the caller gives up while the POST is in flight.
func (h *heldPost) callerCtx() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-h.arrived
		cancel()
	}()
	return ctx
}

// idle waits, up to d, for the client's background work to end, and
// returns what it may have left open.
func idle(t *testing.T, c *Client, d time.Duration) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	left, err := c.bg.settle(ctx)
	require.NoError(t, err, "the background work did not end")
	return left
}

// The caller's context ends while the POST is in flight: Checkout returns
// at once (the POST is still held) a *CheckoutError with Background set,
// and the client finishes in the background: it reads the POST's answer
// and checks in what the POST created (with the check-in reason), leaves a
// reused request alone unless told to release it, finds the request of a
// lost answer by the lists, and does nothing after a refusal. SignOut waits
// for all that and signs out after it. Nothing runs on afterwards.
func TestCheckoutContextEndsWhilePostInFlight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		answer  httpmock.Responder
		opts    []Option
		checkin bool
		lists   int
	}{
		{"created", respond(http.StatusCreated, `42`), nil, true, 1},
		{"reused", respond(http.StatusOK, `42`), nil, false, 1},
		{"reused, released when asked", respond(http.StatusOK, `42`), []Option{WithCheckoutReleaseReused()}, true, 1},
		{"answer lost", fail(io.ErrUnexpectedEOF), nil, true, 2},
		{"refused", respond(http.StatusConflict, `"Conflicting request exists."`), nil, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, append([]Option{instantPolls()}, tc.opts...)...)
			post := newHeldPost(tc.answer)
			m := newLostMock(t, mt, "Requests", post.respond, theList())
			var order []string
			var mu sync.Mutex
			note := func(what string) { mu.Lock(); order = append(order, what); mu.Unlock() }
			mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin", m.checkins.wrap(
				func(*http.Request) (*http.Response, error) {
					note("check-in")
					return httpmock.NewStringResponse(204, ""), nil
				}))
			mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout",
				func(*http.Request) (*http.Response, error) {
					note("sign-out")
					return httpmock.NewStringResponse(200, ""), nil
				})

			ctx := post.callerCtx()
			var err error
			within(t, 10*time.Second, "Checkout after its ctx ended", func() {
				err = c.Requests.Checkout(ctx, &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 10,
					CheckinReason: "done, in the background"}, func(context.Context, Secret) error {
					t.Error("fn ran")
					return nil
				})
			})
			assert.ErrorIs(t, err, context.Canceled)
			var ce *CheckoutError
			require.ErrorAs(t, err, &ce)
			assert.True(t, ce.Background)
			assert.Zero(t, ce.RequestID)
			assert.False(t, ce.CheckedIn)
			assert.Equal(t, "passwordsafe: POST Requests: context canceled: the POST was in flight when ctx ended, so the "+
				"request may yet be created: the client waits for the answer in the background (2 minutes at most) and "+
				"checks in the request it created; Client.SignOut waits for that", err.Error())
			assert.Zero(t, m.checkins.count(), "returned while the POST was still in flight")

			signedOut := make(chan error, 1)
			go func() {
				sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer scancel()
				signedOut <- c.SignOut(sctx)
			}()
			close(post.release)
			select {
			case err := <-signedOut:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("SignOut hangs")
			}
			assert.Zero(t, c.bg.n, "no background work left")
			assert.Equal(t, 1, m.posts.count())
			assert.Equal(t, tc.lists, m.lists.count())
			assert.Zero(t, m.reads.count(), "fn's credential is never read")
			if tc.checkin {
				require.Equal(t, 1, m.checkins.count())
				assert.JSONEq(t, `{"Reason":"done, in the background"}`, string(m.checkins.last(t).Body))
				assert.Equal(t, []string{"check-in", "sign-out"}, order, "SignOut waited for the check-in")
			} else {
				assert.Zero(t, m.checkins.count())
				assert.Equal(t, []string{"sign-out"}, order)
			}
		})
	}
}

// SignOut's wait for background work ends with its context: it then
// returns the context's error and signs nothing out. The work still ends.
func TestSignOutWaitEndsWithItsContext(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	post := newHeldPost(respond(http.StatusCreated, `42`))
	m := newLostMock(t, mt, "Requests", post.respond, theList())
	signOuts := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", signOuts.wrap(respond(http.StatusOK, "")))
	ctx := post.callerCtx()
	err := c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error { return nil })
	require.ErrorIs(t, err, context.Canceled)

	sctx, scancel := context.WithCancel(context.Background())
	scancel()
	err = c.SignOut(sctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "waiting for background check-ins before signing out")
	assert.Zero(t, signOuts.count())

	close(post.release)
	assert.NoError(t, idle(t, c, 10*time.Second))
	assert.Equal(t, 1, m.checkins.count())
}

// What the background work could not end is not lost: SignOut signs out
// and returns it, naming the request, so that SignOut returns nil only
// when nothing a Checkout opened is left open.
func TestSignOutReportsWhatTheBackgroundLeftOpen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		answer httpmock.Responder
		list   string
		want   string
	}{
		{"the check-in fails", respond(http.StatusCreated, `42`), theList(),
			"passwordsafe: request 42, left to the background, may still be open: checking it in: passwordsafe: PUT Requests/42/Checkin: 500 Internal Server Error"},
		{"the search fails", fail(io.ErrUnexpectedEOF), "",
			"passwordsafe: POST Requests, left to the background: its answer was lost (passwordsafe: POST Requests: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			post := newHeldPost(tc.answer)
			m := newLostMock(t, mt, "Requests", post.respond, tc.list)
			if tc.list == "" {
				mt.RegisterResponder(http.MethodGet, testBase+"Requests", m.lists.wrap(sequence(respond(http.StatusOK, `[]`),
					respond(http.StatusForbidden, `"4033 - Approver only."`))))
			}
			mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin", m.checkins.wrap(respond(http.StatusInternalServerError, `"down"`)))
			signOuts := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", signOuts.wrap(respond(http.StatusOK, "")))
			ctx := post.callerCtx()
			require.ErrorIs(t, c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error { return nil }), context.Canceled)
			close(post.release)

			sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer scancel()
			err := c.SignOut(sctx)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, 1, signOuts.count(), "signed out all the same")
			assert.NoError(t, c.SignOut(sctx), "reported once")
		})
	}
}

// The background work is bounded: the POST left in flight carries a
// deadline postBound after it was sent, and the check-in after it one
// within backgroundBound (2 minutes) of the start.
func TestCheckoutBackgroundIsBounded(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	var postDeadline, checkinDeadline time.Time
	post := newHeldPost(func(req *http.Request) (*http.Response, error) {
		postDeadline, _ = req.Context().Deadline()
		return httpmock.NewStringResponse(http.StatusCreated, `42`), nil
	})
	m := newLostMock(t, mt, "Requests", post.respond, leftover())
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin", m.checkins.wrap(func(req *http.Request) (*http.Response, error) {
		checkinDeadline, _ = req.Context().Deadline()
		return httpmock.NewStringResponse(http.StatusNoContent, ""), nil
	}))
	ctx := post.callerCtx()
	start := time.Now()
	err := c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error { return nil })
	require.ErrorIs(t, err, context.Canceled)
	close(post.release)
	require.NoError(t, idle(t, c, 10*time.Second))
	end := time.Now()

	require.Equal(t, 1, m.checkins.count())
	assert.Equal(t, 90*time.Second, postBound)
	assert.Equal(t, 2*time.Minute, backgroundBound)
	require.False(t, postDeadline.IsZero(), "the POST in flight has a deadline")
	assert.False(t, postDeadline.Before(start.Add(postBound)), "%v", postDeadline.Sub(start))
	assert.False(t, postDeadline.After(end.Add(postBound)), "%v", postDeadline.Sub(start))
	require.False(t, checkinDeadline.IsZero(), "the check-in has a deadline")
	assert.False(t, checkinDeadline.After(end.Add(backgroundBound)), "%v", checkinDeadline.Sub(start))
	assert.False(t, checkinDeadline.After(end.Add(checkinTimeout)), "%v", checkinDeadline.Sub(start))
}

// A POST that provably never left, or that the server refused, is not
// followed by a search.
func TestCheckoutNoSearchWhenNothingWasCreated(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		post  httpmock.Responder
		posts int
	}{
		"connection refused": {fail(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), 4}, // retried: nothing was sent
		"403":                {respond(http.StatusForbidden, `"4031 - No access."`), 1},
		"400":                {respond(http.StatusBadRequest, `"DurationMinutes is required."`), 1},
		"499, the last 4xx":  {respond(499, `"Client Closed Request"`), 1},
		"429 every time":     {respond(http.StatusTooManyRequests, ""), 4},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			m := newLostMock(t, mt, "Requests", tc.post, theList())
			err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return nil })
			require.Error(t, err)
			assert.Equal(t, tc.posts, m.posts.count())
			assert.Equal(t, 1, m.lists.count(), "the list before the POST, and no search after it")
			assert.Zero(t, m.checkins.count())
		})
	}

	// A sign-in that breaks or answers 5xx is not the POST's lost answer.
	for name, signIn := range map[string]httpmock.Responder{
		"sign-in dropped": fail(io.ErrUnexpectedEOF),
		"sign-in 503":     respond(http.StatusServiceUnavailable, ""),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			m := newLostMock(t, mt, "Requests", respond(http.StatusCreated, `42`), theList())
			mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signIn)
			err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return nil })
			require.Error(t, err)
			assert.False(t, errors.As(err, new(*CheckoutError)), "the sign-in's error, as is: %v", err)
			assert.Equal(t, 1, signIns(mt), "no second sign-in for a search")
			assert.Zero(t, m.posts.count())
			assert.Zero(t, m.lists.count())
		})
	}
}

// A POST refused with 401 (the session expired) whose sign-in anew fails
// before anything is sent (the bearer token cannot be had): nothing was
// created, so nothing is looked for.
func TestCheckoutNoSearchWhenSignInAnewFails(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signInResponder(testSessionID))
	var tokens atomic.Int32
	c, err := NewClient(testBase, WithHTTPClient(&http.Client{Transport: mt}), instantPolls(),
		WithBearerToken(func(context.Context) (string, error) {
			if tokens.Add(1) > 1 {
				return "", errors.New("the token broker is down")
			}
			return "tok-1", nil
		}))
	require.NoError(t, err)
	m := newLostMock(t, mt, "Requests", respond(http.StatusUnauthorized, `"Session expired."`), theList())
	err = c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return nil })
	require.ErrorContains(t, err, "the token broker is down")
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 1, m.lists.count(), "the list before the POST, and no search after it")
	assert.Zero(t, m.checkins.count())
}

func TestAliasCheckoutAnswerLost(t *testing.T) {
	t.Parallel()
	aliasList := "[" + strings.Join([]string{
		requestEntry(40, 1, 2, 5, "SSH", t0.Add(-time.Hour)), // this alias, but a leftover
		requestEntry(41, 1, 2, 6, "SSH", t0),                 // another alias
		requestEntry(42, 1, 2, 5, "SSH", t0.Add(time.Second)),
	}, ",") + "]"
	c, mt := newMockClient(t, instantPolls())
	m := newLostMock(t, mt, "Aliases/5/Requests", fail(io.ErrUnexpectedEOF), aliasList)
	aliasGets := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/5", aliasGets.wrap(respond(http.StatusOK, `{"AliasId":5}`)))
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/5/Credentials/42", m.reads.wrap(respond(http.StatusOK,
		`{"AliasId":5,"SystemId":1,"AccountId":2,"Password":"alias-pw"}`)))

	var got string
	err := c.Aliases.Checkout(context.Background(), 5, &CreateAliasRequestOptions{AccessType: AccessSSH, DurationMinutes: 5},
		func(_ context.Context, cred *AliasCredentials) error { got = cred.Password.Value(); return nil })
	require.NoError(t, err)
	assert.Equal(t, "alias-pw", got)
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 2, m.lists.count())
	assert.Zero(t, aliasGets.count(), "the list's AliasID identifies the request: no alias lookup")
	assert.Equal(t, 1, m.checkins.count())
}

// A server that leaves AliasID empty: the request is recognised by the
// alias's accounts, read once, including a highly available pair's other
// account.
func TestAliasCheckoutAnswerLostWithoutAliasID(t *testing.T) {
	t.Parallel()
	list := "[" + strings.Join([]string{
		requestEntry(41, 3, 4, 0, "View", t0), // not one of the alias's accounts
		requestEntry(42, 7, 8, 0, "View", t0), // the alias's second mapped account
	}, ",") + "]"
	c, mt := newMockClient(t, instantPolls())
	m := newLostMock(t, mt, "Aliases/5/Requests", respond(http.StatusServiceUnavailable, ""), list)
	aliasGets := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/5", aliasGets.wrap(respond(http.StatusOK,
		`{"AliasId":5,"AliasName":"db","AliasState":2,"SystemId":1,"AccountId":2,"MappedAccounts":[`+
			`{"AliasID":5,"ManagedSystemID":1,"ManagedAccountID":2,"Status":1},{"AliasID":5,"ManagedSystemID":7,"ManagedAccountID":8,"Status":1}]}`)))
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/5/Credentials/42", m.reads.wrap(respond(http.StatusOK, `{"Password":"pw"}`)))

	err := c.Aliases.Checkout(context.Background(), 5, &CreateAliasRequestOptions{DurationMinutes: 5},
		func(context.Context, *AliasCredentials) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 1, aliasGets.count(), "the alias is read once")
	assert.Equal(t, 1, m.checkins.count())
	assert.Zero(t, mt.GetCallCountInfo()["PUT "+testBase+"Requests/41/Checkin"])
}

// The same, when reading the alias to recognise the request fails: the
// error says the request may exist and that looking for it failed.
func TestAliasCheckoutAnswerLostAliasLookupFails(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	m := newLostMock(t, mt, "Aliases/5/Requests", respond(http.StatusServiceUnavailable, ""),
		"["+requestEntry(42, 7, 8, 0, "View", t0)+"]") // no AliasID: the alias must be read
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/5", respond(http.StatusForbidden, `"4031 - No access."`))
	err := c.Aliases.Checkout(context.Background(), 5, &CreateAliasRequestOptions{DurationMinutes: 5},
		func(context.Context, *AliasCredentials) error { t.Error("fn ran"); return nil })
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "the request may have been created, and looking for it failed (passwordsafe: GET Aliases/5: 403")
	assert.Zero(t, m.checkins.count())
}

func TestAliasMaps(t *testing.T) {
	t.Parallel()
	a := &Alias{SystemID: 1, AccountID: 2, MappedAccounts: []MappedAccount{
		{ManagedSystemID: 1, ManagedAccountID: 2}, {ManagedSystemID: 7, ManagedAccountID: 8}}}
	for _, tc := range []struct {
		sys, acct int
		want      bool
	}{{1, 2, true}, {7, 8, true}, {1, 8, false}, {7, 2, false}, {2, 1, false}, {8, 7, false}} {
		assert.Equal(t, tc.want, a.maps(tc.sys, tc.acct), "%d/%d", tc.sys, tc.acct)
	}
	// The preferred account alone, without MappedAccounts.
	assert.True(t, (&Alias{SystemID: 3, AccountID: 4}).maps(3, 4))
	assert.False(t, (&Alias{SystemID: 3, AccountID: 4}).maps(3, 5))
	assert.False(t, (&Alias{SystemID: 3, AccountID: 4}).maps(5, 4))
}

// An App request is told apart by its application; of the requests for
// the account, the one that was not open before the POST is the POST's.
func TestCheckoutAnswerLostPicksTheRightOne(t *testing.T) {
	t.Parallel()
	app := func(id, appID int, released time.Time) string {
		return strings.Replace(requestEntry(id, 1, 2, 0, "App", released), `"ApplicationID":null`, fmt.Sprintf(`"ApplicationID":%d`, appID), 1)
	}
	for _, tc := range []struct {
		name string
		opts *CreateRequestOptions
		list []string
	}{
		{"another application", &CreateRequestOptions{AccessType: AccessApp, ApplicationID: Ptr(5), SystemID: 1, AccountID: 2, DurationMinutes: 5},
			[]string{app(42, 5, t0), app(51, 6, t0.Add(time.Second))}}, // 51: new too, for another application
		{"application not listed", &CreateRequestOptions{AccessType: AccessApp, ApplicationID: Ptr(5), SystemID: 1, AccountID: 2, DurationMinutes: 5},
			[]string{requestEntry(42, 1, 2, 0, "App", t0)}},
		{"the one not open before", checkoutOpts, []string{requestEntry(30, 1, 2, 0, "View", t0.Add(time.Hour)),
			requestEntry(42, 1, 2, 0, "view", t0), requestEntry(50, 1, 2, 0, "", t0.Add(time.Hour))}},
		{"access type not listed (View)", checkoutOpts, []string{requestEntry(42, 1, 2, 0, "", t0),
			requestEntry(43, 1, 2, 0, "SSH", t0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			m := newLostMock(t, mt, "Requests", respond(http.StatusServiceUnavailable, ""), "["+strings.Join(tc.list, ",")+"]")
			// 30 and 50 were open before the POST, however new their dates.
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", m.lists.wrap(sequence(
				respond(http.StatusOK, "["+requestEntry(30, 1, 2, 0, "View", t0)+","+requestEntry(50, 1, 2, 0, "View", t0)+"]"),
				respond(http.StatusOK, "["+strings.Join(tc.list, ",")+"]"))))
			require.NoError(t, c.Requests.Checkout(context.Background(), tc.opts, func(context.Context, Secret) error { return nil }))
			assert.Equal(t, 1, m.posts.count())
			assert.Equal(t, 1, m.checkins.count(), "request 42 was the one")
		})
	}
}

func TestManagedCheckoutAnswerLost(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts",
		respond(http.StatusOK, `{"SystemId":1,"SystemName":"db01","AccountId":2,"AccountName":"postgres"}`))
	m := newLostMock(t, mt, "Requests", fail(io.ErrUnexpectedEOF), theList())

	var lease Lease
	err := c.ManagedAccounts.Checkout(context.Background(), "db01", "postgres", &CheckoutOptions{DurationMinutes: 5},
		func(_ context.Context, l *Lease) error { lease = *l; return nil })
	require.NoError(t, err)
	assert.Equal(t, 42, lease.RequestID)
	assert.Equal(t, "s3cr3t-pw", lease.Credential.Value())
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 1, m.checkins.count())
}

func TestCheckoutValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	fn := func(context.Context, Secret) error { return nil }
	afn := func(context.Context, *AliasCredentials) error { return nil }
	cases := []struct {
		name  string
		field string
		run   func() error
	}{
		{"nil fn", "fn", func() error { return c.Requests.Checkout(context.Background(), checkoutOpts, nil) }},
		{"nil opts", "opts", func() error { return c.Requests.Checkout(context.Background(), nil, fn) }},
		{"bad duration", "DurationMinutes", func() error {
			return c.Requests.Checkout(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 1}, fn)
		}},
		{"alias nil fn", "fn", func() error {
			return c.Aliases.Checkout(context.Background(), 1, &CreateAliasRequestOptions{DurationMinutes: 1}, nil)
		}},
		{"alias id", "aliasID", func() error {
			return c.Aliases.Checkout(context.Background(), 0, &CreateAliasRequestOptions{DurationMinutes: 1}, afn)
		}},
		{"alias opts", "opts", func() error { return c.Aliases.Checkout(context.Background(), 3, nil, afn) }},
		{"check-in reason", "CheckinReason", func() error {
			return c.Requests.Checkout(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 1, DurationMinutes: 1,
				CheckinReason: strings.Repeat("é", 1001)}, fn)
		}},
		{"alias check-in reason", "CheckinReason", func() error {
			return c.Aliases.Checkout(context.Background(), 3, &CreateAliasRequestOptions{DurationMinutes: 1,
				CheckinReason: strings.Repeat("é", 1001)}, afn)
		}},
	}
	for _, tc := range cases {
		assertValidation(t, tc.run(), tc.field)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount(), "validation must send nothing, sign-in included")
}

func TestAliasCheckout(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	lists := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", lists.wrap(respond(http.StatusOK, `[]`)))
	mt.RegisterResponder(http.MethodPost, testBase+"Aliases/5/Requests", func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		assert.JSONEq(t, `{"AccessType":"SSH","DurationMinutes":15}`, string(b), "the check-in reason is not sent with the POST")
		return httpmock.NewStringResponse(http.StatusCreated, `{"RequestID":9}`), nil
	})
	var reads atomic.Int32
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/5/Credentials/9", func(*http.Request) (*http.Response, error) {
		if reads.Add(1) == 1 {
			return httpmock.NewStringResponse(http.StatusForbidden, `"4034 - Request is not yet approved."`), nil
		}
		return httpmock.NewStringResponse(http.StatusOK,
			`{"AliasID":5,"AliasName":"web-root","SystemId":1,"AccountId":11,"AccountName":"root","Password":"pw-1","PrivateKey":null}`), nil
	})
	checkins := &recorder{}
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/9/Checkin", checkins.wrap(respond(http.StatusNoContent, "")))

	err := c.Aliases.Checkout(context.Background(), 5, &CreateAliasRequestOptions{AccessType: AccessSSH, DurationMinutes: 15,
		CheckinReason: "rotated the keys"},
		func(_ context.Context, cred *AliasCredentials) error {
			assert.Equal(t, "pw-1", cred.Password.Value())
			assert.Equal(t, 1, cred.SystemID)
			assert.Equal(t, 11, cred.AccountID)
			assert.True(t, cred.PrivateKey.IsZero())
			return nil
		})
	require.NoError(t, err)
	assert.Equal(t, int32(2), reads.Load())
	require.Equal(t, 1, checkins.count())
	assert.JSONEq(t, `{"Reason":"rotated the keys"}`, string(checkins.last(t).Body))
	assert.Equal(t, 1, lists.count(), "the open requests, listed before the POST")
}

func TestWithCheckoutPollingRejectsBadValues(t *testing.T) {
	t.Parallel()
	for _, tc := range [][2]time.Duration{{0, time.Second}, {time.Second, 0}, {2 * time.Second, time.Second}, {-1, time.Second}} {
		_, err := NewClient(testBase, WithAPIKey("k", "u"), WithCheckoutPolling(tc[0], tc[1]))
		assert.Error(t, err, "%v", tc)
	}
	// The smallest waits are accepted.
	_, err := NewClient(testBase, WithAPIKey("k", "u"), WithCheckoutPolling(time.Nanosecond, time.Nanosecond))
	assert.NoError(t, err)
}

func TestWaitCredentials(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	reads, checkins := checkoutMock(t, mt, http.StatusCreated, 2, http.StatusNoContent)

	cred, err := c.Requests.WaitCredentials(context.Background(), 42, nil)
	require.NoError(t, err)
	assert.Equal(t, "s3cr3t-pw", cred.Value())
	assert.Equal(t, int32(3), reads.Load())
	assert.Equal(t, int32(0), checkins.Load(), "WaitCredentials never checks in")

	_, err = c.Requests.WaitCredentials(context.Background(), 0, nil)
	assertValidation(t, err, "requestID")
	_, err = c.Requests.WaitCredentials(context.Background(), 42, &CredentialsOptions{Type: "pin"})
	assertValidation(t, err, "type")
	assert.Equal(t, int32(3), reads.Load(), "invalid input sends nothing")
}

// A request denied or expired while WaitCredentials waits: the error
// matches ErrDenied or ErrExpired (and still the 403 and 4031 it is); any
// other 4031 matches neither.
func TestWaitCredentialsDeniedOrExpired(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body      string
		want, not error
	}{
		{`"4031 - Request 42 is no longer active (denied)."`, ErrDenied, ErrExpired},
		{`"4031 - Request was rejected by the approver."`, ErrDenied, ErrExpired},
		{`"4031 - Request 42 is no longer active (expired)."`, ErrExpired, ErrDenied},
		{`"4031 - User does not have permission to request the account."`, nil, nil},
		{`"4033 - Request was denied."`, nil, nil}, // not a 4031
	} {
		t.Run(tc.body, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			mt.RegisterResponder(http.MethodGet, testBase+"Credentials/42", sequence(
				respond(http.StatusForbidden, `"4034 - Request is not yet approved."`), respond(http.StatusForbidden, tc.body)))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a wait that misses the end fails here
			defer cancel()
			_, err := c.Requests.WaitCredentials(ctx, 42, nil)
			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			assert.ErrorIs(t, err, ErrForbidden)
			assert.Equal(t, er.Error(), err.Error(), "reads as the server's answer")
			if tc.want == nil {
				assert.NotErrorIs(t, err, ErrDenied)
				assert.NotErrorIs(t, err, ErrExpired)
				return
			}
			assert.ErrorIs(t, err, ErrNoPermission)
			assert.ErrorIs(t, err, tc.want)
			assert.NotErrorIs(t, err, tc.not)
		})
	}
}

func TestWaitCredentialsContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	polls := &pollRecorder{onWait: func(int) bool { cancel(); return false }}
	c, mt := newMockClient(t, withPolls(polls))
	reads, _ := checkoutMock(t, mt, http.StatusCreated, 1<<30, http.StatusNoContent)

	_, err := c.Requests.WaitCredentials(ctx, 42, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrNotApproved)
	assert.NotErrorIs(t, err, ErrForbidden)
	assert.Equal(t, "passwordsafe: waiting for approval of request 42: context canceled (still not approved, 4034)", err.Error())
	assert.Equal(t, int32(1), reads.Load())
}

func TestCheckoutErrorMessages(t *testing.T) {
	t.Parallel()
	base := errors.New("passwordsafe: boom")
	assert.Equal(t, "passwordsafe: boom", (&CheckoutError{Err: base}).Error())
	assert.Equal(t, "passwordsafe: boom: request 3 was checked in",
		(&CheckoutError{RequestID: 3, Err: base, CheckedIn: true, checkinTried: true}).Error())
	assert.Equal(t, "passwordsafe: boom: request 3 may still be open (its check-in failed: no answer): "+
		"check it in with Requests.Checkin(ctx, 3, reason), or it ends when it expires",
		(&CheckoutError{RequestID: 3, Err: base, checkinTried: true}).Error())
	assert.Equal(t, "passwordsafe: checkout failed", (&CheckoutError{}).Error())
	assert.Same(t, base, (&CheckoutError{Err: base}).Unwrap())
}

// Regression (issue 10): the context ends while a poll is in flight. The
// poll's error is the context's, not 4034; the check-in's 4034 shows the
// request is still pending, and the error says so, as when the context
// ends between polls.
func TestCheckoutContextEndsDuringPoll(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, mt := newMockClient(t, instantPolls())
	_, _ = checkoutMock(t, mt, http.StatusCreated, 0, http.StatusNoContent)
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/42", func(req *http.Request) (*http.Response, error) {
		cancel() // the caller gives up while the poll is in flight
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	checkins := &recorder{}
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin",
		checkins.wrap(respond(http.StatusForbidden, `"4034 - Request is not yet approved."`)))
	lists := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", lists.wrap(respond(http.StatusOK, `[]`)))

	err := c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran")
		return nil
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrNotApproved, "the check-in's 4034 shows the request is pending")
	assert.NotErrorIs(t, err, ErrForbidden)
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 42, ce.RequestID)
	assert.False(t, ce.CheckedIn)
	assert.Contains(t, err.Error(), "request 42 is still pending")
	assert.Contains(t, err.Error(), "Requests.WaitCredentials(ctx, 42, nil)")
	assert.NotContains(t, err.Error(), "may still be open")
	assert.Equal(t, 1, checkins.count())
	assert.Equal(t, 1, lists.count(), "the list before the POST; a 4034 check-in proves the request open: no need to look")
}

// Regression (issue 10): the check-in acted but its answer was a 502 (or
// was lost); the pipeline repeats the PUT, which the server refuses, the
// request being checked in already. The request is not open: no error.
// Were it still listed as open, the error would be returned.
func TestCheckoutCheckinRepeatedAfterItActed(t *testing.T) {
	t.Parallel()
	for _, stillOpen := range []bool{false, true} {
		t.Run(fmt.Sprintf("still open %v", stillOpen), func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			_, _ = checkoutMock(t, mt, http.StatusCreated, 0, http.StatusNoContent)
			checkins := &recorder{}
			mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin", checkins.wrap(sequence(
				respond(http.StatusBadGateway, `"Bad Gateway"`),
				respond(http.StatusForbidden, `"4031 - Request 42 is no longer active (checked in)."`))))
			list := `[]`
			if stillOpen {
				list = `[{"RequestID":42,"SystemID":1,"AccountID":2,"Status":"Active"}]`
			}
			lists := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", lists.wrap(respond(http.StatusOK, list)))
			boom := errors.New("fn failed")

			err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return boom })
			assert.ErrorIs(t, err, boom)
			assert.Equal(t, 2, checkins.count(), "the PUT was repeated after the 502")
			assert.Equal(t, 2, lists.count(), "the list before the POST, and one look at the open requests")
			if stillOpen {
				assert.ErrorIs(t, err, ErrNoPermission)
				assert.Contains(t, err.Error(), "checking in request 42")
			} else {
				assert.Equal(t, "fn failed", err.Error(), "nothing is open: no check-in error")
			}
		})
	}
}

// Regression (issue 10): a request denied while Checkout waited cannot be
// checked in; the server no longer lists it as open, and the error says
// so instead of telling the caller to check it in.
func TestCheckoutDeniedRequestNoLongerOpen(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", httpmock.NewStringResponder(http.StatusCreated, `7`))
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/7",
		httpmock.NewStringResponder(http.StatusForbidden, `"4031 - Request was denied."`))
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/7/Checkin",
		httpmock.NewStringResponder(http.StatusForbidden, `"4031 - Request is not active."`))
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(http.StatusOK, `[{"RequestID":8}]`))

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran for a denied request")
		return nil
	})
	assert.ErrorIs(t, err, ErrNoPermission)
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 7, ce.RequestID)
	assert.False(t, ce.CheckedIn)
	assert.Equal(t, "passwordsafe: GET Credentials/7: 403 Forbidden: 4031 Request was denied.: request 7 is no longer open "+
		"(its check-in answered: passwordsafe: PUT Requests/7/Checkin: 403 Forbidden: 4031 Request is not active.)", err.Error())
}
