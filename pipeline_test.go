package passwordsafe

// Tests of the request path's properties (request.go, transport.go): no
// redirect is followed with any client, nothing secret or large stays
// reachable from a returned value, memory follows the bytes received, no
// call hangs by default, and the answers that are odd are typed.

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRedirectsNeverFollowed: a 307 on sign-in, on the OAuth token call and
// on POST Sessions/Admin is returned as an *ErrorResponse whatever client
// is given (the SDK's own, or a caller's that follows redirects): nothing
// reaches the other origin, not the PS-Auth header, not the client secret,
// not the admin password.
func TestRedirectsNeverFollowed(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int64
	var leaked sync.Map
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		b, _ := io.ReadAll(r.Body)
		leaked.Store(r.Header.Get("Authorization")+string(b), true)
	}))
	t.Cleanup(other.Close)
	redirect := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", other.URL+r.URL.Path)
		w.WriteHeader(http.StatusTemporaryRedirect)
	}
	for _, tc := range []struct {
		name string
		opts []Option
		call func(*Client) error
	}{
		{"sign-in", []Option{WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword("run-as-pw-77")}, func(c *Client) error {
			_, err := c.SignIn(context.Background())
			return err
		}},
		{"oauth token", []Option{WithOAuthClientCredentials("id", "oauth-secret-77")}, func(c *Client) error {
			_, err := c.SignIn(context.Background())
			return err
		}},
		{"admin session", []Option{WithAPIKey(testAPIKey, testRunAs)}, func(c *Client) error {
			_, _, err := c.Sessions.CreateAdmin(context.Background(), &CreateAdminSessionOptions{
				SessionType: SessionSSH, HostName: "h", UserName: "u", Password: "admin-pw-77"})
			return err
		}},
	} {
		for _, callers := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/caller client %v", tc.name, callers), func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if tc.name == "admin session" && strings.HasSuffix(r.URL.Path, "Auth/SignAppin") {
						signInHandler(nil).ServeHTTP(w, r)
						return
					}
					redirect(w, r)
				}))
				t.Cleanup(srv.Close)
				opts := tc.opts
				if callers {
					opts = append(opts, WithHTTPClient(&http.Client{})) // follows redirects by default
				}
				c, err := NewClient(srv.URL+"/api", opts...)
				require.NoError(t, err)
				err = tc.call(c)
				var er *ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, http.StatusTemporaryRedirect, er.StatusCode)
				assert.Zero(t, elsewhere.Load())
			})
		}
	}
	leaked.Range(func(k, _ any) bool {
		t.Errorf("reached the other origin: %q", k)
		return true
	})
}

// From https, a redirect to clear-text http is not followed either.
func TestRedirectFromHTTPSToHTTPNotFollowed(t *testing.T) {
	t.Parallel()
	var plain atomic.Int64
	clear := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { plain.Add(1) }))
	t.Cleanup(clear.Close)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, clear.URL+r.URL.Path, http.StatusPermanentRedirect)
	}))
	t.Cleanup(srv.Close)
	hc := srv.Client() // trusts the server, follows redirects
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.SignIn(context.Background())
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusPermanentRedirect, er.StatusCode)
	assert.Zero(t, plain.Load())
}

// The SDK's own transport speaks HTTP/2 to a server that offers it.
func TestHTTP2OnOwnTransport(t *testing.T) {
	t.Parallel()
	var protos sync.Map
	srv := httptest.NewUnstartedServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		protos.Store(r.Proto, true)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithTLSConfig(&tls.Config{RootCAs: pool}))
	require.NoError(t, err)
	_, resp, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, resp.ProtoMajor)
	_, ok := protos.Load("HTTP/2.0")
	assert.True(t, ok)
}

// reachableBytes sums the bytes of every []byte and string reachable from
// v, following pointers, interfaces, maps and slices, exported or not.
func reachableBytes(v reflect.Value, seen map[uintptr]bool) int {
	n := 0
	reach(v, seen, func(b []byte, s string) { n += cap(b) + len(s) })
	return n
}

