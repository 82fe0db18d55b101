package passwordsafe_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

const policyBase = "https://vault.example.test/api/"

// policyClient is a client on an httpmock transport whose sign-in works;
// answers for the calls are registered by the test.
func policyClient(t *testing.T, opts ...ps.Option) (*ps.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, policyBase+"Auth/SignAppin", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusOK, `{"UserId":7}`)
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId=p1; path=/")
		return resp, nil
	})
	base := []ps.Option{ps.WithAPIKey("policy-key-1", "tester"), ps.WithHTTPClient(&http.Client{Transport: mt}),
		ps.WithRetries(3, 0, time.Millisecond)}
	c, err := ps.NewClient(policyBase, append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// answers replies with the statuses in turn, the last one for ever.
func answers(statuses ...int) httpmock.Responder {
	var n atomic.Int32
	return func(*http.Request) (*http.Response, error) {
		i := min(int(n.Add(1))-1, len(statuses)-1)
		return httpmock.NewStringResponse(statuses[i], `[]`), nil
	}
}

// spyPolicy answers retry, and records what it was asked.
type spyPolicy struct {
	mu    sync.Mutex
	asked []int // the status asked about, -1 for an error
	retry bool
	err   error
}

func (p *spyPolicy) check(_ context.Context, resp *http.Response, err error) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.asked = append(p.asked, -1)
	} else {
		p.asked = append(p.asked, resp.StatusCode)
	}
	return p.retry, p.err
}

func (p *spyPolicy) calls() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.asked...)
}

func calls(mt *httpmock.MockTransport, key string) int { return mt.GetCallCountInfo()[key] }

// A policy of the user's own decides for GET: here a 500 is tried again,
// which the SDK's default policy does not do.
func TestRetryPolicyDecidesForGet(t *testing.T) {
	t.Parallel()
	retry500 := func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		return err == nil && resp.StatusCode == http.StatusInternalServerError, nil
	}
	c, mt := policyClient(t, ps.WithRetryPolicy(retry500))
	mt.RegisterResponder(http.MethodGet, policyBase+"Requests", answers(500, 500, 200))
	mt.RegisterResponder(http.MethodGet, policyBase+"Sessions", answers(503))
	_, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 3, calls(mt, "GET "+policyBase+"Requests"))
	// ...and a 503, which the default would try again, is not.
	_, _, err = c.Sessions.List(context.Background(), nil)
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 503, er.StatusCode)
	assert.Equal(t, 1, calls(mt, "GET "+policyBase+"Sessions"))

	// Without a policy of the user's, the default: 503 again, 500 never.
	d, dmt := policyClient(t)
	dmt.RegisterResponder(http.MethodGet, policyBase+"Requests", answers(500))
	dmt.RegisterResponder(http.MethodGet, policyBase+"Sessions", answers(503, 503, 200))
	_, _, err = d.Requests.List(context.Background(), nil)
	assert.ErrorAs(t, err, &er)
	assert.Equal(t, 1, calls(dmt, "GET "+policyBase+"Requests"))
	_, _, err = d.Sessions.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 3, calls(dmt, "GET "+policyBase+"Sessions"))
}

// Whatever the policy says, the SDK's rules hold: a POST that may have
// reached the server is never sent again, a 401 is answered by a new
// sign-in rather than a retry, a Retry-After above 30 s ends the attempts,
// and a 2xx is final. The policy's own error is not the call's.
func TestRetryPolicyCannotOverruleTheSDK(t *testing.T) {
	t.Parallel()
	always := &spyPolicy{retry: true, err: errors.New("policy: giving up")}
	c, mt := policyClient(t, ps.WithRetryPolicy(always.check))
	ctx := context.Background()

	mt.RegisterResponder(http.MethodPost, policyBase+"Requests", answers(503))
	_, _, err := c.Requests.Create(ctx, &ps.CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 5})
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 503, er.StatusCode)
	assert.NotContains(t, err.Error(), "policy: giving up")
	assert.Equal(t, 1, calls(mt, "POST "+policyBase+"Requests"), "a POST answered 503 may have acted")

	mt.RegisterResponder(http.MethodPut, policyBase+"Requests/4/Checkin", httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	mt.RegisterResponder(http.MethodPost, policyBase+"Sessions/5/Lock", httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	_, err = c.Sessions.Lock(ctx, 5)
	require.Error(t, err)
	assert.Equal(t, 1, calls(mt, "POST "+policyBase+"Sessions/5/Lock"), "a POST whose connection broke may have arrived")
	_, err = c.Requests.Checkin(ctx, 4, "")
	require.Error(t, err)
	assert.Equal(t, 4, calls(mt, "PUT "+policyBase+"Requests/4/Checkin"), "a PUT is the policy's to repeat")

	mt.RegisterResponder(http.MethodGet, policyBase+"Aliases", answers(401))
	_, _, err = c.Aliases.List(ctx, nil)
	assert.ErrorIs(t, err, ps.ErrUnauthorized)
	assert.Equal(t, 2, calls(mt, "GET "+policyBase+"Aliases"), "once, then once more after a new sign-in")

	mt.RegisterResponder(http.MethodGet, policyBase+"Nodes", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(429, `"later"`)
		resp.Header.Set("Retry-After", "31")
		return resp, nil
	})
	_, _, err = c.Sessions.Nodes(ctx, nil)
	assert.ErrorIs(t, err, ps.ErrRateLimited)
	assert.Equal(t, 1, calls(mt, "GET "+policyBase+"Nodes"))

	mt.RegisterResponder(http.MethodGet, policyBase+"Sessions", answers(200))
	_, _, err = c.Sessions.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, calls(mt, "GET "+policyBase+"Sessions"))

	// The policy was asked about the PUT's errors only: never about a
	// POST, a 401, a long Retry-After or a 2xx.
	assert.Equal(t, []int{-1, -1, -1, -1}, always.calls())
}

