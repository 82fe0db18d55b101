package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SessionsService lists, opens, locks, terminates and replays sessions:
// the SSH and RDP connections Password Safe proxies and records.
type SessionsService service

// Limits the server documents for admin sessions, in characters.
const (
	maxHostName   = 128
	maxDomainName = 50
	maxUserName   = 200
	maxResolution = 50
)

// ListSessionsOptions filters SessionsService.List. The zero value lists
// every session the user may see.
type ListSessionsOptions struct {
	Status []SessionStatus `url:"status,omitempty,comma"` // any of the statuses; empty: all
	UserID int             `url:"userID,omitempty"`       // sessions requested by this user; 0: all
}

// query encodes the filter by hand: go-querystring would write the statuses
// by their String method ("In Progress"), and the server wants numbers.
// Digits and commas need no escaping, so the query reads status=1,2&userID=7.
func (o *ListSessionsOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	for _, st := range o.Status {
		if !validSessionStatus(st) {
			return "", invalid("status", "%d is not one of 0, 1, 2, 5, 7, 8, 9", int(st))
		}
	}
	if o.UserID < 0 {
		return "", invalid("userID", "must be greater than 0 when set, got %d", o.UserID)
	}
	var parts []string
	if len(o.Status) > 0 {
		parts = append(parts, "status="+joinInts(o.Status))
	}
	if o.UserID > 0 {
		parts = append(parts, "userID="+strconv.Itoa(o.UserID))
	}
	return strings.Join(parts, "&"), nil
}

func validSessionStatus(st SessionStatus) bool {
	switch st {
	case SessionNotStarted, SessionInProgress, SessionCompleted, SessionLocked,
		SessionTerminated, SessionLoggedOff, SessionDisconnected:
		return true
	}
	return false
}

// Session is a proxied session, live or ended. EndTime is zero while the
// session is live. Token, RecordKey and Protocol are what StartReplay needs.
type Session struct {
	SessionID          int
	UserID             int // the user who requested the session
	NodeID             string
	Status             SessionStatus
	ArchiveStatus      int
	Protocol           int // 0 RDP, 1 SSH
	StartTime          Time
	EndTime            Time // zero while the session is live
	Duration           int  // seconds
	AssetName          string
	ManagedSystemID    int // 0 for admin sessions (the server sends null)
	ManagedAccountID   int
	ManagedAccountName string
	RecordKey          string
	Token              string
	RequestID          int         // the request the session was opened for; newer servers, 0 when absent
	ApplicationID      int         // newer servers; 0 when absent
	SessionType        SessionType // newer servers; "" when absent
}

// SessionType is the kind of session to open. The ticket types answer
// connection details; the file types answer a file to open (.rdp).
type SessionType string

// Session types, spelled as the server expects them.
const (
	SessionSSH       SessionType = "SSH"       // SSH through the proxy: a ticket and a ready ssh command
	SessionSSHTicket SessionType = "sshticket" // same as SessionSSH
	SessionRDP       SessionType = "RDP"       // RDP through the proxy: a ticket, host and port
	SessionRDPTicket SessionType = "rdpticket" // same as SessionRDP
	SessionRDPFile   SessionType = "rdpfile"   // an .rdp file to open with a Remote Desktop client
	SessionApp       SessionType = "app"       // an application session: a ticket
	SessionAppFile   SessionType = "appfile"   // an application session as an .rdp file
)

var (
	allSessionTypes   = []SessionType{SessionSSH, SessionSSHTicket, SessionRDP, SessionRDPTicket, SessionRDPFile, SessionApp, SessionAppFile}
	adminSessionTypes = []SessionType{SessionSSH, SessionSSHTicket, SessionRDP, SessionRDPTicket, SessionRDPFile}
)

func (t SessionType) isSSH() bool { return t == SessionSSH || t == SessionSSHTicket }

func checkSessionType(t SessionType, allowed []SessionType) error {
	return firstError(checkRequired("SessionType", string(t)), checkEnum("SessionType", t, allowed...))
}

// CreateSessionOptions is the body of SessionsService.Create.
//
// Resolution and RDPAdminSwitch are understood by newer servers (the v25.3
// and v26.1 references); an older server ignores them. They are left out
// of the body when unset, so the server's defaults apply.
type CreateSessionOptions struct {
	SessionType SessionType `json:"SessionType"`      // required; it must fit the request's AccessType
	NodeID      string      `json:"NodeID,omitempty"` // the node to connect through (see SessionsService.Nodes); empty: the local node

	Resolution     string `json:"Resolution,omitempty"`     // RDP only, ≤50, e.g. "1024x768" or "Maximized"; empty: the configured default
	RDPAdminSwitch bool   `json:"RDPAdminSwitch,omitempty"` // RDP only: a Remote Administration session (mstsc /admin)
}

