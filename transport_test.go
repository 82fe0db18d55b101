package passwordsafe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryPolicyByMethodAndStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method string
		status int
		calls  int // with 3 retries
	}{
		{http.MethodGet, 429, 4},
		{http.MethodGet, 502, 4},
		{http.MethodGet, 503, 4},
		{http.MethodGet, 504, 4},
		{http.MethodGet, 500, 1},
		{http.MethodGet, 501, 1},
		{http.MethodGet, 400, 1},
		{http.MethodGet, 403, 1},
		{http.MethodGet, 404, 1},
		{http.MethodGet, 409, 1},
		{http.MethodPut, 503, 4},
		{http.MethodPut, 429, 4},
		{http.MethodPut, 500, 1},
		{http.MethodDelete, 502, 4},
		{http.MethodDelete, 504, 4},
		{http.MethodPost, 429, 4},
		{http.MethodPost, 500, 1},
		{http.MethodPost, 502, 1},
		{http.MethodPost, 503, 1},
		{http.MethodPost, 504, 1},
		{http.MethodPatch, 503, 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %d", tc.method, tc.status), func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(tc.method, testBase+"Things/1", respond(tc.status, `"busy"`))
			resp, err := c.Do(context.Background(), tc.method, "Things/1", nil, nil)
			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			assert.Equal(t, tc.status, er.StatusCode)
			require.NotNil(t, resp)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, tc.calls, apiCalls(mt))
			assert.Equal(t, 1, signIns(mt))
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/4/Checkin",
		api.wrap(sequence(respond(503, ""), respond(502, ""), respond(204, ""))))
	resp, err := c.Requests.Checkin(context.Background(), 4, "done")
	require.NoError(t, err)
	assert.Equal(t, 204, resp.StatusCode)
	reqs := api.all()
	require.Len(t, reqs, 3)
	for _, r := range reqs {
		assert.JSONEq(t, `{"Reason":"done"}`, string(r.Body), "every attempt carries the whole body")
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	}
}

func TestRetryCounts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		opts  []Option
		calls int
	}{
		{"without retries", []Option{WithoutRetries()}, 1},
		{"one retry", []Option{WithRetries(1, time.Millisecond, time.Millisecond)}, 2},
		{"zero retries", []Option{WithRetries(0, 0, 0)}, 1},
		{"five retries", []Option{WithRetries(5, 0, time.Millisecond)}, 6},
		{"default (3) after WithoutRetries then WithRetries", []Option{WithoutRetries(), WithRetries(3, 0, time.Millisecond)}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, tc.opts...)
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(503, ""))
			_, _, err := c.Requests.List(context.Background(), nil)
			assert.ErrorAs(t, err, new(*ErrorResponse))
			assert.Equal(t, tc.calls, apiCalls(mt))
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	for _, ra := range []string{"0", "1", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)} {
		t.Run(ra, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			busy := func(req *http.Request) (*http.Response, error) {
				resp, _ := respond(429, `"slow down"`)(req)
				resp.Header.Set("Retry-After", ra)
				return resp, nil
			}
			mt.RegisterResponder(http.MethodPost, testBase+"Requests", sequence(busy, respond(201, `{"RequestID":3}`)))
			cr, _, err := c.Requests.Create(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 1, DurationMinutes: 1})
			require.NoError(t, err)
			assert.Equal(t, 3, cr.RequestID)
			assert.Equal(t, 2, apiCalls(mt))
		})
	}
}

func TestRetryAfterTooLongReturnsAtOnce(t *testing.T) {
	t.Parallel()
	for _, ra := range []string{"31", "3600", "86400", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)} {
		for _, status := range []int{429, 503} {
			t.Run(fmt.Sprintf("%d %s", status, ra), func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t)
				mt.RegisterResponder(http.MethodGet, testBase+"Requests", func(req *http.Request) (*http.Response, error) {
					resp, _ := respond(status, `"come back later"`)(req)
					resp.Header.Set("Retry-After", ra)
					return resp, nil
				})
				start := time.Now()
				_, resp, err := c.Requests.List(context.Background(), nil)
				assert.Less(t, time.Since(start), 20*time.Second, "must not wait")
				var er *ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, status, er.StatusCode)
				assert.Equal(t, "come back later", er.Message)
				assert.Equal(t, ra, resp.Header.Get("Retry-After"))
				assert.Equal(t, 1, apiCalls(mt))
			})
		}
	}
}

