package passwordsafetest

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Credentials the fake accepts unless Config says otherwise.
const (
	DefaultAPIKey            = "c0ffee5afe0a7e1e9d4b2c8f3a6e1d7b5c9f0e2a4b6d8c1e3f5a7b9d0c2e4f6a8b1d3c5e7f9a0b2c4d6e8f1a3b5c7d9e0f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e"
	DefaultOAuthClientID     = "fakeps-client"
	DefaultOAuthClientSecret = "fakeps-client-secret"
	DefaultBasePath          = "/BeyondTrust/api/public/v3/"
)

// NodeID is the ID of the fake's single (local) session node.
const NodeID = "5f0c8f8e-6a3b-4c2d-9e1f-7a8b9c0d1e2f"

// Config configures a fake server. The zero value is ready to use.
type Config struct {
	APIKey            string        // default DefaultAPIKey
	OAuthClientID     string        // default DefaultOAuthClientID
	OAuthClientSecret string        // default DefaultOAuthClientSecret
	OAuthRunAs        string        // user the OAuth client acts as; default "requestor"
	TokenLifetime     time.Duration // OAuth expires_in; default 600s
	IdleTimeout       time.Duration // auth-session idle expiry; default 20m
	BasePath          string        // default "/BeyondTrust/api/public/v3/"

	// FixedTime, when set, stops the clock at that instant: time then moves
	// only by Advance, which makes dates in answers reproducible. By default
	// the clock follows the wall clock plus everything Advance added.
	FixedTime time.Time
}

func (c Config) withDefaults() Config {
	if c.APIKey == "" {
		c.APIKey = DefaultAPIKey
	}
	if c.OAuthClientID == "" {
		c.OAuthClientID = DefaultOAuthClientID
	}
	if c.OAuthClientSecret == "" {
		c.OAuthClientSecret = DefaultOAuthClientSecret
	}
	if c.OAuthRunAs == "" {
		c.OAuthRunAs = "requestor"
	}
	if c.TokenLifetime <= 0 {
		c.TokenLifetime = 600 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 20 * time.Minute
	}
	if c.BasePath == "" {
		c.BasePath = DefaultBasePath
	}
	if !strings.HasPrefix(c.BasePath, "/") {
		c.BasePath = "/" + c.BasePath
	}
	if !strings.HasSuffix(c.BasePath, "/") {
		c.BasePath += "/"
	}
	return c
}

// Server is the fake Password Safe, an http.Handler. All its methods are
// safe for concurrent use.
type Server struct {
	cfg    Config
	clock  clock
	faults faults
	routes []route

	mu           sync.Mutex // guards everything below
	users        []*user
	systems      []*system
	accounts     []*account
	aliases      []*alias
	requests     map[int]*request
	live         map[int]*request // pending or active requests
	nextRequest  int
	sessions     map[int]*psmSession
	nextSession  int
	replays      map[string]*replay
	authSessions map[string]*authSession
	tokens       map[string]time.Time // OAuth access token -> expiry
}

// New returns a fake server with the seeded users, systems, accounts and
// aliases (see seed.go). Managed passwords are random.
func New(cfg Config) *Server {
	s := &Server{
		cfg:          cfg.withDefaults(),
		requests:     map[int]*request{},
		live:         map[int]*request{},
		nextRequest:  1001,
		sessions:     map[int]*psmSession{},
		nextSession:  7001,
		replays:      map[string]*replay{},
		authSessions: map[string]*authSession{},
		tokens:       map[string]time.Time{},
	}
	s.clock.init(s.cfg.FixedTime)
	s.routes = s.routeTable()
	s.seed(s.clock.now())
	return s
}

// Now returns the fake clock's current time; every date the server writes
// comes from it.
func (s *Server) Now() time.Time { return s.clock.now() }

// Advance moves the fake clock forward by d (negative d is ignored). Idle
// sessions, OAuth tokens and requests expire as the clock passes their time,
// and live replays move on by d × speed.
func (s *Server) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	s.clock.advance(d)
	s.mu.Lock()
	s.sweepLocked(s.clock.now())
	s.mu.Unlock()
}

// ExpireSessions drops every signed-in session: the next call with any of
// their cookies answers 401.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	clear(s.authSessions)
	s.mu.Unlock()
}

// clock is wall time (or a fixed instant) plus everything Advance added.
type clock struct {
	mu     sync.Mutex
	fixed  bool
	base   time.Time
	offset time.Duration
}

