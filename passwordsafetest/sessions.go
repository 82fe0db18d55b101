package passwordsafetest

import (
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Session statuses, as GET Sessions reports them.
const (
	sessionNotStarted   = 0
	sessionInProgress   = 1
	sessionCompleted    = 2
	sessionLocked       = 5
	sessionTerminated   = 7
	sessionLoggedOff    = 8
	sessionDisconnected = 9
)

// Protocols of a session.
const (
	protocolRDP = 0
	protocolSSH = 1
)

// The ports of the fake's session proxy.
const (
	sshProxyPort = "4422"
	rdpProxyPort = "4489"
)

// psmSession is a privileged (proxied) session.
type psmSession struct {
	id        int
	user      *user
	status    int
	protocol  int
	start     time.Time
	ended     time.Time
	asset     string
	systemID  int // 0 for admin sessions
	accountID int
	account   string
	recordKey string
	token     string

	requestID   int           // 0 for admin and recorded sessions
	appID       int           // the request's ApplicationID (App sessions)
	sessionType string        // as asked for: SSH, sshticket, RDP, rdpticket, rdpfile, app, appfile
	screen      string        // a recorded session's terminal text; "" for the default
	frames      []ScreenFrame // a recorded session's screens over time (replaces screen)

	nodeID      string // the node it goes through; "" is the fake's own (NodeID)
	noRecord    bool   // the create call sent Record: false
	resolution  string // as asked for (RDP)
	adminSwitch bool   // RDPAdminSwitch as asked for (RDP)
}

// node returns the ID of the node the session goes through.
func (ps *psmSession) node() string {
	if ps.nodeID == "" {
		return NodeID
	}
	return ps.nodeID
}

func (ps *psmSession) live() bool {
	return ps.status == sessionInProgress || ps.status == sessionLocked
}

// finish closes a live session with the given status; an ended one is kept.
func (ps *psmSession) finish(status int, at time.Time) {
	if ps.live() {
		ps.status, ps.ended = status, at
	}
}

// span is how long the session has run (up to now while live).
func (ps *psmSession) span(now time.Time) time.Duration {
	if ps.ended.IsZero() {
		return now.Sub(ps.start)
	}
	return ps.ended.Sub(ps.start)
}

// sessionJSON is the Session object.
type sessionJSON struct {
	SessionID          int
	UserID             int
	NodeID             string
	Status             int
	ArchiveStatus      int
	Protocol           int
	StartTime          *string
	EndTime            *string
	Duration           int
	AssetName          string
	ManagedSystemID    *int
	ManagedAccountID   *int
	ManagedAccountName string
	RecordKey          string
	Token              string
	// Newer servers add these three.
	RequestID     *int
	ApplicationID *int
	SessionType   string
}

func (ps *psmSession) json(now time.Time) sessionJSON {
	return sessionJSON{
		SessionID: ps.id, UserID: ps.user.id, NodeID: ps.node(), Status: ps.status,
		Protocol: ps.protocol, StartTime: date(ps.start, dateLayoutSessions),
		EndTime: date(ps.ended, dateLayoutSessions), Duration: int(ps.span(now) / time.Second),
		AssetName: ps.asset, ManagedSystemID: nullInt(ps.systemID), ManagedAccountID: nullInt(ps.accountID),
		ManagedAccountName: ps.account, RecordKey: ps.recordKey, Token: ps.token,
		RequestID: nullInt(ps.requestID), ApplicationID: nullInt(ps.appID), SessionType: ps.sessionType,
	}
}

func sessionNotFound(id int) reply { return notFound(fmt.Sprintf("Session %d was not found.", id)) }

// listSessions lists sessions, filtered by status and requesting user
// (administrators, auditors, ISAs and Active Session Reviewers, as
// docs.beyondtrust.com/bips/reference/sessions, "Get Sessions", lists them).
//
// API: GET Sessions?status=1,2&userID=7
func (s *Server) listSessions(c *call) reply {
	if !c.user.maySeeSessions() {
		return forbidden(4031, msgAdminOnly)
	}
	statuses := map[int]bool{}
	for _, v := range c.queryAll("status") {
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || !validSessionStatus(n) {
				return badRequest("status must be a comma-separated list of 0, 1, 2, 5, 7, 8 and 9.")
			}
			statuses[n] = true
		}
	}
	userID := 0
	if v, ok := c.query("userID"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return badRequest("userID must be a user ID.")
		}
		userID = n
	}
	ids := make([]int, 0, len(s.sessions))
	for id := range s.sessions {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []sessionJSON{}
	for _, id := range ids {
		ps := s.sessions[id]
		if (len(statuses) == 0 || statuses[ps.status]) && (userID == 0 || ps.user.id == userID) {
			out = append(out, ps.json(c.now))
		}
	}
	return jsonReply(http.StatusOK, out)
}