// shouldRetry asks the policy of a client with the default settings
// whether an attempt of method that ended with resp or err is repeated.
func shouldRetry(method string, resp *http.Response, err error) bool {
	c, _ := NewClient(testBase, WithAPIKey(testAPIKey, testRunAs))
	retry, _ := c.checkRetry(idempotent(method))(context.Background(), resp, err)
	return retry
}

// backoff is the wait of a client with the default settings.
func backoff(minWait, maxWait time.Duration, n int, resp *http.Response) time.Duration {
	return (&Client{cfg: &clientConfig{}}).backoff(minWait, maxWait, n, resp)
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	withRA := func(v string) *http.Response {
		return &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {v}}}
	}
	// Retry-After in seconds is used exactly, whatever min and max say.
	assert.Equal(t, 7*time.Second, backoff(time.Millisecond, 2*time.Millisecond, 0, withRA("7")))
	assert.Equal(t, 30*time.Second, backoff(time.Millisecond, 2*time.Millisecond, 2, withRA(" 30 ")))
	assert.Equal(t, time.Duration(0), backoff(time.Millisecond, 2*time.Millisecond, 0, withRA("0")))
	// As an HTTP date.
	d := backoff(time.Millisecond, 2*time.Millisecond, 0, withRA(time.Now().Add(20*time.Second).UTC().Format(http.TimeFormat)))
	assert.Greater(t, d, 15*time.Second)
	assert.LessOrEqual(t, d, 20*time.Second)
	d = backoff(time.Millisecond, 2*time.Millisecond, 0, withRA(time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat)))
	assert.Equal(t, time.Duration(0), d)

	// Exponential with jitter, between min and max.
	minW, maxW := 100*time.Millisecond, 2*time.Second
	for attempt := range 12 {
		for range 20 {
			for _, resp := range []*http.Response{nil, {StatusCode: 503, Header: http.Header{}}, withRA("soon"), withRA("-5")} {
				d := backoff(minW, maxW, attempt, resp)
				assert.GreaterOrEqual(t, d, minW, "attempt %d", attempt)
				assert.LessOrEqual(t, d, maxW, "attempt %d", attempt)
			}
		}
	}
	// Later attempts wait longer (the jitter keeps at least half).
	assert.GreaterOrEqual(t, backoff(minW, maxW, 5, nil), time.Second)
	assert.Equal(t, time.Duration(0), backoff(0, 0, 3, nil))
	assert.Equal(t, maxW, backoff(maxW, maxW, 100, nil))
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"5", 5 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"abc", 0, false},
		{"1.5", 0, false},
		{"99999999999", time.Hour, true},
		{"Mon, 02 Jan 2006 15:04:05 GMT", 0, true}, // long past
	} {
		resp := &http.Response{Header: http.Header{}}
		if tc.v != "" {
			resp.Header.Set("Retry-After", tc.v)
		}
		d, ok := retryAfter(resp)
		assert.Equal(t, tc.ok, ok, tc.v)
		assert.Equal(t, tc.want, d, tc.v)
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", func(req *http.Request) (*http.Response, error) {
		resp, _ := respond(503, "")(req)
		resp.Header.Set("Retry-After", "25") // honoured: the client would wait 25 s
		time.AfterFunc(20*time.Millisecond, cancel)
		return resp, nil
	})
	start := time.Now()
	_, resp, err := c.Requests.List(ctx, nil)
	assert.Less(t, time.Since(start), 10*time.Second, "a cancelled context ends the wait at once")
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, resp)
	assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: GET Requests"), err.Error())
	assert.Equal(t, 1, apiCalls(mt))
}

