package passwordsafetest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// What a test can read of the fake's state, to assert on. Every accessor
// returns copies; they are safe to call while calls are served.

// Call is one API call the fake received, as the call log keeps it. It
// never holds a credential: no header, no body, and query values whose
// names look secret (password, secret, token, key, pwd) are replaced.
type Call struct {
	Method  string
	Path    string    // below the base path, as sent (no query)
	Query   string    // the raw query, secrets replaced by REDACTED
	Version string    // the ?version= asked for; "" when none
	User    string    // the signed-in caller (or who signed in); "" when unknown
	Status  int       // the answer's status; 0 while in progress or when no answer was sent
	Time    time.Time // the fake clock when the call arrived
}

// String shows the call as "GET Requests?status=active -> 200".
func (c Call) String() string {
	q := ""
	if c.Query != "" {
		q = "?" + c.Query
	}
	return fmt.Sprintf("%s %s%s -> %d", c.Method, c.Path, q, c.Status)
}

func (s *Server) logCall(r *http.Request, rel, version string) int {
	q := r.URL.Query()
	for k := range q {
		lk := strings.ToLower(k)
		for _, secret := range []string{"password", "secret", "token", "key", "pwd"} {
			if strings.Contains(lk, secret) {
				q[k] = []string{"REDACTED"}
			}
		}
	}
	path := rel
	if r.URL.RawPath != "" {
		if p, ok := s.relPath(r.URL.RawPath); ok {
			path = p
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Method: r.Method, Path: path, Query: q.Encode(), Version: version, Time: s.clock.now()})
	s.notifyLocked()
	return len(s.calls) - 1
}

func (s *Server) finishCall(i, status int, u *user) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < len(s.calls) {
		s.calls[i].Status = status
		if u != nil {
			s.calls[i].User = u.userName
		}
	}
}

// Calls returns how many calls with the method ("" for any) and path
// (a pattern as for Next: "Requests/*/Checkin", "" for every path) arrived
// since the start or the last ResetCalls, faulted ones included.
func (s *Server) Calls(method, path string) int {
	p := splitPattern(path)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if matchesCall(method, p, c.Method, c.Path) {
			n++
		}
	}
	return n
}

// WaitForCalls waits until at least n calls matching method and path (as
// for Calls) have arrived, e.g. to know that the code under test has sent
// a call that a fault now holds. It wakes on the fake's own signal, never
// by polling, and gives up when ctx ends.
func (s *Server) WaitForCalls(ctx context.Context, method, path string, n int) error {
	p := splitPattern(path)
	for {
		s.mu.Lock()
		count := 0
		for _, c := range s.calls {
			if matchesCall(method, p, c.Method, c.Path) {
				count++
			}
		}
		changed := s.changed
		s.mu.Unlock()
		if count >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("passwordsafetest: waiting for %d %s %s calls (%d so far): %w", n, method, path, count, ctx.Err())
		}
	}
}

// CallLog returns every call received since the start or the last
// ResetCalls, in the order they arrived.
func (s *Server) CallLog() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// ResetCalls empties the call log (and so the counts of Calls).
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// The values of RequestInfo.Status.
const (
	StatusPending   = "pending"   // waiting for approvals
	StatusActive    = "active"    // approved: the credential is released
	StatusDenied    = "denied"    // denied while pending
	StatusCancelled = "cancelled" // denied while active, or replaced (ConflictOption renew)
	StatusCheckedIn = "checkedin" // checked in by its owner
	StatusExpired   = "expired"   // its window passed (or ExpireRequest)
	// StatusTerminated: ended by POST ManagedAccounts|ManagedSystems|Users/{id}/Requests/Terminate.
	StatusTerminated = "terminated"
)

// RequestInfo is a test's view of a release request.
type RequestInfo struct {
	RequestID       int
	Status          string // StatusPending, StatusActive, ...
	Owner           string // the requestor's user name
	SystemID        int
	SystemName      string
	AccountID       int
	AccountName     string
	AliasID         int // 0 unless made through an alias
	ApplicationID   int
	AccessType      string // View, RDP, SSH, App
	DurationMinutes int
	Reason          string
	TicketSystemID  int
	TicketNumber    string
	Approvals       []string // user names of the approvers so far, in order
	ApprovalsNeeded int      // 0 = auto-approved
	DeniedBy        string   // who denied it (StatusDenied, or StatusCancelled by a denial)
	DenyReason      string
	CheckinReason   string // the reason sent with the check-in (StatusCheckedIn)
	RotateOnCheckin bool
	Created         time.Time
	Approved        time.Time // zero while pending
	Expires         time.Time
	Ended           time.Time // zero while pending or active
	SessionIDs      []int

	RequestSetID    string // the set it was made in (POST RequestSets); "" for none
	ISA             bool   // made by POST ISARequests or POST ISASessions (approved at once)
	TerminatedBy    string // who ended it with a Requests/Terminate call (StatusTerminated)
	TerminateReason string // the Reason sent with that call
}