// TestKeptResponseHoldsNothingLarge: a kept *Response (of a list call of
// several MiB, of an error answer) holds neither the answer's bytes nor the
// request that was sent: its Request is a clean copy on a background
// context with no redirect chain.
func TestKeptResponseHoldsNothingLarge(t *testing.T) {
	t.Parallel()
	row := `{"SessionID":1,"AssetName":"` + strings.Repeat("a", 1000) + `"}`
	big := "[" + strings.TrimSuffix(strings.Repeat(row+",", 5000), ",") + "]" // ~5 MiB
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions", respond(200, big))
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions/9", respond(404, `"`+strings.Repeat("x", 500_000)+`"`))
	list, resp, err := c.Sessions.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, list, 5000)
	n := reachableBytes(reflect.ValueOf(resp), map[uintptr]bool{})
	assert.Less(t, n, 16<<10, "a kept Response holds %d bytes", n)

	_, _, err = c.Sessions.Get(context.Background(), 9)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	n = reachableBytes(reflect.ValueOf(er.Response), map[uintptr]bool{})
	assert.Less(t, n, 16<<10, "an ErrorResponse's Response holds %d bytes", n)

	for _, r := range []*http.Response{resp.Response, er.Response} {
		rq := r.Request
		require.NotNil(t, rq)
		assert.Equal(t, context.Background(), rq.Context())
		assert.Nil(t, rq.Body)
		assert.Nil(t, rq.GetBody)
		assert.Nil(t, rq.Response, "no redirect chain")
		assert.Empty(t, rq.Header, "no headers: they carried the cookie or the Authorization")
		assert.Equal(t, http.MethodGet, rq.Method)
		assert.Equal(t, "/custom/prefix/Sessions", rq.URL.Path[:len("/custom/prefix/Sessions")])
		assert.Equal(t, http.NoBody, r.Body)
	}
}

// TestEchoedSecretsScrubbedFromHeaders: a server that echoes the request's
// credentials into the answer's headers and its error message does not get
// them into anything returned.
func TestEchoedSecretsScrubbedFromHeaders(t *testing.T) {
	t.Parallel()
	const pw = "run-as-pw-echo-1"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		w.Header().Set("X-Echo-Cookie", r.Header.Get("Cookie"))
		if strings.HasSuffix(r.URL.Path, "Auth/SignAppin") {
			http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: "cookie-echo-77", Path: "/"})
			_, _ = io.WriteString(w, `{"UserId":1}`)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `"you sent `+r.Header.Get("Cookie")+`"`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword(pw))
	require.NoError(t, err)
	_, resp, err := c.Requests.List(context.Background(), nil)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	out := fmt.Sprintf("%v %+v %#v %v %v", err, resp.Header, *resp.Response, resp.Request.Context(), er.Message)
	for _, s := range []string{testAPIKey, pw, "cookie-echo-77"} {
		assert.NotContains(t, out, s)
	}
	assert.Contains(t, resp.Header.Get("X-Echo-Cookie"), redacted)
}

// TestGzipBombCappedOnDecompressedBytes: a compressed answer is capped on
// what it decompresses to, and refusing it costs little memory. Not
// parallel: it measures allocations.
func TestGzipBombCappedOnDecompressedBytes(t *testing.T) {
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	_, _ = zw.Write(bytes.Repeat([]byte(" "), 64<<20))
	require.NoError(t, zw.Close())
	srv := httptest.NewServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(bomb.Bytes())
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithoutRetries())
	require.NoError(t, err)
	_, err = c.SignIn(boundedContext(t))
	require.NoError(t, err)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err = c.Sessions.Get(boundedContext(t), 1)
	runtime.ReadMemStats(&after)
	var tooLarge *BodyTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.EqualValues(t, capObject, tooLarge.Limit)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "refusing a 64 MiB bomb")
}

// fakeConn records the read deadlines set on it.
type fakeConn struct {
	net.Conn
	mu        sync.Mutex
	deadlines []time.Time
}

func (f *fakeConn) SetReadDeadline(t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deadlines = append(f.deadlines, t)
	return nil
}
func (f *fakeConn) Read(p []byte) (int, error)  { return len(p), nil }
func (f *fakeConn) Write(p []byte) (int, error) { return len(p), nil }

// TestIdleConnDeadline: the read deadline is set on the first read, pushed
// forward by reads and writes once it has moved by a sixteenth of the idle
// bound, and always lies idle after the activity that set it.
func TestIdleConnDeadline(t *testing.T) {
	t.Parallel()
	const idle = 160 * time.Second
	fc := &fakeConn{}
	c := newIdleConn(fc, idle)
	var now time.Duration
	c.clock = func() time.Duration { return now }
	want := func(offsets ...time.Duration) {
		t.Helper()
		fc.mu.Lock()
		defer fc.mu.Unlock()
		got := make([]time.Duration, len(fc.deadlines))
		for i, d := range fc.deadlines {
			got[i] = d.Sub(c.born)
		}
		assert.Equal(t, offsets, got)
	}
	_, _ = c.Read(make([]byte, 1))
	want(idle)
	now = idle/16 - 1 // too soon to move it
	_, _ = c.Read(make([]byte, 1))
	_, _ = c.Write([]byte("x"))
	want(idle)
	now = idle / 16
	_, _ = c.Write([]byte("x")) // a request written to a pooled connection
	want(idle, idle/16+idle)
	now = 10 * idle // long idle in the pool, then a new request
	_, _ = c.Write([]byte("x"))
	_, _ = c.Read(make([]byte, 1))
	want(idle, idle/16+idle, 11*idle)
}