func TestContextDeadlineDuringBackoff(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/1", func(req *http.Request) (*http.Response, error) {
		resp, _ := respond(429, "")(req)
		resp.Header.Set("Retry-After", "20")
		return resp, nil
	})
	_, err := c.SignIn(context.Background())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err = c.Aliases.Get(ctx, 1)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, apiCalls(mt))
}

func TestContextAlreadyDone(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := c.Requests.List(ctx, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, apiCalls(mt))
}

func TestContextCancelledInFlight(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", func(req *http.Request) (*http.Response, error) {
		cancel()
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	_, _, err := c.Requests.List(ctx, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, apiCalls(mt), "a cancelled call is not retried")
}

func TestTransportErrorRetriedForGetNotPost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method string
		calls  int
	}{{http.MethodGet, 4}, {http.MethodPut, 4}, {http.MethodDelete, 4}, {http.MethodPost, 1}} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(tc.method, testBase+"Things", httpmock.NewErrorResponder(errors.New("connection reset by peer")))
			resp, err := c.Do(context.Background(), tc.method, "Things", nil, nil)
			require.Error(t, err)
			assert.Nil(t, resp)
			assert.Contains(t, err.Error(), "connection reset by peer")
			assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: "+tc.method+" Things"), err.Error())
			assert.Equal(t, tc.calls, apiCalls(mt))
		})
	}
}

// hijackServer answers Auth/SignAppin normally; every other request is
// counted and handed to h with the raw connection.
func hijackServer(t *testing.T, h func(n int64, conn net.Conn, rw *bufio.ReadWriter, r *http.Request)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		k := n.Add(1)
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		h(k, conn, rw, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func writeRaw(rw *bufio.ReadWriter, status int, contentLength int, body string) {
	fmt.Fprintf(rw, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), contentLength, body)
	_ = rw.Flush()
}

func TestTruncatedBodyRetriedForGet(t *testing.T) {
	t.Parallel()
	full := `[{"RequestID":1,"SystemName":"db01"}]`
	srv, n := hijackServer(t, func(k int64, _ net.Conn, rw *bufio.ReadWriter, _ *http.Request) {
		if k == 1 {
			writeRaw(rw, 200, len(full)+50, full[:10]) // breaks off mid-body
			return
		}
		writeRaw(rw, 200, len(full), full)
	})
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithRetries(3, time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	reqs, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, reqs, 1)
	assert.Equal(t, "db01", reqs[0].SystemName)
	assert.EqualValues(t, 2, n.Load())
}

func TestTruncatedBodyEveryTime(t *testing.T) {
	t.Parallel()
	srv, n := hijackServer(t, func(_ int64, _ net.Conn, rw *bufio.ReadWriter, _ *http.Request) {
		writeRaw(rw, 200, 100, `"abc`)
	})
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithRetries(2, time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	_, resp, err := c.Requests.Credentials(context.Background(), 4, nil)
	require.Error(t, err)
	assert.Nil(t, resp)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.EqualValues(t, 3, n.Load())
}

func TestTruncatedBodyNotRetriedForPost(t *testing.T) {
	t.Parallel()
	srv, n := hijackServer(t, func(_ int64, _ net.Conn, rw *bufio.ReadWriter, _ *http.Request) {
		writeRaw(rw, 201, 40, `{"Reque`)
	})
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithRetries(3, time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	_, _, err = c.Requests.Create(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 1, DurationMinutes: 5})
	require.Error(t, err)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.EqualValues(t, 1, n.Load(), "a POST that reached the server is never sent twice")
}

func TestConnectionDroppedAfterSending(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method string
		calls  int64
	}{{http.MethodPost, 1}, {http.MethodGet, 4}} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			// The server reads the whole request, then hangs up without a word.
			srv, n := hijackServer(t, func(int64, net.Conn, *bufio.ReadWriter, *http.Request) {})
			c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithRetries(3, time.Millisecond, 2*time.Millisecond))
			require.NoError(t, err)
			_, err = c.Do(context.Background(), tc.method, "Requests", map[string]int{"SystemID": 1}, nil)
			require.Error(t, err)
			if tc.method == http.MethodPost {
				assert.EqualValues(t, 1, n.Load(), "a POST that may have arrived is never repeated")
			} else {
				// net/http itself may repeat a GET once on a reused connection.
				assert.GreaterOrEqual(t, n.Load(), tc.calls)
			}
		})
	}
}

