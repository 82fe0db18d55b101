package passwordsafetest

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake Password Safe listening on a TCP address. All its
// methods are safe for concurrent use, also while calls are being served.
//
// Server is an http.Handler too, so a test may mount it behind a handler
// of its own (a spy, a proxy) on a server of its own.
type Server struct {
	cfg    *config
	clock  clock
	faults faults
	routes []route

	ln       net.Listener
	srv      *http.Server
	done     chan struct{}
	quit     chan struct{} // closed when the server stops: queued calls give up
	quitOnce sync.Once
	closeMu  sync.Mutex
	closed   bool
	closeErr error
	tlsCert  *tls.Certificate // nil without WithTLS

	mu           sync.Mutex // guards everything below
	changed      chan struct{}
	users        []*user
	systems      []*system
	accounts     []*account
	aliases      []*alias
	requests     map[int]*request
	live         map[int]*request // pending or active requests
	nextRequest  int
	checkins     []Checkin
	sessions     map[int]*psmSession
	nextSession  int
	replays      map[string]*replay
	authSessions map[string]*authSession
	tokens       map[string]grant // bearer token -> who and until when
	calls        []Call
	terminations []Termination
	nodes        []*node
	ss           secretsSafe // Secrets Safe (secretsseed.go)
	inv          inventory   // workgroups, assets, databases, ... (inventory_seed.go)
}

// NewServer starts a fake Password Safe on a free loopback port and
// closes it when the test ends (tb.Cleanup). An option that fails (a seed
// file that cannot be read, a bad seed) fails the test at once.
func NewServer(tb testing.TB, opts ...ServerOption) *Server {
	tb.Helper()
	s, err := Start("127.0.0.1:0", opts...)
	if err != nil {
		tb.Fatalf("passwordsafetest.NewServer: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Start serves a new fake on addr (host:port; port 0 picks a free one)
// until Close or Shutdown, for programs that are not tests, such as
// examples/fakeserver. A test should use NewServer.
func Start(addr string, opts ...ServerOption) (*Server, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second, ErrorLog: discardLog}
	if s.cfg.tls {
		cert, err := newCertificate(ln.Addr(), s.cfg.allowedHosts)
		if err != nil {
			_ = ln.Close()
			return nil, err
		}
		s.tlsCert = cert
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, s.srv.TLSConfig)
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// newServer builds the fake from its options, without listening.
func newServer(opts []ServerOption) (*Server, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:          cfg,
		done:         make(chan struct{}),
		quit:         make(chan struct{}),
		changed:      make(chan struct{}),
		requests:     map[int]*request{},
		live:         map[int]*request{},
		nextRequest:  1001,
		sessions:     map[int]*psmSession{},
		nextSession:  7001,
		replays:      map[string]*replay{},
		authSessions: map[string]*authSession{},
		tokens:       map[string]grant{},
	}
	s.clock.init(cfg.start, cfg.skew)
	s.routes = s.routeTable()
	if err := s.load(cfg.seed, s.clock.now()); err != nil {
		return nil, errors.New("passwordsafetest: " + err.Error())
	}
	if s.userByName(cfg.oauthRunAs) == nil && len(s.users) > 0 {
		if cfg.oauthRunAsSet {
			return nil, errors.New("passwordsafetest: the OAuth client acts as " + strconv.Quote(cfg.oauthRunAs) + ", who is not a seeded user")
		}
		cfg.oauthRunAs = s.users[0].userName
		for _, u := range s.users {
			if u.requestor {
				cfg.oauthRunAs = u.userName
				break
			}
		}
	}
	return s, nil
}

// URL returns the base URL of the API, e.g.
// "http://127.0.0.1:41234/BeyondTrust/api/public/v3/" (https with
// WithTLS). A server listening on every interface is named by 127.0.0.1.
func (s *Server) URL() string {
	scheme := "http://"
	if s.cfg.tls {
		scheme = "https://"
	}
	return scheme + s.Addr() + s.cfg.basePath
}

// Addr returns the address the server listens on (host:port).
func (s *Server) Addr() string {
	addr := s.ln.Addr().String()
	if tcp, ok := s.ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return addr
}

// APIKey returns the API key the fake accepts.
func (s *Server) APIKey() string { return s.cfg.apiKey }

// OAuthClientID returns the OAuth client ID the fake accepts.
func (s *Server) OAuthClientID() string { return s.cfg.oauthID }

// OAuthClientSecret returns the OAuth client secret the fake accepts.
func (s *Server) OAuthClientSecret() string { return s.cfg.oauthSecret }

// OAuthUser returns the user name the OAuth client acts as.
func (s *Server) OAuthUser() string { return s.cfg.oauthRunAs }

// Close stops the server at once, closing every connection, and waits
// for its handlers to return. Calling it again does nothing.
func (s *Server) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return s.closeErr
	}
	s.closed = true
	s.stopQueued()
	err := s.srv.Close()
	<-s.done
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	s.closeErr = err
	return err
}