// stallServer answers the sign-in, then for every other call sends the
// headers (or not) and stops until the test ends.
func stallServer(t *testing.T, sendHeaders bool) (*httptest.Server, <-chan struct{}) {
	t.Helper()
	arrived := make(chan struct{}, 16)
	done := make(chan struct{})
	srv := httptest.NewServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		if sendHeaders {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"SessionID":`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv, arrived
}

// TestNoCallHangsByDefault: with the SDK's own transport and no deadline on
// the context, a server that never sends the headers, or stops in the
// middle of the body, ends the call with an error once the idle bound has
// passed. The idle bound is short here; the test waits for as long as it
// takes, with a generous bound of its own so a regression fails fast.
func TestNoCallHangsByDefault(t *testing.T) {
	t.Parallel()
	for _, headers := range []bool{false, true} {
		t.Run(fmt.Sprintf("headers sent %v", headers), func(t *testing.T) {
			t.Parallel()
			srv, _ := stallServer(t, headers)
			c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithoutRetries())
			require.NoError(t, err)
			// Sign in with the default bound, so that only the stalled call
			// meets the short one, however loaded the machine.
			_, err = c.SignIn(context.Background())
			require.NoError(t, err)
			c.own = newTransport(nil, 50*time.Millisecond)
			done := make(chan error, 1)
			go func() {
				_, _, err := c.Sessions.Get(context.Background(), 1)
				done <- err
			}()
			select {
			case err := <-done:
				require.Error(t, err)
				var ne net.Error
				assert.True(t, errors.As(err, &ne) && ne.Timeout(), "a timeout: %v", err)
				assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: GET Sessions/1: "), err.Error())
			case <-time.After(30 * time.Second):
				t.Fatal("the call hung")
			}
		})
	}
}

// TestCallerDeadlineWins: the caller's context ends a stalled call at once,
// however long the idle bound.
func TestCallerDeadlineWins(t *testing.T) {
	t.Parallel()
	srv, arrived := stallServer(t, true)
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithIdleReadTimeout(time.Hour))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := c.Sessions.Get(ctx, 1)
		done <- err
	}()
	<-arrived
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(30 * time.Second):
		t.Fatal("the call outlived its context")
	}
}

// The caller's http.Client.Timeout bounds each attempt.
func TestCallerClientTimeoutBoundsAnAttempt(t *testing.T) {
	t.Parallel()
	srv, _ := stallServer(t, false)
	hc := &http.Client{Timeout: time.Hour}
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithoutRetries(), WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Equal(t, time.Hour, c.hc.Timeout)
	_, err = c.SignIn(context.Background())
	require.NoError(t, err)
	c.hc.Timeout = 50 * time.Millisecond // only the stalled call meets it
	done := make(chan error, 1)
	go func() {
		_, _, err := c.Sessions.Get(context.Background(), 1)
		done <- err
	}()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(30 * time.Second):
		t.Fatal("the call hung")
	}
}

func TestIdleReadTimeoutOption(t *testing.T) {
	t.Parallel()
	_, err := NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithIdleReadTimeout(-time.Second))
	assert.ErrorContains(t, err, "negative")
	_, err = NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithIdleReadTimeout(time.Second), WithHTTPClient(&http.Client{}))
	assert.ErrorContains(t, err, "WithHTTPClient")
	c, err := NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithIdleReadTimeout(0))
	require.NoError(t, err)
	assert.Zero(t, c.cfg.idleRead)
	c, err = NewClient(testBase, WithAPIKey(testAPIKey, testRunAs))
	require.NoError(t, err)
	assert.Equal(t, defaultIdleReadTimeout, c.cfg.idleRead)
}

// TestCredentialInvalidUTF8: a credential that is not valid UTF-8 is a
// *DecodeError, never a silently changed password; U+FFFD that the server
// really sent stays.
func TestCredentialInvalidUTF8(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		"\"pw\xff\xfeX\"":   "",
		`"pw\ud800X"`:       "",
		`"pw\udc00"`:        "",
		"\"pw\uFFFDX\"":     "pw\uFFFDX",
		`"pw\ufffdX"`:       "pw\uFFFDX",
		`"pw\uFfFdX"`:       "pw\uFFFDX",
		`"pw\ud83d\ude00X"`: "pw\U0001F600X",
	} {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, testBase+"Credentials/5", reply(200, []byte(body), "Content-Type", "application/json"))
		mt.RegisterResponder(http.MethodGet, testBase+"Aliases/1/Credentials/5",
			reply(200, []byte(`{"Password":`+body+`}`), "Content-Type", "application/json"))
		s, _, err := c.Requests.Credentials(context.Background(), 5, nil)
		ac, _, aerr := c.Aliases.Credentials(context.Background(), 1, 5, nil)
		if want == "" {
			var de *DecodeError
			require.ErrorAs(t, err, &de, "%q", body)
			assert.ErrorIs(t, err, errSecretNotUTF8)
			require.ErrorAs(t, aerr, &de, "alias %q", body)
			assert.Zero(t, s)
			continue
		}
		require.NoError(t, err, "%q", body)
		require.NoError(t, aerr, "%q", body)
		assert.Equal(t, want, s.Value())
		assert.Equal(t, want, ac.Password.Value())
	}
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/5", reply(200, []byte("pw\xff"), "Content-Type", "text/plain"))
	_, _, err := c.Requests.Credentials(context.Background(), 5, nil)
	assert.ErrorIs(t, err, errSecretNotUTF8)
}

// TestDecodeErrorUnwraps: the decoder's own error stays reachable.
func TestDecodeErrorUnwraps(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions/1", respond(200, `{"SessionID":`))
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions/2", respond(200, `{"SessionID":"x"}`))
	_, _, err := c.Sessions.Get(context.Background(), 1)
	var syn *json.SyntaxError
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "GET", de.Method)
	assert.Equal(t, "Sessions/1", de.Path)
	assert.True(t, errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF), "%v", err)
	_, _, err = c.Sessions.Get(context.Background(), 2)
	var ute *json.UnmarshalTypeError
	require.ErrorAs(t, err, &ute)
	assert.Equal(t, 1, mt.GetCallCountInfo()["GET "+testBase+"Sessions/2"], "a decode error is not retried")
}

// TestSessionsAllStreams: All yields every row of the answer; an answer cut
// short after some rows ends with the error as the last pair and is not
// repeated; breaking out closes the answer; errors before the first row
// are retried like any GET.
func TestSessionsAllStreams(t *testing.T) {
	t.Parallel()
	rows := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`{"SessionID":%d,"Status":1}`, i+1)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	t.Run("whole", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		api := &recorder{}
		mt.RegisterResponder(http.MethodGet, testBase+"Sessions", api.wrap(sequence(respond(503, ""), respond(200, rows(1000)))))
		var ids []int
		for s, err := range c.Sessions.All(context.Background(), &ListSessionsOptions{Status: []SessionStatus{SessionInProgress}, UserID: 1}) {
			require.NoError(t, err)
			ids = append(ids, s.SessionID)
		}
		require.Len(t, ids, 1000)
		assert.Equal(t, 1000, ids[999])
		assert.Equal(t, 2, api.count(), "a 503 before any row is retried")
		assert.Equal(t, "status=1&userID=1", api.last(t).URL.RawQuery)
	})
	t.Run("cut short", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		full := rows(100)
		cut := full[:len(full)/2]
		var calls atomic.Int64
		mt.RegisterResponder(http.MethodGet, testBase+"Sessions", func(*http.Request) (*http.Response, error) {
			calls.Add(1)
			return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: -1,
				Body: io.NopCloser(io.MultiReader(strings.NewReader(cut), errReader{io.ErrUnexpectedEOF}))}, nil
		})
		var n int
		var last error
		for _, err := range c.Sessions.All(context.Background(), nil) {
			if err != nil {
				last = err
				continue
			}
			require.NoError(t, last, "no row after the error")
			n++
		}
		assert.Positive(t, n)
		assert.Less(t, n, 100)
		assert.ErrorIs(t, last, io.ErrUnexpectedEOF)
		assert.EqualValues(t, 1, calls.Load(), "rows were handed out: never repeated")
	})
	t.Run("break closes", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		closed := make(chan struct{})
		mt.RegisterResponder(http.MethodGet, testBase+"Sessions", func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: -1,
				Body: &closeSignal{Reader: strings.NewReader(rows(500)), closed: closed}}, nil
		})
		for s, err := range c.Sessions.All(context.Background(), nil) {
			require.NoError(t, err)
			if s.SessionID == 3 {
				break
			}
		}
		select {
		case <-closed:
		default:
			t.Fatal("breaking out left the answer open")
		}
	})
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, testBase+"Sessions", respond(403, `"4031 - no"`))
		var errs []error
		for _, err := range c.Sessions.All(context.Background(), nil) {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrNoPermission)
		errs = nil
		for _, err := range c.Sessions.All(context.Background(), &ListSessionsOptions{Status: []SessionStatus{3}}) {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		assertValidation(t, errs[0], "status")
		assert.Equal(t, 1, apiCalls(mt))
	})
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type closeSignal struct {
	io.Reader
	once   sync.Once
	closed chan struct{}
}

func (c *closeSignal) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

// TestListOddBodies: a list answer of white space only (even a large one),
// null, or an empty body is an empty list; a JSON object is a decode error.
func TestListOddBodies(t *testing.T) {
	t.Parallel()
	for body, ok := range map[string]bool{
		strings.Repeat(" \n", 64<<10): true,
		"null":                        true,
		"":                            true,
		" [ ] ":                       true,
		"[]x":                         false,
		`{"Data":[]}`:                 false,
		"[1,":                         false,
	} {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, testBase+"Sessions", respond(200, body))
		list, _, err := c.Sessions.List(context.Background(), nil)
		if ok {
			require.NoError(t, err, "%.20q", body)
			assert.Empty(t, list)
		} else {
			var de *DecodeError
			assert.ErrorAs(t, err, &de, "%.20q", body)
		}
	}
}

// TestAPIVersion: WithAPIVersion sends ?version= on every call under the API
// base, sign-in and sign-out included, but not on the OAuth token call; a
// 410 at sign-in says the version is disabled.
func TestAPIVersion(t *testing.T) {
	t.Parallel()
	c, mt, _, _ := newOAuthClient(t, tokenResponder("tok-1", 600), WithAPIVersion("3.1"))
	api := &recorder{}
	mt.RegisterNoResponder(api.wrap(respond(200, `[]`)))
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/connect/token", api.wrap(tokenResponder("tok-1", 600)))
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", api.wrap(signInResponder(testSessionID)))
	ctx := context.Background()
	_, _, err := c.Requests.List(ctx, &ListRequestsOptions{Status: RequestStatusActive})
	require.NoError(t, err)
	_, err = c.Do(ctx, "GET", "AccessLevels?x=1", nil, nil)
	require.NoError(t, err)
	require.NoError(t, c.SignOut(ctx))
	var got []string
	for _, r := range api.all() {
		got = append(got, r.Method+" "+strings.TrimPrefix(r.URL.Path, "/custom/prefix/")+"?"+r.URL.RawQuery)
	}
	assert.Equal(t, []string{
		"POST Auth/connect/token?",
		"POST Auth/SignAppin?version=3.1",
		"GET Requests?status=active&version=3.1",
		"GET AccessLevels?x=1&version=3.1",
		"POST Auth/Signout?version=3.1",
	}, got)

	gone, gmt := newMockClient(t, WithAPIVersion("3.9"))
	gmt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", respond(410, `"API version 3.9 is disabled."`))
	_, err = gone.SignIn(ctx)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusGone, er.StatusCode)
	assert.ErrorIs(t, err, ErrAPIVersionDisabled)
	assert.Contains(t, err.Error(), "API version 3.9 is disabled on this server")

	// Without the option nothing is sent, and a 410 is only a 410.
	plain, pmt := newMockClient(t)
	prec := recordSignIn(pmt, testSessionID)
	pmt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(410, `"gone"`))
	_, _, err = plain.Requests.List(ctx, nil)
	assert.NotErrorIs(t, err, ErrAPIVersionDisabled)
	assert.Empty(t, prec.last(t).URL.RawQuery)

	for _, bad := range []string{"", "3", "v3.1", "3.1.2", "3.", ".1", "3.x", "3.1 ", "30000.1"} {
		_, err := NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithAPIVersion(bad))
		assert.ErrorContains(t, err, "WithAPIVersion", "%q", bad)
	}
}

// TestBaseURLWrongForms: base URLs that are certainly wrong get an error
// naming the right form; legacy and reverse-proxy paths still work.
func TestBaseURLWrongForms(t *testing.T) {
	t.Parallel()
	for in, hint := range map[string]string{
		"https://vault.example.com/BeyondTrust":                          `"https://vault.example.com/BeyondTrust/api/public/v3/"`,
		"https://vault.example.com/BeyondTrust/api/":                     `"https://vault.example.com/BeyondTrust/api/public/v3/"`,
		"https://vault.example.com/beyondtrust/API/public":               `"https://vault.example.com/BeyondTrust/api/public/v3/"`,
		"https://vault.example.com/BeyondTrust/api/public/v3/Requests":   `"https://vault.example.com/BeyondTrust/api/public/v3/"`,
		"https://vault.example.com/BeyondTrust/api/public/v3/Auth/x/":    `"https://vault.example.com/BeyondTrust/api/public/v3/"`,
		"https://px.example.com/ps/api/public/v3/ManagedAccounts?x=1":    "query",
		"https://px.example.com/ps/api/public/v3/ManagedAccounts":        `"https://px.example.com/ps/api/public/v3/"`,
		"https://px.example.com/api/public/v3/Requests":                  `"https://px.example.com/api/public/v3/"`,
		"vault.example.com:443":                                          `"https://vault.example.com:443"`,
		"vault.example.com":                                              `"https://vault.example.com"`,
		"10.0.0.5:8443":                                                  `"https://10.0.0.5:8443"`,
		"localhost:8080":                                                 `"https://localhost:8080"`,
		"https://vault.example.com/eEye.RetinaCS.Server/api/public/v3/x": `"https://vault.example.com/eEye.RetinaCS.Server/api/public/v3/"`,
	} {
		_, err := NewClient(in, WithAPIKey(testAPIKey, testRunAs))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), hint, in)
	}
	for in, want := range map[string]string{
		"https://vault.example.com/eEye.RetinaCS.Server/api/public/v3": "https://vault.example.com/eEye.RetinaCS.Server/api/public/v3/",
		"https://px.example.com/secrets/api/public/v3/":                "https://px.example.com/secrets/api/public/v3/",
		"https://vault.example.com/BeyondTrust/api/public/v3":          "https://vault.example.com/BeyondTrust/api/public/v3/",
		"https://vault.example.com":                                    "https://vault.example.com/BeyondTrust/api/public/v3/",
		"https://vault.example.com/custom/prefix":                      "https://vault.example.com/custom/prefix/",
	} {
		c, err := NewClient(in, WithAPIKey(testAPIKey, testRunAs))
		require.NoError(t, err, in)
		assert.Equal(t, want, c.BaseURL().String())
	}
}

// TestFileNameSafeEverywhere: what a server names an attachment becomes a
// base name safe on every OS, or nothing.
func TestFileNameSafeEverywhere(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"web-01.rdp":                 "web-01.rdp",
		`C:\exports\web-01.rdp`:      "web-01.rdp",
		"C:evil.rdp":                 "evil.rdp",
		"host.rdp:evil.exe":          "host.rdp",
		"C:host.rdp:evil.exe":        "host.rdp",
		"../../.bashrc":              ".bashrc",
		"invoice\u202Egpj.rdp":       "",
		"a\u200Fb.rdp":               "",
		"a\nb.rdp":                   "",
		"a\x00b.rdp":                 "",
		"a\x7fb.rdp":                 "",
		"..":                         "",
		".":                          "",
		"...":                        "",
		"name.rdp. . ":               "name.rdp",
		"CON.rdp":                    "",
		"con":                        "",
		"lpt1.rdp":                   "",
		"COM9":                       "",
		"COM10.rdp":                  "COM10.rdp",
		"console.rdp":                "console.rdp",
		`a"b.rdp`:                    "",
		"a|b.rdp":                    "",
		"what?.rdp":                  "",
		"st*r.rdp":                   "",
		"<x>.rdp":                    "",
		strings.Repeat("a", 256):     "",
		strings.Repeat("a", 255):     strings.Repeat("a", 255),
		"höst one.rdp":               "höst one.rdp",
		"\xff.rdp":                   "",
		" spaced.rdp ":               "spaced.rdp",
		"dir/":                       "",
		`\\server\share\session.rdp`: "session.rdp",
	} {
		assert.Equal(t, want, baseFileName(in), "%q", in)
	}
}

// TestErrorResponseLongMessage: Error() keeps the first 256 characters of a
// long message and marks the cut; Message keeps it whole.
func TestErrorResponseLongMessage(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 300)
	er := &ErrorResponse{StatusCode: 400, Message: long, method: "GET", path: "X"}
	assert.Equal(t, "passwordsafe: GET X: 400 Bad Request: "+strings.Repeat("é", 256)+"…", er.Error())
	er.Message = strings.Repeat("é", 256)
	assert.Equal(t, "passwordsafe: GET X: 400 Bad Request: "+strings.Repeat("é", 256), er.Error())
}