// Open reports whether the request is pending or active.
func (ri RequestInfo) Open() bool { return ri.Status == StatusPending || ri.Status == StatusActive }

func (rq *request) info() RequestInfo {
	info := RequestInfo{
		RequestID: rq.id, Status: string(rq.state), Owner: rq.owner.userName,
		SystemID: rq.acct.sys.id, SystemName: rq.acct.sys.name, AccountID: rq.acct.id, AccountName: rq.acct.name,
		AliasID: rq.aliasID, ApplicationID: rq.appID, AccessType: rq.accessType, DurationMinutes: rq.duration,
		Reason: rq.reason, TicketSystemID: rq.ticketSystem, TicketNumber: rq.ticket, ApprovalsNeeded: rq.needed,
		DenyReason: rq.denyReason, CheckinReason: rq.checkinReason,
		RotateOnCheckin: rq.rotate, Created: rq.created, Approved: rq.approved,
		Expires: rq.expires, Ended: rq.ended,
		RequestSetID: rq.setID, ISA: rq.isa, TerminateReason: rq.termination,
	}
	if rq.terminator != nil {
		info.TerminatedBy = rq.terminator.userName
	}
	if rq.deniedBy != nil {
		info.DeniedBy = rq.deniedBy.userName
	}
	for _, u := range rq.approvals {
		info.Approvals = append(info.Approvals, u.userName)
	}
	for _, ps := range rq.sessions {
		info.SessionIDs = append(info.SessionIDs, ps.id)
	}
	return info
}

// Request returns the state of a release request.
func (s *Server) Request(id int) (RequestInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.clock.now())
	rq, ok := s.requests[id]
	if !ok {
		return RequestInfo{}, false
	}
	return rq.info(), true
}

// Requests returns every request made, open or ended, by ID.
func (s *Server) Requests() []RequestInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.clock.now())
	ids := make([]int, 0, len(s.requests))
	for id := range s.requests {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := make([]RequestInfo, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.requests[id].info())
	}
	return out
}

// OpenRequests returns the requests still pending or active, by ID: what
// a test asserts is empty when the code under test must leave nothing open.
func (s *Server) OpenRequests() []RequestInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.clock.now())
	out := []RequestInfo{}
	for _, rq := range s.sortedLive() {
		out = append(out, rq.info())
	}
	return out
}

// WaitForRequest waits until a request has the given status (StatusPending
// to act as an approver; "" for any open request) and returns the oldest
// such request. It wakes on every change of the fake's state, never by
// polling, and gives up when ctx ends.
func (s *Server) WaitForRequest(ctx context.Context, status string) (RequestInfo, error) {
	for {
		s.mu.Lock()
		s.sweepLocked(s.clock.now())
		ids := make([]int, 0, len(s.requests))
		for id := range s.requests {
			ids = append(ids, id)
		}
		sort.Ints(ids)
		for _, id := range ids {
			rq := s.requests[id]
			if string(rq.state) == status || status == "" && rq.state.live() {
				info := rq.info()
				s.mu.Unlock()
				return info, nil
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return RequestInfo{}, fmt.Errorf("passwordsafetest: waiting for a %s request: %w", status, ctx.Err())
		}
	}
}

// Checkin is one check-in of a request, with the reason sent.
type Checkin struct {
	RequestID int
	User      string
	Reason    string
	Time      time.Time
}

// Checkins returns every successful check-in, in order.
func (s *Server) Checkins() []Checkin {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.checkins)
}

// Approve approves a request as the given user, as PUT
// Requests/{id}/Approve from that user would (the same rules apply: an
// approver in the account's policy, never the requestor). The error holds
// the server's answer, e.g. "403 4036 - Request has been approved already.".
func (s *Server) Approve(requestID int, approver string) error {
	return s.actAs("Approve", approver, func(c *call) reply { return s.approveLocked(c, requestID, "approved by the test") })
}

// Deny denies a pending request (or cancels an active one) as the given
// user, as PUT Requests/{id}/Deny from that user would.
func (s *Server) Deny(requestID int, approver, reason string) error {
	return s.actAs("Deny", approver, func(c *call) reply { return s.denyLocked(c, requestID, reason) })
}

func (s *Server) actAs(what, userName string, act func(*call) reply) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.now()
	s.sweepLocked(now)
	u := s.userByName(userName)
	if u == nil {
		return fmt.Errorf("passwordsafetest: %s: no user %q", what, userName)
	}
	rep := act(&call{s: s, now: now, user: u})
	s.notifyLocked()
	if rep.status < 300 {
		return nil
	}
	msg := string(rep.body)
	if m, err := strconv.Unquote(msg); err == nil {
		msg = m
	}
	return errors.New("passwordsafetest: " + what + " as " + userName + ": " + strconv.Itoa(rep.status) + " " + msg)
}

