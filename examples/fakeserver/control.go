package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// The control API: what a test in another language needs to drive the
// fake from outside the process, on a listener of its own (loopback only)
// and guarded by a token printed at start. Every call sends
// "Authorization: Bearer <token>"; answers are JSON, errors
// {"error": "..."}.
//
//	GET  /open                     what is open: {"requests", "sessions", "replays"}
//	GET  /requests?status=S        requests; S is open (default), pending, active or all
//	POST /requests/{id}/approve    {"approver": "name"}; without one, every approver
//	                               the request may still need, in seed order
//	POST /requests/{id}/deny       {"approver": "name", "reason": "..."}; without an
//	                               approver, the first one who may deny it
//	POST /requests/{id}/expire     ends it as the end of its window would
//	GET  /sessions                 every privileged session
//	POST /signins/expire           ends every signed-in API session (the next call gets 401)
//	GET  /clock                    {"now": "..."}
//	POST /clock/advance            {"seconds": N}: moves the fake's clock on, answers {"now": "..."}
//	GET  /checkins, GET /calls     the check-ins, and the call log (no credentials)
//
// Acts the fake refuses (approving one's own request, a request that has
// ended) answer 409 with the fake's reason; a call not listed here, 404.

// maxControlBody bounds what the control API reads of a body.
const maxControlBody = 1 << 16

// control serves the control API for one fake.
type control struct {
	srv   *passwordsafetest.Server
	token string
	mux   *http.ServeMux
}

func newControl(srv *passwordsafetest.Server) *control {
	c := &control{srv: srv, token: rand.Text(), mux: http.NewServeMux()}
	c.mux.HandleFunc("GET /open", c.open)
	c.mux.HandleFunc("GET /requests", c.requests)
	c.mux.HandleFunc("POST /requests/{id}/approve", c.approve)
	c.mux.HandleFunc("POST /requests/{id}/deny", c.deny)
	c.mux.HandleFunc("POST /requests/{id}/expire", c.expire)
	c.mux.HandleFunc("GET /sessions", func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, srv.Sessions()) })
	c.mux.HandleFunc("POST /signins/expire", func(w http.ResponseWriter, _ *http.Request) {
		srv.ExpireSessions()
		w.WriteHeader(http.StatusNoContent)
	})
	c.mux.HandleFunc("GET /clock", func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, clockJSON{srv.Now()}) })
	c.mux.HandleFunc("POST /clock/advance", c.advance)
	c.mux.HandleFunc("GET /checkins", func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, nonNil(srv.Checkins())) })
	c.mux.HandleFunc("GET /calls", func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, nonNil(srv.CallLog())) })
	return c
}

// ServeHTTP checks the Host (IP or localhost: no DNS rebinding) and the
// token, then routes.
func (c *control) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if net.ParseIP(strings.Trim(host, "[]")) == nil && !strings.EqualFold(host, "localhost") {
		fail(w, http.StatusMisdirectedRequest, "the control API answers at its IP address or localhost only")
		return
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(c.token)) != 1 {
		w.Header().Set("WWW-Authenticate", "Bearer")
		fail(w, http.StatusUnauthorized, "send the control token printed at start: Authorization: Bearer <token>")
		return
	}
	if _, pattern := c.mux.Handler(r); pattern == "" {
		fail(w, http.StatusNotFound, "no control call "+r.Method+" "+r.URL.Path+" (the calls are listed in examples/fakeserver/control.go)")
		return
	}
	c.mux.ServeHTTP(w, r)
}

type clockJSON struct {
	Now time.Time `json:"now"`
}

// openJSON is what /open answers.
type openJSON struct {
	Requests []passwordsafetest.RequestInfo `json:"requests"`
	Sessions []passwordsafetest.SessionInfo `json:"sessions"`
	Replays  []passwordsafetest.ReplayInfo  `json:"replays"`
}

func (c *control) open(w http.ResponseWriter, _ *http.Request) {
	out := openJSON{Requests: c.srv.OpenRequests(), Sessions: []passwordsafetest.SessionInfo{}, Replays: c.srv.Replays()}
	for _, s := range c.srv.Sessions() {
		if s.Live() {
			out.Sessions = append(out.Sessions, s)
		}
	}
	reply(w, http.StatusOK, out)
}