func TestPostToClosedPortIsRetried(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	var attempts atomic.Int64
	var signIns atomic.Int64
	hc := &http.Client{Transport: rtFunc(func(req *http.Request) (*http.Response, error) {
		if strings.HasSuffix(req.URL.Path, "/Auth/SignAppin") {
			signIns.Add(1)
			resp := httpmock.NewStringResponse(200, `{"UserId":1}`)
			resp.Header.Add("Set-Cookie", "ASP.NET_SessionId=s; path=/")
			return resp, nil
		}
		attempts.Add(1)
		return http.DefaultTransport.RoundTrip(req)
	})}
	c, err := NewClient("http://"+addr+"/api", WithAPIKey(testAPIKey, testRunAs), WithHTTPClient(hc),
		WithRetries(2, time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	_, _, err = c.Requests.Create(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 1, DurationMinutes: 5})
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.EqualValues(t, 3, attempts.Load(), "nothing was sent: the POST is retried")
	assert.EqualValues(t, 1, signIns.Load())
}

func TestSignInToClosedPortIsRetried(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	var attempts atomic.Int64
	hc := &http.Client{Transport: rtFunc(func(req *http.Request) (*http.Response, error) {
		attempts.Add(1)
		return http.DefaultTransport.RoundTrip(req)
	})}
	c, err := NewClient("http://"+addr+"/api", WithAPIKey(testAPIKey, testRunAs), WithHTTPClient(hc),
		WithRetries(3, time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	_, err = c.SignIn(context.Background())
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: POST Auth/SignAppin"), err.Error())
	assert.NotContains(t, err.Error(), testAPIKey)
	assert.EqualValues(t, 4, attempts.Load())
}

func TestCookieNotDuplicatedOnRetry(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(sequence(respond(503, ""), respond(502, ""), respond(200, `[]`))))
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", api.wrap(sequence(respond(429, ""), respond(201, `5`))))
	ctx := context.Background()
	_, _, err := c.Requests.List(ctx, nil)
	require.NoError(t, err)
	_, _, err = c.Requests.Create(ctx, &CreateRequestOptions{SystemID: 1, AccountID: 1, DurationMinutes: 5})
	require.NoError(t, err)
	reqs := api.all()
	require.Len(t, reqs, 5)
	for i, r := range reqs {
		assert.Equal(t, []string{"ASP.NET_SessionId=" + testSessionID}, r.Header.Values("Cookie"), "attempt %d", i+1)
		assert.Len(t, r.Header.Values("User-Agent"), 1)
		assert.Len(t, r.Header.Values("Accept"), 1)
		assert.Empty(t, r.Header.Get("Authorization"))
	}
}

func TestBodyTooLargeNotRetried(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	raw := func(_ http.Header, b []byte) ([]byte, error) { return b, nil }
	mt.RegisterResponder(http.MethodGet, testBase+"Big", respond(200, strings.Repeat("x", 100)))
	_, resp, err := callWith(context.Background(), c, &request{method: http.MethodGet, path: "Big", limit: 10}, raw)
	var tooLarge *BodyTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Nil(t, resp)
	assert.EqualValues(t, 10, tooLarge.Limit)
	assert.Contains(t, tooLarge.Error(), "10 bytes")
	assert.Equal(t, 1, apiCalls(mt))

	// Exactly at the limit is fine.
	mt.RegisterResponder(http.MethodGet, testBase+"Exact", respond(200, strings.Repeat("y", 10)))
	b, _, err := callWith(context.Background(), c, &request{method: http.MethodGet, path: "Exact", limit: 10}, raw)
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("y", 10), string(b))
}

func TestAnswerBytes(t *testing.T) {
	t.Parallel()
	read := func(body io.Reader, length, limit int64) (b []byte, err error) {
		within(t, 20*time.Second, "reading an answer", func() {
			b, err = (&answer{r: body, length: length, limit: limit}).bytes()
		})
		return b, err
	}
	for _, size := range []int{0, 1, 511, 512, 513, 4096, trustedLength - 1, trustedLength, trustedLength + 1, 100_000} {
		for _, known := range []bool{true, false} {
			length := int64(-1)
			if known {
				length = int64(size)
			}
			got, err := read(strings.NewReader(strings.Repeat("a", size)), length, capList)
			require.NoError(t, err)
			assert.Equal(t, size, len(got), "size %d known %v", size, known)
		}
	}
	// A lying Content-Length larger than the body, and one smaller.
	got, err := read(strings.NewReader("hello"), 60, 64)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(got))
	got, err = read(strings.NewReader("hello"), 2, 64)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(got))
	// An announced length above the cap is refused before reading.
	_, err = read(strings.NewReader("hello"), 65, 64)
	var tooLarge *BodyTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	// At the cap exactly, known or not; one byte more is refused.
	for _, length := range []int64{64, -1} {
		got, err = read(strings.NewReader(strings.Repeat("z", 64)), length, 64)
		require.NoError(t, err)
		assert.Len(t, got, 64)
		_, err = read(strings.NewReader(strings.Repeat("z", 65)), length, 64)
		require.ErrorAs(t, err, &tooLarge, "length %d", length)
	}
	// An error answer is cut at maxErrorBody, never refused.
	got = readErrorBody(strings.NewReader(strings.Repeat("e", maxErrorBody+10)), -1)
	assert.Len(t, got, maxErrorBody)
	got = readErrorBody(strings.NewReader(strings.Repeat("e", 10)), maxErrorBody+10)
	assert.Len(t, got, 10)
}

