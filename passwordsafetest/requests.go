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
	statePending   requestState = StatusPending
	stateActive    requestState = StatusActive
	stateDenied    requestState = StatusDenied
	stateCancelled requestState = StatusCancelled
	stateCheckedIn requestState = StatusCheckedIn
	stateExpired   requestState = StatusExpired
	stateTerm      requestState = StatusTerminated
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
	id            int
	owner         *user
	acct          *account
	aliasID       int
	appID         int
	accessType    string
	duration      int // minutes
	reason        string
	ticket        string
	ticketSystem  int
	rotate        bool
	deniedBy      *user
	denyReason    string
	checkinReason string
	state         requestState
	needed        int
	approvals     []*user
	created       time.Time
	approved      time.Time
	expires       time.Time // active: approval + duration; pending: end of the request window
	ended         time.Time
	sessions      []*psmSession

	setID       string // the request set it belongs to; "" for none
	isa         bool   // made by POST ISARequests or POST ISASessions
	terminator  *user  // who ended it with a .../Requests/Terminate call
	termination string // the reason sent with it
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

// mayApprove reports whether u is an approver in the account's policy (any
// approver when the policy names none).
func mayApprove(u *user, a *account) bool {
	return u.approver && (a.approvers == nil || slices.Contains(a.approvers, u.userName))
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
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

// createRequest creates a release request. The answer is the bare request
// ID (201 new, 200 reused), as the real server and the vendor's own clients
// have it.
//
// ConflictOption reuse answers 200 with the caller's active request for the
// same system, account and access type (and alias). The reference
// (https://docs.beyondtrust.com/bips/reference/post-api-public-v3-requests,
// "reuse: Returns an existing, approved request ID ... If the request does
// not already exist, creates a new request") is silent on a request that
// exists but is still pending: the fake answers 409, as without a
// ConflictOption, since handing it over would give out a request that is
// not approved, and creating a second one would leave the first open.
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
	if rep, ok := s.checkRequestLocked(c, a, b); !ok {
		return rep
	}
	appID := derefInt(b.ApplicationID)
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
			if rq.accessType != b.AccessType || rq.aliasID != aliasID {
				continue
			}
			if rq.state == stateActive {
				return jsonReply(http.StatusOK, rq.id)
			}
			// Pending: reuse hands over only an approved request, and a
			// second one beside it would leave the first open.
			return errorReply(http.StatusConflict, fmt.Sprintf(
				"Conflicting request exists. This user already has request %d for the account, not yet approved.", rq.id))
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
		ticketSystem: derefInt(b.TicketSystemID),
		state:        statePending, needed: a.needed, created: c.now,
		expires: c.now.Add(time.Duration(*b.DurationMinutes) * time.Minute),
	}
	s.nextRequest++
	if rq.needed == 0 {
		rq.activate(c.now)
	}
	s.requests[rq.id] = rq
	s.live[rq.id] = rq
	return jsonReply(http.StatusCreated, rq.id)
}

// checkRequestLocked applies the account's policy to a request body:
// access type and application allowed (else 4031), duration within the
// maximum, reason and ticket when required (else 400), enough approvers
// (else 4035). ok is false with the answer that refuses it.
func (s *Server) checkRequestLocked(c *call, a *account, b *createBody) (reply, bool) {
	if !a.allows(b.AccessType) {
		return forbidden(4031, fmt.Sprintf("User does not have permission to request %s access to the account.", b.AccessType)), false
	}
	if b.ApplicationID != nil {
		if _, ok := a.apps[*b.ApplicationID]; !ok {
			return forbidden(4031, fmt.Sprintf("User does not have permission to request application %d on the account.", *b.ApplicationID)), false
		}
	}
	if *b.DurationMinutes > a.maxRelease {
		return badRequest(fmt.Sprintf("DurationMinutes must not exceed the account's maximum release duration (%d).", a.maxRelease)), false
	}
	if a.needReason && strings.TrimSpace(b.Reason) == "" {
		return badRequest("A Reason is required by the access policy."), false
	}
	if a.needTicket && (b.TicketSystemID == nil || strings.TrimSpace(b.TicketNumber) == "") {
		return badRequest("A TicketSystemID and TicketNumber are required by the access policy."), false
	}
	if a.needed > 0 {
		n := 0
		for _, u := range s.users {
			if u != c.user && mayApprove(u, a) {
				n++
			}
		}
		if n < a.needed {
			return forbidden(4035, msgNotEnoughApprov), false
		}
	}
	return reply{}, true
}
