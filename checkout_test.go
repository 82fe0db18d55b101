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

// checkoutMock registers POST Requests answering createStatus with request
// 42, GET Credentials/42 answering 4034 pending times before the password,
// and PUT Requests/42/Checkin answering checkinStatus. It returns counters
// of credential reads and check-ins.
func checkoutMock(t *testing.T, mt *httpmock.MockTransport, createStatus, pending, checkinStatus int) (reads, checkins *atomic.Int32) {
	t.Helper()
	reads, checkins = new(atomic.Int32), new(atomic.Int32)
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

// t0 is the client's clock in the tests of a lost answer: the POST begins
// at t0.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func withClock(now time.Time) Option {
	return func(c *clientConfig) error {
		c.checkout.now = func() time.Time { return now }
		return nil
	}
}

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

func TestCheckoutReusedRequestWaitFailsLeftOpen(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	_, checkins := checkoutMock(t, mt, http.StatusOK, 0, http.StatusNoContent)
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/42", respond(http.StatusForbidden, `"4031 - Request has expired."`))

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
	assert.Contains(t, err.Error(), "request 42 was open before Checkout and is left open")
	assert.Equal(t, int32(0), checkins.Load())
}

func TestCheckoutJoinsCheckinError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 0, http.StatusInternalServerError)
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

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran for a denied request")
		return nil
	})
	assert.ErrorIs(t, err, ErrNoPermission)
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 7, ce.RequestID)
	assert.Contains(t, err.Error(), "request 7 may still be open (its check-in failed: ")
	assert.Contains(t, err.Error(), "Requests.Checkin(ctx, 7, reason)")
	assert.Equal(t, 1, mt.GetCallCountInfo()["GET "+testBase+"Credentials/7"], "a denial ends the wait")
	assert.Equal(t, 1, mt.GetCallCountInfo()["PUT "+testBase+"Requests/7/Checkin"])
}

func TestCheckoutConflictSaysWhatToDo(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	posts, lists := &recorder{}, &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", posts.wrap(respond(http.StatusConflict,
		`"Conflicting request exists. This user already has request 40 for the account."`)))
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", lists.wrap(respond(http.StatusOK, `[]`)))

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error {
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
	assert.Equal(t, "passwordsafe: POST Requests: 409 Conflict: Conflicting request exists. This user already has request 40 "+
		"for the account.: "+hintConflict, err.Error())
	assert.Contains(t, err.Error(), "pass ConflictOption reuse to take yours over, or renew to replace it")
	assert.Equal(t, 1, posts.count())
	assert.Zero(t, lists.count(), "a 409 proves nothing was created")

	// The alias and managed-account checkouts say the same.
	mt.RegisterResponder(http.MethodPost, testBase+"Aliases/5/Requests", respond(http.StatusConflict, `"Conflicting request exists."`))
	err = c.Aliases.Checkout(context.Background(), 5, &CreateAliasRequestOptions{DurationMinutes: 5},
		func(context.Context, *AliasCredentials) error { return nil })
	assert.ErrorIs(t, err, ErrConflict)
	assert.Contains(t, err.Error(), hintConflict)
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

// theList holds request 42 (system 1, account 2, View, released just after
// t0) among decoys: a leftover from before the call, another account,
// another access type.
func theList() string {
	return "[" + strings.Join([]string{
		requestEntry(40, 1, 2, 0, "View", t0.Add(-time.Hour)),  // a leftover: released long before the call
		requestEntry(41, 1, 3, 0, "View", t0.Add(time.Second)), // another account
		requestEntry(42, 1, 2, 0, "View", t0.Add(time.Second)), // the one the lost POST created
		requestEntry(43, 1, 2, 0, "RDP", t0.Add(time.Second)),  // another access type
		requestEntry(44, 9, 2, 0, "View", t0.Add(time.Second)), // another system
	}, ",") + "]"
}

func newLostMock(t *testing.T, mt *httpmock.MockTransport, postPath string, postFail httpmock.Responder, list string) *lostMock {
	t.Helper()
	m := &lostMock{posts: &recorder{}, lists: &recorder{}, reads: &recorder{}, checkins: &recorder{}}
	mt.RegisterResponder(http.MethodPost, testBase+postPath, m.posts.wrap(postFail))
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", m.lists.wrap(respond(http.StatusOK, list)))
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
	}
	for name, postFail := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls(), withClock(t0))
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
			assert.Equal(t, 1, m.lists.count())
			assert.Equal(t, "", m.lists.last(t).URL.RawQuery, "GET Requests lists active and pending requests")
			assert.Equal(t, 2, m.reads.count(), "it waited for approval")
			assert.Equal(t, 1, m.checkins.count(), "and checked request 42 in")
			assert.Equal(t, 5, apiCalls(mt), "POST, GET Requests, two reads, the check-in: no other call")
		})
	}
}