// TestAnswerMemoryFollowsBytesReceived: what a read allocates follows the
// bytes that arrived, never the length announced, and reading up to the cap
// costs about twice the cap at most. Not parallel, so that no other test
// allocates meanwhile.
func TestAnswerMemoryFollowsBytesReceived(t *testing.T) {
	allocated := func(f func()) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	// 256 MiB announced, 6 bytes sent.
	n := allocated(func() {
		b, err := (&answer{r: strings.NewReader(`"tiny"`), length: 256 << 20, limit: capList}).bytes()
		require.NoError(t, err)
		require.Len(t, b, 6)
	})
	assert.Less(t, n, uint64(1<<20), "allocated %d bytes for 6 received", n)

	// Up to the cap, length unknown: at most about twice the cap.
	const limit = 8 << 20
	body := bytes.Repeat([]byte("x"), limit)
	for _, length := range []int64{-1, limit} {
		n = allocated(func() {
			b, err := (&answer{r: bytes.NewReader(body), length: length, limit: limit}).bytes()
			require.NoError(t, err)
			require.Len(t, b, limit)
		})
		assert.LessOrEqual(t, n, uint64(2*limit+limit/4), "length %d: allocated %d bytes for a %d-byte cap", length, n, limit)
	}
	// Refusing an answer that goes on past the cap costs no more.
	n = allocated(func() {
		_, err := (&answer{r: io.LimitReader(zeros{}, 4*limit), length: -1, limit: limit}).bytes()
		var tooLarge *BodyTooLargeError
		require.ErrorAs(t, err, &tooLarge)
	})
	assert.LessOrEqual(t, n, uint64(2*limit+limit/4), "allocated %d bytes to refuse", n)
}

