package passwordsafe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPSAuthHeader(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []Option
		want string
	}{
		{"key and runas", nil, "PS-Auth key=" + testAPIKey + "; runas=" + testRunAs + ";"},
		{"with password", []Option{WithRunAsPassword("s3cret pass")},
			"PS-Auth key=" + testAPIKey + "; runas=" + testRunAs + "; pwd=[s3cret pass];"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, tc.opts...)
			signIn := recordSignIn(mt, testSessionID)
			api := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, `[]`)))
			mt.RegisterResponder(http.MethodPut, testBase+"Requests/5/Checkin", api.wrap(respond(204, "")))

			ctx := context.Background()
			_, _, err := c.Requests.List(ctx, nil)
			require.NoError(t, err)
			_, err = c.Requests.Checkin(ctx, 5, "done")
			require.NoError(t, err)

			si := signIn.last(t)
			assert.Equal(t, tc.want, si.Header.Get("Authorization"))
			assert.Len(t, si.Header.Values("Authorization"), 1)
			assert.Equal(t, "/custom/prefix/Auth/SignAppin", si.URL.Path)
			assert.Empty(t, si.Header.Get("Cookie"))
			assert.Empty(t, si.Body)
			assert.Equal(t, "application/json", si.Header.Get("Accept"))

			for _, r := range api.all() {
				assert.Empty(t, r.Header.Get("Authorization"), "%s %s", r.Method, r.URL)
				assert.Equal(t, []string{"ASP.NET_SessionId=" + testSessionID}, r.Header.Values("Cookie"))
			}
			assert.Equal(t, 1, signIns(mt))
		})
	}
}

func TestLazySignInOnceForConcurrentFirstCalls(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	slow := func(req *http.Request) (*http.Response, error) {
		time.Sleep(20 * time.Millisecond) // keep the sign-in in flight while the others arrive
		return signInResponder(testSessionID)(req)
	}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", slow)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))

	const n = 50
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, err := c.Requests.List(context.Background(), nil)
			assert.NoError(t, err)
		}()
	}
	close(start)
	wg.Wait()
	assert.Equal(t, 1, signIns(mt))
	assert.Equal(t, n, apiCalls(mt))
}

func TestConcurrentFirstCallsShareAFailedSignIn(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(*http.Request) (*http.Response, error) {
		once.Do(func() { close(entered) })
		<-release
		return httpmock.NewStringResponse(401, `"Unauthorized"`), nil
	})
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))
	const callers = 10
	waiting := make(chan struct{}, callers)
	c.auth.onWait = func() { waiting <- struct{}{} }
	errs := make(chan error, callers)
	call := func() {
		_, _, err := c.Requests.List(context.Background(), nil)
		errs <- err
	}
	go call()
	<-entered // the leader's sign-in is at the server
	for range callers - 1 {
		go call()
	}
	for range callers - 1 {
		select {
		case <-waiting: // every other caller waits for the leader
		case <-time.After(10 * time.Second):
			close(release)
			t.Fatal("a caller never waited for the leader's sign-in")
		}
	}
	close(release)
	for range callers {
		select {
		case err := <-errs:
			assert.ErrorIs(t, err, ErrUnauthorized)
		case <-time.After(10 * time.Second):
			t.Fatal("a caller never returned")
		}
	}
	assert.Zero(t, apiCalls(mt))
	assert.Equal(t, 1, signIns(mt), "the waiters share the leader's failed sign-in")
}

// A caller whose context ends while it waits for another's sign-in returns
// its own context error; the sign-in goes on for the others.
func TestWaitingForSignInHonoursContext(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(req *http.Request) (*http.Response, error) {
		entered <- struct{}{}
		<-release
		return signInResponder(testSessionID)(req)
	})
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))

	leader := make(chan error, 1)
	go func() {
		_, _, err := c.Requests.List(context.Background(), nil)
		leader <- err
	}()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	waiter := make(chan error, 1)
	go func() {
		_, _, err := c.Requests.List(ctx, nil)
		waiter <- err
	}()
	cancel()
	err := <-waiter
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	close(release)
	require.NoError(t, <-leader)
	assert.Equal(t, 1, signIns(mt))
}

