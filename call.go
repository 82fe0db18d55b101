package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

// Response is the HTTP answer to a call. Its body has already been read and
// closed (Body is http.NoBody), so a Response never keeps a credential; the
// session cookie and the Authorization header are removed from it too.
type Response struct{ *http.Response }

// call describes one API call for send.
type call struct {
	method        string
	path          string // relative to the base URL, already escaped, no query
	query         string // encoded query, without '?'
	body          any    // JSON-encoded when non-nil
	form          string // an encoded form body, sent as is
	authorization string
	accept        string
	noAuth        bool     // sign-in plumbing: needs no session, never re-signs in
	limit         int64    // cap on a 2xx body; 0 means defaultBodyLimit
	secrets       []string // values to scrub from error messages
}

// result is a finished exchange: the answer and its whole body.
type result struct {
	resp    *http.Response
	body    []byte
	cookies []*http.Cookie // for noAuth calls: the answer's Set-Cookie, read before scrub removes it
}

// send makes the call: signs in first when there is no session, repeats the
// call once after a fresh sign-in when it answers 401, and turns an answer
// outside 2xx into an *ErrorResponse (returned together with the result).
func (c *Client) send(ctx context.Context, cl *call) (*result, error) {
	var payload []byte
	contentType := ""
	switch {
	case cl.body != nil:
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("passwordsafe: %s %s: encoding the request body: %w", cl.method, cl.path, err)
		}
		payload, contentType = b, "application/json"
	case cl.form != "":
		payload, contentType = []byte(cl.form), "application/x-www-form-urlencoded"
	}
	u := c.baseStr + cl.path
	if cl.query != "" {
		u += "?" + cl.query
	}
	for resigned := false; ; resigned = true {
		var gen uint64
		if !cl.noAuth {
			var err error
			if gen, err = c.session(ctx); err != nil {
				return nil, err
			}
		}
		res, err := c.attempt(ctx, cl, u, payload, contentType)
		if err != nil {
			return nil, err
		}
		code := res.resp.StatusCode
		if code == http.StatusUnauthorized && !cl.noAuth && !resigned {
			// The session expired on the server. A 401 proves the call was
			// refused, so repeating it (POST too) cannot duplicate anything.
			if _, err := c.renew(ctx, gen, false); err != nil {
				return nil, err
			}
			continue
		}
		if code < 200 || code > 299 {
			return res, c.errorResponse(cl, res)
		}
		return res, nil
	}
}

// attempt sends the call through the retrying client once (retries
// included) and returns the answer with its body read.
func (c *Client) attempt(ctx context.Context, cl *call, u string, payload []byte, contentType string) (*result, error) {
	// One allocation holds the context that carries the call's state to the
	// transport and the retry policy, that state, and the result.
	ac := &attemptCtx{Context: ctx, st: callState{method: cl.method, path: cl.path, limit: cl.limit}}
	ctx = ac
	var raw any
	if payload != nil {
		raw = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u, raw)
	if err != nil {
		return nil, fmt.Errorf("passwordsafe: %s %s: %w", cl.method, cl.path, err)
	}
	// The header values share one backing array, as http.Header.Clone does;
	// each is capped at its length, so an append copies.
	h := req.Header
	accept := cl.accept
	if accept == "" {
		accept = "application/json"
	}
	vals := append(make([]string, 0, 4), accept, c.userAgent)
	h["Accept"], h["User-Agent"] = vals[0:1:1], vals[1:2:2]
	if contentType != "" {
		vals = append(vals, contentType)
		h["Content-Type"] = vals[len(vals)-1:][:1:1]
	}
	if cl.authorization != "" {
		vals = append(vals, cl.authorization)
		h["Authorization"] = vals[len(vals)-1:][:1:1]
	}
	resp, err := c.rc.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, fmt.Errorf("passwordsafe: %s %s: %w", cl.method, cl.path, err)
	}
	var body []byte
	if bb, ok := resp.Body.(*bufferedBody); ok {
		body = bb.b
	} else if body, err = io.ReadAll(resp.Body); err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("passwordsafe: %s %s: reading the answer: %w", cl.method, cl.path, err)
	}
	resp.Body.Close()
	var cookies []*http.Cookie
	if cl.noAuth { // only the sign-in plumbing reads the cookies it was given
		cookies = resp.Cookies()
	}
	scrub(resp)
	ac.res = result{resp: resp, body: body, cookies: cookies}
	return &ac.res, nil
}

// attemptCtx is the context of one attempt: it answers callStateKey with
// its state and delegates everything else (deadline, cancellation, other
// values) to the caller's context, so net/http still links its own
// cancellation to the caller's without a goroutine.
type attemptCtx struct {
	context.Context
	st  callState
	res result
}

func (c *attemptCtx) Value(key any) any {
	if _, ok := key.(callStateKey); ok {
		return &c.st
	}
	return c.Context.Value(key)
}

// scrub removes what a Response must not keep: the body, the session cookie
// the server set, and the credentials on the request that produced it.
func scrub(resp *http.Response) {
	resp.Body = http.NoBody
	resp.Header.Del("Set-Cookie")
	if rq := resp.Request; rq != nil {
		// net/http may hand over the answer while its write loop still
		// reads the request (a server may answer before it has read it
		// all), so the request is only read here, never changed: the
		// Response gets a copy without the credentials and the body.
		clean := *rq
		clean.Header = make(http.Header, len(rq.Header))
		for k, v := range rq.Header {
			if k != "Authorization" && k != "Cookie" {
				clean.Header[k] = v
			}
		}
		clean.Body, clean.GetBody = nil, nil
		resp.Request = &clean
	}
}