// TestRedactKnownBoundary: credentials of four characters or more are
// scrubbed from server messages; shorter ones would garble every message.
func TestRedactKnownBoundary(t *testing.T) {
	t.Parallel()
	for key, scrubbed := range map[string]bool{"abcd": true, "abc": false, "abcdefgh": true} {
		c, mt := newMockClient(t, WithRunAsPassword(key))
		mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(400, `"bad value `+key+` here"`))
		_, _, err := c.Requests.List(context.Background(), nil)
		var er *ErrorResponse
		require.ErrorAs(t, err, &er)
		if scrubbed {
			assert.Equal(t, "bad value "+redacted+" here", er.Message, key)
		} else {
			assert.Equal(t, "bad value "+key+" here", er.Message, key)
		}
	}
}

// TestTransportErrorIsURLError: with no answer, the error wraps a *url.Error
// naming the method and URL, as net/http's client does.
func TestTransportErrorIsURLError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, WithoutRetries())
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", httpmock.NewErrorResponder(errors.New("boom")))
	_, _, err := c.Requests.List(context.Background(), nil)
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "Get", ue.Op)
	assert.Equal(t, testBase+"Requests", ue.URL)
	assert.EqualError(t, err, `passwordsafe: GET Requests: Get "`+testBase+`Requests": boom`)
}

