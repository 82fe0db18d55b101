package passwordsafe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
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

// ---- helpers shared by this package's tests ----

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		opts     []Option
	}{
		{in: "https://vault.example.test", want: "https://vault.example.test/BeyondTrust/api/public/v3/"},
		{in: "https://vault.example.test/", want: "https://vault.example.test/BeyondTrust/api/public/v3/"},
		{in: "https://vault.example.test:8443", want: "https://vault.example.test:8443/BeyondTrust/api/public/v3/"},
		{in: "https://vault.example.test/custom/prefix", want: "https://vault.example.test/custom/prefix/"},
		{in: "https://vault.example.test/custom/prefix/", want: "https://vault.example.test/custom/prefix/"},
		{in: "https://vault.example.test/custom/prefix///", want: "https://vault.example.test/custom/prefix/"},
		{in: "https://vault.example.test/BeyondTrust/api/public/v3", want: "https://vault.example.test/BeyondTrust/api/public/v3/"},
		{in: "  https://vault.example.test/p  ", want: "https://vault.example.test/p/"},
		{in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/BeyondTrust/api/public/v3/"},
		{in: "http://127.1.2.3/api", want: "http://127.1.2.3/api/"},
		{in: "http://[::1]:9000/api", want: "http://[::1]:9000/api/"},
		{in: "http://localhost:9000/api/", want: "http://localhost:9000/api/"},
		{in: "http://LocalHost/api", want: "http://LocalHost/api/"},
		{in: "http://vault.example.test/api", want: "http://vault.example.test/api/", opts: []Option{WithAllowHTTP()}},
		{in: "http://10.1.2.3", want: "http://10.1.2.3/BeyondTrust/api/public/v3/", opts: []Option{WithAllowHTTP()}},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tc.in, append([]Option{WithAPIKey(testAPIKey, testRunAs)}, tc.opts...)...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.BaseURL().String())
		})
	}
}

func TestNewClientBaseURLRefused(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"",
		"vault.example.test",
		"vault.example.test/api",
		"//vault.example.test/api",
		"ftp://vault.example.test/",
		"file:///etc/passwd",
		"https://",
		"https:///api",
		"http://vault.example.test",
		"http://vault.example.test/api",
		"http://10.0.0.1/api",
		"http://192.168.1.10",
		"http://localhost.evil.test/",
		"http://128.0.0.1/",
		"https://user:pw@vault.example.test/",
		"https://vault.example.test/api?x=1",
		"https://vault.example.test/api#frag",
		"https://vault.example.test/%zz",
		"https://[::1",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(in, WithAPIKey(testAPIKey, testRunAs))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: "), err.Error())
			assert.NotContains(t, err.Error(), testAPIKey)
			assert.NotContains(t, err.Error(), ":pw@")
		})
	}
}

func TestNewClientCredentials(t *testing.T) {
	t.Parallel()
	ok := [][]Option{
		{WithAPIKey(testAPIKey, testRunAs)},
		{WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword("pw")},
		{WithRunAsPassword("pw"), WithAPIKey(testAPIKey, testRunAs)},
		{WithOAuthClientCredentials("id", "secret")},
	}
	for i, opts := range ok {
		_, err := NewClient(testBase, opts...)
		assert.NoError(t, err, "case %d", i)
	}
	bad := map[string][]Option{
		"none":                   nil,
		"both":                   {WithAPIKey(testAPIKey, testRunAs), WithOAuthClientCredentials("id", "secret")},
		"password alone":         {WithRunAsPassword("pw")},
		"password with oauth":    {WithOAuthClientCredentials("id", "secret"), WithRunAsPassword("pw")},
		"api key twice":          {WithAPIKey(testAPIKey, testRunAs), WithAPIKey(testAPIKey, testRunAs)},
		"oauth twice":            {WithOAuthClientCredentials("id", "s"), WithOAuthClientCredentials("id", "s")},
		"password twice":         {WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword("a"), WithRunAsPassword("b")},
		"empty key":              {WithAPIKey("", testRunAs)},
		"empty runas":            {WithAPIKey(testAPIKey, "")},
		"key with semicolon":     {WithAPIKey("a;b", testRunAs)},
		"runas with newline":     {WithAPIKey(testAPIKey, "bob\r\nX-Evil: 1")},
		"empty password":         {WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword("")},
		"password with bracket":  {WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword("a]b")},
		"password with newline":  {WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword("a\nb")},
		"oauth empty id":         {WithOAuthClientCredentials("", "secret")},
		"oauth empty secret":     {WithOAuthClientCredentials("id", "")},
		"api key and nil option": {WithAPIKey(testAPIKey, testRunAs), nil},
	}
	for name, opts := range bad {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(testBase, opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: "), err.Error())
			assert.NotContains(t, err.Error(), testAPIKey)
		})
	}
}