// Shutdown stops the server gracefully: it stops listening and waits for
// calls under way to finish, or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopQueued()
	err := s.srv.Shutdown(ctx)
	if err == nil {
		<-s.done
		s.closeMu.Lock()
		s.closed = true
		s.closeMu.Unlock()
	}
	return err
}

// stopQueued lets calls held by Queue go without being acted on, so that
// stopping the server never waits for a release that will not come.
func (s *Server) stopQueued() { s.quitOnce.Do(func() { close(s.quit) }) }

// notifyLocked wakes every waiter (WaitForRequest): the state changed.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// maxBody bounds what the fake reads of a request body; maxUpload of a
// multipart one (a file secret of 5 MB and its metadata).
const (
	maxBody   = 1 << 20
	maxUpload = maxFileSecret + 1<<20
)

// ServeHTTP answers one API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.hostCheck && !s.cfg.hostAllowed(r.Host) {
		errorReply(http.StatusMisdirectedRequest, "This server does not serve the host "+strconv.Quote(r.Host)+".").write(w)
		return
	}
	rel, ok := s.relPath(r.URL.Path)
	if !ok {
		routeNotFound(r).write(w)
		return
	}
	version := queryValue(r.URL.Query(), "version")
	idx := s.logCall(r, rel, version)
	f := s.faults.arrive(r.Method, rel)
	if f.kind == faultDrop && f.hold == nil {
		s.finishCall(idx, 0, nil)
		dropConnection(w)
		return
	}
	// Reading the body first lets net/http notice a client that goes away
	// during a hold (it watches the connection once the body is read).
	limit := int64(maxBody)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		limit = maxUpload
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if f.hold != nil {
		gone := r.Context().Done()
		if f.queued {
			gone = nil // a queued call is processed whether or not its client waits
		}
		select {
		case <-f.hold:
		case <-gone:
			// The client gave up (or the server closed): nothing is processed.
			s.finishCall(idx, 0, nil)
			return
		case <-s.quit:
			s.finishCall(idx, 0, nil)
			return
		}
	}
	var rep reply
	var u *user
	switch {
	case f.kind == faultFail:
		rep = f.reply
	case f.kind == faultDrop:
		s.finishCall(idx, 0, nil)
		dropConnection(w)
		return
	case err != nil:
		rep = errorReply(http.StatusBadRequest, "The request body could not be read.")
	case int64(len(body)) > limit:
		rep = errorReply(http.StatusRequestEntityTooLarge, "The request body is too large.")
	case !s.versionServed(version):
		rep = errorReply(http.StatusGone, "API version "+version+" is disabled. Enable it, or call a version that is enabled.")
	default:
		rep, u = s.handle(r, rel, version, body)
	}
	if f.kind == faultLoseAnswer {
		rep.finish()
		s.finishCall(idx, 0, u)
		dropConnection(w)
		return
	}
	if f.kind == faultActThenFail {
		// The server acted (or refused); the client gets the fault's answer.
		s.finishCall(idx, f.reply.status, u)
		f.reply.write(w)
		return
	}
	s.finishCall(idx, rep.status, u)
	rep.write(w)
}

// hostAllowed reports whether a Host header names an IP address,
// localhost, or an allowed name (see WithAllowedHosts).
func (c *config) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if net.ParseIP(host) != nil || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	for _, n := range c.allowedHosts {
		if host == strings.TrimSuffix(n, ".") || strings.HasPrefix(n, ".") && (host == n[1:] || strings.HasSuffix(host, n)) {
			return true
		}
	}
	return false
}

