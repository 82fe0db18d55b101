package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

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

// assertSent checks the last request rec saw: the method, the escaped
// path below the test base, no query, and the JSON body ("" for none).
func assertSent(t *testing.T, rec *recorder, method, path, body string) {
	t.Helper()
	r := rec.last(t)
	assert.Equal(t, method, r.Method)
	assert.Equal(t, strings.TrimPrefix(testBase, "https://vault.example.test")+path, r.URL.EscapedPath())
	assert.Empty(t, r.URL.RawQuery)
	if body == "" {
		assert.Empty(t, r.Body)
	} else {
		assert.JSONEq(t, body, string(r.Body))
	}
}

// queries lists the raw query of every request recorded, in order.
func queries(rec *recorder) []string {
	var out []string
	for _, r := range rec.all() {
		out = append(out, r.URL.RawQuery)
	}
	return out
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

// boundedContext is a context for a test that is not parallel: it ends
// after 30 s, and the test binary stops if the test has not finished after
// 20 s, so a call that hangs (a sign-in waiting on itself, say) ends the
// run there. Parallel tests wait for the tests that are not parallel, so a
// hang in one of these would otherwise stop the whole run until the
// global timeout.
func boundedContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	// A test that is still running after 20 s waits for something that
	// will not come (calls here take milliseconds): the run stops here,
	// before the context's end would let this test fail slowly while
	// every test after it waits too.
	name := t.Name()
	guard := time.AfterFunc(20*time.Second, func() { panic(name + " has not finished 20 s after it began: it hangs") })
	t.Cleanup(func() { guard.Stop() })
	return ctx
}

// within runs f and stops the whole test binary at once if f has not
// returned after d: a test of a wait or a loop gets a deadline of its own,
// so a regression that hangs ends the run there, saying what hung, instead
// of at the global timeout (a t.Fatal would leave the goroutine, and every
// other test stuck on the same bug, running until then). d is generous; it
// only catches hangs.
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
		panic(fmt.Sprintf("%s: %s did not return within %v: it hangs", t.Name(), what, d))
	}
}

// reach calls fn with every []byte (whole, to its capacity) and string
// reachable from v, following pointers, interfaces, maps and slices,
// exported or not.
func reach(v reflect.Value, seen map[uintptr]bool, fn func(b []byte, s string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Pointer {
			if seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
		}
		reach(v.Elem(), seen, fn)
	case reflect.Struct:
		for i := range v.NumField() {
			reach(v.Field(i), seen, fn)
		}
	case reflect.Slice:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		if v.Type().Elem().Kind() == reflect.Uint8 {
			fn(unsafe.Slice((*byte)(v.UnsafePointer()), v.Cap()), "")
			return
		}
		for i := range v.Len() {
			reach(v.Index(i), seen, fn)
		}
	case reflect.Array:
		for i := range v.Len() {
			reach(v.Index(i), seen, fn)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			reach(it.Key(), seen, fn)
			reach(it.Value(), seen, fn)
		}
	case reflect.String:
		fn(nil, v.String())
	}
}

// reachableHolds reports whether needle is in a []byte or string reachable
// from v.
func reachableHolds(v any, needle string) bool {
	found := false
	reach(reflect.ValueOf(v), map[uintptr]bool{}, func(b []byte, s string) {
		found = found || strings.Contains(s, needle) || bytes.Contains(b, []byte(needle))
	})
	return found
}

// ---- Route tables (shared with the external test package) ----

// RouteCase is one call of a typed method and what it must send: Method,
// Path (below the base URL), the exact Query and the JSON Body ("" for
// none). The server answers Status (default 200) with Answer; Want is
// what Call must return (nil: not checked).
type RouteCase struct {
	Name                string
	Method, Path, Query string
	Body                string
	Status              int
	Answer              string
	Call                func(*Client) (any, *Response, error)
	Want                any
}

// CheckRoutes runs each case against a fresh httpmock client: one request
// with the method, path, query and body given, the answer decoded as Want,
// and the Response returned with the answer's status.
func CheckRoutes(t *testing.T, cases []RouteCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			status := tc.Status
			if status == 0 {
				status = http.StatusOK
			}
			rec := &recorder{}
			mt.RegisterNoResponder(rec.wrap(respond(status, tc.Answer)))
			got, resp, err := tc.Call(c)
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, status, resp.StatusCode)
			require.Equal(t, 1, rec.count(), "one request")
			r := rec.last(t)
			assert.Equal(t, tc.Method, r.Method)
			assert.Equal(t, "/custom/prefix/"+tc.Path, r.URL.EscapedPath())
			assert.Equal(t, tc.Query, r.URL.RawQuery)
			if tc.Body == "" {
				assert.Empty(t, r.Body)
			} else {
				assert.JSONEq(t, tc.Body, string(r.Body))
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			}
			if tc.Want != nil {
				assert.Equal(t, tc.Want, got)
			}
		})
	}
}

// ValidationCase is a call that must be refused before any I/O, with a
// *ValidationError for Field.
type ValidationCase struct {
	Name, Field string
	Call        func(*Client) error
}

// CheckValidation runs each case and checks the error and that nothing,
// not even a sign-in, was sent.
func CheckValidation(t *testing.T, cases []ValidationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := &recorder{}
			mt.RegisterNoResponder(rec.wrap(respond(http.StatusOK, `{}`)))
			assertValidation(t, tc.Call(c), tc.Field)
			assert.Zero(t, rec.count(), "nothing is sent")
			assert.Zero(t, signIns(mt), "no sign-in")
		})
	}
}

// AssertDecodes checks that body decodes into want, field for field (the
// JSON names the server spells, such as DnsName, reach their fields).
func AssertDecodes[T any](t *testing.T, body string, want *T) {
	t.Helper()
	got := new(T)
	require.NoError(t, json.Unmarshal([]byte(body), got))
	assert.Equal(t, want, got)
}
