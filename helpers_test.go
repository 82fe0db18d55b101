package passwordsafe

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testBase has a path prefix of its own, so a method that builds an absolute
// path instead of a relative one fails loudly.
const (
	testBase      = "https://vault.example.test/custom/prefix/"
	testAPIKey    = "test-api-key-5ec4e7"
	testRunAs     = "tester"
	testSessionID = "sess-1"
)

const signInKey = "POST " + testBase + "Auth/SignAppin"

// newMockClient returns a client whose requests go to a fresh httpmock
// transport, with a sign-in responder already registered (it sets the
// session cookie testSessionID) and short retry waits.
func newMockClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signInResponder(testSessionID))
	base := []Option{
		WithAPIKey(testAPIKey, testRunAs),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRetries(3, time.Millisecond, 5*time.Millisecond),
	}
	c, err := NewClient(testBase, append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// signInResponder answers POST Auth/SignAppin with a user and a session cookie.
func signInResponder(session string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusOK,
			`{"UserId":7,"SID":"S-1-5-21-7","EmailAddress":"tester@example.test","UserName":"tester","Name":"Test User"}`)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId="+session+"; path=/; HttpOnly")
		return resp, nil
	}
}

// apiCalls counts calls made to anything but the sign-in endpoint.
func apiCalls(mt *httpmock.MockTransport) int {
	n := 0
	for k, v := range mt.GetCallCountInfo() {
		if !strings.Contains(k, "Auth/SignAppin") {
			n += v
		}
	}
	return n
}

// seen is one request as it reached a responder: a deep copy of its header
// (the SDK may change the live map on a retry) and its whole body.
type seen struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte
}

// recorder keeps every request that reached the responders it wraps.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) wrap(next httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		r.record(req)
		return next(req)
	}
}

func (r *recorder) record(req *http.Request) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	u := *req.URL
	r.mu.Lock()
	r.reqs = append(r.reqs, seen{Method: req.Method, URL: &u, Header: req.Header.Clone(), Body: body})
	r.mu.Unlock()
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

func (r *recorder) last(t *testing.T) seen {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.reqs, "no request reached the responder")
	return r.reqs[len(r.reqs)-1]
}

// respond answers with status and a JSON body ("" for none).
func respond(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		if body != "" {
			resp.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		return resp, nil
	}
}

// sequence answers with each responder in turn, then keeps using the last.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		if i >= len(rs) {
			i = len(rs) - 1
		}
		return rs[i](req)
	}
}

func signIns(mt *httpmock.MockTransport) int { return mt.GetCallCountInfo()[signInKey] }

// noOpenRequests answers GET Requests with no open request (what Checkout
// lists before it posts) and records those calls.
func noOpenRequests(mt *httpmock.MockTransport) *recorder {
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", rec.wrap(respond(http.StatusOK, `[]`)))
	return rec
}

// recordSignIn replaces the helper's sign-in responder by one that records.
func recordSignIn(mt *httpmock.MockTransport, session string) *recorder {
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", rec.wrap(signInResponder(session)))
	return rec
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// rtFunc adapts a function to http.RoundTripper.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// signInHandler is the http.Handler form of signInResponder, for httptest
// servers; everything else goes to next.
func signInHandler(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/Auth/SignAppin") {
			http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: testSessionID, Path: "/", HttpOnly: true})
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"UserId":7,"UserName":"tester"}`)
			return
		}
		next(w, r)
	})
}

// ---- NewClient ----

// logBuffer is a goroutine-safe buffer for slog handlers.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// assertValidation checks err is a *ValidationError for field that matches
// ErrValidation and no other sentinel.
func assertValidation(t *testing.T, err error, field string) {
	t.Helper()
	require.Error(t, err)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve, "%v", err)
	assert.Equal(t, field, ve.Field, "%v", err)
	assert.NotEmpty(t, ve.Message)
	assert.ErrorIs(t, err, ErrValidation)
	assert.NotErrorIs(t, err, ErrNotFound)
	assert.False(t, errors.As(err, new(*ErrorResponse)))
	assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: invalid "+field+": "), err.Error())
}

// fixture reads testdata/name.
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

// reply answers status with body and headers (name, value pairs).
func reply(status int, body []byte, headers ...string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(status, body)
		for i := 0; i+1 < len(headers); i += 2 {
			resp.Header.Set(headers[i], headers[i+1])
		}
		return resp, nil
	}
}

// within runs f and fails the test at once if it has not returned after d:
// a test of a wait or a loop gets a deadline of its own, so a regression
// that hangs fails there, saying what hung, instead of at the global
// timeout. d is generous; it only catches hangs.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v: it hangs", what, d)
	}
}
