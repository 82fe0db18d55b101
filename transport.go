package passwordsafe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

const (
	// defaultBodyLimit caps a successful answer. The largest real answer,
	// GET Sessions with 100,000 sessions, is about 50 MiB.
	defaultBodyLimit = 256 << 20
	// maxRetryAfter is the longest Retry-After the client waits for; a longer
	// one ends the retries and the answer is returned.
	maxRetryAfter = 30 * time.Second
)

// callState travels in the request context through retryablehttp to the
// transport and the retry policy, which are not handed the call otherwise.
type callState struct {
	method   string
	path     string // the API path, without the query, for logs and errors
	limit    int64  // cap on a 2xx body; 0 means defaultBodyLimit
	attempts int

	// body holds the answer of the latest attempt. Attempts run one after
	// another, and retryablehttp drains an answer before the next attempt,
	// so one per call is enough.
	body bufferedBody
}

type callStateKey struct{}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// newTransport is the SDK's own pooled transport: sized so many goroutines
// reuse connections, proxy from the environment, TLS 1.2 at least, and
// timeouts on dial, handshake and response headers so that no call hangs
// forever even without a context deadline.
func newTransport(tc *tls.Config) *http.Transport {
	if tc == nil {
		tc = &tls.Config{}
	}
	if tc.MinVersion < tls.VersionTLS12 {
		tc.MinVersion = tls.VersionTLS12
	}
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       tc,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		ExpectContinueTimeout: time.Second,
	}
}

// sdkTransport wraps the transport that sends each attempt. It reads the
// whole answer inside the attempt, so that an answer that breaks off is a
// transport error the retry policy sees (a GET is repeated), caps the read,
// and writes the per-attempt debug record.
//
// With WithHTTPClient it sends through the caller's client's Transport as
// it is at each attempt (read, never changed), so a transport swapped in
// after NewClient (httpmock.ActivateNonDefault, say) is used, and a nil one
// means http.DefaultTransport at that moment.
type sdkTransport struct {
	next   http.RoundTripper // the SDK's own transport, when src is nil
	src    *http.Client      // the caller's client, with WithHTTPClient
	logger *slog.Logger
}

func (t *sdkTransport) base() http.RoundTripper {
	if t.src == nil {
		return t.next
	}
	if rt := t.src.Transport; rt != nil {
		return rt
	}
	return http.DefaultTransport
}

// CloseIdleConnections closes the idle connections of the transport below,
// for http.Client.CloseIdleConnections (which reaches only a transport that
// has this method).
func (t *sdkTransport) CloseIdleConnections() {
	if ci, ok := t.base().(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func (t *sdkTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := stateOf(req.Context())
	start := time.Now()
	resp, err := t.base().RoundTrip(req)
	if err == nil {
		limit := int64(defaultBodyLimit)
		if st != nil && st.limit > 0 {
			limit = st.limit
		}
		dst := (*bufferedBody)(nil)
		if st != nil {
			dst = &st.body
		}
		err = bufferBody(resp, limit, dst)
		if err != nil {
			resp = nil
		}
	}
	if st != nil {
		st.attempts++
		if t.logger != nil {
			t.log(req.Context(), st, resp, err, time.Since(start))
		}
	}
	return resp, err
}

func (t *sdkTransport) log(ctx context.Context, st *callState, resp *http.Response, err error, d time.Duration) {
	if !t.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	attrs := []slog.Attr{
		slog.String("method", st.method),
		slog.String("path", st.path),
		slog.Int("status", status),
		slog.Int("attempt", st.attempts),
		slog.Duration("duration", d),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "passwordsafe: http attempt", attrs...)
}

// bufferedBody is an answer read whole. The SDK takes its bytes without a copy.
type bufferedBody struct {
	b   []byte
	off int
}

func (b *bufferedBody) Read(p []byte) (int, error) {
	if b.off >= len(b.b) {
		return 0, io.EOF
	}
	n := copy(p, b.b[b.off:])
	b.off += n
	return n, nil
}

func (b *bufferedBody) Close() error { return nil }

// BodyTooLargeError reports a successful answer larger than the SDK accepts
// for that call (16 MiB for a session file, 256 MiB otherwise). The call is
// not repeated.
type BodyTooLargeError struct{ Limit int64 }

func (e *BodyTooLargeError) Error() string {
	return "passwordsafe: the answer is larger than " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

// bufferBody reads resp.Body whole (a 2xx answer up to limit, an error
// answer up to maxErrorBody, the rest dropped) and replaces it with dst, or
// with a new buffered body when dst is nil.
func bufferBody(resp *http.Response, limit int64, dst *bufferedBody) error {
	body := resp.Body
	if body == nil || body == http.NoBody {
		resp.Body = http.NoBody
		return nil
	}
	defer body.Close()
	isErr := resp.StatusCode < 200 || resp.StatusCode > 299
	if isErr {
		limit = maxErrorBody
	}
	size := int64(512)
	if resp.ContentLength > 0 {
		size = min(resp.ContentLength, limit) + 1
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := int64(cap(buf) - len(buf))
		if over := int64(len(buf)) + room - (limit + 1); over > 0 {
			room -= over
		}
		n, err := body.Read(buf[len(buf) : len(buf)+int(room)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			if isErr {
				buf = buf[:limit]
				break // the rest of an error page is of no use
			}
			return &BodyTooLargeError{Limit: limit}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if dst == nil {
		dst = new(bufferedBody)
	}
	*dst = bufferedBody{b: buf}
	resp.Body = dst
	return nil
}

func newRetryClient(hc *http.Client, cfg *clientConfig) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // its default logs to stderr
		RetryWaitMin: cfg.retryWaitMin,
		RetryWaitMax: cfg.retryWaitMax,
		RetryMax:     cfg.retryMax,
		CheckRetry:   checkRetry,
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		// http.Client adds the jar's cookies to the request's header on
		// every attempt, and retryablehttp sends the same header map again:
		// without this a retry would carry the session cookie twice.
		PrepareRetry: func(req *http.Request) error {
			req.Header.Del("Cookie")
			return nil
		},
	}
}

// checkRetry is the retry policy. GET, PUT and DELETE are repeated on
// transport errors, 429, 502, 503 and 504. POST (and any other method) only
// on 429 and on errors that prove nothing reached the server. A Retry-After
// above 30 s stops the retries.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if cerr := ctx.Err(); cerr != nil {
		return false, cerr
	}
	idempotent := true
	if st := stateOf(ctx); st != nil {
		switch st.method {
		case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		default:
			idempotent = false
		}
	}
	if err != nil {
		if permanent(err) {
			return false, nil
		}
		return idempotent || provablyNotSent(err), nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if !idempotent {
			return false, nil
		}
	default:
		return false, nil
	}
	if d, ok := retryAfter(resp); ok && d > maxRetryAfter {
		return false, nil
	}
	return true, nil
}

// permanent reports errors that repeating cannot cure.
func permanent(err error) bool {
	var tooLarge *BodyTooLargeError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &tooLarge) || errors.As(err, &certErr) || errors.As(err, &unknownCA) ||
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

// backoff waits as Retry-After asks (checkRetry has refused anything above
// 30 s), or exponentially from min to max with jitter.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp); ok {
			return d
		}
	}
	d := minWait
	for i := 0; i < attempt && d < maxWait; i++ {
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