// versionServed reports whether a requested API version is served.
func (s *Server) versionServed(v string) bool {
	if v == "" || s.cfg.versions == nil {
		return true
	}
	want, ok := parseVersion(v)
	if !ok {
		return false
	}
	for _, e := range s.cfg.versions {
		if have, _ := parseVersion(e); have == want {
			return true
		}
	}
	return false
}

// parseVersion reads "3", "3.1": major*100 + minor.
func parseVersion(v string) (int, bool) {
	maj, minor, hasMinor := strings.Cut(strings.TrimSpace(v), ".")
	a, err := strconv.Atoi(maj)
	if err != nil || a < 0 || a > 99 || maj == "" || maj[0] == '+' {
		return 0, false
	}
	b := 0
	if hasMinor {
		if b, err = strconv.Atoi(minor); err != nil || b < 0 || b > 99 || minor[0] == '+' {
			return 0, false
		}
	}
	return a*100 + b, true
}

// relPath returns the path below the base path (matched case-insensitively)
// with at most one trailing slash removed.
func (s *Server) relPath(p string) (string, bool) {
	base := s.cfg.basePath
	if len(p) < len(base) || !strings.EqualFold(p[:len(base)], base) {
		if strings.EqualFold(p, strings.TrimSuffix(base, "/")) {
			return "", true
		}
		return "", false
	}
	return strings.TrimSuffix(p[len(base):], "/"), true
}