func (c *Client) errorResponse(cl *call, res *result) *ErrorResponse {
	code, msg := parseErrorBody(res.body)
	return &ErrorResponse{
		Response:   res.resp,
		StatusCode: res.resp.StatusCode,
		Code:       code,
		Message:    c.redactKnown(msg, cl.secrets),
		method:     cl.method,
		path:       cl.path,
	}
}

// redactKnown replaces any of the client's credentials that a server message
// might echo back.
func (c *Client) redactKnown(s string, extra []string) string {
	if s == "" {
		return s
	}
	known := append([]string{c.cfg.apiKey, c.cfg.runAsPassword, c.cfg.oauthSecret}, c.auth.sessionSecrets()...)
	for _, v := range append(known, extra...) {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, redacted)
		}
	}
	return s
}

// do makes the call and JSON-decodes a non-empty 2xx body into out.
func (c *Client) do(ctx context.Context, cl *call, out any) (*Response, error) {
	res, err := c.send(ctx, cl)
	if res == nil {
		return nil, err
	}
	resp := &Response{res.resp}
	if err != nil {
		return resp, err
	}
	if out != nil && len(res.body) > 0 {
		if raw, ok := out.(*[]byte); ok {
			*raw = res.body
		} else {
			presizeList(out, res.body)
			if err := json.Unmarshal(res.body, out); err != nil {
				return resp, decodeError(cl.method, cl.path, err)
			}
		}
	}
	return resp, nil
}

// decodeWith makes the call and reads a 2xx answer with decode, for answers
// that are not plain JSON (a credential, a ticket or a file, a screen). A
// decode failure is a *DecodeError; the *Response is returned whenever an
// answer arrived.
func decodeWith[T any](ctx context.Context, c *Client, cl *call, decode func(*result) (T, error)) (T, *Response, error) {
	var zero T
	res, err := c.send(ctx, cl)
	if res == nil {
		return zero, nil, err
	}
	resp := &Response{res.resp}
	if err != nil {
		return zero, resp, err
	}
	v, err := decode(res)
	if err != nil {
		return zero, resp, decodeError(cl.method, cl.path, err)
	}
	return v, resp, nil
}

// presizeMinBody: below this, a list answer is decoded without presizing.
const presizeMinBody = 64 << 10

// presizeList gives the nil slice that a large JSON array of objects is about
// to be decoded into the capacity the array needs, estimated by counting the
// "},{" between its objects. encoding/json would otherwise grow the slice
// again and again, copying it each time and leaving the old copies as
// garbage: for 100,000 sessions that is as much heap again as the slice
// itself, held at the moment the heap peaks. The estimate may run high (an
// array of objects nested in an element counts too) but never gives the
// slice more bytes than the body has, whatever the body holds.
func presizeList(out any, body []byte) {
	if len(body) < presizeMinBody {
		return
	}
	p := reflect.ValueOf(out)
	if p.Kind() != reflect.Pointer || p.IsNil() {
		return
	}
	s := p.Elem()
	if s.Kind() != reflect.Slice || !s.IsNil() || s.Type().Elem().Size() == 0 {
		return
	}
	if b := bytes.TrimLeft(body, " \t\r\n"); len(b) == 0 || b[0] != '[' {
		return
	}
	n := min(bytes.Count(body, []byte("},{"))+1, len(body)/int(s.Type().Elem().Size()))
	s.Set(reflect.MakeSlice(s.Type(), 0, n))
}

func decodeError(method, path string, err error) error {
	return &DecodeError{Method: method, Path: path, Err: err}
}

// Do calls any endpoint, for those without a typed method (e.g. GET
// AccessLevels), with the same sign-in, retry and error handling as the
// typed methods.
//
// path is relative to the base URL (a leading "/" is dropped), used as given
// (escape it yourself) and may carry a query string; an absolute URL is
// refused so the session never travels to another host. body is
// JSON-encoded when non-nil. out is JSON-decoded when non-nil and the answer
// has a body; pass a *[]byte to get the raw body instead. Whenever an answer
// arrived the *Response is returned, also beside an *ErrorResponse.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (*Response, error) {
	m := strings.ToUpper(strings.TrimSpace(method))
	if m == "" || strings.ContainsFunc(m, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		return nil, invalid("method", "%q is not an HTTP method", method)
	}
	p, q, err := splitPath(path)
	if err != nil {
		return nil, err
	}
	return c.do(ctx, &call{method: m, path: p, query: q, body: body}, out)
}

// splitPath checks a caller's relative path and splits off its query.
func splitPath(path string) (p, q string, err error) {
	p = strings.TrimLeft(path, "/")
	if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }) {
		return "", "", invalid("path", "contains a space or control character")
	}
	u, perr := url.Parse(p)
	switch {
	case perr != nil:
		return "", "", invalid("path", "does not parse as a URL path")
	case u.Scheme != "" || u.Host != "" || u.User != nil:
		return "", "", invalid("path", "must be relative to the base URL, not an absolute URL")
	case u.Fragment != "":
		return "", "", invalid("path", "must not carry a fragment")
	}
	p, q, _ = strings.Cut(p, "?")
	return p, q, nil
}
