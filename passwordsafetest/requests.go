package passwordsafetest

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// requestState is where a release request is in its life.
type requestState string

// The states RequestInfo.Status reports.
const (
	statePending   requestState = "pending"
	stateActive    requestState = "active"
	stateDenied    requestState = "denied"
	stateCancelled requestState = "cancelled"
	stateCheckedIn requestState = "checkedin"
	stateExpired   requestState = "expired"
)

func (st requestState) describe() string {
	if st == stateCheckedIn {
		return "checked in"
	}
	return string(st)
}

func (st requestState) live() bool { return st == statePending || st == stateActive }

// request is a release request.
type request struct {
	id         int
	owner      *user
	acct       *account
	aliasID    int
	appID      int
	accessType string
	duration   int // minutes
	reason     string
	ticket     string
	rotate     bool
	state      requestState
	needed     int
	approvals  []*user
	created    time.Time
	approved   time.Time
	expires    time.Time // active: approval + duration; pending: end of the request window
	ended      time.Time
	sessions   []*psmSession
}

// RequestInfo is a test's view of a release request.
type RequestInfo struct {
	RequestID       int
	Status          string // pending, active, denied, cancelled, checkedin, expired
	Owner           string // the requestor's user name
	SystemID        int
	AccountID       int
	AliasID         int // 0 unless made through an alias
	ApplicationID   int
	AccessType      string // View, RDP, SSH, App
	DurationMinutes int
	Reason          string
	TicketNumber    string
	Approvals       []string // user names of the approvers so far, in order
	ApprovalsNeeded int      // 0 = auto-approved
	RotateOnCheckin bool
	Created         time.Time
	Approved        time.Time // zero while pending
	Expires         time.Time
	Ended           time.Time // zero while pending or active
	SessionIDs      []int
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
	info := RequestInfo{
		RequestID: rq.id, Status: string(rq.state), Owner: rq.owner.userName,
		SystemID: rq.acct.sys.id, AccountID: rq.acct.id, AliasID: rq.aliasID,
		ApplicationID: rq.appID, AccessType: rq.accessType, DurationMinutes: rq.duration,
		Reason: rq.reason, TicketNumber: rq.ticket, ApprovalsNeeded: rq.needed,
		RotateOnCheckin: rq.rotate, Created: rq.created, Approved: rq.approved,
		Expires: rq.expires, Ended: rq.ended,
	}
	for _, u := range rq.approvals {
		info.Approvals = append(info.Approvals, u.userName)
	}
	for _, ps := range rq.sessions {
		info.SessionIDs = append(info.SessionIDs, ps.id)
	}
	return info, true
}

// sweepLocked ends what the clock has run past: requests, idle sessions,
// OAuth tokens.
func (s *Server) sweepLocked(now time.Time) {
	var due []*request
	for _, rq := range s.live {
		if !now.Before(rq.expires) {
			due = append(due, rq)
		}
	}
	// In the order they expired, so rotations happen in time order.
	sort.Slice(due, func(i, j int) bool { return due[i].expires.Before(due[j].expires) })
	for _, rq := range due {
		s.endRequestLocked(rq, stateExpired, rq.expires)
	}
	s.sweepAuthLocked(now)
}

// activate releases the credential: the request window starts now.
func (rq *request) activate(now time.Time) {
	rq.state = stateActive
	rq.approved = now
	rq.expires = now.Add(time.Duration(rq.duration) * time.Minute)
}

// endRequestLocked moves a live request to a final state. A released
// credential is rotated when the request says so, and the request's
// sessions are logged off.
func (s *Server) endRequestLocked(rq *request, st requestState, at time.Time) {
	wasActive := rq.state == stateActive
	rq.state, rq.ended = st, at
	delete(s.live, rq.id)
	if wasActive && rq.rotate {
		rq.acct.rotate(at)
	}
	for _, ps := range rq.sessions {
		ps.finish(sessionLoggedOff, at)
	}
}