func TestCheckoutAnswerLostFnFailsOrPanics(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls(), withClock(t0))
	m := newLostMock(t, mt, "Requests", fail(io.ErrUnexpectedEOF), theList())
	boom := errors.New("deploy failed")

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 1, m.checkins.count())

	c2, mt2 := newMockClient(t, instantPolls(), withClock(t0))
	m2 := newLostMock(t, mt2, "Requests", respond(http.StatusServiceUnavailable, ""), theList())
	assert.PanicsWithValue(t, "fn blew up", func() {
		_ = c2.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { panic("fn blew up") })
	})
	assert.Equal(t, 1, m2.posts.count())
	assert.Equal(t, 1, m2.checkins.count())
}

// The release date must be no earlier than 5 s before the POST began.
func TestCheckoutAnswerLostClockSkew(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		released time.Time
		found    bool
	}{
		{"4.99 s early", t0.Add(-4990 * time.Millisecond), true},
		{"5 s early", t0.Add(-5 * time.Second), true},
		{"5.01 s early", t0.Add(-5010 * time.Millisecond), false},
		{"at t0", t0, true},
		{"a minute later", t0.Add(time.Minute), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls(), withClock(t0))
			m := newLostMock(t, mt, "Requests", respond(http.StatusServiceUnavailable, `"down"`),
				"["+requestEntry(42, 1, 2, 0, "View", tc.released)+"]")
			ran := false
			err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { ran = true; return nil })
			assert.Equal(t, 1, m.posts.count())
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
			assert.Zero(t, m.checkins.count(), "a request from before the call is not ours")
		})
	}
}

func TestCheckoutAnswerLostNothingFound(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls(), withClock(t0))
	m := newLostMock(t, mt, "Requests", fail(io.ErrUnexpectedEOF),
		"["+requestEntry(40, 1, 2, 0, "View", t0.Add(-time.Hour))+","+requestEntry(43, 1, 2, 0, "SSH", t0)+
			`,{"RequestID":45,"SystemID":1,"AccountID":2,"AccessType":"View","RequestReleaseDate":null}]`)

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran")
		return nil
	})
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the POST's error")
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 1, m.lists.count())
	assert.Zero(t, m.reads.count())
	assert.Zero(t, m.checkins.count())
}

func TestCheckoutAnswerLostLookupFails(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls(), withClock(t0))
	m := newLostMock(t, mt, "Requests", respond(http.StatusBadGateway, ""), "")
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", m.lists.wrap(respond(http.StatusForbidden, `"4033 - Approver only."`)))

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
	assert.Equal(t, 1, m.lists.count())
	assert.Zero(t, m.checkins.count())
}

// The caller's context ends while the POST is in flight: the request the
// server created is found on a detached context and checked in.
func TestCheckoutContextEndsDuringPost(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, mt := newMockClient(t, instantPolls(), withClock(t0))
	m := newLostMock(t, mt, "Requests", func(*http.Request) (*http.Response, error) {
		cancel() // the server has created request 42; the caller gives up
		return nil, context.Canceled
	}, theList())

	err := c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran")
		return nil
	})
	assert.ErrorIs(t, err, context.Canceled)
	var ce *CheckoutError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 42, ce.RequestID)
	assert.True(t, ce.CheckedIn)
	assert.Equal(t, 1, m.posts.count())
	assert.Equal(t, 1, m.lists.count(), "the search ran although ctx had ended")
	assert.Zero(t, m.reads.count())
	assert.Equal(t, 1, m.checkins.count(), "the found request was checked in")
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
		"429 every time":     {respond(http.StatusTooManyRequests, ""), 4},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls(), withClock(t0))
			m := newLostMock(t, mt, "Requests", tc.post, theList())
			err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return nil })
			require.Error(t, err)
			assert.Equal(t, tc.posts, m.posts.count())
			assert.Zero(t, m.lists.count())
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
			c, mt := newMockClient(t, instantPolls(), withClock(t0))
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