// A done context ends the attempts without asking the policy: the answer
// that arrived is returned.
func TestRetryPolicyNotAskedOnceContextDone(t *testing.T) {
	t.Parallel()
	spy := &spyPolicy{retry: true}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The context ends once the answer is in hand: httpmock races a
	// context cancelled inside a responder against the responder's answer,
	// so the cancel happens in a transport of the test's own, after it.
	mt := httpmock.NewMockTransport()
	cancelAfter := transportFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := mt.RoundTrip(r)
		if r.URL.Path == "/api/Requests" {
			cancel()
		}
		return resp, err
	})
	c, _ := policyClient(t, ps.WithRetryPolicy(spy.check), ps.WithHTTPClient(&http.Client{Transport: cancelAfter}))
	mt.RegisterResponder(http.MethodPost, policyBase+"Auth/SignAppin", httpmock.NewStringResponder(200, `{"UserId":7}`))
	mt.RegisterResponder(http.MethodGet, policyBase+"Requests", httpmock.NewStringResponder(503, ``))
	_, err := c.SignIn(context.Background())
	require.NoError(t, err)
	_, _, err = c.Requests.List(ctx, nil)
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 503, er.StatusCode)
	assert.Equal(t, 1, calls(mt, "GET "+policyBase+"Requests"))
	assert.Empty(t, spy.calls())
}

// A certificate error ends the attempts whatever the policy says.
func TestRetryPolicyCannotRetryCertificateErrors(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = nil
	srv.StartTLS()
	t.Cleanup(srv.Close)
	spy := &spyPolicy{retry: true}
	c, err := ps.NewClient(srv.URL+"/api", ps.WithAPIKey("k-cert-1", "u"), ps.WithRetryPolicy(spy.check),
		ps.WithRetries(3, 0, time.Millisecond))
	require.NoError(t, err)
	_, err = c.SignIn(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
	assert.EqualValues(t, 1, conns.Load())
	assert.Empty(t, spy.calls(), "POST Auth/SignAppin: the policy is not asked")
}

// WithBackoff decides the waits, given WithRetries' bounds and the retry
// number; a Retry-After on the answer wins without asking it.
func TestWithBackoff(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var asked [][3]time.Duration
	b := func(minWait, maxWait time.Duration, n int, resp *http.Response) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, [3]time.Duration{minWait, maxWait, time.Duration(n)})
		return 0
	}
	c, mt := policyClient(t, ps.WithBackoff(b), ps.WithRetries(2, 7*time.Millisecond, 9*time.Millisecond))
	mt.RegisterResponder(http.MethodGet, policyBase+"Requests", answers(502, 504, 200))
	_, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	mt.RegisterResponder(http.MethodGet, policyBase+"Sessions", func(req *http.Request) (*http.Response, error) {
		status := 429
		if mt.GetCallCountInfo()["GET "+policyBase+"Sessions"] > 1 {
			status = 200
		}
		resp := httpmock.NewStringResponse(status, `[]`)
		resp.Header.Set("Retry-After", "0")
		return resp, nil
	})
	_, _, err = c.Sessions.List(context.Background(), nil)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, [][3]time.Duration{{7 * time.Millisecond, 9 * time.Millisecond, 0}, {7 * time.Millisecond, 9 * time.Millisecond, 1}}, asked)
}

func TestRetryOptionsRefuseNil(t *testing.T) {
	t.Parallel()
	_, err := ps.NewClient(policyBase, ps.WithAPIKey("k", "u"), ps.WithRetryPolicy(nil))
	assert.ErrorContains(t, err, "WithRetryPolicy")
	_, err = ps.NewClient(policyBase, ps.WithAPIKey("k", "u"), ps.WithBackoff(nil))
	assert.ErrorContains(t, err, "WithBackoff")
}

// HashiCorp's own policies plug in as they are.
func TestRetryablehttpPoliciesPlugIn(t *testing.T) {
	t.Parallel()
	c, mt := policyClient(t, ps.WithRetryPolicy(retryablehttp.DefaultRetryPolicy), ps.WithBackoff(retryablehttp.LinearJitterBackoff))
	mt.RegisterResponder(http.MethodGet, policyBase+"Requests", answers(500, 200)) // HashiCorp's policy retries a 500
	_, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, calls(mt, "GET "+policyBase+"Requests"))
}

func TestDefaultRetryPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for status, want := range map[int]bool{200: false, 400: false, 401: false, 404: false, 409: false, 429: true,
		500: false, 501: false, 502: true, 503: true, 504: true} {
		got, err := ps.DefaultRetryPolicy(ctx, &http.Response{StatusCode: status}, nil)
		assert.NoError(t, err)
		assert.Equal(t, want, got, status)
	}
	got, _ := ps.DefaultRetryPolicy(ctx, nil, errors.New("connection reset by peer"))
	assert.True(t, got)
	done, cancel := context.WithCancel(ctx)
	cancel()
	got, err := ps.DefaultRetryPolicy(done, &http.Response{StatusCode: 503}, nil)
	assert.False(t, got)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	for n := range 8 {
		for range 50 {
			d := ps.DefaultBackoff(100*time.Millisecond, 2*time.Second, n, nil)
			hi := min(100*time.Millisecond<<n, 2*time.Second)
			assert.GreaterOrEqual(t, d, max(hi/2, 100*time.Millisecond), n)
			assert.LessOrEqual(t, d, hi, n)
		}
	}
	assert.Equal(t, time.Duration(0), ps.DefaultBackoff(0, 0, 5, nil))
}

// transportFunc is a RoundTripper written as a function.
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