// zeros is an endless body.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestShouldRetry(t *testing.T) {
	t.Parallel()
	notSent := []error{
		&net.DNSError{Err: "no such host", Name: "vault.example.test", IsNotFound: true},
		&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("network is unreachable")},
		&net.OpError{Op: "proxyconnect", Net: "tcp", Err: errors.New("refused")},
		fmt.Errorf("wrapped: %w", syscall.ECONNREFUSED),
		tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"},
		tls.AlertError(40),
		errors.New("net/http: TLS handshake timeout"),
	}
	for _, err := range notSent {
		assert.True(t, shouldRetry(http.MethodPost, nil, err), "%v", err)
	}
	mayHaveBeenSent := []error{
		io.EOF,
		io.ErrUnexpectedEOF,
		&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		errors.New("http2: server sent GOAWAY"),
	}
	for _, err := range mayHaveBeenSent {
		assert.False(t, shouldRetry(http.MethodPost, nil, err), "POST %v", err)
		assert.False(t, shouldRetry(http.MethodPatch, nil, err), "PATCH %v", err)
		for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodHead, http.MethodOptions} {
			assert.True(t, shouldRetry(m, nil, err), "%s %v", m, err)
		}
	}
	permanentErrs := []error{
		x509.UnknownAuthorityError{},
		x509.HostnameError{Host: "x"},
		x509.CertificateInvalidError{Reason: x509.Expired},
		&tls.CertificateVerificationError{Err: errors.New("bad")},
	}
	for _, err := range permanentErrs {
		assert.False(t, shouldRetry(http.MethodGet, nil, fmt.Errorf("wrapped: %w", err)), "%v", err)
	}

	// Retry-After up to 30 s is waited for; above, the answer is returned.
	for ra, want := range map[string]bool{"30": true, "31": false, "0": true, "x": true} {
		got := shouldRetry(http.MethodGet, &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {ra}}}, nil)
		assert.Equal(t, want, got, "Retry-After %s", ra)
	}
	for _, code := range []int{200, 201, 204, 301, 400, 401, 404, 500} {
		assert.False(t, shouldRetry(http.MethodGet, &http.Response{StatusCode: code, Header: http.Header{}}, nil), code)
	}
}

func TestNewTransport(t *testing.T) {
	t.Parallel()
	tr := newTransport(nil, time.Minute)
	assert.GreaterOrEqual(t, tr.MaxIdleConnsPerHost, 64, "sized for many goroutines")
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.NotNil(t, tr.Proxy)
	assert.NotZero(t, tr.TLSHandshakeTimeout)
	// Idle connections are let go after a while (zero would keep them for
	// ever), and long enough to outlast the gap between two polls.
	assert.GreaterOrEqual(t, tr.IdleConnTimeout, 30*time.Second)
	assert.LessOrEqual(t, tr.IdleConnTimeout, 5*time.Minute)
	assert.Zero(t, tr.ResponseHeaderTimeout, "a timer per request: the idle read deadline bounds the wait instead")
	assert.True(t, tr.ForceAttemptHTTP2)

	tr = newTransport(&tls.Config{MinVersion: tls.VersionTLS13, ServerName: "x"}, 0)
	assert.Equal(t, uint16(tls.VersionTLS13), tr.TLSClientConfig.MinVersion)
	assert.Equal(t, "x", tr.TLSClientConfig.ServerName)

	// WithTLSConfig clones: raising the floor does not touch the caller's.
	mine := &tls.Config{MinVersion: tls.VersionTLS10}
	c, err := NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithTLSConfig(mine))
	require.NoError(t, err)
	assert.Equal(t, uint16(tls.VersionTLS10), mine.MinVersion)
	sdk := c.own
	assert.Equal(t, uint16(tls.VersionTLS12), sdk.TLSClientConfig.MinVersion)
	assert.NotSame(t, mine, sdk.TLSClientConfig)
}

// The SDK's own client returns a redirect as it is, so the session never
// follows it to another place.
func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	srv := httptest.NewServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs))
	require.NoError(t, err)
	_, resp, err := c.Requests.List(context.Background(), nil)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusFound, er.StatusCode)
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Zero(t, elsewhere.Load())
}