// When the leader of a sign-in gives up because its own context ended,
// a waiting caller signs in for itself.
func TestWaiterSignsInWhenLeaderCancelled(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var n atomic.Int64
	entered := make(chan struct{})
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(req *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			close(entered)
			<-req.Context().Done()
			return nil, req.Context().Err()
		}
		return signInResponder(testSessionID)(req)
	})
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))

	ctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() {
		_, _, err := c.Requests.List(ctx, nil)
		leader <- err
	}()
	<-entered
	waiter := make(chan error, 1)
	go func() {
		_, _, err := c.Requests.List(context.Background(), nil)
		waiter <- err
	}()
	// Give the waiter a moment to join the flight; either way it must succeed.
	time.Sleep(10 * time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-leader, context.Canceled)
	require.NoError(t, <-waiter)
	assert.Equal(t, 2, signIns(mt))
}

func TestSignInAlwaysSignsIn(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))
	ctx := context.Background()

	u, err := c.SignIn(ctx)
	require.NoError(t, err)
	assert.Equal(t, &User{UserID: 7, SID: "S-1-5-21-7", EmailAddress: "tester@example.test", UserName: "tester", Name: "Test User"}, u)
	assert.Equal(t, 1, signIns(mt))

	_, _, err = c.Requests.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, signIns(mt), "a call after SignIn reuses its session")

	u2, err := c.SignIn(ctx)
	require.NoError(t, err)
	assert.Equal(t, u, u2)
	assert.NotSame(t, u, u2)
	assert.Equal(t, 2, signIns(mt))
}

func TestSignInErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		resp   httpmock.Responder
		target error
	}{
		{"401", respond(401, `"Unauthorized"`), ErrUnauthorized},
		{"403 no permission", respond(403, `"4031 - User does not have permission."`), ErrNoPermission},
		{"bad user JSON", respond(200, `{"UserId":"seven"}`), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", tc.resp)
			u, err := c.SignIn(context.Background())
			require.Error(t, err)
			assert.Nil(t, u)
			if tc.target != nil {
				assert.ErrorIs(t, err, tc.target)
			}
			assert.Contains(t, err.Error(), "POST Auth/SignAppin")
			assert.NotContains(t, err.Error(), testAPIKey)
			assert.Equal(t, 1, signIns(mt), "a sign-in POST is never repeated")
		})
	}
}

func TestSignInEmptyBody(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, "")
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId=x; path=/")
		return resp, nil
	})
	u, err := c.SignIn(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &User{}, u)
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, `[]`)))
	out := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", out.wrap(respond(200, "")))
	signIn := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin",
		signIn.wrap(sequence(signInResponder("sess-1"), signInResponder("sess-2"))))
	ctx := context.Background()

	_, _, err := c.Requests.List(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, c.SignOut(ctx))

	require.Equal(t, 1, out.count())
	so := out.last(t)
	assert.Equal(t, http.MethodPost, so.Method)
	assert.Equal(t, "/custom/prefix/Auth/Signout", so.URL.Path)
	assert.Equal(t, "ASP.NET_SessionId=sess-1", so.Header.Get("Cookie"))
	assert.Empty(t, so.Header.Get("Authorization"))
	assert.Empty(t, so.Body)

	// Forgotten: a second SignOut does nothing, the next call signs in anew
	// and neither carries the old cookie.
	require.NoError(t, c.SignOut(ctx))
	assert.Equal(t, 1, out.count())
	_, _, err = c.Requests.List(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, 2, signIn.count())
	assert.Empty(t, signIn.all()[1].Header.Get("Cookie"), "the old session must not ride along")
	assert.Equal(t, "ASP.NET_SessionId=sess-2", api.last(t).Header.Get("Cookie"))
}

func TestSignOutWithoutSessionIsNoOp(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	require.NoError(t, c.SignOut(context.Background()))
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestSignOutAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status  int
		wantErr bool
	}{{200, false}, {204, false}, {401, false}, {500, true}, {403, true}} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", respond(tc.status, ""))
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))
			ctx := context.Background()
			_, err := c.SignIn(ctx)
			require.NoError(t, err)
			err = c.SignOut(ctx)
			if tc.wantErr {
				var er *ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, tc.status, er.StatusCode)
			} else {
				require.NoError(t, err)
			}
			// Either way the session is forgotten.
			_, _, err = c.Requests.List(ctx, nil)
			require.NoError(t, err)
			assert.Equal(t, 2, signIns(mt))
			assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+testBase+"Auth/Signout"], "sign-out is sent once")
		})
	}
}