// SessionInfo is a test's view of a privileged session.
type SessionInfo struct {
	SessionID   int
	User        string
	Status      int    // as GET Sessions: 0 not started, 1 in progress, 2 completed, 5 locked, 7 terminated, 8 logged off
	Protocol    string // SSH or RDP
	SessionType string // as asked for (SSH, sshticket, rdpfile...), or SSH/RDP for a recorded session
	RequestID   int    // 0 for admin and recorded sessions
	SystemName  string // the asset (the host name for admin sessions)
	AccountName string // DOMAIN\name for domain accounts
	Start       time.Time
	End         time.Time // zero while live

	NodeID         string // the node it goes through (NodeID unless the create call chose a seeded one)
	Record         bool   // recorded: true unless the create call sent Record false
	Resolution     string // as the create call asked (RDP)
	RDPAdminSwitch bool   // as the create call asked (RDP)
}

// Live reports whether the session is in progress or locked.
func (si SessionInfo) Live() bool {
	return si.Status == sessionInProgress || si.Status == sessionLocked
}

// Sessions returns every session, recorded ones included, by ID.
func (s *Server) Sessions() []SessionInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.clock.now())
	ids := make([]int, 0, len(s.sessions))
	for id := range s.sessions {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := make([]SessionInfo, 0, len(ids))
	for _, id := range ids {
		ps := s.sessions[id]
		si := SessionInfo{
			SessionID: ps.id, User: ps.user.userName, Status: ps.status, Protocol: "SSH",
			SessionType: ps.sessionType, RequestID: ps.requestID, SystemName: ps.asset, AccountName: ps.account,
			Start: ps.start, End: ps.ended,
			NodeID: ps.node(), Record: !ps.noRecord, Resolution: ps.resolution, RDPAdminSwitch: ps.adminSwitch,
		}
		if ps.protocol == protocolRDP {
			si.Protocol = "RDP"
		}
		out = append(out, si)
	}
	return out
}

// ReplayInfo is a replay a viewer has open.
type ReplayInfo struct {
	ID        string
	SessionID int
	Speed     int // percent
}

// Replays returns the replays open now (started and not ended), by ID.
func (s *Server) Replays() []ReplayInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []ReplayInfo{}
	for _, rp := range s.replays {
		out = append(out, ReplayInfo{ID: rp.id, SessionID: rp.sess.id, Speed: rp.speed})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Users returns the users the fake knows, by ID, as seeded (IDs filled in).
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, User{ID: u.id, UserName: u.userName, Name: u.name, Email: u.email,
			Roles: u.roles(), RunAsPassword: u.password, SecretsSafe: secretsLevelName(u.secrets)})
	}
	return out
}

// User returns one user by name (case-insensitive).
func (s *Server) User(name string) (User, bool) {
	for _, u := range s.Users() {
		if strings.EqualFold(u.UserName, name) {
			return u, true
		}
	}
	return User{}, false
}

// Systems returns the managed systems, by ID.
func (s *Server) Systems() []System {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]System, 0, len(s.systems))
	for _, sy := range s.systems {
		out = append(out, System{ID: sy.id, Name: sy.name, Platform: sy.platform, PlatformID: sy.platformID,
			Type: sy.typ, Workgroup: sy.workgroup, IPAddress: sy.ip})
	}
	return out
}

// Accounts returns the managed accounts, by ID, with their current
// credentials and policies (defaults filled in).
func (s *Server) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.clock.now())
	out := make([]Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		acct := Account{
			ID: a.id, System: a.sys.name, Name: a.name, Domain: a.domain, UserPrincipalName: a.upn,
			Instance: a.instance, Description: a.description,
			Password: a.password, PrivateKey: a.privateKey, Passphrase: a.passphrase,
			Access:                slices.Clone(a.accessTypes),
			DefaultReleaseMinutes: a.defRelease, MaximumReleaseMinutes: a.maxRelease,
			Policy: Policy{Approvals: a.needed, Approvers: slices.Clone(a.approvers),
				RequireReason: a.needReason, RequireTicket: a.needTicket},
		}
		if len(a.apps) > 0 {
			acct.Applications = map[int]string{}
			for id, name := range a.apps {
				acct.Applications[id] = name
			}
		}
		out = append(out, acct)
	}
	return out
}

// Aliases returns the aliases, by ID.
func (s *Server) Aliases() []Alias {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Alias, 0, len(s.aliases))
	for _, al := range s.aliases {
		a := Alias{ID: al.id, Name: al.name}
		for _, m := range al.mapped {
			a.Accounts = append(a.Accounts, AccountRef{System: m.sys.name, Account: m.name})
		}
		out = append(out, a)
	}
	return out
}

// Password returns the current password of a managed account, named by
// system and account (name, DOMAIN\name or UPN; case-insensitive), or ""
// when there is no such account.
func (s *Server) Password(system, account string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.clock.now())
	if a := s.findAccount(system, account); a != nil {
		return a.password
	}
	return ""
}

// AccountIDs returns the system and account IDs of a managed account, or
// ok false.
func (s *Server) AccountIDs(system, account string) (systemID, accountID int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.findAccount(system, account); a != nil {
		return a.sys.id, a.id, true
	}
	return 0, 0, false
}
