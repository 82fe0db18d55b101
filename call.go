package passwordsafe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
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
	cookies []*http.Cookie // the answer's Set-Cookie, read before scrub removes it
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
	ctx = context.WithValue(ctx, callStateKey{}, &callState{method: cl.method, path: cl.path, limit: cl.limit})
	var raw any
	if payload != nil {
		raw = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u, raw)
	if err != nil {
		return nil, fmt.Errorf("passwordsafe: %s %s: %w", cl.method, cl.path, err)
	}
	h := req.Header
	if cl.accept != "" {
		h["Accept"] = []string{cl.accept}
	} else {
		h["Accept"] = []string{"application/json"}
	}
	h["User-Agent"] = []string{c.userAgent}
	if contentType != "" {
		h["Content-Type"] = []string{contentType}
	}
	if cl.authorization != "" {
		h["Authorization"] = []string{cl.authorization}
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
	cookies := resp.Cookies()
	scrub(resp)
	return &result{resp: resp, body: body, cookies: cookies}, nil
}

// scrub removes what a Response must not keep: the body, the session cookie
// the server set, and the credentials on the request that produced it.
func scrub(resp *http.Response) {
	resp.Body = http.NoBody
	resp.Header.Del("Set-Cookie")
	if resp.Request != nil {
		rq := *resp.Request
		rq.Header.Del("Authorization")
		rq.Header.Del("Cookie")
		rq.Body, rq.GetBody = nil, nil
		resp.Request = &rq
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
	for _, v := range [...]string{c.cfg.apiKey, c.cfg.runAsPassword, c.cfg.oauthSecret} {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, redacted)
		}
	}
	for _, v := range append(c.auth.sessionSecrets(), extra...) {
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
		} else if err := json.Unmarshal(res.body, out); err != nil {
			return resp, decodeError(cl.method, cl.path, err)
		}
	}
	return resp, nil
}

func decodeError(method, path string, err error) error {
	return fmt.Errorf("passwordsafe: %s %s: decoding the answer: %w", method, path, err)
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

// errorsAs is errors.As with the target built in, for brevity in callers.
func asErrorResponse(err error) (*ErrorResponse, bool) {
	var er *ErrorResponse
	ok := errors.As(err, &er)
	return er, ok
}