func TestReSignInAfter401(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			// Re-sign-in is not a retry: it works with retries off.
			c, mt := newMockClient(t, WithoutRetries())
			mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin",
				sequence(signInResponder("sess-1"), signInResponder("sess-2")))
			api := &recorder{}
			mt.RegisterResponder(method, testBase+"Things", api.wrap(func(req *http.Request) (*http.Response, error) {
				if c, _ := req.Cookie("ASP.NET_SessionId"); c != nil && c.Value == "sess-2" {
					return respond(200, `{"ok":true}`)(req)
				}
				return respond(401, `"Unauthorized"`)(req)
			}))
			var out struct{ OK bool }
			var body any
			if method != http.MethodGet {
				body = map[string]int{"A": 1}
			}
			resp, err := c.Do(context.Background(), method, "Things", body, &out)
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			assert.True(t, out.OK)
			assert.Equal(t, 2, signIns(mt))
			reqs := api.all()
			require.Len(t, reqs, 2)
			assert.Equal(t, []string{"ASP.NET_SessionId=sess-1"}, reqs[0].Header.Values("Cookie"))
			assert.Equal(t, []string{"ASP.NET_SessionId=sess-2"}, reqs[1].Header.Values("Cookie"))
			if body != nil {
				assert.JSONEq(t, `{"A":1}`, string(reqs[1].Body), "the repeat carries the body again")
			}
		})
	}
}

func TestPersistent401(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", respond(401, `"Session expired"`))
	var resp *Response
	var err error
	within(t, 10*time.Second, "a call answered 401 after a fresh sign-in", func() {
		_, resp, err = c.Requests.Create(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 5})
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrUnauthorized)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 401, er.StatusCode)
	assert.Equal(t, "Session expired", er.Message)
	require.NotNil(t, resp)
	assert.Equal(t, 401, resp.StatusCode)
	assert.Equal(t, 2, signIns(mt), "one sign-in, one re-sign-in")
	assert.Equal(t, 2, apiCalls(mt), "the call, and its one repeat")
}

func TestManyGoroutinesOnExpiredSessionSignInOnce(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin",
		sequence(signInResponder("sess-1"), signInResponder("sess-2"), signInResponder("sess-3")))
	var expired atomic.Int64
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", func(req *http.Request) (*http.Response, error) {
		if ck, _ := req.Cookie("ASP.NET_SessionId"); ck != nil && ck.Value == "sess-1" {
			expired.Add(1)
			time.Sleep(5 * time.Millisecond) // let the others pile onto the old session
			return respond(401, "")(req)
		}
		return respond(200, `[]`)(req)
	})
	ctx := context.Background()
	_, err := c.SignIn(ctx)
	require.NoError(t, err)

	const n = 40
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, err := c.Requests.List(ctx, nil)
			assert.NoError(t, err)
		}()
	}
	close(start)
	wg.Wait()
	assert.Positive(t, expired.Load())
	assert.Equal(t, 2, signIns(mt), "exactly one new sign-in for the expired session")
}

// ---- OAuth ----

const tokenKey = "POST " + testBase + "Auth/connect/token"

func newOAuthClient(t *testing.T, token httpmock.Responder, opts ...Option) (*Client, *httpmock.MockTransport, *recorder, *recorder) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	tok := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/connect/token", tok.wrap(token))
	signIn := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signIn.wrap(signInResponder(testSessionID)))
	base := []Option{
		WithOAuthClientCredentials("client-id-1", "oauth-secret-9f3a"),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRetries(3, time.Millisecond, 5*time.Millisecond),
	}
	c, err := NewClient(testBase, append(base, opts...)...)
	require.NoError(t, err)
	return c, mt, tok, signIn
}

func tokenResponder(token string, expiresIn int) httpmock.Responder {
	return respond(200, fmt.Sprintf(`{"access_token":%q,"expires_in":%d,"token_type":"Bearer","scope":"publicapi"}`, token, expiresIn))
}

func TestOAuthSignIn(t *testing.T) {
	t.Parallel()
	c, mt, tok, signIn := newOAuthClient(t, tokenResponder("bearer-tok-1", 600))
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, `[]`)))

	_, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)

	tr := tok.last(t)
	assert.Equal(t, "/custom/prefix/Auth/connect/token", tr.URL.Path)
	assert.Equal(t, "application/x-www-form-urlencoded", tr.Header.Get("Content-Type"))
	assert.Equal(t, "grant_type=client_credentials&client_id=client-id-1&client_secret=oauth-secret-9f3a", string(tr.Body))
	form, err := url.ParseQuery(string(tr.Body))
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {"client-id-1"},
		"client_secret": {"oauth-secret-9f3a"},
	}, form)
	assert.Empty(t, tr.Header.Get("Authorization"))

	assert.Equal(t, "Bearer bearer-tok-1", signIn.last(t).Header.Get("Authorization"))
	assert.Empty(t, api.last(t).Header.Get("Authorization"))
	assert.Equal(t, "ASP.NET_SessionId="+testSessionID, api.last(t).Header.Get("Cookie"))
}