func TestNewClientOptionErrors(t *testing.T) {
	t.Parallel()
	key := WithAPIKey(testAPIKey, testRunAs)
	bad := map[string][]Option{
		"nil http client":          {key, WithHTTPClient(nil)},
		"nil tls config":           {key, WithTLSConfig(nil)},
		"nil logger":               {key, WithLogger(nil)},
		"nil option":               {key, nil},
		"negative retries":         {key, WithRetries(-1, time.Millisecond, time.Second)},
		"negative min wait":        {key, WithRetries(1, -time.Millisecond, time.Second)},
		"negative max wait":        {key, WithRetries(1, 0, -time.Second)},
		"min above max":            {key, WithRetries(1, 2*time.Second, time.Second)},
		"tls config + http client": {key, WithTLSConfig(&tls.Config{}), WithHTTPClient(&http.Client{})},
		"http client + tls config": {key, WithHTTPClient(&http.Client{}), WithTLSConfig(&tls.Config{})},
		"empty user agent":         {key, WithUserAgent("  ")},
		"user agent with newline":  {key, WithUserAgent("bot\r\nX-Evil: 1")},
	}
	for name, opts := range bad {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(testBase, opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: "), err.Error())
		})
	}
	// Zero retries and zero waits are valid.
	_, err := NewClient(testBase, key, WithRetries(0, 0, 0))
	require.NoError(t, err)
}

func TestNewClientDoesNoNetworkIO(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	hc := &http.Client{Transport: rtFunc(func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return nil, io.EOF
	})}
	for _, opts := range [][]Option{
		{WithAPIKey(testAPIKey, testRunAs), WithHTTPClient(hc)},
		{WithOAuthClientCredentials("id", "secret"), WithHTTPClient(hc)},
	} {
		c, err := NewClient(testBase, opts...)
		require.NoError(t, err)
		require.NotNil(t, c.Requests)
		require.NotNil(t, c.Aliases)
		require.NotNil(t, c.Sessions)
	}
	assert.Zero(t, calls.Load())
}

func TestBaseURLReturnsCopy(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))

	u := c.BaseURL()
	u.Host = "evil.example.test"
	u.Path = "/elsewhere/"
	assert.Equal(t, testBase, c.BaseURL().String())

	_, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, apiCalls(mt))
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{nil, "passwordsafe-go/" + Version},
		{[]Option{WithUserAgent("deploybot/1.2")}, "deploybot/1.2 passwordsafe-go/" + Version},
		{[]Option{WithUserAgent("  deploybot/1.2 (ops)  ")}, "deploybot/1.2 (ops) passwordsafe-go/" + Version},
	} {
		c, mt := newMockClient(t, tc.opts...)
		signIn := recordSignIn(mt, testSessionID)
		api := &recorder{}
		mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, `[]`)))
		_, _, err := c.Requests.List(context.Background(), nil)
		require.NoError(t, err)
		assert.Equal(t, tc.want, signIn.last(t).Header.Get("User-Agent"))
		assert.Equal(t, tc.want, api.last(t).Header.Get("User-Agent"))
	}
}

func TestCallerHTTPClientNeverMutated(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signInResponder(testSessionID))
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, `[]`)))
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", respond(200, ""))

	redirect := func(*http.Request, []*http.Request) error { return nil }
	hc := &http.Client{Transport: mt, Timeout: time.Minute, CheckRedirect: redirect}
	c, err := NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithHTTPClient(hc))
	require.NoError(t, err)

	ctx := context.Background()
	for range 2 {
		_, _, err = c.Requests.List(ctx, nil)
		require.NoError(t, err)
	}
	require.NoError(t, c.SignOut(ctx))

	assert.Same(t, mt, hc.Transport.(*httpmock.MockTransport))
	assert.Nil(t, hc.Jar, "the SDK must not give the caller's client a jar")
	assert.Equal(t, time.Minute, hc.Timeout)
	assert.NotNil(t, hc.CheckRedirect)
	// The cookie lived in the SDK's own jar: the second call carried it.
	reqs := api.all()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assert.Equal(t, "ASP.NET_SessionId="+testSessionID, r.Header.Get("Cookie"))
	}
	assert.Equal(t, 1, signIns(mt))
}