// handle routes one call and runs its handler under the server lock. It
// returns the answer and the signed-in caller, if any.
func (s *Server) handle(r *http.Request, rel, version string, body []byte) (reply, *user) {
	segs := strings.Split(rel, "/")
	rt, params, allowed := s.match(r.Method, segs)
	if rt == nil {
		if len(allowed) > 0 {
			rep := errorReply(http.StatusMethodNotAllowed,
				"The requested resource does not support http method '"+r.Method+"'.")
			rep.header().Set("Allow", strings.Join(allowed, ", "))
			return rep, nil
		}
		return routeNotFound(r), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	now := s.clock.now()
	s.sweepLocked(now)
	c := &call{s: s, r: r, body: body, now: now, params: params, version: version}
	if rt.auth {
		u, ok := s.authenticateLocked(r, now)
		if !ok {
			return errorReply(http.StatusUnauthorized, msgNotSignedIn), nil
		}
		c.user = u
	}
	rep := rt.h(c) // may set c.user (sign-in)
	return rep, c.user
}

// call is what a handler gets: the request, its body, the caller, the time.
type call struct {
	s       *Server
	r       *http.Request
	body    []byte
	now     time.Time
	user    *user // nil for routes that need no session
	params  []string
	version string // the ?version= asked for; "" when none
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

// atLeast reports whether the call asked for API version v or newer.
func (c *call) atLeast(v string) bool {
	have, ok := parseVersion(c.version)
	want, _ := parseVersion(v)
	return ok && have >= want
}

func queryValue(q url.Values, name string) string {
	for k, vs := range q {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// route is one endpoint. In a pattern, "#" stands for one numeric segment
// and "*" for any one segment; the rest is matched case-insensitively.
// auth routes need a signed-in session; the handler then finds the caller
// in call.user.
type route struct {
	method  string
	pattern []string
	auth    bool
	h       func(*call) reply
}

// routeTable lists every endpoint the fake serves. To add one, write a
// handler with an "API:" line in its doc comment (as the others have) and
// add a line here; the method and pattern are all the routing there is.
func (s *Server) routeTable() []route {
	r := func(method, pattern string, auth bool, h func(*call) reply) route {
		return route{method: method, pattern: strings.Split(pattern, "/"), auth: auth, h: h}
	}
	return append([]route{
		r(http.MethodPost, "Auth/SignAppin", false, s.signAppin),
		r(http.MethodPost, "Auth/connect/token", false, s.issueToken),
		r(http.MethodPost, "Auth/Signout", false, s.signOut),

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

		r(http.MethodPost, "ISARequests", true, s.isaRequest),
		r(http.MethodPost, "ISASessions", true, s.isaSession),
		r(http.MethodGet, "RequestSets", true, s.listRequestSets),
		r(http.MethodPost, "RequestSets", true, s.createRequestSet),
		r(http.MethodPost, "AccessPolicies/Test", true, s.testAccessPolicies),

		r(http.MethodPost, "ManagedAccounts/#/Requests/Terminate", true, s.terminateAccountRequests),
		r(http.MethodPost, "ManagedSystems/#/Requests/Terminate", true, s.terminateSystemRequests),
		r(http.MethodPost, "Users/#/Requests/Terminate", true, s.terminateUserRequests),
		r(http.MethodPost, "ManagedSystems/#/Sessions/Lock", true, s.lockSystemSessions),
		r(http.MethodPost, "ManagedSystems/#/Sessions/Terminate", true, s.terminateSystemSessions),
		r(http.MethodPost, "ManagedAccounts/#/Sessions/Lock", true, s.lockAccountSessions),
		r(http.MethodPost, "ManagedAccounts/#/Sessions/Terminate", true, s.terminateAccountSessions),

		r(http.MethodGet, "Nodes", true, s.listNodes),
		r(http.MethodGet, "Configuration/Version", true, s.serverVersion),

		r(http.MethodGet, "Secrets-Safe/Secrets", true, s.listSecrets),
		r(http.MethodPut, "Secrets-Safe/Secrets/move", true, s.moveSecrets), // before Secrets/*
		r(http.MethodGet, "Secrets-Safe/Secrets/*", true, s.showSecret("", valueInPass)),
		r(http.MethodPut, "Secrets-Safe/Secrets/*", true, s.updateSecret(secretCredential)),
		r(http.MethodDelete, "Secrets-Safe/Secrets/*", true, s.deleteSecret),
		r(http.MethodGet, "Secrets-Safe/Secrets/*/text", true, s.showSecret(secretText, valueTextOnly)),
		r(http.MethodPut, "Secrets-Safe/Secrets/*/text", true, s.updateSecret(secretText)),
		r(http.MethodGet, "Secrets-Safe/Secrets/*/file", true, s.showSecret(secretFile, valueNone)),
		r(http.MethodPut, "Secrets-Safe/Secrets/*/file", true, s.updateSecret(secretFile)),
		r(http.MethodGet, "Secrets-Safe/Secrets/*/file/download", true, s.downloadFileSecret),
		r(http.MethodGet, "Secrets-Safe/Secrets/*/shares", true, s.listShares),
		r(http.MethodDelete, "Secrets-Safe/Secrets/*/shares", true, s.unshareAll),
		r(http.MethodPost, "Secrets-Safe/Secrets/*/shares/*", true, s.shareSecret),
		r(http.MethodDelete, "Secrets-Safe/Secrets/*/shares/*", true, s.unshareSecret),
		r(http.MethodGet, "Secrets-Safe/Folders", true, s.listFolders),
		r(http.MethodPost, "Secrets-Safe/Folders", true, s.createFolder),
		r(http.MethodGet, "Secrets-Safe/Folders/*", true, s.getFolder),
		r(http.MethodPut, "Secrets-Safe/Folders/*", true, s.updateFolder),
		r(http.MethodDelete, "Secrets-Safe/Folders/*", true, s.deleteFolder),
		r(http.MethodPut, "Secrets-Safe/Folders/*/move", true, s.moveFolder),
		r(http.MethodGet, "Secrets-Safe/Folders/*/secrets", true, s.folderSecrets),
		r(http.MethodPost, "Secrets-Safe/Folders/*/secrets", true, s.createSecret(secretCredential)),
		r(http.MethodPost, "Secrets-Safe/Folders/*/secrets/text", true, s.createSecret(secretText)),
		r(http.MethodPost, "Secrets-Safe/Folders/*/secrets/file", true, s.createSecret(secretFile)),
		r(http.MethodGet, "Secrets-Safe/Safes", true, s.listSafes),
		r(http.MethodPost, "Secrets-Safe/Safes", true, s.createSafe),
		r(http.MethodGet, "Secrets-Safe/Safes/*", true, s.getSafe),
		r(http.MethodPut, "Secrets-Safe/Safes/*", true, s.updateSafe),
		r(http.MethodDelete, "Secrets-Safe/Safes/*", true, s.deleteSafe),

		r(http.MethodPost, "pbsm/replay", true, s.startReplay),
		r(http.MethodGet, "pbsm/replay/*", true, s.replayStatus),
		r(http.MethodPut, "pbsm/replay/*", true, s.controlReplay),
		r(http.MethodDelete, "pbsm/replay/*", true, s.endReplay),
	}, s.inventoryRoutes(r)...)
}

// inventoryRoutes are the endpoints of the inventory families
// (inventory.go, directory.go, accounts_admin.go).
func (s *Server) inventoryRoutes(r func(method, pattern string, auth bool, h func(*call) reply) route) []route {
	return []route{
		r(http.MethodGet, "ManagedSystems", true, s.listSystems),
		r(http.MethodGet, "ManagedSystems/#", true, s.getSystem),
		r(http.MethodPut, "ManagedSystems/#", true, s.updateSystem),
		r(http.MethodDelete, "ManagedSystems/#", true, s.deleteSystem),
		r(http.MethodGet, "Assets/#/ManagedSystems", true, s.systemOnAsset),
		r(http.MethodPost, "Assets/#/ManagedSystems", true, s.createSystemOnAsset),
		r(http.MethodGet, "Databases/#/ManagedSystems", true, s.systemOnDatabase),
		r(http.MethodPost, "Databases/#/ManagedSystems", true, s.createSystemOnDatabase),
		r(http.MethodGet, "Workgroups/#/ManagedSystems", true, s.systemsInWorkgroup),
		r(http.MethodPost, "Workgroups/#/ManagedSystems", true, s.createSystemInWorkgroup),
		r(http.MethodGet, "FunctionalAccounts/#/ManagedSystems", true, s.systemsOfFunctionalAccount),
		r(http.MethodGet, "Platforms", true, s.listPlatforms),
		r(http.MethodGet, "Platforms/#", true, s.getPlatform),
		r(http.MethodGet, "FunctionalAccounts", true, s.listFunctionalAccounts),
		r(http.MethodGet, "FunctionalAccounts/#", true, s.getFunctionalAccount),

		r(http.MethodGet, "Workgroups", true, s.listWorkgroups),
		r(http.MethodPost, "Workgroups", true, s.createWorkgroup),
		r(http.MethodGet, "Workgroups/#", true, s.getWorkgroup),
		r(http.MethodGet, "Workgroups/*/Assets", true, s.assetsInWorkgroup),
		r(http.MethodPost, "Workgroups/#/Assets", true, s.createAsset),
		r(http.MethodPost, "Assets/Search", true, s.searchAssets),
		r(http.MethodGet, "Assets/#", true, s.getAsset),
		r(http.MethodPut, "Assets/#", true, s.updateAsset),
		r(http.MethodDelete, "Assets/#", true, s.deleteAsset),
		r(http.MethodGet, "Databases", true, s.listDatabases),
		r(http.MethodGet, "Databases/#", true, s.getDatabase),
		r(http.MethodGet, "Assets/#/Databases", true, s.databasesOnAsset),

		r(http.MethodGet, "Users", true, s.listUsers),
		r(http.MethodGet, "Users/#", true, s.getUser),
		r(http.MethodGet, "Users/#/UserGroups", true, s.groupsOfUser),
		r(http.MethodGet, "UserGroups", true, s.listUserGroups),
		r(http.MethodGet, "UserGroups/#", true, s.getUserGroup),
		r(http.MethodGet, "UserGroups/#/Users", true, s.groupMembers),
		r(http.MethodGet, "UserGroups/#/SmartRules", true, s.groupSmartRules),
		r(http.MethodGet, "SmartRules", true, s.listSmartRules),
		r(http.MethodGet, "SmartRules/#", true, s.getSmartRule),
		r(http.MethodGet, "Roles", true, s.listRoles),

		r(http.MethodGet, "ManagedSystems/#/ManagedAccounts", true, s.accountsOfSystem),
		r(http.MethodPost, "ManagedSystems/#/ManagedAccounts", true, s.createAccount),
		r(http.MethodGet, "ManagedAccounts/#", true, s.getAccount),
		r(http.MethodPut, "ManagedAccounts/#", true, s.updateAccount),
		r(http.MethodDelete, "ManagedAccounts/#", true, s.deleteAccount),
		r(http.MethodPut, "ManagedAccounts/#/Credentials", true, s.setCredentials),
		r(http.MethodPost, "ManagedAccounts/#/Credentials/Change", true, s.changeCredentials),
		r(http.MethodGet, "ManagedAccounts/#/Credentials", true, s.accountTOTP),
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