func (o *CreateSessionOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		checkSessionType(o.SessionType, allSessionTypes),
		checkLen("Resolution", o.Resolution, maxResolution),
		checkRDPOnly(o.SessionType, o.Resolution, o.RDPAdminSwitch),
	)
}

// checkRDPOnly refuses the RDP settings with an SSH session type: the
// server would ignore them, and a caller who set them meant something else.
func checkRDPOnly(t SessionType, resolution string, adminSwitch bool) error {
	switch {
	case t.isSSH() && resolution != "":
		return invalid("Resolution", "applies to RDP sessions only, not SessionType %s", t)
	case t.isSSH() && adminSwitch:
		return invalid("RDPAdminSwitch", "applies to RDP sessions only, not SessionType %s", t)
	}
	return nil
}

// CreateAdminSessionOptions is the body of SessionsService.CreateAdmin: a
// session to any host with credentials the caller supplies.
//
// The value never prints its Password: fmt (every verb, %#v included, on
// the value and on a pointer) and log/slog show "[REDACTED]" in its place.
// It is sent to the server as given, of course.
type CreateAdminSessionOptions struct {
	SessionType    SessionType `json:"SessionType"`          // SSH, sshticket, RDP, rdpticket or rdpfile
	HostName       string      `json:"HostName"`             // required, ≤128
	Port           *int        `json:"Port,omitempty"`       // 1–65535; nil: the configured default
	DomainName     string      `json:"DomainName,omitempty"` // ≤50
	UserName       string      `json:"UserName"`             // required, ≤200
	Password       string      `json:"Password"`             // required; never printed by fmt
	Reason         string      `json:"Reason,omitempty"`
	Resolution     string      `json:"Resolution,omitempty"` // RDP only, ≤50, e.g. "1024x768" or "Maximized"
	RDPAdminSwitch bool        `json:"RDPAdminSwitch,omitempty"`
	SmartSizing    bool        `json:"SmartSizing,omitempty"` // rdpfile only
	NodeID         string      `json:"NodeID,omitempty"`

	// Record asks a newer server to record the session (true) or not
	// (false); nil leaves it to the server's configuration. Older servers
	// ignore it.
	Record *bool `json:"Record,omitempty"`
}

func (o *CreateAdminSessionOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	var portErr error
	if o.Port != nil {
		portErr = checkRange("Port", *o.Port, 1, 65535)
	}
	rdpErr := checkRDPOnly(o.SessionType, o.Resolution, o.RDPAdminSwitch)
	if rdpErr == nil && o.SmartSizing && o.SessionType != SessionRDPFile {
		rdpErr = invalid("SmartSizing", "applies to SessionType rdpfile only, not %s", o.SessionType)
	}
	return firstError(
		checkSessionType(o.SessionType, adminSessionTypes),
		checkRequired("HostName", o.HostName),
		checkLen("HostName", o.HostName, maxHostName),
		portErr,
		checkLen("DomainName", o.DomainName, maxDomainName),
		checkRequired("UserName", o.UserName),
		checkLen("UserName", o.UserName, maxUserName),
		checkRequired("Password", o.Password),
		checkLen("Resolution", o.Resolution, maxResolution),
		rdpErr,
	)
}

// String describes the options with the password replaced by [REDACTED].
func (o CreateAdminSessionOptions) String() string { return redactedString(o) }

// GoString is what %#v prints: Go syntax, with the password replaced by
// "[REDACTED]".
func (o CreateAdminSessionOptions) GoString() string { return redactedGoString(o) }

// Format prints GoString for %#v and String, under the same verb and flags,
// for every other verb, so no verb can reach the password.
func (o CreateAdminSessionOptions) Format(f fmt.State, verb rune) { formatRedacted(f, verb, o) }

// LogValue makes log/slog show the options as a group, with the password
// replaced by [REDACTED].
func (o CreateAdminSessionOptions) LogValue() slog.Value { return redactedLogValue(o) }

// SessionTicket is a new session: how to connect to it. SSH types fill
// Ticket, Host, Port, TicketAtHost, Link and Command (a ready ssh command
// line); RDP and app ticket types fill ID, Ticket, Host and Port. When the
// server answers with a file (rdpfile, appfile), File holds it, and
// FileName its name when the server gave one.
type SessionTicket struct {
	ID           string
	Ticket       string
	Host         string
	Port         string
	TicketAtHost string
	Link         string
	Command      string
	SessionID    int
	NodeID       string
	File         []byte // the RDP/app file when the server answered with an attachment
	FileName     string // from Content-Disposition, when given (a base name, never a path)
}

