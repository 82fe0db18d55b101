package passwordsafetest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// epoch is the fixed start of the fake clock in these tests.
var epoch = time.Date(2026, 11, 23, 4, 39, 10, 530000000, time.UTC)

// fixture is a fake with its clock stopped at epoch, called over raw HTTP.
type fixture struct {
	t    *testing.T
	srv  *passwordsafetest.Server
	base string
}

func newFixture(t *testing.T, opts ...passwordsafetest.ServerOption) *fixture {
	t.Helper()
	srv := passwordsafetest.NewServer(t, append([]passwordsafetest.ServerOption{passwordsafetest.WithTime(epoch)}, opts...)...)
	return &fixture{t: t, srv: srv, base: srv.URL()}
}

// sessions returns the sessions the test made or seeded: the fake's, less
// the default seed's live session (LiveSessionID).
func (f *fixture) sessions() []passwordsafetest.SessionInfo {
	var out []passwordsafetest.SessionInfo
	for _, s := range f.srv.Sessions() {
		if s.SessionID != passwordsafetest.LiveSessionID {
			out = append(out, s)
		}
	}
	return out
}

// client is one API user with its own cookie jar.
type client struct {
	t    *testing.T
	f    *fixture
	hc   *http.Client
	user string
}

// anon returns a client that has not signed in.
func (f *fixture) anon() *client {
	jar, _ := cookiejar.New(nil)
	hc := f.srv.HTTPClient()
	hc.Jar = jar
	return &client{t: f.t, f: f, hc: hc}
}

// as returns a client signed in as user with the default API key.
func (f *fixture) as(user string) *client {
	f.t.Helper()
	c := f.anon()
	c.user = user
	h := "PS-Auth key=" + f.srv.APIKey() + "; runas=" + user + ";"
	if u, ok := f.srv.User(user); ok && u.RunAsPassword != "" {
		h += " pwd=[" + u.RunAsPassword + "];"
	}
	c.signIn(h).wantStatus(http.StatusOK)
	return c
}

// signIn posts Auth/SignAppin with the given Authorization header.
func (c *client) signIn(authorization string) result {
	c.t.Helper()
	return c.send(http.MethodPost, "Auth/SignAppin", nil, http.Header{"Authorization": {authorization}})
}

// result is an answer, read whole.
type result struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
}

func (c *client) do(method, path string, body any) result {
	c.t.Helper()
	return c.send(method, path, body, nil)
}

func (c *client) send(method, path string, body any, header http.Header) result {
	c.t.Helper()
	r, err := c.try(method, path, body, header)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// try sends a call and returns a transport error instead of failing.
func (c *client) try(method, path string, body any, header http.Header) (result, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("encoding body: %v", err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.f.base+path, rd)
	if err != nil {
		c.t.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if h := header.Get("Host"); h != "" {
		req.Host = h // net/http sends req.Host, not a Host header
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	return result{t: c.t, status: resp.StatusCode, header: resp.Header, body: b}, nil
}

func (r result) wantStatus(status int) result {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// wantError checks the status and that the body is the JSON string want.
func (r result) wantError(status int, want string) {
	r.t.Helper()
	r.wantStatus(status)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		r.t.Errorf("Content-Type %q, want application/json", ct)
	}
	if got := r.str(); got != want {
		r.t.Errorf("error body %q, want %q", got, want)
	}
}

// wantCode checks the status and that the JSON string body starts with
// the reason code.
func (r result) wantCode(status, code int) string {
	r.t.Helper()
	r.wantStatus(status)
	msg := r.str()
	if !strings.HasPrefix(msg, strconv.Itoa(code)+" - ") {
		r.t.Errorf("body %q, want reason code %d", msg, code)
	}
	return msg
}

func (r result) str() string {
	r.t.Helper()
	var s string
	if err := json.Unmarshal(r.body, &s); err != nil {
		r.t.Fatalf("body %s is not a JSON string: %v", r.body, err)
	}
	return s
}

func (r result) decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		r.t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// createRequest creates a request and returns its ID.
func (c *client) createRequest(body map[string]any) int {
	c.t.Helper()
	r := c.do(http.MethodPost, "Requests", body).wantStatus(http.StatusCreated)
	return r.requestID()
}

// requestID reads the answer of POST Requests: a bare number, as the real
// server sends it.
func (r result) requestID() int {
	r.t.Helper()
	id, err := strconv.Atoi(string(r.body))
	if err != nil || id <= 0 {
		r.t.Fatalf("answer %q is not a bare request ID", r.body)
	}
	return id
}

// req is a request body for system/account with a duration.
func req(systemID, accountID, minutes int, more ...any) map[string]any {
	m := map[string]any{"SystemID": systemID, "AccountID": accountID, "DurationMinutes": minutes}
	for i := 0; i+1 < len(more); i += 2 {
		m[more[i].(string)] = more[i+1]
	}
	return m
}
