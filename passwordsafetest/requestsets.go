package passwordsafetest

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Request sets: several requests for one account, one per access type,
// made in one call and sharing a RequestSetID [REF-RS]. Each request of a
// set is an ordinary request: it is listed by GET Requests, approved,
// denied, checked in and opened (POST Requests/{id}/Sessions) on its own.

// setRequestJSON is a request inside a RequestSet: the Request of GET
// Requests with the fields the reference lists for sets besides
// (RequestorName, CanceledDate).
type setRequestJSON struct {
	requestJSON
	RequestorName string
	CanceledDate  *string // always null: a set lists open requests only
}

// requestSetJSON is a RequestSet.
type requestSetJSON struct {
	RequestSetID string
	Requests     []setRequestJSON
}

// setJSON is the set with the given requests.
func setJSON(id string, rqs []*request) requestSetJSON {
	out := requestSetJSON{RequestSetID: id, Requests: []setRequestJSON{}}
	for _, rq := range rqs {
		out.Requests = append(out.Requests, setRequestJSON{requestJSON: rq.json(), RequestorName: rq.owner.userName})
	}
	return out
}

// listRequestSets lists the request sets of the caller (queue=req, the
// default) or those it may approve (queue=app), as GET Requests chooses
// requests, with their open requests filtered by status; a set with no
// request left to show is left out. The newer reference
// (docs.beyondtrust.com/bips/v26.1/reference/get-api-public-v3-requestsets)
// lets the Requestor, Approver, Requestor/Approver and Administrators roles
// call it, and names the queue parameter ("filtered by status and queue");
// older ones allowed requestors only. The fake answers 4033 to queue=app
// from a user who is no approver (as GET Requests does, and as the
// reference's 403 says) and 4032 to queue=req from a user who holds none of
// those roles and cannot make a set either (the ISA role, which POST
// RequestSets allows, may list its own sets).
//
// API: GET RequestSets?status=all|active|pending&queue=req|app
func (s *Server) listRequestSets(c *call) reply {
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
	switch {
	case queue != "req" && queue != "app":
		return badRequest("queue must be req or app.")
	case queue == "app" && !c.user.approver:
		return forbidden(4033, msgApproverOnly)
	case queue == "req" && !c.user.requestor && !c.user.approver && !c.user.admin && !c.user.isa:
		return forbidden(4032, msgRequestorOnly)
	}
	sets := map[string][]*request{}
	var order []string
	for _, rq := range s.sortedLive() {
		if rq.setID == "" || status != "all" && string(rq.state) != status {
			continue
		}
		var show bool
		if queue == "req" {
			show = rq.owner == c.user
		} else {
			show = rq.owner != c.user && (rq.approvedBy(c.user) || rq.state == statePending && mayApprove(c.user, rq.acct))
		}
		if !show {
			continue
		}
		if _, seen := sets[rq.setID]; !seen {
			order = append(order, rq.setID)
		}
		sets[rq.setID] = append(sets[rq.setID], rq)
	}
	out := make([]requestSetJSON, 0, len(order))
	for _, id := range order {
		out = append(out, setJSON(id, sets[id]))
	}
	return jsonReply(http.StatusOK, out)
}

// createSetBody is the body of POST RequestSets.
type createSetBody struct {
	AccessTypes     []string
	SystemID        *int
	AccountID       *int
	ApplicationID   *int
	DurationMinutes *int
	Reason          string
	TicketSystemID  *int
	TicketNumber    string
}