func TestRetryCountsWithRealServer(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		k := n.Add(1)
		assert.Equal(t, []string{"ASP.NET_SessionId=" + testSessionID}, r.Header.Values("Cookie"), "attempt %d", k)
		if k < 3 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, strconv.Quote("pw"))
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithRetries(3, time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	s, _, err := c.Requests.Credentials(context.Background(), 8, nil)
	require.NoError(t, err)
	assert.Equal(t, "pw", s.Value())
	assert.EqualValues(t, 3, n.Load())
}

func TestRetryDefaults(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testBase, WithAPIKey(testAPIKey, testRunAs))
	require.NoError(t, err)
	assert.Equal(t, 3, c.cfg.retryMax)
	assert.Equal(t, 100*time.Millisecond, c.cfg.retryWaitMin)
	assert.Equal(t, 2*time.Second, c.cfg.retryWaitMax)
	assert.Equal(t, 2*time.Minute, c.cfg.idleRead)

	c, err = NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithoutRetries())
	require.NoError(t, err)
	assert.Zero(t, c.cfg.retryMax)
	c, err = NewClient(testBase, WithAPIKey(testAPIKey, testRunAs), WithRetries(7, time.Second, time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 7, c.cfg.retryMax)
	assert.Equal(t, time.Second, c.cfg.retryWaitMin)
	assert.Equal(t, time.Minute, c.cfg.retryWaitMax)
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// An answer past its cap is never read further than one byte past it, so
// a body of any size costs at most the cap, however large the reader's
// buffer; and it is read this far also after earlier reads.
func TestAnswerReadsOneByteTooManyAtMost(t *testing.T) {
	t.Parallel()
	for _, first := range []int{0, 4} {
		src := &countingReader{r: strings.NewReader(strings.Repeat("x", 100))}
		a := &answer{r: src, length: -1, limit: 10}
		if first > 0 {
			n, err := a.Read(make([]byte, first))
			require.NoError(t, err)
			require.Equal(t, first, n)
		}
		_, err := a.Read(make([]byte, 64))
		var tooLarge *BodyTooLargeError
		require.ErrorAs(t, err, &tooLarge)
		assert.Equal(t, 11, src.n, "after a first read of %d", first)
		_, err = a.Read(make([]byte, 64))
		require.ErrorAs(t, err, &tooLarge)
		assert.Equal(t, 11, src.n, "nothing more is read once past the cap")
	}
}

// The transport learns the protocol from each answer: an answer over
// HTTP/2 after HTTP/1.1 ones puts the next attempts back under a watchdog.
func TestTransportLearnsTheProtocol(t *testing.T) {
	t.Parallel()
	h2 := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	h2.EnableHTTP2 = true
	h2.StartTLS()
	t.Cleanup(h2.Close)
	pool := x509.NewCertPool()
	pool.AddCert(h2.Certificate())
	tr := newTransport(&tls.Config{RootCAs: pool}, time.Minute)
	t.Cleanup(tr.CloseIdleConnections)
	get := func() *http.Response {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, h2.URL, nil)
		require.NoError(t, err)
		resp, err := tr.RoundTrip(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
		return resp
	}
	tr.h1.Store(true) // as if the answers so far came over HTTP/1.1
	assert.Equal(t, 2, get().ProtoMajor)
	assert.False(t, tr.h1.Load(), "an HTTP/2 answer: the next attempts are watched")
	assert.Equal(t, 2, get().ProtoMajor)
	assert.False(t, tr.h1.Load())
}

// The SDK's own transport reports a refused connection as such, so the
// call knows nothing was sent.
func TestOwnTransportReportsARefusedConnection(t *testing.T) {
	t.Parallel()
	c, err := NewClient("http://"+closedPort(t)+"/api", WithAPIKey(testAPIKey, testRunAs),
		WithRetries(1, time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	require.NotNil(t, c.own, "the SDK's transport is in use")
	_, err = c.SignIn(context.Background())
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
}
