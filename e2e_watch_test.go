package passwordsafe_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// TestE2EWatchFollowsLiveSession: Watch follows a seeded live SSH session
// on the fake, one frame per second of the fake's clock (moved by the loop
// itself, so no wall-clock margin), to its end, and leaves no replay open.
func TestE2EWatchFollowsLiveSession(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(start),
		passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{
			User: "requestor", System: "web01", Account: "root", Live: true, DurationSeconds: 60}))
	admin := srv.Client(t, "admin")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a hung loop fails fast
	defer cancel()
	live := theLiveSession(ctx, t, admin)

	var uptimes []string
	for frame, err := range admin.Sessions.Watch(ctx, &live[0], &ps.WatchOptions{Interval: time.Millisecond}) {
		require.NoError(t, err)
		for _, line := range strings.Split(frame.Text, "\n") {
			if strings.Contains(line, " up ") {
				uptimes = append(uptimes, strings.Fields(line)[0])
			}
		}
		require.Len(t, srv.Replays(), 1, "a replay is open while watching")
		if len(uptimes) == 3 {
			_, err := admin.Sessions.Terminate(ctx, live[0].SessionID)
			require.NoError(t, err)
			continue
		}
		srv.Advance(time.Second)
	}
	// Joined at the live edge (the fake's now), then one second a frame.
	assert.Equal(t, []string{"09:00:00", "09:00:01", "09:00:02"}, uptimes)
	assert.Empty(t, srv.Replays(), "the replay was ended")
	assert.Equal(t, 1, srv.Calls("DELETE", "pbsm/replay/*"))
}

// TestE2EWatchContextEndsWhileStarting: the server queues POST pbsm/replay
// and starts the replay after the caller's context has ended. Watch
// returns the context's error at once; the client reads the start's answer
// in the background and ends that replay, and SignOut waits for it: no
// replay is left open.
func TestE2EWatchContextEndsWhileStarting(t *testing.T) {
	t.Parallel()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{
		User: "requestor", System: "web01", Account: "root", Live: true, DurationSeconds: 60}))
	admin := srv.Client(t, "admin")
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second) // a hung loop fails fast
	defer wcancel()
	live := theLiveSession(wctx, t, admin)

	queued := srv.Next("POST", "pbsm/replay").Queue()
	ctx, cancel := context.WithCancel(wctx)
	go func() {
		<-queued.Arrived()
		cancel()
	}()
	n := 0
	for _, err := range admin.Sessions.Watch(ctx, &live[0], nil) {
		n++
		assert.ErrorIs(t, err, context.Canceled)
	}
	assert.Equal(t, 1, n, "one pair: the context's error")
	assert.Empty(t, srv.Replays(), "returned while the start was queued")

	queued.Release() // the server starts the replay now, after the caller gave up
	require.NoError(t, admin.SignOut(wctx))
	assert.Empty(t, srv.Replays(), "the replay started late was ended")
	assert.Equal(t, 1, srv.Calls("POST", "pbsm/replay"))
	assert.Equal(t, 1, srv.Calls("DELETE", "pbsm/replay/*"))
}

// theLiveSession lists the sessions in progress, of which there must be one.
func theLiveSession(ctx context.Context, t *testing.T, admin *ps.Client) []ps.Session {
	t.Helper()
	live, _, err := admin.Sessions.List(ctx, &ps.ListSessionsOptions{Status: []ps.SessionStatus{ps.SessionInProgress}})
	require.NoError(t, err)
	require.Len(t, live, 1)
	return live
}
