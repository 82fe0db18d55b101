package passwordsafe

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
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

func fastPolling() Option { return WithCheckoutPolling(time.Millisecond, 4*time.Millisecond) }

func TestCheckoutWaitsForApprovalThenChecksIn(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fastPolling())
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

func TestCheckoutReturnsFnErrorAndChecksIn(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fastPolling())
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 0, http.StatusNoContent)
	boom := errors.New("deploy failed")

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, int32(1), checkins.Load())
}

func TestCheckoutChecksInThenRepanics(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fastPolling())
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 0, http.StatusNoContent)

	assert.PanicsWithValue(t, "fn blew up", func() {
		_ = c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { panic("fn blew up") })
	})
	assert.Equal(t, int32(1), checkins.Load())
}

func TestCheckoutChecksInAfterFnOutlivesContext(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fastPolling())
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
	c, mt := newMockClient(t, fastPolling())
	_, checkins := checkoutMock(t, mt, http.StatusOK, 0, http.StatusNoContent)
	ran := false

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { ran = true; return nil })
	require.NoError(t, err)
	assert.True(t, ran)
	assert.Equal(t, int32(0), checkins.Load(), "a reused request is not ours to check in")
}

func TestCheckoutJoinsCheckinError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fastPolling())
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 0, http.StatusInternalServerError)
	boom := errors.New("fn failed")

	err := c.Requests.Checkout(context.Background(), checkoutOpts, func(context.Context, Secret) error { return boom })
	assert.ErrorIs(t, err, boom)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusInternalServerError, er.StatusCode)
	assert.Equal(t, int32(1), checkins.Load(), "a failed PUT check-in answered 500 is not retried")
}

func TestCheckoutStopsWaitingWhenContextEnds(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fastPolling())
	_, checkins := checkoutMock(t, mt, http.StatusCreated, 1<<30, http.StatusForbidden)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()

	err := c.Requests.Checkout(ctx, checkoutOpts, func(context.Context, Secret) error {
		t.Error("fn ran without a released credential")
		return nil
	})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, ErrForbidden, "the refused check-in of a pending request is not reported")
	assert.Equal(t, int32(1), checkins.Load(), "a check-in is still attempted")
}

func TestCheckoutStopsWhenDenied(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fastPolling())
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
	assert.Equal(t, 1, mt.GetCallCountInfo()["GET "+testBase+"Credentials/7"], "a denial ends the wait")
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
		err := tc.run()
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		assert.Equal(t, tc.field, ve.Field, tc.name)
		assert.ErrorIs(t, err, ErrValidation)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount(), "validation must send nothing, sign-in included")
}

func TestAliasCheckout(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fastPolling())
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
	c, mt := newMockClient(t, fastPolling())
	reads, checkins := checkoutMock(t, mt, http.StatusCreated, 2, http.StatusNoContent)

	cred, err := c.Requests.WaitCredentials(context.Background(), 42, nil)
	require.NoError(t, err)
	assert.Equal(t, "s3cr3t-pw", cred.Value())
	assert.Equal(t, int32(3), reads.Load())
	assert.Equal(t, int32(0), checkins.Load(), "WaitCredentials never checks in")

	_, err = c.Requests.WaitCredentials(context.Background(), 0, nil)
	assert.ErrorIs(t, err, ErrValidation)
	_, err = c.Requests.WaitCredentials(context.Background(), 42, &CredentialsOptions{Type: "pin"})
	assert.ErrorIs(t, err, ErrValidation)
	assert.Equal(t, int32(3), reads.Load(), "invalid input sends nothing")
}