// TestSignInNeverStrandsAWaiter: a sign-in that fails, or panics inside a
// caller's transport, ends its flight, so later calls sign in again instead
// of waiting forever (a missed unlock once hung SignIn).
func TestSignInNeverStrandsAWaiter(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin",
		sequence(respond(500, `"down"`), func(*http.Request) (*http.Response, error) { panic("transport bug") },
			signInResponder(testSessionID)))
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))
	within(t, 10*time.Second, "sign-ins after a failed and a panicking one", func() {
		_, err := c.SignIn(context.Background())
		assert.Error(t, err)
		assert.Panics(t, func() { _, _ = c.SignIn(context.Background()) })
		_, _, err = c.Requests.List(context.Background(), nil)
		assert.NoError(t, err)
	})
	assert.Equal(t, 3, signIns(mt))
}

// TestBodyThatNeverEnds: an answer body that keeps sending past the cap
// ends the call with *BodyTooLargeError rather than reading forever.
func TestBodyThatNeverEnds(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions/1", func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: -1, Body: io.NopCloser(zeros{})}, nil
	})
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions", func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: -1,
			Body: io.NopCloser(io.MultiReader(strings.NewReader("["), zeros{}))}, nil
	})
	within(t, 30*time.Second, "reading an endless body", func() {
		_, _, err := c.Sessions.Get(context.Background(), 1)
		var tooLarge *BodyTooLargeError
		assert.ErrorAs(t, err, &tooLarge)
		_, _, err = c.Sessions.List(context.Background(), nil)
		assert.Error(t, err, "an endless list is refused, as too large or not JSON")
	})
}