// requestJSON is the Request object of GET Requests.
type requestJSON struct {
	RequestID          int
	SystemID           int
	SystemName         string
	AccountID          int
	AccountName        string
	DomainName         *string
	AliasID            *int
	ApplicationID      *int
	RequestReleaseDate *string
	ApprovedDate       *string
	ExpiresDate        *string
	Status             string
	AccessType         string
	Reason             string
}

func (rq *request) json() requestJSON {
	status := "Pending"
	if rq.state == stateActive {
		status = "Active"
	}
	return requestJSON{
		RequestID: rq.id, SystemID: rq.acct.sys.id, SystemName: rq.acct.sys.name,
		AccountID: rq.acct.id, AccountName: rq.acct.name, DomainName: nullString(rq.acct.domain),
		AliasID: nullInt(rq.aliasID), ApplicationID: nullInt(rq.appID),
		RequestReleaseDate: date(rq.created, dateLayoutRequests),
		ApprovedDate:       date(rq.approved, dateLayoutRequests),
		ExpiresDate:        date(rq.expires, dateLayoutRequests),
		Status:             status, AccessType: rq.accessType, Reason: rq.reason,
	}
}

// mayApprove reports whether u is an approver in the account's group.
func mayApprove(u *user, a *account) bool {
	return u.approver && slices.Contains(a.approvers, u.userName)
}

func (rq *request) approvedBy(u *user) bool { return slices.Contains(rq.approvals, u) }

// listRequests lists the caller's live requests (queue=req) or those it may
// approve or has approved (queue=app).
//
// API: GET Requests?status=all|active|pending&queue=req|app
func (s *Server) listRequests(c *call) reply {
	status, _ := c.query("status")
	status = strings.ToLower(status)
	if status == "" {
		status = "all"
	}
	if status != "all" && status != "active" && status != "pending" {
		return badRequest("status must be all, active or pending.")
	}
	queue, _ := c.query("queue")
	queue = strings.ToLower(queue)
	if queue == "" {
		queue = "req"
	}
	if queue != "req" && queue != "app" {
		return badRequest("queue must be req or app.")
	}
	if queue == "app" && !c.user.approver {
		return forbidden(4033, msgApproverOnly)
	}
	out := []requestJSON{}
	for _, rq := range s.sortedLive() {
		if status != "all" && string(rq.state) != status {
			continue
		}
		var show bool
		if queue == "req" {
			show = rq.owner == c.user
		} else {
			show = rq.owner != c.user && (rq.approvedBy(c.user) ||
				rq.state == statePending && mayApprove(c.user, rq.acct))
		}
		if show {
			out = append(out, rq.json())
		}
	}
	return jsonReply(http.StatusOK, out)
}