// The contract changed: the caller's cookie jar is never used. The session
// lives in the Client, so two Clients sharing one *http.Client (and its
// jar) never act as each other's user, and signing one out leaves the
// other signed in.
func TestCallerJarNeverHoldsTheSession(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(req *http.Request) (*http.Response, error) {
		user := "alice"
		if strings.Contains(req.Header.Get("Authorization"), "runas=bob;") {
			user = "bob"
		}
		return signInResponder("sess-" + user)(req)
	})
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, `[]`)))
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", api.wrap(respond(200, "")))
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	// The caller's jar already holds a cookie for the host: it is not sent.
	u, _ := url.Parse(testBase + "Requests")
	jar.SetCookies(u, []*http.Cookie{{Name: "ASP.NET_SessionId", Value: "someone-else", Path: "/"}})
	hc := &http.Client{Transport: mt, Jar: jar}
	alice, err := NewClient(testBase, WithAPIKey(testAPIKey, "alice"), WithHTTPClient(hc))
	require.NoError(t, err)
	bob, err := NewClient(testBase, WithAPIKey(testAPIKey, "bob"), WithHTTPClient(hc))
	require.NoError(t, err)

	ctx := context.Background()
	for _, c := range []*Client{alice, bob, alice, bob} {
		_, _, err = c.Requests.List(ctx, nil)
		require.NoError(t, err)
	}
	var got []string
	for _, r := range api.all() {
		got = append(got, r.Header.Get("Cookie"))
	}
	assert.Equal(t, []string{"ASP.NET_SessionId=sess-alice", "ASP.NET_SessionId=sess-bob",
		"ASP.NET_SessionId=sess-alice", "ASP.NET_SessionId=sess-bob"}, got)
	cookies := jar.Cookies(u)
	require.Len(t, cookies, 1, "the caller's jar is left as it was")
	assert.Equal(t, "someone-else", cookies[0].Value)

	// Signing alice out does not touch bob.
	require.NoError(t, alice.SignOut(ctx))
	_, _, err = bob.Requests.List(ctx, nil)
	require.NoError(t, err)
	all := api.all()
	assert.Equal(t, "ASP.NET_SessionId=sess-alice", all[len(all)-2].Header.Get("Cookie"), "sign-out")
	assert.Equal(t, "ASP.NET_SessionId=sess-bob", all[len(all)-1].Header.Get("Cookie"))
	assert.Equal(t, 2, signIns(mt))
}

// The SDK's own transport (no WithHTTPClient) against a loopback server.
func TestDefaultTransportOverLoopbackHTTP(t *testing.T) {
	t.Parallel()
	var cookies []string
	var mu sync.Mutex
	srv := httptest.NewServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cookies = append(cookies, r.Header.Get("Cookie"))
		mu.Unlock()
		assert.Equal(t, "/api/Requests", r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"RequestID":1}]`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs))
	require.NoError(t, err)
	for range 3 {
		reqs, _, err := c.Requests.List(context.Background(), nil)
		require.NoError(t, err)
		require.Len(t, reqs, 1)
	}
	assert.Equal(t, []string{"ASP.NET_SessionId=sess-1", "ASP.NET_SessionId=sess-1", "ASP.NET_SessionId=sess-1"}, cookies)
}

func TestWithTLSConfig(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	cfg := &tls.Config{RootCAs: pool}
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithTLSConfig(cfg))
	require.NoError(t, err)
	u, err := c.SignIn(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 7, u.UserID)
	assert.Zero(t, cfg.MinVersion, "the caller's tls.Config must not be changed")

	// Without the server's CA the handshake fails, and it is not retried.
	c, err = NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs))
	require.NoError(t, err)
	start := time.Now()
	_, err = c.SignIn(context.Background())
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: POST Auth/SignAppin"), err.Error())
	var unknownCA x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	assert.True(t, errors.As(err, &unknownCA) || errors.As(err, &verify), err.Error())
	assert.Less(t, time.Since(start), 30*time.Second)
}

func TestClientConcurrentUse(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[{"RequestID":1}]`))
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/3", respond(200, `{"AliasID":3}`))
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/9", respond(200, `"pw"`))
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			switch i % 3 {
			case 0:
				_, _, err := c.Requests.List(ctx, nil)
				assert.NoError(t, err)
			case 1:
				_, _, err := c.Aliases.Get(ctx, 3)
				assert.NoError(t, err)
			default:
				s, _, err := c.Requests.Credentials(ctx, 9, nil)
				assert.NoError(t, err)
				assert.Equal(t, "pw", s.Value())
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, signIns(mt))
	assert.Equal(t, 30, apiCalls(mt))
}

func TestNoLoggingByDefault(t *testing.T) {
	// Not parallel: it swaps the default slog logger.
	var buf logBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(old) })

	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", sequence(respond(503, ""), respond(200, `[]`)))
	_, _, err := c.Requests.List(boundedContext(t), nil)
	require.NoError(t, err)
	assert.Empty(t, buf.String())
}

// A caller's client without a Transport sends through net/http's default.
func TestCallerHTTPClientWithoutTransport(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"AliasID":1}`)
	}))
	t.Cleanup(srv.Close)
	hc := &http.Client{}
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithHTTPClient(hc))
	require.NoError(t, err)
	a, _, err := c.Aliases.Get(context.Background(), 1)
	require.NoError(t, err)
	assert.Equal(t, 1, a.AliasID)
	assert.Nil(t, hc.Transport)
	assert.Nil(t, hc.Jar)
}

func TestClientString(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testBase, WithOAuthClientCredentials("id", "secret-value"))
	require.NoError(t, err)
	want := "passwordsafe.Client{BaseURL: " + testBase + ", Auth: oauth}"
	assert.Equal(t, want, c.String())
	assert.Equal(t, want, c.GoString())
	assert.Equal(t, want, fmt.Sprintf("%#v", c))
	assert.Equal(t, want, fmt.Sprintf("%+v", *c)) //nolint:govet // printing a copy on purpose
}