// TestQueryNamesAreTheTags: the options types whose query is written by
// hand send exactly the names their url tags give.
func TestQueryNamesAreTheTags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts  any
		query func() (string, error)
	}{
		{&ListSessionsOptions{Status: []SessionStatus{SessionInProgress}, UserID: 1}, nil},
		{&ListAliasesOptions{State: []AliasState{AliasMapped}}, nil},
		{&ListRequestsOptions{Status: RequestStatusActive, Queue: QueueApprover}, nil},
		{&CredentialsOptions{Type: CredentialDSSKey}, nil},
	} {
		var q string
		var err error
		switch o := tc.opts.(type) {
		case *ListSessionsOptions:
			q, err = o.query()
		case *ListAliasesOptions:
			q, err = o.query()
		case *ListRequestsOptions:
			q, err = o.query()
		case *CredentialsOptions:
			q, err = o.query()
		}
		require.NoError(t, err)
		vals, err := url.ParseQuery(q)
		require.NoError(t, err)
		rt := reflect.TypeOf(tc.opts).Elem()
		var tags []string
		for i := range rt.NumField() {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("url"), ",")
			tags = append(tags, name)
		}
		var sent []string
		for k := range vals {
			sent = append(sent, k)
		}
		assert.ElementsMatch(t, tags, sent, "%T sends %q", tc.opts, q)
	}
}