// ticketJSON is the JSON answer. The documentation types ID and Port as
// strings and SessionID as a number; the fields accept either, since
// Password Safe versions differ.
type ticketJSON struct {
	ID           flexString
	Ticket       string
	Host         string
	Port         flexString
	TicketAtHost string
	Link         string
	Command      string
	SessionID    flexInt
	NodeID       string
}

// flexString decodes a JSON string or number as a string.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*s = flexString(n.String())
	}
	return nil
}

// flexInt decodes a JSON number or a string holding one.
type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	if s == "" {
		return nil
	}
	v, err := strconv.Atoi(string(s))
	if err != nil {
		return fmt.Errorf("passwordsafe: %q is not an integer", string(s))
	}
	*n = flexInt(v)
	return nil
}

func sessionPath(id int) string { return "Sessions/" + strconv.Itoa(id) }

// List returns the sessions the user may see, filtered by status and by
// the user who requested them (nil: all). It needs the Administrators group,
// or the ISA or auditor role on at least one Smart Rule (newer servers: or a
// session reviewer role).
//
// API: GET Sessions
//
// Needs: the Administrators group, or the ISA or auditor role on at least
// one Smart Rule, or on newer servers the Active Session Reviewer, Recorded
// Session Reviewer or Admin Session Reviewer role
// (docs.beyondtrust.com/bips/reference/sessions); not a plain requester's
// call (ErrForbidden).
func (s *SessionsService) List(ctx context.Context, opts *ListSessionsOptions) ([]Session, *Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callList[Session](ctx, s.client, get("Sessions", q))
}

// All returns the sessions List would, one at a time, decoding each from
// the answer as it arrives: memory stays flat whatever the list's size
// (GET Sessions has no paging and can answer 100,000 rows). A failure,
// also one halfway through the list, is the last pair yielded, never a
// silently short list; once a session has been yielded the call is not
// repeated. Breaking out of the loop closes the answer at once.
//
//	for s, err := range client.Sessions.All(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		// use s
//	}
//
// API: GET Sessions
//
// Needs: as List.
func (s *SessionsService) All(ctx context.Context, opts *ListSessionsOptions) iter.Seq2[Session, error] {
	q, err := opts.query()
	if err != nil {
		return seqError[Session](err)
	}
	return func(yield func(Session, error) bool) {
		streamList(ctx, s.client, get("Sessions", q), yield)
	}
}

// Get returns one session.
//
// API: GET Sessions/{id}
//
// Needs: as List.
func (s *SessionsService) Get(ctx context.Context, sessionID int) (*Session, *Response, error) {
	if err := checkID("sessionID", sessionID); err != nil {
		return nil, nil, err
	}
	return callJSON[Session](ctx, s.client, get(sessionPath(sessionID), ""))
}

// Create opens a session for an approved request of the user: connection
// details (a ticket), or for rdpfile and appfile the file to open, in
// SessionTicket.File. Before approval the server answers 4034
// (ErrNotApproved).
//
// The request is not repeated on a 5xx answer or a broken connection, since
// the server may have opened the session already.
//
// API: POST Requests/{requestID}/Sessions
// Needs: to own the request (a plain requestor can).
func (s *SessionsService) Create(ctx context.Context, requestID int, opts *CreateSessionOptions) (*SessionTicket, *Response, error) {
	if err := firstError(checkID("requestID", requestID), opts.validate()); err != nil {
		return nil, nil, err
	}
	return s.open(ctx, &request{method: http.MethodPost, path: requestPath(requestID, "Sessions"), body: opts})
}

// CreateAdmin opens a session to any host with the credentials in opts,
// without a request. It answers like Create. The password never appears in
// an error message or a log.
//
// API: POST Sessions/Admin
// Needs: Password Safe Admin Session (Read/Write; Full control on newer
// servers).
func (s *SessionsService) CreateAdmin(ctx context.Context, opts *CreateAdminSessionOptions) (*SessionTicket, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	return s.open(ctx, &request{method: http.MethodPost, path: "Sessions/Admin", body: opts, secrets: []string{opts.Password}})
}

// open posts a new session and reads the ticket or the file.
func (s *SessionsService) open(ctx context.Context, r *request) (*SessionTicket, *Response, error) {
	r.limit = capFile
	// A file answer is not JSON; say that it is welcome.
	r.accept = "application/json, */*;q=0.5"
	return callWith(ctx, s.client, r, decodeTicket)
}