func TestOAuthFormEscapesValues(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	tok := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/connect/token", tok.wrap(tokenResponder("t", 600)))
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signInResponder(testSessionID))
	c, err := NewClient(testBase, WithOAuthClientCredentials("id &=+", "s/e c+r=t&x"), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.SignIn(context.Background())
	require.NoError(t, err)
	form, err := url.ParseQuery(string(tok.last(t).Body))
	require.NoError(t, err)
	assert.Equal(t, "id &=+", form.Get("client_id"))
	assert.Equal(t, "s/e c+r=t&x", form.Get("client_secret"))
	assert.Equal(t, "client_credentials", form.Get("grant_type"))
}

func TestOAuthTokenReusedWhileFresh(t *testing.T) {
	t.Parallel()
	c, _, tok, signIn := newOAuthClient(t, tokenResponder("bearer-tok-1", 600))
	ctx := context.Background()
	for range 3 {
		_, err := c.SignIn(ctx)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, tok.count())
	assert.Equal(t, 3, signIn.count())
	for _, r := range signIn.all() {
		assert.Equal(t, "Bearer bearer-tok-1", r.Header.Get("Authorization"))
	}
}

func TestOAuthTokenRenewedNearExpiry(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	token := func(req *http.Request) (*http.Response, error) {
		// 20 s is within the 30 s slack: every sign-in fetches anew.
		return tokenResponder(fmt.Sprintf("tok-%d", n.Add(1)), 20)(req)
	}
	c, _, tok, signIn := newOAuthClient(t, token)
	ctx := context.Background()
	for range 3 {
		_, err := c.SignIn(ctx)
		require.NoError(t, err)
	}
	assert.Equal(t, 3, tok.count())
	reqs := signIn.all()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		assert.Equal(t, fmt.Sprintf("Bearer tok-%d", i+1), r.Header.Get("Authorization"))
	}
}

func TestOAuthTokenDroppedAfterRefusedSignIn(t *testing.T) {
	t.Parallel()
	c, mt, tok, _ := newOAuthClient(t, tokenResponder("tok", 600))
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin",
		sequence(respond(401, ""), signInResponder(testSessionID)))
	ctx := context.Background()
	_, err := c.SignIn(ctx)
	assert.ErrorIs(t, err, ErrUnauthorized)
	_, err = c.SignIn(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, tok.count(), "a token the server refused is fetched anew")
}

func TestOAuthBadTokenAnswers(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		resp   httpmock.Responder
		status int
	}{
		"not JSON":          {resp: respond(200, `<html>`)},
		"empty body":        {resp: respond(200, ``)},
		"no access_token":   {resp: respond(200, `{"expires_in":600,"token_type":"Bearer"}`)},
		"empty token":       {resp: respond(200, `{"access_token":"","token_type":"Bearer"}`)},
		"not bearer":        {resp: respond(200, `{"access_token":"abc","token_type":"mac"}`)},
		"wrong types":       {resp: respond(200, `{"access_token":5}`)},
		"invalid_client":    {resp: respond(400, `{"error":"invalid_client"}`), status: 400},
		"unauthorized":      {resp: respond(401, ``), status: 401},
		"service down 503":  {resp: respond(503, ``), status: 503},
		"echoes the secret": {resp: respond(400, `{"error":"bad secret oauth-secret-9f3a"}`), status: 400},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt, _, signIn := newOAuthClient(t, tc.resp)
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))
			_, _, err := c.Requests.List(context.Background(), nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "Auth/connect/token")
			assert.NotContains(t, err.Error(), "oauth-secret-9f3a")
			assert.NotContains(t, fmt.Sprintf("%#v", err), "oauth-secret-9f3a")
			if tc.status != 0 {
				var er *ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, tc.status, er.StatusCode)
			}
			assert.Zero(t, signIn.count())
			assert.Zero(t, mt.GetCallCountInfo()["GET "+testBase+"Requests"])
			assert.Equal(t, 1, mt.GetCallCountInfo()[tokenKey], "a token POST is not repeated")
		})
	}
}

