package passwordsafe

// The one path every call takes, read top to bottom:
//
//  1. build:   a request names the call (method, path, query, body, cap);
//  2. sign in: the session's cookie, signing in first when there is none;
//  3. send:    attempt after attempt under the retry policy (retry.go);
//  4. read:    the answer under the call's cap: a 2xx body goes to the
//     call's reader inside the attempt (so a GET whose body breaks off is
//     tried again), any other body is kept, up to 1 MiB, for the error;
//  5. finish:  a clean *Response, and an *ErrorResponse outside 2xx.
//
// A 401 on the session the call was sent with signs in again, once, and
// goes back to step 3. No state travels in a context, and nothing returned
// points back at what was sent.

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Answer caps: how much of a successful answer a call reads. Each call
// reads what its answer can hold, so a hostile or broken server cannot make
// a single-object call hold a list's worth of memory.
const (
	capObject = 1 << 20   // one JSON object, string or number
	capFile   = 16 << 20  // a session file or a replay snapshot
	capList   = 256 << 20 // a list: GET Sessions with 100,000 rows is about 50 MiB

	// maxErrorBody caps how much of an error answer is read.
	maxErrorBody = 1 << 20

	// trustedLength: a Content-Length up to this is allocated at once; a
	// larger one is only believed as the bytes arrive.
	trustedLength = 64 << 10
)

// Response is the HTTP answer to a call. Its body has already been read and
// closed (Body is http.NoBody), so a Response never keeps a credential or
// the answer's bytes. Its Request names what was sent (method, URL, host)
// and nothing more: no headers (they carried the session cookie or the
// Authorization), no body, no context.
type Response struct{ *http.Response }

// request is one API call as a service method describes it.
type request struct {
	method  string
	path    string // relative to the base URL, escaped, without the query
	query   string // encoded, without '?'
	body    any    // JSON-encoded when non-nil
	form    string // an encoded form body, sent as is (the OAuth token call)
	accept  string // "" means application/json
	limit   int64  // cap on a 2xx answer; 0 means capObject
	secrets []string

	// A body sent as is (a multipart upload), of type contentType.
	payload     []byte
	contentType string

	// Sign-in plumbing.
	authorization string   // the Authorization header
	noSession     bool     // needs no session and never signs in again
	sess          *session // send with this session, never sign in (sign-out)
	noVersion     bool     // leave out ?version= (the OAuth token call)

	// seen, when set, is shown every answer's headers before they are
	// cleaned (sign-in reads the cookies it sets, also on a 401).
	seen func(http.Header)
}

func get(path, query string) *request {
	return &request{method: http.MethodGet, path: path, query: query}
}

// reader consumes the body of a 2xx answer. It runs inside the attempt.
type reader func(h http.Header, body *answer) error

// do makes the call: steps 1 to 5 above. read may be nil when the answer's
// body is of no use.
func (c *Client) do(ctx context.Context, r *request, read reader) (*Response, error) {
	return c.call(ctx, r, read, nil)
}

// doJSON makes the call and decodes a 2xx JSON answer into out, a pointer;
// an empty body leaves it as it is.
func (c *Client) doJSON(ctx context.Context, r *request, out any) (*Response, error) {
	return c.call(ctx, r, nil, out)
}

// call is do and doJSON: an answer goes to read, or is decoded into out
// (without a closure per call), or is discarded.
func (c *Client) call(ctx context.Context, r *request, read reader, out any) (*Response, error) {
	payload, contentType, err := r.encode()
	if err != nil {
		return nil, err
	}
	x := &exchange{c: c, r: *r, read: read, out: out, url: c.url(r), payload: payload, contentType: contentType}
	x.req.SetResponseHandler(x.readAnswer)
	for resigned := false; ; resigned = true {
		sess := r.sess
		if sess == nil && !r.noSession {
			if sess, err = c.session(ctx); err != nil {
				return nil, err
			}
		}
		resp, err := x.send(ctx, sess)
		if resp == nil {
			return nil, err
		}
		out := &Response{resp}
		if err != nil {
			return out, err
		}
		code := resp.StatusCode
		if code == http.StatusUnauthorized && r.sess == nil && !r.noSession && !resigned {
			// The session expired on the server. A 401 proves the call was
			// refused, so repeating it (a POST too) duplicates nothing.
			if _, err := c.renew(ctx, sess); err != nil {
				return nil, err
			}
			continue
		}
		if code < 200 || code > 299 {
			return out, c.errorResponse(r, resp, x.errBody)
		}
		return out, nil
	}
}

