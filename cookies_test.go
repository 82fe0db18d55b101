package passwordsafe_test

// The session's cookies follow RFC 6265 as net/http/cookiejar applies it:
// what the sign-in answer sets for another domain, for a path outside the
// API base, already expired, or Secure on a non-loopback http base is never
// sent back.

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

// cookieVault answers the sign-in with setCookies and records the Cookie
// header of every other call, by path.
type cookieVault struct {
	mu   sync.Mutex
	sent map[string][]string // path -> Cookie header of each call
}

func newCookieVault(t *testing.T, base string, setCookies ...string) (*ps.Client, *cookieVault, *httpmock.MockTransport) {
	t.Helper()
	v := &cookieVault{sent: map[string][]string{}}
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, base+"Auth/SignAppin", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusOK, `{"UserId":7,"UserName":"tester"}`)
		for _, sc := range setCookies {
			resp.Header.Add("Set-Cookie", sc)
		}
		return resp, nil
	})
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		v.mu.Lock()
		v.sent[req.URL.Path] = append(v.sent[req.URL.Path], req.Header.Get("Cookie"))
		v.mu.Unlock()
		return httpmock.NewStringResponse(http.StatusOK, `[]`), nil
	})
	opts := []ps.Option{ps.WithAPIKey("cookie-key-1", "tester"), ps.WithHTTPClient(&http.Client{Transport: mt})}
	if strings.HasPrefix(base, "http://") {
		opts = append(opts, ps.WithAllowHTTP())
	}
	c, err := ps.NewClient(base, opts...)
	require.NoError(t, err)
	return c, v, mt
}

func (v *cookieVault) cookies(path string) []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.sent[path]...)
}

func TestSessionCookiesFollowRFC6265(t *testing.T) {
	t.Parallel()
	const base = "https://vault.example.test/BeyondTrust/api/public/v3/"
	c, v, _ := newCookieVault(t, base,
		"ASP.NET_SessionId=good; path=/; HttpOnly; Secure",
		"stolen=evil1; Domain=evil.example; path=/",
		"sibling=evil2; Domain=other.example.test; path=/",
		"elsewhere=evil3; path=/other",
		"gone=evil4; path=/; Max-Age=0",
		"past=evil5; path=/; Expires=Mon, 02 Jan 2006 15:04:05 GMT",
		"parent=ok2; Domain=example.test; path=/BeyondTrust",
		"nopath=ok3",
		"requestsOnly=ok4; path=/BeyondTrust/api/public/v3/Requests",
	)
	ctx := context.Background()
	_, _, err := c.Requests.List(ctx, nil)
	require.NoError(t, err)
	_, _, err = c.Sessions.List(ctx, nil)
	require.NoError(t, err)

	for path, want := range map[string][]string{
		"/BeyondTrust/api/public/v3/Requests": {"ASP.NET_SessionId=good", "parent=ok2", "nopath=ok3", "requestsOnly=ok4"},
		"/BeyondTrust/api/public/v3/Sessions": {"ASP.NET_SessionId=good", "parent=ok2", "nopath=ok3"},
	} {
		sent := v.cookies(path)
		require.Len(t, sent, 1, path)
		got := strings.Split(sent[0], "; ")
		assert.ElementsMatch(t, want, got, path)
		for _, bad := range []string{"evil1", "evil2", "evil3", "evil4", "evil5"} {
			assert.NotContains(t, sent[0], bad, path)
		}
	}
}

func TestSecureCookieNeverOverClearText(t *testing.T) {
	t.Parallel()
	// A non-loopback http base (WithAllowHTTP): the Secure cookie stays
	// home, the other one goes.
	c, v, _ := newCookieVault(t, "http://vault.example.test/api/",
		"ASP.NET_SessionId=secret-sess; path=/; Secure", "plain=p1; path=/")
	_, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"plain=p1"}, v.cookies("/api/Requests"))

	// https: both go.
	c, v, _ = newCookieVault(t, "https://vault.example.test/api/",
		"ASP.NET_SessionId=secret-sess; path=/; Secure", "plain=p1; path=/")
	_, _, err = c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"ASP.NET_SessionId=secret-sess; plain=p1"}, v.cookies("/api/Requests"))

	// Loopback http counts as secure, as browsers have it.
	c, v, _ = newCookieVault(t, "http://127.0.0.1:9/api/", "ASP.NET_SessionId=loop-sess; path=/; Secure")
	_, _, err = c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"ASP.NET_SessionId=loop-sess"}, v.cookies("/api/Requests"))
}