func (s *Server) sortedLive() []*request {
	out := make([]*request, 0, len(s.live))
	for _, rq := range s.live {
		out = append(out, rq)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// createBody is the body of POST Requests and POST Aliases/{id}/Requests.
type createBody struct {
	AccessType             string
	SystemID               *int
	AccountID              *int
	ApplicationID          *int
	DurationMinutes        *int
	Reason                 string
	AccessPolicyScheduleID *int
	ConflictOption         string
	TicketSystemID         *int
	TicketNumber           string
	RotateOnCheckin        *bool
}

// accessTypes maps the accepted spellings to the canonical ones.
var accessTypes = map[string]string{"view": "View", "rdp": "RDP", "ssh": "SSH", "app": "App"}

// validate checks the body as the server does and normalises AccessType
// and ConflictOption. It returns a 400 message, or "".
func (b *createBody) validate(viaAlias bool) string {
	if !viaAlias {
		if b.SystemID == nil || *b.SystemID <= 0 {
			return "SystemID is required and must be greater than 0."
		}
		if b.AccountID == nil || *b.AccountID <= 0 {
			return "AccountID is required and must be greater than 0."
		}
	}
	if b.DurationMinutes == nil || *b.DurationMinutes < 1 || *b.DurationMinutes > 525600 {
		return "DurationMinutes is required and must be between 1 and 525600."
	}
	if b.AccessType == "" {
		b.AccessType = "View"
	}
	at, ok := accessTypes[strings.ToLower(b.AccessType)]
	switch {
	case viaAlias && (!ok || at == "App"):
		return "AccessType must be View, RDP or SSH."
	case !ok:
		return "AccessType must be View, RDP, SSH or App."
	}
	b.AccessType = at
	if at == "App" && b.ApplicationID == nil {
		return "ApplicationID is required when AccessType is App."
	}
	if at != "App" {
		b.ApplicationID = nil // only App requests name an application
	}
	if utf8.RuneCountInString(b.TicketNumber) > 20 {
		return "TicketNumber must be at most 20 characters."
	}
	if utf8.RuneCountInString(b.Reason) > 1000 {
		return "Reason must be at most 1000 characters."
	}
	b.ConflictOption = strings.ToLower(b.ConflictOption)
	if b.ConflictOption != "" && b.ConflictOption != "reuse" && b.ConflictOption != "renew" {
		return "ConflictOption must be reuse or renew."
	}
	return ""
}

// createdJSON is the answer of a created or reused request.
type createdJSON struct{ RequestID int }

// createRequest creates a release request.
//
// API: POST Requests
func (s *Server) createRequest(c *call) reply {
	var b createBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	if msg := b.validate(false); msg != "" {
		return badRequest(msg)
	}
	if !c.user.requestor {
		return forbidden(4032, msgRequestorOnly)
	}
	a := s.accountByID(*b.SystemID, *b.AccountID)
	if a == nil {
		return forbidden(4031, msgNoAccountAccess)
	}
	return s.newRequestLocked(c, a, 0, &b)
}

// newRequestLocked applies the account's policy and the conflict rules and
// creates (201) or reuses (200) a request.
func (s *Server) newRequestLocked(c *call, a *account, aliasID int, b *createBody) reply {
	if !a.allows(b.AccessType) {
		return forbidden(4031, fmt.Sprintf("User does not have permission to request %s access to the account.", b.AccessType))
	}
	appID := 0
	if b.ApplicationID != nil {
		if _, ok := a.apps[*b.ApplicationID]; !ok {
			return forbidden(4031, fmt.Sprintf("User does not have permission to request application %d on the account.", *b.ApplicationID))
		}
		appID = *b.ApplicationID
	}
	if a.needed > 0 {
		n := 0
		for _, name := range a.approvers {
			if u := s.userByName(name); u != nil && u.approver && u != c.user {
				n++
			}
		}
		if n < a.needed {
			return forbidden(4035, msgNotEnoughApprov)
		}
	}
	var conflicts []*request
	for _, rq := range s.sortedLive() {
		if rq.owner == c.user && rq.acct == a {
			conflicts = append(conflicts, rq)
		}
	}
	switch b.ConflictOption {
	case "":
		if len(conflicts) > 0 {
			return errorReply(http.StatusConflict, fmt.Sprintf(
				"Conflicting request exists. This user already has request %d for the account.", conflicts[0].id))
		}
	case "reuse":
		for _, rq := range conflicts {
			if rq.state == stateActive && rq.accessType == b.AccessType && rq.aliasID == aliasID {
				return jsonReply(http.StatusOK, createdJSON{RequestID: rq.id})
			}
		}
	case "renew":
		for _, rq := range conflicts {
			s.endRequestLocked(rq, stateCancelled, c.now)
		}
	}
	rq := &request{
		id: s.nextRequest, owner: c.user, acct: a, aliasID: aliasID, appID: appID,
		accessType: b.AccessType, duration: *b.DurationMinutes, reason: b.Reason,
		ticket: b.TicketNumber, rotate: b.RotateOnCheckin == nil || *b.RotateOnCheckin,
		state: statePending, needed: a.needed, created: c.now,
		expires: c.now.Add(time.Duration(*b.DurationMinutes) * time.Minute),
	}
	s.nextRequest++
	if rq.needed == 0 {
		rq.activate(c.now)
	}
	s.requests[rq.id] = rq
	s.live[rq.id] = rq
	return jsonReply(http.StatusCreated, createdJSON{RequestID: rq.id})
}