func TestOAuthNoExpiryIsNotKept(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{`{"access_token":"abc"}`, `{"access_token":"abc","expires_in":0}`,
		`{"access_token":"abc","expires_in":-5}`, `{"access_token":"abc","expires_in":"soon"}`, `{"access_token":"abc","expires_in":null}`} {
		c, _, tok, _ := newOAuthClient(t, respond(200, answer))
		ctx := context.Background()
		_, err := c.SignIn(ctx)
		require.NoError(t, err)
		_, err = c.SignIn(ctx)
		require.NoError(t, err)
		// A token with no usable lifetime serves its own sign-in only.
		assert.Equal(t, 2, tok.count(), answer)
	}
}

// Any expires_in, however large, is read without overflow: the token is kept.
func TestOAuthHugeExpiryIsKept(t *testing.T) {
	t.Parallel()
	for _, exp := range []string{"31", "600", `"600"`, "600.5", "1e10", "9223372036854775807", "1e400", "18446744073709551616"} {
		c, _, tok, _ := newOAuthClient(t, respond(200, `{"access_token":"abc","expires_in":`+exp+`}`))
		ctx := context.Background()
		for range 3 {
			_, err := c.SignIn(ctx)
			require.NoError(t, err, exp)
		}
		assert.Equal(t, 1, tok.count(), "expires_in %s", exp)
		c.auth.mu.Lock()
		left := time.Until(c.auth.tokenExpiry)
		c.auth.mu.Unlock()
		assert.Greater(t, left, time.Duration(0), exp)
		assert.LessOrEqual(t, left, maxTokenLife, exp)
	}
	// Up to a day, expires_in is believed as it is; beyond, a day.
	assert.Equal(t, 23*time.Hour+30*time.Minute, tokenLife([]byte("84600")))
	assert.Equal(t, 24*time.Hour, tokenLife([]byte("86401")))
	assert.Equal(t, time.Second, tokenLife([]byte("1")), "one second is believed too")
	assert.Equal(t, 500*time.Millisecond, tokenLife([]byte("0.5")))
	assert.Zero(t, tokenLife([]byte("0")))
}

// A token within 30 s of its expiry is fetched anew: 30 s left is too
// little, 31 s is enough.
func TestOAuthRefreshMargin(t *testing.T) {
	t.Parallel()
	for exp, want := range map[string]int{"30": 2, "29": 2, "32": 1} {
		c, _, tok, _ := newOAuthClient(t, respond(200, `{"access_token":"abc","expires_in":`+exp+`}`))
		ctx := context.Background()
		_, err := c.SignIn(ctx)
		require.NoError(t, err)
		_, err = c.SignIn(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, tok.count(), "expires_in %s", exp)
	}
}

// A cookie set without a Path belongs to the session: it is sent on every
// call and on sign-out, and forgotten after.
func TestSessionCookieWithoutPath(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `{"UserId":1}`)
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId=nopath; HttpOnly")
		resp.Header.Add("Set-Cookie", "elsewhere=x; Path=/other")
		resp.Header.Add("Set-Cookie", "lb=node2; Path=/custom")
		resp.Header.Add("Set-Cookie", "gone=x; Max-Age=0")
		return resp, nil
	})
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, `[]`)))
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", api.wrap(respond(200, "")))
	c, err := NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	ctx := context.Background()
	_, _, err = c.Requests.List(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, c.SignOut(ctx))
	for _, r := range api.all() {
		assert.Equal(t, "ASP.NET_SessionId=nopath; lb=node2", r.Header.Get("Cookie"), r.URL.Path)
	}
	assert.Nil(t, c.auth.cur.Load())
}

// SignOut during a sign-in waits for it, then signs that session out.
func TestSignOutWaitsForSignIn(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(req *http.Request) (*http.Response, error) {
		close(entered)
		<-release
		return signInResponder(testSessionID)(req)
	})
	out := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", out.wrap(respond(200, "")))
	signedIn := make(chan error, 1)
	go func() {
		_, err := c.SignIn(context.Background())
		signedIn <- err
	}()
	<-entered
	signedOut := make(chan error, 1)
	go func() { signedOut <- c.SignOut(context.Background()) }()
	time.Sleep(10 * time.Millisecond) // let SignOut find the sign-in in flight (either order is correct)
	close(release)
	require.NoError(t, <-signedIn)
	require.NoError(t, <-signedOut)
	require.Equal(t, 1, out.count())
	assert.Equal(t, "ASP.NET_SessionId="+testSessionID, out.last(t).Header.Get("Cookie"))
}