func (c *clock) init(fixed time.Time) {
	if !fixed.IsZero() {
		c.fixed, c.base = true, fixed.UTC()
	}
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fixed {
		return c.base.Add(c.offset)
	}
	return time.Now().UTC().Add(c.offset)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// maxBody bounds what the fake reads of a request body.
const maxBody = 1 << 20

// ServeHTTP answers one API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel, ok := s.relPath(r.URL.Path)
	if !ok {
		routeNotFound(r).write(w)
		return
	}
	f := s.faults.arrive(r.Method, rel)
	if f.kind == faultDrop && f.delay == 0 {
		dropConnection(w)
		return
	}
	// Reading the body first lets net/http notice a client that goes away
	// during a delay (it watches the connection once the body is read).
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if f.delay > 0 {
		t := time.NewTimer(f.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			// The client gave up (or the server closed): nothing is processed.
			t.Stop()
			return
		}
	}
	var rep reply
	switch {
	case f.kind == faultFail:
		rep = f.reply
	case f.kind == faultDrop:
		dropConnection(w)
		return
	case err != nil:
		rep = errorReply(http.StatusBadRequest, "The request body could not be read.")
	case len(body) > maxBody:
		rep = errorReply(http.StatusRequestEntityTooLarge, "The request body is too large.")
	default:
		rep = s.handle(r, rel, body)
	}
	if f.kind == faultDropAfter {
		rep.finish()
		dropConnection(w)
		return
	}
	rep.write(w)
}

// relPath returns the path below the base path (matched case-insensitively)
// with at most one trailing slash removed.
func (s *Server) relPath(p string) (string, bool) {
	base := s.cfg.BasePath
	if len(p) < len(base) || !strings.EqualFold(p[:len(base)], base) {
		if strings.EqualFold(p, strings.TrimSuffix(base, "/")) {
			return "", true
		}
		return "", false
	}
	return strings.TrimSuffix(p[len(base):], "/"), true
}

// handle routes one call and runs its handler under the server lock.
func (s *Server) handle(r *http.Request, rel string, body []byte) reply {
	segs := strings.Split(rel, "/")
	rt, params, allowed := s.match(r.Method, segs)
	if rt == nil {
		if len(allowed) > 0 {
			rep := errorReply(http.StatusMethodNotAllowed,
				"The requested resource does not support http method '"+r.Method+"'.")
			rep.header().Set("Allow", strings.Join(allowed, ", "))
			return rep
		}
		return routeNotFound(r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.now()
	s.sweepLocked(now)
	c := &call{s: s, r: r, body: body, now: now, params: params}
	if rt.auth {
		u, ok := s.authenticateLocked(r, now)
		if !ok {
			return errorReply(http.StatusUnauthorized, msgNotSignedIn)
		}
		c.user = u
	}
	return rt.h(c)
}

// call is what a handler gets: the request, its body, the caller, the time.
type call struct {
	s      *Server
	r      *http.Request
	body   []byte
	now    time.Time
	user   *user // nil for routes that need no session
	params []string
}

// id returns the i-th numeric path parameter.
func (c *call) id(i int) int {
	n, err := strconv.Atoi(c.params[i])
	if err != nil {
		return -1
	}
	return n
}

// query returns the first value of a query parameter, its name matched
// case-insensitively, and whether it was present.
func (c *call) query(name string) (string, bool) {
	for k, vs := range c.r.URL.Query() {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0], true
		}
	}
	return "", false
}

// queryAll returns every value of a query parameter (name case-insensitive).
func (c *call) queryAll(name string) []string {
	var out []string
	for k, vs := range c.r.URL.Query() {
		if strings.EqualFold(k, name) {
			out = append(out, vs...)
		}
	}
	return out
}

// route is one endpoint. In a pattern, "#" stands for one numeric segment
// and "*" for any one segment; the rest is matched case-insensitively.
type route struct {
	method  string
	pattern []string
	auth    bool
	h       func(*call) reply
}

