package passwordsafe

// What is tried again, and how long to wait. go-retryablehttp runs the
// attempts (request.go); the functions here are its CheckRetry and Backoff.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

const (
	defaultRetryMax     = 3
	defaultRetryWaitMin = 100 * time.Millisecond
	defaultRetryWaitMax = 2 * time.Second

	// maxRetryAfter is the longest Retry-After the client waits for; a longer
	// one ends the retries and the answer is returned.
	maxRetryAfter = 30 * time.Second
)

// newRetrier builds one attempt loop. The Client keeps two: one for the
// methods that may be repeated (GET, PUT, DELETE, HEAD, OPTIONS) and one for
// the others (POST), so the policy knows the method without it riding in a
// context. hc never follows a redirect and has no cookie jar.
func (c *Client) newRetrier(hc *http.Client, idempotent bool) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // the library's default logs to stderr
		RetryMax:     c.cfg.retryMax,
		RetryWaitMin: c.cfg.retryWaitMin,
		RetryWaitMax: c.cfg.retryWaitMax,
		CheckRetry:   c.checkRetry(idempotent),
		Backoff:      c.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// retrier returns the attempt loop for method.
func (c *Client) retrier(method string) *retryablehttp.Client {
	if idempotent(method) {
		return c.retryIdempotent
	}
	return c.retryOnce
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// checkRetry is a loop's CheckRetry: the SDK's rules, which no policy can
// overrule, then for GET, PUT and DELETE the policy of WithRetryPolicy
// (DefaultRetryPolicy without it).
//
//   - A done context ends the attempts.
//   - An answer that was read and must not be read again (too large, not
//     what the call expects, a list whose first rows were handed out) ends
//     them, and so do certificate errors.
//   - A 2xx or 3xx answer, and a 401 (a new sign-in cures it, request.go),
//     are never repeated; nor is an answer whose Retry-After is above 30 s.
//   - POST (and any method but GET, PUT, DELETE, HEAD and OPTIONS) is
//     repeated only on 429 and on errors that prove nothing reached the
//     server: a POST that may have arrived is never sent twice.
func (c *Client) checkRetry(idempotent bool) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		switch {
		case ctx.Err() != nil, err != nil && final(err):
			return false, nil
		case err == nil && (resp.StatusCode < 400 || resp.StatusCode == http.StatusUnauthorized):
			return false, nil
		case err == nil && retryAfterTooLong(resp):
			return false, nil
		case !idempotent:
			return (err == nil && resp.StatusCode == http.StatusTooManyRequests) || (err != nil && provablyNotSent(err)), nil
		}
		policy := c.cfg.retryPolicy
		if policy == nil {
			policy = DefaultRetryPolicy
		}
		// A policy's error is not the call's: the call's error is the
		// answer's (*ErrorResponse) or the transport's.
		retry, _ := policy(ctx, resp, err)
		return retry, nil
	}
}

// DefaultRetryPolicy is the SDK's policy for GET, PUT and DELETE, as a
// retryablehttp.CheckRetry: transport errors are tried again (but for those
// go-retryablehttp knows repeating cannot cure: certificates, redirect
// loops, bad schemes and headers), and so are 429, 502, 503 and 504. A 500
// is not: the server may have acted and failed after. Use it to build a
// policy of your own for WithRetryPolicy.
func DefaultRetryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	}
	return false, nil
}

// backoff is the loops' Backoff: Retry-After when the answer has one (the
// policy has refused those above 30 s), otherwise WithBackoff's function,
// or DefaultBackoff.
func (c *Client) backoff(minWait, maxWait time.Duration, n int, resp *http.Response) time.Duration {
	if d, ok := retryAfter(resp); ok {
		return d
	}
	if c.cfg.backoff != nil {
		return c.cfg.backoff(minWait, maxWait, n, resp)
	}
	return DefaultBackoff(minWait, maxWait, n, resp)
}

// DefaultBackoff is the SDK's wait before retry n (from 0), as a
// retryablehttp.Backoff: go-retryablehttp's exponential backoff from
// minWait, capped at maxWait, with jitter (a random wait between half and
// all of it, never below minWait) so that many clients refused at once do
// not come back at once. Retry-After is read by the client before any
// Backoff is asked.
func DefaultBackoff(minWait, maxWait time.Duration, n int, _ *http.Response) time.Duration {
	d := retryablehttp.DefaultBackoff(minWait, maxWait, n, nil)
	if half := d / 2; half > 0 {
		d = half + rand.N(half+1)
	}
	return max(d, minWait)
}

// finalError marks an error of an answer that was read and must not be read
// again whatever the policy says: too large, not what the call expects, or
// a list whose first rows already reached the caller. It ends the attempts
// before any policy sees it, and the call returns the error it holds.
type finalError struct{ err error }

func (e *finalError) Error() string { return e.err.Error() }

// final reports an error that ends the attempts whatever the policy: an
// answer read in part or not as expected (finalError), or a certificate
// error, which repeating cannot cure.
func final(err error) bool {
	var fin *finalError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &fin) || errors.As(err, &certErr) || errors.As(err, &unknownCA) ||
		errors.As(err, &hostErr) || errors.As(err, &invalid)
}

// provablyNotSent reports errors that happen before any byte of the request
// can have reached the server: name resolution, dialling (refused,
// unreachable), the proxy's CONNECT, and the TLS handshake.
func provablyNotSent(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) || errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect") {
		return true
	}
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	if errors.As(err, &recErr) || errors.As(err, &alert) {
		return true
	}
	return strings.Contains(err.Error(), "TLS handshake timeout")
}

func retryAfterTooLong(resp *http.Response) bool {
	d, ok := retryAfter(resp)
	return ok && d > maxRetryAfter
}

// retryAfter reads Retry-After as seconds or as an HTTP date. It is read
// here rather than by go-retryablehttp, whose reader is unexported, reads
// it on 429 and 503 only, takes only one of the three date forms, and
// overflows on a large number of seconds (a wait the client would take for
// a short one).
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(time.Hour/time.Second) {
			return time.Hour, true
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}