// encode returns the request body and its content type.
func (r *request) encode() ([]byte, string, error) {
	switch {
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, "", fmt.Errorf("passwordsafe: %s %s: encoding the request body: %w", r.method, r.path, err)
		}
		return b, "application/json", nil
	case r.form != "":
		return []byte(r.form), "application/x-www-form-urlencoded", nil
	case r.payload != nil:
		return r.payload, r.contentType, nil
	}
	return nil, "", nil
}

// url resolves the request against the base URL. The path is already
// escaped; Path holds it unescaped and RawPath escaped only when the two
// differ, as url.Parse would leave them.
func (c *Client) url(r *request) *url.URL {
	u := &url.URL{Scheme: c.base.Scheme, Host: c.base.Host, RawQuery: r.query}
	full := c.basePath + r.path
	if strings.IndexByte(full, '%') < 0 {
		u.Path = full
	} else if p, err := url.PathUnescape(full); err == nil {
		u.Path, u.RawPath = p, full
	} else {
		u.Path = full
	}
	if c.cfg.apiVersion != "" && !r.noVersion {
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += "version=" + c.cfg.apiVersion
	}
	return u
}

// exchange is one call as the attempt loop runs it: what is sent, what
// reads each answer, and the last answer read.
type exchange struct {
	c           *Client
	r           request // a copy: the caller's stays on its stack
	read        reader
	out         any // with read nil: decode a 2xx JSON answer into out
	url         *url.URL
	payload     []byte
	contentType string

	req     retryablehttp.Request // its Request is the attempt being sent
	body    answer                // the body of the answer being read
	resp    *http.Response        // the last answer read
	errBody []byte                // its body, up to 1 MiB, when outside 2xx
	attempt int                   // for the log
}

// send runs the attempts with the session sess: go-retryablehttp's loop,
// under the policy for the method (retry.go), reading each answer the loop
// keeps inside its attempt (readAnswer). It returns the last answer (with
// the body of an error answer in x.errBody), or the error that ended the
// attempts.
func (x *exchange) send(ctx context.Context, sess *session) (*http.Response, error) {
	r := &x.r
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("passwordsafe: %s %s: %w", r.method, r.path, err)
	}
	x.req.Request = x.c.newRequest(ctx, r, x.url, x.contentType, sess)
	if x.payload != nil {
		_ = x.req.SetBody(x.payload) // a []byte is always accepted
	}
	x.resp, x.errBody, x.attempt = nil, nil, 0
	loop := x.c.retrier(r.method)
	if x.c.cfg.logger != nil {
		loop = x.logged()
	}
	resp, err := loop.Do(&x.req)
	if resp != nil && resp != x.resp {
		// The loop stopped on an answer it would have tried again (a 503
		// on the last attempt) and hands it back unread.
		if rerr := x.readAnswer(resp); err == nil {
			err = rerr
		}
	}
	if err == nil {
		return resp, nil
	}
	var fin *finalError
	if errors.As(err, &fin) {
		err = fin.err
	}
	var decodeErr *DecodeError
	var tooLarge *BodyTooLargeError
	switch {
	case errors.As(err, &decodeErr):
		return resp, err
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("passwordsafe: %s %s: %w", r.method, r.path, err)
	}
	return nil, x.c.transportError(ctx, r, err)
}

// readAnswer reads an answer inside its attempt: a 2xx body goes to the
// call's reader, any other body is kept for the error. An answer that broke
// off is an error the policy may try again (a GET), unless part of it
// reached the caller; one too large or not what the call expects is final.
func (x *exchange) readAnswer(resp *http.Response) error {
	defer resp.Body.Close()
	r := &x.r
	x.resp, x.errBody = resp, nil
	if r.seen != nil {
		r.seen(resp.Header)
	}
	x.body = answer{r: resp.Body, length: resp.ContentLength, limit: r.limit}
	body := &x.body
	if body.limit == 0 {
		body.limit = capObject
	}
	var err error
	switch code := resp.StatusCode; {
	case code < 200 || code > 299:
		x.errBody = readErrorBody(resp.Body, resp.ContentLength)
	case x.read != nil:
		err = x.read(resp.Header, body)
	case x.out != nil:
		err = decodeJSON(body, x.out)
	default:
		_, err = io.Copy(io.Discard, body)
	}
	if err != nil {
		err = x.classify(err)
	}
	x.c.clean(resp, x.req.Request, r.secrets)
	return err
}