func TestAliasCheckoutAnswerLost(t *testing.T) {
	t.Parallel()
	aliasList := "[" + strings.Join([]string{
		requestEntry(40, 1, 2, 5, "SSH", t0.Add(-time.Hour)), // this alias, but a leftover
		requestEntry(41, 1, 2, 6, "SSH", t0),                 // another alias
		requestEntry(42, 1, 2, 5, "SSH", t0.Add(time.Second)),
	}, ",") + "]"
	c, mt := newMockClient(t, instantPolls(), withClock(t0))
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
	assert.Equal(t, 1, m.lists.count())
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
	c, mt := newMockClient(t, instantPolls(), withClock(t0))
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

// An App request is told apart by its application; should two requests
// match, the newest wins, then the highest ID.
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
			[]string{app(42, 5, t0), app(50, 6, t0.Add(time.Second))}},
		{"application not listed", &CreateRequestOptions{AccessType: AccessApp, ApplicationID: Ptr(5), SystemID: 1, AccountID: 2, DurationMinutes: 5},
			[]string{requestEntry(42, 1, 2, 0, "App", t0)}},
		{"newest wins", checkoutOpts,
			[]string{requestEntry(30, 1, 2, 0, "View", t0), requestEntry(42, 1, 2, 0, "view", t0.Add(time.Second)), requestEntry(50, 1, 2, 0, "", t0)}},
		{"then the highest ID", checkoutOpts,
			[]string{requestEntry(30, 1, 2, 0, "View", t0), requestEntry(42, 1, 2, 0, "View", t0), requestEntry(41, 1, 2, 0, "View", t0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls(), withClock(t0))
			m := newLostMock(t, mt, "Requests", respond(http.StatusServiceUnavailable, ""), "["+strings.Join(tc.list, ",")+"]")
			require.NoError(t, c.Requests.Checkout(context.Background(), tc.opts, func(context.Context, Secret) error { return nil }))
			assert.Equal(t, 1, m.posts.count())
			assert.Equal(t, 1, m.checkins.count(), "request 42 was the one")
		})
	}
}

func TestManagedCheckoutAnswerLost(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls(), withClock(t0))
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
	}
	for _, tc := range cases {
		assertValidation(t, tc.run(), tc.field)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount(), "validation must send nothing, sign-in included")
}

func TestAliasCheckout(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	mt.RegisterResponder(http.MethodPost, testBase+"Aliases/5/Requests", func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		assert.JSONEq(t, `{"AccessType":"SSH","DurationMinutes":15}`, string(b))
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
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/9/Checkin", httpmock.NewStringResponder(http.StatusNoContent, ""))

	err := c.Aliases.Checkout(context.Background(), 5, &CreateAliasRequestOptions{AccessType: AccessSSH, DurationMinutes: 15},
		func(_ context.Context, cred *AliasCredentials) error {
			assert.Equal(t, "pw-1", cred.Password.Value())
			assert.Equal(t, 1, cred.SystemID)
			assert.Equal(t, 11, cred.AccountID)
			assert.True(t, cred.PrivateKey.IsZero())
			return nil
		})
	require.NoError(t, err)
	assert.Equal(t, int32(2), reads.Load())
	assert.Equal(t, 1, mt.GetCallCountInfo()["PUT "+testBase+"Requests/9/Checkin"])
}

func TestWithCheckoutPollingRejectsBadValues(t *testing.T) {
	t.Parallel()
	for _, tc := range [][2]time.Duration{{0, time.Second}, {time.Second, 0}, {2 * time.Second, time.Second}, {-1, time.Second}} {
		_, err := NewClient(testBase, WithAPIKey("k", "u"), WithCheckoutPolling(tc[0], tc[1]))
		assert.Error(t, err, "%v", tc)
	}
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
	assert.Zero(t, lists.count(), "a 4034 check-in proves the request open: no need to look")
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
			assert.Equal(t, 1, lists.count(), "one look at the open requests")
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