// A cookie that expires during the session stops being sent; the session
// cookie beside it goes on. (Max-Age counts whole seconds, so the test
// waits one: a loaded machine only makes the wait longer, never the test
// wrong.)
func TestExpiredCookieStopsBeingSent(t *testing.T) {
	t.Parallel()
	c, v, _ := newCookieVault(t, "https://vault.example.test/api/",
		"ASP.NET_SessionId=s1; path=/", "shortlived=x1; path=/; Max-Age=1")
	ctx := context.Background()
	_, _, err := c.Requests.List(ctx, nil)
	require.NoError(t, err)
	time.Sleep(1100 * time.Millisecond)
	_, _, err = c.Requests.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"ASP.NET_SessionId=s1; shortlived=x1", "ASP.NET_SessionId=s1"}, v.cookies("/api/Requests"))
}

// Cookies of a challenged (MFA) sign-in are kept for the answer to the
// challenge, and what that answer sets is added.
func TestCookiesAcrossMFAChallenge(t *testing.T) {
	t.Parallel()
	const base = "https://vault.example.test/api/"
	mt := httpmock.NewMockTransport()
	var mu sync.Mutex
	var signInCookies []string
	n := 0
	mt.RegisterResponder(http.MethodPost, base+"Auth/SignAppin", func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		signInCookies = append(signInCookies, req.Header.Get("Cookie"))
		if n == 1 {
			resp := httpmock.NewStringResponse(http.StatusUnauthorized, `"code needed"`)
			resp.Header.Set("WWW-Authenticate-2FA", "Enter your code")
			resp.Header.Add("Set-Cookie", "ASP.NET_SessionId=challenged; path=/")
			return resp, nil
		}
		resp := httpmock.NewStringResponse(http.StatusOK, `{"UserId":7}`)
		resp.Header.Add("Set-Cookie", "extra=e1; path=/")
		return resp, nil
	})
	var sent string
	mt.RegisterResponder(http.MethodGet, base+"Requests", func(req *http.Request) (*http.Response, error) {
		sent = req.Header.Get("Cookie")
		return httpmock.NewStringResponse(http.StatusOK, `[]`), nil
	})
	c, err := ps.NewClient(base, ps.WithAPIKey("k-mfa-1", "tester"), ps.WithHTTPClient(&http.Client{Transport: mt}),
		ps.WithMFA(func(context.Context, string) (string, error) { return "123456", nil }))
	require.NoError(t, err)
	_, _, err = c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"", "ASP.NET_SessionId=challenged"}, signInCookies)
	assert.Equal(t, "ASP.NET_SessionId=challenged; extra=e1", sent)
}

// A cookie scoped below the API base goes to the calls under its path
// only, with or without other cookies that expire.
func TestCookieScopedBelowTheBase(t *testing.T) {
	t.Parallel()
	for name, extra := range map[string][]string{
		"alone":                nil,
		"beside one that ends": {"later=l1; path=/; Max-Age=3600"},
	} {
		cookies := append([]string{"ASP.NET_SessionId=s1; path=/", "r=x; path=/api/R"}, extra...)
		c, v, _ := newCookieVault(t, "https://vault.example.test/api/", cookies...)
		ctx := context.Background()
		_, err := c.Do(ctx, "GET", "R", nil, nil)
		require.NoError(t, err)
		_, err = c.Do(ctx, "GET", "R/1", nil, nil)
		require.NoError(t, err)
		_, err = c.Do(ctx, "GET", "Requests", nil, nil)
		require.NoError(t, err)
		later := ""
		if extra != nil {
			later = "; later=l1"
		}
		assert.Equal(t, []string{"r=x; ASP.NET_SessionId=s1" + later}, v.cookies("/api/R"), name)
		assert.Equal(t, []string{"r=x; ASP.NET_SessionId=s1" + later}, v.cookies("/api/R/1"), name)
		assert.Equal(t, []string{"ASP.NET_SessionId=s1" + later}, v.cookies("/api/Requests"), name)
	}
}