var errEmptyTicket = errors.New("the answer is empty")

// decodeTicket reads a new session's answer. It is a file when the server
// says so (Content-Disposition: attachment) or sends any content type but
// JSON; without a content type, a body that starts with '{' is JSON. What
// was asked for does not matter: a JSON answer to rdpfile is a ticket.
func decodeTicket(h http.Header, body []byte) (*SessionTicket, error) {
	disposition, params := parseDisposition(h.Get("Content-Disposition"))
	isFile := disposition == "attachment"
	if !isFile {
		if ct := strings.TrimSpace(h.Get("Content-Type")); ct != "" {
			isFile = !isJSONContentType(ct)
		} else {
			isFile = !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{"))
		}
	}
	if len(body) == 0 {
		return nil, errEmptyTicket
	}
	if isFile {
		return &SessionTicket{File: body, FileName: baseFileName(params["filename"])}, nil
	}
	var w ticketJSON
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	return &SessionTicket{
		ID: string(w.ID), Ticket: w.Ticket, Host: w.Host, Port: string(w.Port),
		TicketAtHost: w.TicketAtHost, Link: w.Link, Command: w.Command,
		SessionID: int(w.SessionID), NodeID: w.NodeID,
	}, nil
}

func isJSONContentType(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return isJSONMedia(mt)
}

func isJSONMedia(mt string) bool {
	return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}

// parseDisposition returns the disposition type, lower case, and its
// parameters; filename*= (RFC 2231/5987) is decoded into "filename".
// Servers send unquoted names holding '/' or '\', which the MIME grammar
// refuses; their filename is then read by hand.
func parseDisposition(cd string) (string, map[string]string) {
	if strings.TrimSpace(cd) == "" {
		return "", nil
	}
	typ, params, err := mime.ParseMediaType(cd)
	if err == nil {
		return typ, params
	}
	first, rest, _ := strings.Cut(cd, ";")
	typ = strings.ToLower(strings.TrimSpace(first))
	params = map[string]string{}
	for _, p := range strings.Split(rest, ";") {
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "filename") {
			params["filename"] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return typ, params
}

// baseFileName makes a server's file name safe to use as a file name on
// any OS, or returns "" when nothing safe is left: the last element of a
// path (a server's "C:\\exports\\host.rdp" or a hostile "../../.bashrc"),
// without a drive letter ("C:evil.rdp"), an NTFS stream ("host.rdp:evil.exe"
// keeps "host.rdp"), or trailing dots and spaces. A name holding control or
// format characters (a right-to-left override shows "rdp.exe" for a name
// ending in "exe.rdp") or characters Windows refuses is dropped whole, and
// so are ".", "..", Windows device names and names over 255 bytes.
func baseFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]) {
		name = name[2:]
	}
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	if strings.ContainsFunc(name, func(r rune) bool {
		return r == utf8.RuneError || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`<>"|?*`, r)
	}) {
		return ""
	}
	name = strings.TrimRight(strings.TrimSpace(name), ". ")
	stem, _, _ := strings.Cut(name, ".")
	if name == "" || len(name) > 255 || windowsDevice(strings.TrimSpace(stem)) {
		return ""
	}
	return name
}

func isASCIILetter(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }

// windowsDevice reports the names Windows keeps for devices, with any
// extension: CON.rdp opens the console, not a file.
func windowsDevice(stem string) bool {
	switch strings.ToUpper(stem) {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	u := strings.ToUpper(stem)
	return len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && u[3] >= '0' && u[3] <= '9'
}

// Lock locks a live session; it then lists with Status SessionLocked.
// LockWith asks for the server's report as well.
//
// API: POST Sessions/{id}/Lock
// Needs: Password Safe API Global Quarantine (Full control), the
// Administrators group, or the ISA or Active Session Reviewer role.
func (s *SessionsService) Lock(ctx context.Context, sessionID int) (*Response, error) {
	_, resp, err := s.LockWith(ctx, sessionID, nil)
	return resp, err
}

// Terminate ends a live session. TerminateWith asks for the server's
// report as well.
//
// API: POST Sessions/{id}/Terminate
// Needs: Password Safe API Global Quarantine (Full control), the
// Administrators group, or the ISA or Active Session Reviewer role.
func (s *SessionsService) Terminate(ctx context.Context, sessionID int) (*Response, error) {
	_, resp, err := s.TerminateWith(ctx, sessionID, nil)
	return resp, err
}