// classify tells the attempt loop what an error reading a 2xx answer means:
// a body that broke off is lost like a dropped connection (a GET may be
// tried again, unless part of it reached the caller); an answer too large
// or not what the call expects is final.
func (x *exchange) classify(err error) error {
	r := &x.r
	var tooLarge *BodyTooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return &finalError{err}
	case x.body.readErr != nil:
		err = &url.Error{Op: r.method[:1] + strings.ToLower(r.method[1:]), URL: x.url.String(), Err: x.body.readErr}
		if x.body.handedOut {
			return &finalError{err}
		}
		return err
	}
	return &finalError{&DecodeError{Method: r.method, Path: r.path, Err: err}}
}

// logged returns a loop like the method's, whose attempts are logged: one
// Debug record each (method, path, status, attempt, duration). Only a
// client WithLogger builds it, once per call.
func (x *exchange) logged() *retryablehttp.Client {
	c := x.c
	hc := *c.hc
	hc.Transport = roundTripFunc(func(req *http.Request) (*http.Response, error) {
		x.attempt++
		start := time.Now()
		resp, err := c.hc.Transport.RoundTrip(req)
		c.logAttempt(req.Context(), &x.r, resp, err, x.attempt, time.Since(start))
		return resp, err
	})
	return c.newRetrier(&hc, idempotent(x.r.method))
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// newRequest builds the call's request. Header values are shared slices
// that nothing changes; the session cookie and the Authorization header are
// only ever on this request, never on what the caller gets.
func (c *Client) newRequest(ctx context.Context, r *request, u *url.URL, contentType string, sess *session) *http.Request {
	h := make(http.Header, 5)
	h["Accept"] = c.acceptJSON
	if r.accept != "" {
		h["Accept"] = []string{r.accept}
	}
	h["User-Agent"] = c.userAgent
	if contentType != "" {
		h["Content-Type"] = []string{contentType}
	}
	if sess != nil {
		if ck := sess.cookieHeader(u); ck != nil {
			h["Cookie"] = ck
		}
	}
	if r.authorization != "" {
		h["Authorization"] = []string{r.authorization}
	}
	req := &http.Request{
		Method: r.method, URL: u, Header: h, Host: u.Host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}
	return req.WithContext(ctx)
}

// clean makes the answer safe to return: no body, no Set-Cookie, no header
// value that echoes a credential, and in place of the request that was sent
// its method and URL alone: no headers, body or context. The request sent
// is only read here, never changed: net/http may still be writing it.
func (c *Client) clean(resp *http.Response, sent *http.Request, secrets []string) {
	resp.Body = http.NoBody
	delete(resp.Header, "Set-Cookie")
	var buf [8]string
	known := c.appendKnownSecrets(buf[:0]) // once per answer, not once per header value
	for _, vs := range resp.Header {
		for i, v := range vs {
			vs[i] = redactAll(v, known, secrets)
		}
	}
	resp.Request = &http.Request{
		Method: sent.Method, URL: sent.URL, Host: sent.Host, // the URL is the call's own, never changed
		Proto: sent.Proto, ProtoMajor: sent.ProtoMajor, ProtoMinor: sent.ProtoMinor,
	}
}

// transportError wraps an error that ended the attempts without an answer
// (net/http reports it as a *url.Error). The context's error is named when
// it is what ended it, so that errors.Is(err, context.Canceled) holds.
func (c *Client) transportError(ctx context.Context, r *request, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w (%w)", cerr, err)
	}
	return fmt.Errorf("passwordsafe: %s %s: %w%s", r.method, r.path, err, c.transportHint(err))
}

// transportHint says what to do about a transport error that a new user
// meets, or nothing.
func (c *Client) transportHint(err error) string {
	var rec tls.RecordHeaderError
	plain := errors.As(err, &rec) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
	if c.base.Scheme == "https" && plain {
		return " (the server at " + c.base.Host + " answers in plain HTTP, not TLS: give the base URL as http://" +
			c.base.Host + c.base.Path + ", with WithAllowHTTP unless the host is loopback)"
	}
	return ""
}

func (c *Client) errorResponse(r *request, resp *http.Response, body []byte) *ErrorResponse {
	code, msg := parseErrorBody(body)
	er := &ErrorResponse{
		Response:   resp,
		StatusCode: resp.StatusCode,
		Code:       code,
		Message:    c.redactKnown(msg, r.secrets),
		method:     r.method,
		path:       r.path,
	}
	if resp.StatusCode == http.StatusGone && c.cfg.apiVersion != "" {
		er.versionGone = c.cfg.apiVersion
	}
	if resp.StatusCode == http.StatusUnauthorized && !er.mfaPrompt() {
		er.hint = c.signInHint(r.path)
	}
	return er
}