// validate checks the body as the server does and normalises the access
// types; it returns a 400 message or "".
func (b *createSetBody) validate() string {
	if len(b.AccessTypes) < 2 {
		return "AccessTypes must hold at least two of View, RDP, SSH and App."
	}
	seen := map[string]bool{}
	hasApp := false
	for i, t := range b.AccessTypes {
		at, ok := accessTypes[strings.ToLower(t)]
		if !ok {
			return fmt.Sprintf("AccessTypes: %q is not View, RDP, SSH or App.", t)
		}
		if seen[at] {
			return fmt.Sprintf("AccessTypes: %s is given twice.", at)
		}
		seen[at], b.AccessTypes[i] = true, at
		hasApp = hasApp || at == "App"
	}
	switch {
	case b.SystemID == nil || *b.SystemID <= 0:
		return "SystemID is required and must be greater than 0."
	case b.AccountID == nil || *b.AccountID <= 0:
		return "AccountID is required and must be greater than 0."
	case b.DurationMinutes == nil || *b.DurationMinutes < 1 || *b.DurationMinutes > 525600:
		return "DurationMinutes is required and must be between 1 and 525600."
	case hasApp && b.ApplicationID == nil:
		return "ApplicationID is required when AccessTypes holds App."
	case utf8.RuneCountInString(b.TicketNumber) > 20:
		return "TicketNumber must be at most 20 characters."
	case utf8.RuneCountInString(b.Reason) > 1000:
		return "Reason must be at most 1000 characters."
	}
	if !hasApp {
		b.ApplicationID = nil // only App requests name an application
	}
	return ""
}

// createRequestSet makes one request per access type, all sharing a new
// RequestSetID (a GUID), under the account's policy as POST Requests
// applies it to each: approvals (auto-approved requests are active at
// once, others pending, approved one by one), a required reason or
// ticket, 4035 when the policy cannot be met. A request of the caller
// still open on the account is a conflict (409), as for POST Requests
// without ConflictOption, which a set does not take. Requestor or ISA role
// [REF-RS], else 4032; an ISA's set follows the policy like anyone's (only
// ISARequests and ISASessions skip approval).
//
// The answer is 201 with the RequestSet, as the vendor's .NET client reads
// it (RequestSetResult); the reference shows neither the code nor the body.
//
// API: POST RequestSets
func (s *Server) createRequestSet(c *call) reply {
	var b createSetBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	if msg := b.validate(); msg != "" {
		return badRequest(msg)
	}
	if !c.user.requestor && !c.user.isa {
		return forbidden(4032, msgRequestorOnly)
	}
	a := s.accountByID(*b.SystemID, *b.AccountID)
	if a == nil {
		return forbidden(4031, msgNoAccountAccess)
	}
	// Check every request before making any: a set is made whole or not at all.
	for _, at := range b.AccessTypes {
		one := createBody{AccessType: at, SystemID: b.SystemID, AccountID: b.AccountID, ApplicationID: b.ApplicationID,
			DurationMinutes: b.DurationMinutes, Reason: b.Reason, TicketSystemID: b.TicketSystemID, TicketNumber: b.TicketNumber}
		if at != "App" {
			one.ApplicationID = nil
		}
		if rep, ok := s.checkRequestLocked(c, a, &one); !ok {
			return rep
		}
	}
	for _, rq := range s.sortedLive() {
		if rq.owner == c.user && rq.acct == a {
			return errorReply(http.StatusConflict, fmt.Sprintf(
				"Conflicting request exists. This user already has request %d for the account.", rq.id))
		}
	}
	setID := newGUID()
	var made []*request
	for _, at := range b.AccessTypes {
		rq := &request{
			id: s.nextRequest, owner: c.user, acct: a, accessType: at, duration: *b.DurationMinutes,
			reason: b.Reason, ticket: b.TicketNumber, ticketSystem: derefInt(b.TicketSystemID), rotate: true,
			state: statePending, needed: a.needed, created: c.now, setID: setID,
			expires: c.now.Add(time.Duration(*b.DurationMinutes) * time.Minute),
		}
		if at == "App" {
			rq.appID = *b.ApplicationID
		}
		s.nextRequest++
		if rq.needed == 0 {
			rq.activate(c.now)
		}
		s.requests[rq.id] = rq
		s.live[rq.id] = rq
		made = append(made, rq)
	}
	sort.Slice(made, func(i, j int) bool { return made[i].id < made[j].id })
	return jsonReply(http.StatusCreated, setJSON(setID, made))
}