func validSessionStatus(n int) bool {
	switch n {
	case sessionNotStarted, sessionInProgress, sessionCompleted, sessionLocked,
		sessionTerminated, sessionLoggedOff, sessionDisconnected:
		return true
	}
	return false
}

// getSession answers one session (administrators, auditors, ISAs and
// Active Session Reviewers: bips/v26.1/reference/get-api-public-v3-sessions-id).
//
// API: GET Sessions/{id}
func (s *Server) getSession(c *call) reply {
	if !c.user.maySeeSessions() {
		return forbidden(4031, msgAdminOnly)
	}
	ps, ok := s.sessions[c.id(0)]
	if !ok {
		return sessionNotFound(c.id(0))
	}
	return jsonReply(http.StatusOK, ps.json(c.now))
}

// lockSession locks a live session (Status 5). Administrators, ISAs, Active
// Session Reviewers and the Global Quarantine permission may
// (bips/reference/post-api-public-v3-sessions-sessionid-lock, and -terminate
// for terminateSession); with ?feedback=true the answer is
// 200 with a report (see sessionReport), else 204. A session that is
// already locked stays locked (204 or the report); one that has ended
// answers 400.
//
// API: POST Sessions/{id}/Lock?feedback=true|false
func (s *Server) lockSession(c *call) reply {
	return s.changeSession(c, "Lock", func(ps *psmSession) { ps.status = sessionLocked })
}

// terminateSession ends a live session (Status 7), as lockSession.
//
// API: POST Sessions/{id}/Terminate?feedback=true|false
func (s *Server) terminateSession(c *call) reply {
	return s.changeSession(c, "Terminate", func(ps *psmSession) { ps.finish(sessionTerminated, c.now) })
}

func (s *Server) changeSession(c *call, action string, change func(*psmSession)) reply {
	feedback, msg := boolParam(c, "feedback")
	if msg != "" {
		return badRequest(msg)
	}
	if !c.user.admin && !c.user.isa && !c.user.reviewer && !c.user.mayQuarantine() {
		return forbidden(4031, msgAdminOnly)
	}
	ps, ok := s.sessions[c.id(0)]
	if !ok {
		return sessionNotFound(c.id(0))
	}
	if !ps.live() {
		return badRequest(fmt.Sprintf("Session %d is not active.", ps.id))
	}
	change(ps)
	if feedback {
		return jsonReply(http.StatusOK, sessionReport(action, "Session", ps.id, []*psmSession{ps}))
	}
	return noContent()
}

// sessionTypes maps the accepted SessionType spellings to the canonical
// ones, and each to the AccessType of the requests it may come from.
var sessionTypes = map[string]struct{ name, access string }{
	"ssh":       {"SSH", "SSH"},
	"sshticket": {"sshticket", "SSH"},
	"rdp":       {"RDP", "RDP"},
	"rdpticket": {"rdpticket", "RDP"},
	"rdpfile":   {"rdpfile", "RDP"},
	"app":       {"app", "App"},
	"appfile":   {"appfile", "App"},
}

// sessionBody is the body of POST Requests/{id}/Sessions. Resolution and
// RDPAdminSwitch are the newer servers' fields (v25.3, v26.1 references).
type sessionBody struct {
	SessionType    string
	NodeID         string
	Resolution     string
	RDPAdminSwitch bool
}

// checkRDPFields refuses RDP settings on an SSH session, and a Resolution
// over 50 characters, as the SDK's validation and POST Sessions/Admin do.
// It returns a 400 message or "".
func checkRDPFields(access, resolution string, adminSwitch bool) string {
	switch {
	case utf8.RuneCountInString(resolution) > 50:
		return "Resolution must be at most 50 characters."
	case access == "SSH" && (resolution != "" || adminSwitch):
		return "Resolution and RDPAdminSwitch apply to RDP sessions only."
	}
	return ""
}