// Speed 1 (1%) is the slowest replay there is, and allowed.
func TestReplaySpeedOneAllowed(t *testing.T) {
	t.Parallel()
	assert.NoError(t, (&ReplayControl{Speed: Ptr(1), Offset: Ptr(0), Next: Ptr(0)}).validate())
	assertValidation(t, (&ReplayControl{Speed: Ptr(0)}).validate(), "speed")
	assertValidation(t, (&ReplayControl{Offset: Ptr(-1)}).validate(), "offset")
	assertValidation(t, (&ReplayControl{Next: Ptr(-1)}).validate(), "next")
}

// TestNoCallHangsOverHTTP2: over HTTP/2 the server keeps the connection
// busy with PING frames (every 20 ms) while it sends nothing for the call:
// no headers, or the headers and then nothing more of the body. The call
// still ends once the idle bound has passed, because the bound is on this
// call's answer, not on the connection's traffic.
func TestNoCallHangsOverHTTP2(t *testing.T) {
	t.Parallel()
	for _, headers := range []bool{false, true} {
		t.Run(fmt.Sprintf("headers sent %v", headers), func(t *testing.T) {
			t.Parallel()
			done := make(chan struct{})
			srv := httptest.NewUnstartedServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
				if headers {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusOK)
					_, _ = io.WriteString(w, `{"SessionID":`)
					w.(http.Flusher).Flush()
				}
				select {
				case <-done:
				case <-r.Context().Done():
				}
			}))
			srv.EnableHTTP2 = true
			srv.Config.HTTP2 = &http.HTTP2Config{SendPingTimeout: 20 * time.Millisecond, PingTimeout: 10 * time.Second}
			srv.StartTLS()
			t.Cleanup(func() { close(done); srv.Close() })
			pool := x509.NewCertPool()
			pool.AddCert(srv.Certificate())
			tc := &tls.Config{RootCAs: pool}
			c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithoutRetries(), WithTLSConfig(tc))
			require.NoError(t, err)
			_, err = c.SignIn(context.Background())
			require.NoError(t, err)
			// Only the stalled call meets the short bound, however loaded
			// the machine.
			c.own = newTransport(tc.Clone(), 200*time.Millisecond)
			errc := make(chan error, 1)
			go func() {
				_, _, err := c.Sessions.Get(context.Background(), 1)
				errc <- err
			}()
			select {
			case err := <-errc:
				require.Error(t, err)
				var ne net.Error
				assert.True(t, errors.As(err, &ne) && ne.Timeout(), "a timeout: %v", err)
				assert.ErrorContains(t, err, "idle read timeout")
				assert.NotErrorIs(t, err, context.Canceled)
				assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: GET Sessions/1: "), err.Error())
			case <-time.After(30 * time.Second):
				t.Fatal("the call hung over HTTP/2")
			}
		})
	}
}

