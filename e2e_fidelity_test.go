package passwordsafe_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// End-to-end checks of what the fake answers as the real server does
// (issue 19), from the SDK's side.

// ManagedAccounts.List with an accountName alone, even a DOMAIN\name or a
// UPN, is a list: the server answers one object only to both names, which
// is what ManagedAccounts.Get sends.
func TestE2EManagedAccountsLoneDomainNameIsAList(t *testing.T) {
	t.Parallel()
	c := newE2E(t).as("requestor")
	for _, name := range []string{`EXAMPLE\deploy`, "deploy@example.test"} {
		list, _, err := c.ManagedAccounts.List(bg, &ps.ListManagedAccountsOptions{AccountName: name})
		require.NoError(t, err, name)
		assert.Equal(t, []int{41}, accountIDs(list), name)
	}
	none, _, err := c.ManagedAccounts.List(bg, &ps.ListManagedAccountsOptions{AccountName: `OTHER\deploy`})
	require.NoError(t, err)
	assert.Empty(t, none)

	one, _, err := c.ManagedAccounts.Get(bg, "app01", "deploy@example.test")
	require.NoError(t, err)
	assert.Equal(t, 41, one.AccountID)
}

// The default seed's live session moves with the kit's clock: Watch yields
// a new frame after each Advance, the Active Session Reviewer may watch and
// end it, and the replay is ended afterwards.
func TestE2EWatchDefaultLiveSession(t *testing.T) {
	t.Parallel()
	e := newE2E(t, passwordsafetest.WithTime(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)))
	reviewer := e.as("reviewer")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a hung loop fails fast
	defer cancel()
	live, _, err := reviewer.Sessions.Get(ctx, passwordsafetest.LiveSessionID)
	require.NoError(t, err)
	require.Equal(t, ps.SessionInProgress, live.Status)
	assert.Equal(t, "db02", live.AssetName)

	var frames []ps.ReplayFrame
	for f, err := range reviewer.Sessions.Watch(ctx, live, &ps.WatchOptions{Interval: time.Millisecond}) {
		require.NoError(t, err)
		frames = append(frames, f)
		if len(frames) == 4 {
			_, err := reviewer.Sessions.Terminate(ctx, live.SessionID)
			require.NoError(t, err)
			continue
		}
		e.srv.Advance(time.Second)
	}
	require.GreaterOrEqual(t, len(frames), 4)
	for i := 1; i < 4; i++ {
		assert.NotEqual(t, frames[i-1].Text, frames[i].Text, "frame %d", i)
		assert.Equal(t, frames[i-1].Time.Add(time.Second), frames[i].Time, "frame %d", i)
	}
	assert.Contains(t, frames[0].Text, "postgres@db02")
	assert.Equal(t, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), frames[0].Time, "joined at the live edge")
	assert.Empty(t, e.srv.Replays(), "the replay was ended")
	got, _, err := reviewer.Sessions.Get(ctx, passwordsafetest.LiveSessionID)
	require.NoError(t, err)
	assert.Equal(t, ps.SessionTerminated, got.Status)
}