// createSession opens a session from an approved request of the caller.
// NodeID picks a seeded node; an unknown one is served by the fake's own
// node, an inactive one answers 400 (see Nodes).
//
// API: POST Requests/{requestID}/Sessions
func (s *Server) createSession(c *call) reply {
	var b sessionBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	st, ok := sessionTypes[strings.ToLower(b.SessionType)]
	if !ok {
		return badRequest("SessionType must be SSH, sshticket, RDP, rdpticket, rdpfile, app or appfile.")
	}
	if msg := checkRDPFields(st.access, b.Resolution, b.RDPAdminSwitch); msg != "" {
		return badRequest(msg)
	}
	if rq, ok := s.requests[c.id(0)]; ok && rq.owner == c.user && rq.accessType != st.access {
		return badRequest(fmt.Sprintf("SessionType %s does not match the request's AccessType %s.", st.name, rq.accessType))
	}
	rq, rep, ok := s.ownLiveRequest(c, c.id(0))
	if !ok {
		return rep
	}
	nodeID, rep, ok := s.sessionNode(b.NodeID)
	if !ok {
		return rep
	}
	ps := s.newRequestSessionLocked(c, rq, st.access, st.name)
	ps.nodeID, ps.resolution, ps.adminSwitch = nodeID, b.Resolution, b.RDPAdminSwitch
	return ticketReply(c, ps, st.name, rdpOptions{
		app: rq.acct.apps[rq.appID], resolution: b.Resolution, adminSwitch: b.RDPAdminSwitch,
	})
}

// newRequestSessionLocked starts a session of the caller on rq's account.
func (s *Server) newRequestSessionLocked(c *call, rq *request, access, sessionType string) *psmSession {
	ps := s.newSessionLocked(c, access, sessionType)
	ps.asset, ps.systemID, ps.accountID = rq.acct.sys.name, rq.acct.sys.id, rq.acct.id
	ps.account = rq.acct.qualifiedName()
	ps.requestID, ps.appID = rq.id, rq.appID
	rq.sessions = append(rq.sessions, ps)
	return ps
}

// adminSessionBody is the body of POST Sessions/Admin.
type adminSessionBody struct {
	SessionType    string
	HostName       string
	Port           *int
	DomainName     string
	UserName       string
	Password       string
	Reason         string
	Resolution     string
	RDPAdminSwitch bool
	SmartSizing    bool
	NodeID         string
	Record         *bool // newer servers
}

// validate checks the body and normalises SessionType; it returns a 400
// message or "".
func (b *adminSessionBody) validate() string {
	st, ok := sessionTypes[strings.ToLower(b.SessionType)]
	if !ok || st.access == "App" {
		return "SessionType must be SSH, sshticket, RDP, rdpticket or rdpfile."
	}
	b.SessionType = st.name
	ssh := st.access == "SSH"
	switch {
	case b.HostName == "" || utf8.RuneCountInString(b.HostName) > 128:
		return "HostName is required and must be at most 128 characters."
	case utf8.RuneCountInString(b.DomainName) > 50:
		return "DomainName must be at most 50 characters."
	case b.UserName == "" || utf8.RuneCountInString(b.UserName) > 200:
		return "UserName is required and must be at most 200 characters."
	case b.Password == "":
		return "Password is required."
	case utf8.RuneCountInString(b.Resolution) > 50:
		return "Resolution must be at most 50 characters."
	case b.Port != nil && (*b.Port < 1 || *b.Port > 65535):
		return "Port must be between 1 and 65535."
	case ssh && (b.Resolution != "" || b.RDPAdminSwitch || b.SmartSizing):
		return "Resolution, RDPAdminSwitch and SmartSizing apply to RDP sessions only."
	case b.SmartSizing && st.name != "rdpfile":
		return "SmartSizing applies to rdpfile sessions only."
	}
	return ""
}