// fakeTimer records what a watchdog asks of its timer.
type fakeTimer struct {
	resets  []time.Duration
	stopped bool
}

func (f *fakeTimer) Reset(d time.Duration) bool { f.resets = append(f.resets, d); return true }
func (f *fakeTimer) Stop() bool                 { f.stopped = true; return true }

// TestWatchedBody: every read that brings bytes of this answer pushes the
// bound back (a slow but steady answer is never cut); a read that brings
// none does not; once the watchdog has fired, reads fail as a timeout;
// Close ends the watch without firing it.
func TestWatchedBody(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancelCause(context.Background())
	ft := &fakeTimer{}
	w := &watchdog{cancel: cancel, idle: time.Minute, timer: ft}
	pr, pw := io.Pipe()
	b := &watchedBody{body: pr, w: w, ctx: ctx}
	go func() {
		_, _ = pw.Write([]byte("ab"))
		_, _ = pw.Write([]byte("c"))
		_ = pw.CloseWithError(errors.New("stream reset"))
	}()
	buf := make([]byte, 8)
	n, err := b.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "ab", string(buf[:n]))
	n, err = b.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = b.Read(buf)
	assert.EqualError(t, err, "stream reset", "an error the watchdog did not cause is passed on")
	assert.Equal(t, []time.Duration{time.Minute, time.Minute}, ft.resets, "one push per read that brought bytes")

	w.expire()
	_, err = (&watchedBody{body: io.NopCloser(strings.NewReader("")), w: w, ctx: ctx}).Read(buf)
	assert.ErrorIs(t, err, io.EOF, "the end of the body is not a timeout")
	_, err = (&watchedBody{body: io.NopCloser(iotest.ErrReader(context.Canceled)), w: w, ctx: ctx}).Read(buf)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	assert.Contains(t, err.Error(), "WithIdleReadTimeout")

	ctx2, cancel2 := context.WithCancelCause(context.Background())
	ft2 := &fakeTimer{}
	w2 := &watchdog{cancel: cancel2, idle: time.Minute, timer: ft2}
	require.NoError(t, (&watchedBody{body: io.NopCloser(strings.NewReader("")), w: w2, ctx: ctx2}).Close())
	assert.True(t, ft2.stopped)
	assert.ErrorIs(t, ctx2.Err(), context.Canceled, "Close releases the attempt's context")
	assert.NotEqual(t, errIdle, context.Cause(ctx2))
}
