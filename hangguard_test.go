package passwordsafe_test

// TestHangGuard runs, before the parallel tests, every wait the SDK has
// (a sign-in many calls share, a new sign-in after the server dropped the
// session, a refused sign-in, the wait for approval, a denial while
// waiting, Watch to a session's end, a streamed list, SignOut after
// background work), each under a bound of its own that stops the test
// binary when it passes. A change that makes one of them wait for ever
// then ends the run there, in seconds, saying which, rather than holding
// every other test until the global timeout; and a guarded wait that
// misbehaves in any other way stops the run too, since other tests would
// hang on it. It is not parallel on purpose: Go runs the tests that are
// not parallel first.

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func TestHangGuard(t *testing.T) {
	// A wait guarded here that misbehaves (loops, or returns what it
	// should not) would hang the tests that meet it without a bound of
	// their own: stop the run with the guard's failures, at once.
	defer func() {
		if t.Failed() {
			panic("TestHangGuard failed: a wait of the SDK misbehaves, and other tests would hang on it")
		}
	}()
	const bound = 20 * time.Second
	srv := passwordsafetest.NewServer(t,
		passwordsafetest.WithAccount(passwordsafetest.Account{System: "guard01", Name: "svc", Password: "Guard-Pa55",
			Policy: passwordsafetest.Policy{Approvals: 1}}))
	fast := ps.WithCheckoutPolling(time.Millisecond, 5*time.Millisecond)
	ctx := context.Background()
	// live can end and does not: with it, a POST runs detached from the
	// caller (Checkout's request, Watch's replay), where with ctx, which
	// can never end, it runs inline. Both ways are guarded.
	live, endLive := context.WithCancel(ctx)
	t.Cleanup(endLive)

	ps.Within(t, bound, "concurrent first calls sharing one sign-in", func() {
		c := srv.Client(t, "requestor")
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := c.Requests.List(ctx, nil)
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		assert.Equal(t, 1, srv.Calls(http.MethodPost, "Auth/SignAppin"))
	})

	ps.Within(t, bound, "a call after the server dropped the session", func() {
		c := srv.Client(t, "requestor")
		_, err := c.SignIn(ctx)
		require.NoError(t, err)
		srv.ExpireSessions()
		_, _, err = c.Requests.List(ctx, nil)
		assert.NoError(t, err)
	})

	ps.Within(t, bound, "a call the server refuses again after a new sign-in", func() {
		c := srv.Client(t, "requestor")
		srv.Next(http.MethodGet, "Aliases").Times(100).Fail(http.StatusUnauthorized)
		_, _, err := c.Aliases.List(ctx, nil)
		assert.ErrorIs(t, err, ps.ErrUnauthorized)
		assert.Equal(t, 2, srv.Calls(http.MethodGet, "Aliases"), "once, and once more after signing in again")
	})

	ps.Within(t, bound, "a sign-in the server refuses", func() {
		c, err := ps.NewClient(srv.URL(), ps.WithAPIKey("not-the-key", "requestor"))
		require.NoError(t, err)
		_, _, err = c.Requests.List(ctx, nil)
		assert.ErrorIs(t, err, ps.ErrUnauthorized)
	})

	for _, approve := range []bool{true, false} {
		cctx := ctx
		if approve {
			cctx = live
		}
		ps.Within(t, bound, "a checkout waiting for an approver", func() {
			c := srv.Client(t, "requestor", fast)
			go func() {
				rq, err := srv.WaitForRequest(ctx, passwordsafetest.StatusPending)
				if err != nil {
					return
				}
				if approve {
					_ = srv.Approve(rq.RequestID, "approver")
				} else {
					_ = srv.Deny(rq.RequestID, "approver", "no")
				}
			}()
			err := c.ManagedAccounts.Checkout(cctx, "guard01", "svc", &ps.CheckoutOptions{DurationMinutes: 5},
				func(context.Context, *ps.Lease) error { return nil })
			if approve {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ps.ErrDenied)
			}
			assert.NoError(t, c.SignOut(ctx))
		})
	}

	def := passwordsafetest.NewServer(t) // the default seed: a live session, sessions to list
	ps.Within(t, bound, "Watch to the end of a live session", func() {
		admin := def.Client(t, "admin")
		s, _, err := admin.Sessions.Get(ctx, passwordsafetest.LiveSessionID)
		require.NoError(t, err)
		frames := 0
		for _, err := range admin.Sessions.Watch(live, s, &ps.WatchOptions{Interval: time.Millisecond}) {
			require.NoError(t, err)
			if frames++; frames == 1 {
				_, err := admin.Sessions.Terminate(ctx, s.SessionID)
				require.NoError(t, err)
			}
		}
		assert.GreaterOrEqual(t, frames, 1)
		assert.Empty(t, def.Replays())
	})

	ps.Within(t, bound, "a streamed list", func() {
		admin := def.Client(t, "admin")
		n := 0
		for _, err := range admin.Sessions.All(ctx, nil) {
			require.NoError(t, err)
			n++
		}
		assert.Positive(t, n)
	})
}