// createAdminSession opens a session to any host with given credentials.
//
// API: POST Sessions/Admin
func (s *Server) createAdminSession(c *call) reply {
	var b adminSessionBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	if msg := b.validate(); msg != "" {
		return badRequest(msg)
	}
	if !c.user.admin {
		return forbidden(4031, msgAdminOnly)
	}
	nodeID, rep, ok := s.sessionNode(b.NodeID)
	if !ok {
		return rep
	}
	access := sessionTypes[strings.ToLower(b.SessionType)].access
	ps := s.newSessionLocked(c, access, b.SessionType)
	ps.asset, ps.account = b.HostName, b.UserName
	ps.nodeID, ps.noRecord = nodeID, b.Record != nil && !*b.Record
	ps.resolution, ps.adminSwitch = b.Resolution, b.RDPAdminSwitch
	if b.DomainName != "" {
		ps.account = b.DomainName + `\` + b.UserName
	}
	return ticketReply(c, ps, b.SessionType, rdpOptions{
		resolution: b.Resolution, adminSwitch: b.RDPAdminSwitch, smartSizing: b.SmartSizing,
	})
}

// newSessionLocked starts a session of the caller for the access type.
func (s *Server) newSessionLocked(c *call, access, sessionType string) *psmSession {
	ps := &psmSession{
		id: s.nextSession, user: c.user, status: sessionInProgress, protocol: protocolRDP,
		start: c.now, recordKey: randomHex(64), token: randomHex(32), sessionType: sessionType,
	}
	if access == "SSH" {
		ps.protocol = protocolSSH
	}
	s.nextSession++
	s.sessions[ps.id] = ps
	return ps
}

// ticketJSON is the answer for SSH sessions.
type ticketJSON struct {
	ID           string
	Ticket       string
	Host         string
	Port         string
	TicketAtHost string
	Link         string
	Command      string
	SessionID    int
	NodeID       string
}

// shortTicketJSON is the answer for RDP and app sessions.
type shortTicketJSON struct {
	ID        string
	Ticket    string
	Host      string
	Port      string
	SessionID int
	NodeID    string
}

// rdpOptions shape the .rdp file of rdpfile and appfile sessions.
type rdpOptions struct {
	resolution  string
	adminSwitch bool
	smartSizing bool
	app         string // RemoteApp name, for appfile
}

// ticketReply answers a new session: JSON for ticket types, an .rdp
// attachment for rdpfile and appfile.
func ticketReply(c *call, ps *psmSession, sessionType string, opts rdpOptions) reply {
	host := c.r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" {
		host = "127.0.0.1"
	}
	id, ticket := randomHex(32), randomString(40, "abcdefghijklmnopqrstuvwxyz0123456789")
	switch sessionType {
	case "SSH", "sshticket":
		return jsonReply(http.StatusCreated, ticketJSON{
			ID: id, Ticket: ticket, Host: host, Port: sshProxyPort,
			TicketAtHost: ticket + "@" + host,
			Link:         "ssh://" + ticket + "@" + net.JoinHostPort(host, sshProxyPort),
			Command:      "ssh -p " + sshProxyPort + " " + ticket + "@" + host,
			SessionID:    ps.id, NodeID: ps.node(),
		})
	case "RDP", "rdpticket", "app":
		return jsonReply(http.StatusCreated, shortTicketJSON{
			ID: id, Ticket: ticket, Host: host, Port: rdpProxyPort, SessionID: ps.id, NodeID: ps.node(),
		})
	}
	rep := reply{status: http.StatusCreated, body: rdpFile(host, ticket, opts)}
	rep.header().Set("Content-Type", "application/x-rdp")
	rep.header().Set("Content-Disposition", `attachment; filename="`+safeFileName(ps.asset)+`.rdp"`)
	return rep
}

// rdpFile writes a small Remote Desktop connection file.
func rdpFile(host, ticket string, opts rdpOptions) []byte {
	width, height, mode := 1024, 768, 1
	if strings.EqualFold(opts.resolution, "Maximized") {
		mode = 2
	} else if w, h, ok := strings.Cut(strings.ToLower(opts.resolution), "x"); ok {
		if wi, err := strconv.Atoi(w); err == nil && wi > 0 {
			width = wi
		}
		if hi, err := strconv.Atoi(h); err == nil && hi > 0 {
			height = hi
		}
	}
	b01 := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	lines := []string{
		fmt.Sprintf("screen mode id:i:%d", mode),
		fmt.Sprintf("desktopwidth:i:%d", width),
		fmt.Sprintf("desktopheight:i:%d", height),
		"session bpp:i:32",
		"full address:s:" + net.JoinHostPort(host, rdpProxyPort),
		"username:s:" + ticket,
		"prompt for credentials:i:0",
		fmt.Sprintf("administrative session:i:%d", b01(opts.adminSwitch)),
		fmt.Sprintf("smart sizing:i:%d", b01(opts.smartSizing)),
		"authentication level:i:2",
	}
	if opts.app != "" {
		lines = append(lines, "remoteapplicationmode:i:1", "remoteapplicationname:s:"+opts.app,
			"remoteapplicationprogram:s:||"+strings.ReplaceAll(opts.app, " ", ""))
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// safeFileName keeps a host name usable inside a quoted file name.
func safeFileName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r == '/' || r < ' ' {
			return '_'
		}
		return r
	}, name)
}
