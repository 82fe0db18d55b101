package passwordsafe

import (
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
)

const (
	defaultRetryMax     = 3
	defaultRetryWaitMin = 100 * time.Millisecond
	defaultRetryWaitMax = 2 * time.Second

	// maxRetryAfter is the longest Retry-After the client waits for; a longer
	// one ends the retries and the answer is returned.
	maxRetryAfter = 30 * time.Second
)

// shouldRetry is the retry policy. GET, PUT and DELETE (and HEAD, OPTIONS)
// are repeated on transport errors, 429, 502, 503 and 504. POST (and any
// other method) only on 429 and on errors that prove nothing reached the
// server. A Retry-After above 30 s stops the retries.
func shouldRetry(method string, resp *http.Response, err error) bool {
	idempotent := false
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		idempotent = true
	}
	if err != nil {
		if permanent(err) {
			return false
		}
		return idempotent || provablyNotSent(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if !idempotent {
			return false
		}
	default:
		return false
	}
	if d, ok := retryAfter(resp); ok && d > maxRetryAfter {
		return false
	}
	return true
}

// permanent reports errors that repeating cannot cure.
func permanent(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &certErr) || errors.As(err, &unknownCA) ||
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

// backoff waits as Retry-After asks (shouldRetry has refused anything above
// 30 s), or exponentially from the minimum to the maximum wait, with jitter.
// retry counts from 0.
func (c *Client) backoff(retry int, resp *http.Response) time.Duration {
	return backoff(c.cfg.retryWaitMin, c.cfg.retryWaitMax, retry, resp)
}

func backoff(minWait, maxWait time.Duration, retry int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp); ok {
			return d
		}
	}
	d := minWait
	for i := 0; i < retry && d < maxWait; i++ {
		d *= 2
	}
	if d > maxWait || d < 0 {
		d = maxWait
	}
	if half := d / 2; half > 0 {
		d = half + rand.N(half+1)
	}
	return max(d, minWait)
}

// retryAfter reads Retry-After as seconds or as an HTTP date.
func retryAfter(resp *http.Response) (time.Duration, bool) {
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