func TestSignOutContextWhileWaiting(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(req *http.Request) (*http.Response, error) {
		close(entered)
		<-release
		return signInResponder(testSessionID)(req)
	})
	done := make(chan error, 1)
	go func() {
		_, err := c.SignIn(context.Background())
		done <- err
	}()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, c.SignOut(ctx), context.Canceled)
	close(release)
	require.NoError(t, <-done)
}

// mfaServer answers sign-ins as an API registration that enforces
// multi-factor authentication: without a challenge, 401 with the
// WWW-Authenticate-2FA prompt and a session cookie; with the right code on
// that session, the user. It records each sign-in.
func mfaServer(t *testing.T, mt *httpmock.MockTransport, code string) *recorder {
	t.Helper()
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", rec.wrap(func(req *http.Request) (*http.Response, error) {
		authz := req.Header.Get("Authorization")
		if strings.HasSuffix(authz, " challenge="+code+";") && req.Header.Get("Cookie") == "ASP.NET_SessionId=challenged" {
			return signInResponder(testSessionID)(req)
		}
		resp := httpmock.NewStringResponse(401, `"Multi-factor authentication required."`)
		resp.Header.Set("WWW-Authenticate-2FA", "Enter the code from your authenticator")
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId=challenged; path=/; HttpOnly")
		return resp, nil
	}))
	return rec
}

func TestMFAChallengeAnswered(t *testing.T) {
	t.Parallel()
	var prompts []string
	c, mt := newMockClient(t, WithRunAsPassword("rp-9911"), WithMFA(func(_ context.Context, prompt string) (string, error) {
		prompts = append(prompts, prompt)
		return " 123456 ", nil
	}))
	signIn := mfaServer(t, mt, "123456")
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, `[]`)))
	_, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"Enter the code from your authenticator"}, prompts)
	all := signIn.all()
	require.Len(t, all, 2)
	assert.Equal(t, "PS-Auth key="+testAPIKey+"; runas="+testRunAs+"; pwd=[rp-9911];", all[0].Header.Get("Authorization"))
	assert.Empty(t, all[0].Header.Get("Cookie"))
	assert.Equal(t, "PS-Auth key="+testAPIKey+"; runas="+testRunAs+"; pwd=[rp-9911]; challenge=123456;", all[1].Header.Get("Authorization"))
	assert.Equal(t, "ASP.NET_SessionId=challenged", all[1].Header.Get("Cookie"), "the answer goes to the challenged session")
	assert.Equal(t, "ASP.NET_SessionId="+testSessionID, api.last(t).Header.Get("Cookie"))
}

// The multi-factor code is a credential too: a server that echoes it in a
// later answer (an error message, a header) never shows it to the caller.
func TestMFACodeEchoedLaterIsRedacted(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, WithMFA(func(context.Context, string) (string, error) { return "864209", nil }))
	mfaServer(t, mt, "864209")
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusBadRequest, `"Bad request from a session signed in with challenge 864209."`)
		resp.Header.Set("X-Debug", "challenge=864209")
		return resp, nil
	})
	_, resp, err := c.Requests.List(context.Background(), nil)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, "Bad request from a session signed in with challenge [REDACTED].", er.Message)
	assert.NotContains(t, err.Error(), "864209")
	assert.Equal(t, "challenge=[REDACTED]", resp.Header.Get("X-Debug"))
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, resp.Header, er), "864209")
}

func TestMFAChallengeFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("no WithMFA", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		signIn := mfaServer(t, mt, "123456")
		_, err := c.SignIn(ctx)
		assert.ErrorIs(t, err, ErrMFARequired)
		assert.ErrorIs(t, err, ErrUnauthorized)
		assert.Contains(t, err.Error(), "WithMFA")
		assert.Equal(t, 1, signIn.count())
	})
	t.Run("wrong code", func(t *testing.T) {
		t.Parallel()
		asked := 0
		c, mt := newMockClient(t, WithMFA(func(context.Context, string) (string, error) { asked++; return "000000", nil }))
		signIn := mfaServer(t, mt, "123456")
		_, err := c.SignIn(ctx)
		assert.ErrorIs(t, err, ErrMFARequired)
		assert.NotContains(t, err.Error(), "000000")
		assert.Equal(t, 1, asked, "asked once per sign-in, never in a loop")
		assert.Equal(t, 2, signIn.count())
	})
	t.Run("the function fails", func(t *testing.T) {
		t.Parallel()
		boom := errors.New("no authenticator at hand")
		c, mt := newMockClient(t, WithMFA(func(context.Context, string) (string, error) { return "", boom }))
		signIn := mfaServer(t, mt, "123456")
		_, err := c.SignIn(ctx)
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, 1, signIn.count())
	})
	for _, bad := range []string{"", "  ", "12;3", "12\r\nX-Evil: 1", "1\x002"} {
		t.Run(fmt.Sprintf("bad code %q", bad), func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, WithMFA(func(context.Context, string) (string, error) { return bad, nil }))
			signIn := mfaServer(t, mt, "123456")
			_, err := c.SignIn(ctx)
			assertValidation(t, err, "challenge")
			assert.Equal(t, 1, signIn.count(), "nothing sent with a bad code")
		})
	}
	_, err := NewClient(testBase, WithOAuthClientCredentials("id", "secret"), WithMFA(func(context.Context, string) (string, error) { return "1", nil }))
	assert.ErrorContains(t, err, "WithMFA needs WithAPIKey")
	_, err = NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithMFA(nil))
	assert.ErrorContains(t, err, "nil")
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	newBearerClient := func(t *testing.T, tokens ...string) (*Client, *recorder, *atomic.Int64) {
		var asked atomic.Int64
		mt := httpmock.NewMockTransport()
		signIn := &recorder{}
		mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signIn.wrap(func(req *http.Request) (*http.Response, error) {
			if req.Header.Get("Authorization") == "Bearer good-token" {
				return signInResponder(testSessionID)(req)
			}
			return httpmock.NewStringResponse(401, `"token `+strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")+` refused"`), nil
		}))
		mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))
		c, err := NewClient(testBase, WithHTTPClient(&http.Client{Transport: mt}), WithBearerToken(func(context.Context) (string, error) {
			i := int(asked.Add(1)) - 1
			return tokens[min(i, len(tokens)-1)], nil
		}))
		require.NoError(t, err)
		assert.Equal(t, "passwordsafe.Client{BaseURL: "+testBase+", Auth: bearer-token}", fmt.Sprintf("%#v", c))
		return c, signIn, &asked
	}
	t.Run("signs in with the token", func(t *testing.T) {
		t.Parallel()
		c, signIn, asked := newBearerClient(t, "good-token")
		_, _, err := c.Requests.List(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, "Bearer good-token", signIn.last(t).Header.Get("Authorization"))
		assert.EqualValues(t, 1, asked.Load())
	})
	t.Run("a refused token is asked for once more", func(t *testing.T) {
		t.Parallel()
		c, signIn, asked := newBearerClient(t, "stale-token", "good-token")
		_, err := c.SignIn(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 2, asked.Load())
		assert.Equal(t, 2, signIn.count())
	})
	t.Run("refused twice is an error, and the token is scrubbed", func(t *testing.T) {
		t.Parallel()
		c, signIn, asked := newBearerClient(t, "stale-token-1", "stale-token-2")
		_, err := c.SignIn(ctx)
		assert.ErrorIs(t, err, ErrUnauthorized)
		assert.NotContains(t, err.Error(), "stale-token-2")
		assert.EqualValues(t, 2, asked.Load())
		assert.Equal(t, 2, signIn.count())
	})
	for _, bad := range []string{"", "a b", "a\nb"} {
		c, signIn, _ := newBearerClient(t, bad)
		_, err := c.SignIn(ctx)
		assert.ErrorContains(t, err, "bearer token", "%q", bad)
		assert.Zero(t, signIn.count())
	}
	boom := errors.New("sidecar down")
	c, err := NewClient(testBase, WithBearerToken(func(context.Context) (string, error) { return "", boom }))
	require.NoError(t, err)
	_, err = c.SignIn(ctx)
	assert.ErrorIs(t, err, boom)
	_, err = NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithBearerToken(func(context.Context) (string, error) { return "t", nil }))
	assert.ErrorContains(t, err, "not more")
	_, err = NewClient(testBase, WithBearerToken(nil))
	assert.ErrorContains(t, err, "nil")
}