func (s *Server) routeTable() []route {
	r := func(method, pattern string, auth bool, h func(*call) reply) route {
		return route{method: method, pattern: strings.Split(pattern, "/"), auth: auth, h: h}
	}
	return []route{
		r(http.MethodPost, "Auth/SignAppin", false, s.signAppin),
		r(http.MethodPost, "Auth/connect/token", false, s.issueToken),
		r(http.MethodPost, "Auth/Signout", true, s.signOut),

		r(http.MethodGet, "Requests", true, s.listRequests),
		r(http.MethodPost, "Requests", true, s.createRequest),
		r(http.MethodPut, "Requests/#/Checkin", true, s.checkinRequest),
		r(http.MethodPut, "Requests/Release/#", true, s.releaseRequest),
		r(http.MethodPut, "Requests/#/Approve", true, s.approveRequest),
		r(http.MethodPut, "Requests/#/Deny", true, s.denyRequest),
		r(http.MethodPut, "Requests/#/RotateOnCheckin", true, s.rotateOnCheckin),
		r(http.MethodPost, "Requests/#/Sessions", true, s.createSession),
		r(http.MethodGet, "Credentials/#", true, s.credentials),

		r(http.MethodGet, "Aliases", true, s.listAliases),
		r(http.MethodGet, "Aliases/#", true, s.getAlias),
		r(http.MethodPost, "Aliases/#/Requests", true, s.createAliasRequest),
		r(http.MethodGet, "Aliases/#/Credentials/#", true, s.aliasCredentials),

		r(http.MethodGet, "AccessLevels", true, s.accessLevels),
		r(http.MethodGet, "ManagedAccounts", true, s.managedAccounts),

		r(http.MethodGet, "Sessions", true, s.listSessions),
		r(http.MethodGet, "Sessions/#", true, s.getSession),
		r(http.MethodPost, "Sessions/Admin", true, s.createAdminSession),
		r(http.MethodPost, "Sessions/#/Lock", true, s.lockSession),
		r(http.MethodPost, "Sessions/#/Terminate", true, s.terminateSession),

		r(http.MethodPost, "pbsm/replay", true, s.startReplay),
		r(http.MethodGet, "pbsm/replay/*", true, s.replayStatus),
		r(http.MethodPut, "pbsm/replay/*", true, s.controlReplay),
		r(http.MethodDelete, "pbsm/replay/*", true, s.endReplay),
	}
}

// match finds the route for method and path segments. When the path is
// known but not for this method, it returns the methods that are allowed.
func (s *Server) match(method string, segs []string) (*route, []string, []string) {
	var allowed []string
	for i := range s.routes {
		rt := &s.routes[i]
		params, ok := matchSegments(rt.pattern, segs)
		if !ok {
			continue
		}
		if rt.method == method {
			return rt, params, nil
		}
		allowed = append(allowed, rt.method)
	}
	sort.Strings(allowed)
	return nil, nil, allowed
}

func matchSegments(pattern, segs []string) ([]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range pattern {
		switch p {
		case "#":
			if !isDigits(segs[i]) {
				return nil, false
			}
			params = append(params, segs[i])
		case "*":
			if segs[i] == "" {
				return nil, false
			}
			params = append(params, segs[i])
		default:
			if !strings.EqualFold(p, segs[i]) {
				return nil, false
			}
		}
	}
	return params, true
}

func isDigits(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func routeNotFound(r *http.Request) reply {
	return errorReply(http.StatusNotFound,
		"No HTTP resource was found that matches the request URI '"+r.URL.Path+"'.")
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2, wrapped writers): abort the response instead.
	panic(http.ErrAbortHandler)
}

// Running is a fake server listening on a TCP address.
type Running struct {
	*Server
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

// Start serves a new fake on 127.0.0.1 at a free port.
func Start(cfg Config) (*Running, error) { return StartAt("127.0.0.1:0", cfg) }

// StartAt serves a new fake on addr (host:port; port 0 picks a free one).
func StartAt(addr string, cfg Config) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	rs := &Running{
		Server: New(cfg),
		ln:     ln,
		done:   make(chan struct{}),
	}
	rs.srv = &http.Server{Handler: rs.Server, ReadHeaderTimeout: 30 * time.Second}
	go func() {
		defer close(rs.done)
		_ = rs.srv.Serve(ln)
	}()
	return rs, nil
}

// URL returns the base URL of the API, e.g.
// "http://127.0.0.1:41234/BeyondTrust/api/public/v3/". A server listening
// on every interface is named by 127.0.0.1.
func (r *Running) URL() string {
	addr := r.ln.Addr().String()
	if tcp, ok := r.ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return "http://" + addr + r.cfg.BasePath
}

// Addr returns the address the server listens on (host:port).
func (r *Running) Addr() string { return r.ln.Addr().String() }

// Close stops the server at once, closing every connection.
func (r *Running) Close() error {
	err := r.srv.Close()
	<-r.done
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Shutdown stops the server gracefully: it stops listening and waits for
// calls under way to finish, or for ctx to end.
func (r *Running) Shutdown(ctx context.Context) error {
	err := r.srv.Shutdown(ctx)
	if err == nil {
		<-r.done
	}
	return err
}