// signInHint says where to look when the server refuses to sign in: it
// answers the same 401 for a wrong key, an unknown run-as user and a
// missing run-as password, so the message names the three and where each
// is set.
func (c *Client) signInHint(path string) string {
	switch {
	case path == pathToken:
		return "the server refused the OAuth client: check the client ID and secret of the API registration " +
			"(WithOAuthClientCredentials, or PS_OAUTH_CLIENT_ID and PS_OAUTH_CLIENT_SECRET)"
	case path != pathSignIn:
		return ""
	case c.cfg.hasOAuth:
		return "the server refused the OAuth token: check that the API registration of the client allows this host's address"
	case c.cfg.bearer != nil:
		return "the server refused the bearer token (WithBearerToken)"
	}
	return "the server refused the sign-in and does not say why; check " +
		"(1) the API key (WithAPIKey, or PS_API_KEY): it must be an API registration's key, and the registration must allow this host's address; " +
		"(2) the run-as user (WithAPIKey's runAs, or PS_RUNAS): it must exist and be in a group that has the API registration; " +
		"(3) the run-as password (WithRunAsPassword, or PS_RUNAS_PASSWORD), when the registration requires one"
}

// redactKnown replaces every credential the client holds, and the call's own
// secrets, wherever a server echoed one back. Values shorter than four
// characters are left alone: replacing them would garble any message.
func (c *Client) redactKnown(s string, extra []string) string {
	if s == "" {
		return s
	}
	var buf [8]string
	return redactAll(s, c.appendKnownSecrets(buf[:0]), extra)
}

func redactAll(s string, known, extra []string) string {
	for _, v := range known {
		s = redactValue(s, v)
	}
	for _, v := range extra {
		s = redactValue(s, v)
	}
	return s
}

func redactValue(s, v string) string {
	if len(v) >= 4 && strings.Contains(s, v) {
		return strings.ReplaceAll(s, v, redacted)
	}
	return s
}

func (c *Client) logAttempt(ctx context.Context, r *request, resp *http.Response, err error, attempt int, d time.Duration) {
	l := c.cfg.logger
	if !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	attrs := []slog.Attr{
		slog.String("method", r.method),
		slog.String("path", r.path),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		slog.Duration("duration", d),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.redactKnown(err.Error(), r.secrets)))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "passwordsafe: http attempt", attrs...)
}

// answer is the body of a 2xx answer as a reader sees it: reads stop with a
// *BodyTooLargeError past the call's cap, and the first transport error is
// kept, so a body that broke off is told apart from one that is not what
// the call expects.
type answer struct {
	r         io.Reader
	n         int64 // bytes read so far
	length    int64 // Content-Length, -1 when unknown
	limit     int64
	readErr   error
	handedOut bool // part of the answer reached the caller: never repeat the call
}

func (a *answer) Read(p []byte) (int, error) {
	if a.n > a.limit {
		return 0, &BodyTooLargeError{Limit: a.limit}
	}
	if room := a.limit + 1 - a.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := a.r.Read(p)
	a.n += int64(n)
	if a.n > a.limit {
		return n, &BodyTooLargeError{Limit: a.limit}
	}
	if err != nil && err != io.EOF && a.readErr == nil {
		a.readErr = err
	}
	return n, err
}

// bytes reads the whole answer. Memory follows the bytes received, not the
// Content-Length announced: the buffer starts at the announced length only
// when that is small, and otherwise doubles as bytes arrive, so reading up
// to the cap costs at most about twice the cap.
func (a *answer) bytes() ([]byte, error) {
	if a.length > a.limit {
		return nil, &BodyTooLargeError{Limit: a.limit}
	}
	size := int64(512)
	if a.length >= 0 && a.length < trustedLength {
		size = a.length + 1 // +1: EOF arrives without growing the buffer
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			next := 2 * int64(cap(buf))
			if next >= a.limit {
				next = a.limit + 1 // room to see one byte too many, and no more
			}
			if a.length >= 0 && int64(cap(buf)) <= a.length {
				next = min(next, a.length+1)
			}
			grown := make([]byte, len(buf), next)
			copy(grown, buf)
			buf = grown
		}
		n, err := a.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// readErrorBody reads up to maxErrorBody of an error answer; the rest is of
// no use, and a body that breaks off keeps what arrived.
func readErrorBody(body io.Reader, length int64) []byte {
	a := &answer{r: io.LimitReader(body, maxErrorBody), length: length, limit: maxErrorBody}
	if length > maxErrorBody {
		a.length = -1
	}
	b, _ := a.bytes()
	if b == nil && a.readErr == nil {
		return nil
	}
	return b
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