func (c *control) requests(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	out := []passwordsafetest.RequestInfo{}
	for _, rq := range c.srv.Requests() {
		switch status {
		case "", "open":
			if !rq.Open() {
				continue
			}
		case "all":
		case passwordsafetest.StatusPending, passwordsafetest.StatusActive:
			if rq.Status != status {
				continue
			}
		default:
			fail(w, http.StatusBadRequest, "status must be open, pending, active or all")
			return
		}
		out = append(out, rq)
	}
	reply(w, http.StatusOK, out)
}

// actBody is the body of approve and deny; both fields are optional.
type actBody struct {
	Approver string `json:"approver"`
	Reason   string `json:"reason"`
}

// request reads the path's request ID and the optional body.
func (c *control) request(w http.ResponseWriter, r *http.Request) (passwordsafetest.RequestInfo, actBody, bool) {
	var b actBody
	id, err := strconv.Atoi(r.PathValue("id"))
	rq, found := c.srv.Request(id)
	if err != nil || !found {
		fail(w, http.StatusNotFound, "no request "+strconv.Quote(r.PathValue("id")))
		return rq, b, false
	}
	if err := readJSON(r, &b); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return rq, b, false
	}
	return rq, b, true
}

func (c *control) approve(w http.ResponseWriter, r *http.Request) {
	rq, b, ok := c.request(w, r)
	if !ok {
		return
	}
	if b.Approver != "" {
		c.answer(w, rq.RequestID, c.srv.Approve(rq.RequestID, b.Approver))
		return
	}
	if rq.Status != passwordsafetest.StatusPending {
		fail(w, http.StatusConflict, fmt.Sprintf("request %d is %s, not pending", rq.RequestID, rq.Status))
		return
	}
	// Every approver the request still needs, in seed order; the fake says
	// no to those who may not (the requestor, users outside its policy).
	err := fmt.Errorf("request %d is still pending: not enough seeded approvers may approve it", rq.RequestID)
	for _, u := range c.srv.Users() {
		if !hasRole(u, passwordsafetest.RoleApprover) || c.srv.Approve(rq.RequestID, u.UserName) != nil {
			continue
		}
		if now, _ := c.srv.Request(rq.RequestID); now.Status != passwordsafetest.StatusPending {
			err = nil
			break
		}
	}
	c.answer(w, rq.RequestID, err)
}

func (c *control) deny(w http.ResponseWriter, r *http.Request) {
	rq, b, ok := c.request(w, r)
	if !ok {
		return
	}
	if b.Approver != "" {
		c.answer(w, rq.RequestID, c.srv.Deny(rq.RequestID, b.Approver, b.Reason))
		return
	}
	err := errors.New("no seeded approver may deny request " + strconv.Itoa(rq.RequestID))
	for _, u := range c.srv.Users() {
		if hasRole(u, passwordsafetest.RoleApprover) {
			if err = c.srv.Deny(rq.RequestID, u.UserName, b.Reason); err == nil {
				break
			}
		}
	}
	c.answer(w, rq.RequestID, err)
}

func (c *control) expire(w http.ResponseWriter, r *http.Request) {
	if rq, _, ok := c.request(w, r); ok {
		c.answer(w, rq.RequestID, c.srv.ExpireRequest(rq.RequestID))
	}
}

// answer writes the request as it now stands, or 409 with why the fake
// refused the act.
func (c *control) answer(w http.ResponseWriter, id int, err error) {
	if err != nil {
		fail(w, http.StatusConflict, err.Error())
		return
	}
	rq, _ := c.srv.Request(id)
	reply(w, http.StatusOK, rq)
}

func (c *control) advance(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Seconds *float64 `json:"seconds"`
	}
	if err := readJSON(r, &b); err != nil || b.Seconds == nil || *b.Seconds <= 0 || *b.Seconds > 10*365*24*3600 {
		fail(w, http.StatusBadRequest, `send {"seconds": N}, N above 0 and at most ten years`)
		return
	}
	c.srv.Advance(time.Duration(*b.Seconds * float64(time.Second)))
	reply(w, http.StatusOK, clockJSON{c.srv.Now()})
}

func hasRole(u passwordsafetest.User, role passwordsafetest.Role) bool {
	for _, r := range u.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// readJSON decodes an optional JSON body into v; unknown fields are errors.
func readJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxControlBody+1))
	switch {
	case err != nil:
		return err
	case len(body) > maxControlBody:
		return errors.New("the body is too large")
	case strings.TrimSpace(string(body)) == "":
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the body is not the JSON expected: %w", err)
	}
	return nil
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, msg string) {
	reply(w, status, map[string]string{"error": msg})
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
