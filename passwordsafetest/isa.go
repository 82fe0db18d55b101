package passwordsafetest

import (
	"fmt"
	"net/http"
	"strings"

	"unicode/utf8"
)

// Information Systems Administrator (ISA) calls: a credential or a session
// in one call, approved at once, without a separate request [REF-ISA,
// REF-ISAS]. Each makes an ordinary request (RequestInfo.ISA set) that GET
// Requests lists, check-in ends, and that expires at the end of its window,
// rotating the password (RotateOnCheckin is on, as for POST Requests).
//
// The reference does not say whether an ISA request conflicts with an open
// request of the same user: the fake never refuses one for a conflict, so
// automation that asks twice gets two requests.

const msgISAOnly = "User does not have permission to use this API. It needs the ISA or Administrators role on the managed account."

// isaRequestBody is the body of POST ISARequests.
type isaRequestBody struct {
	SystemID        *int
	AccountID       *int
	DurationMinutes *int
	Reason          string
}

// isaCredentialJSON is the answer of POST ISARequests as the reference
// documents it.
type isaCredentialJSON struct{ Credentials string }

// checkISATerms checks what ISA bodies share; it returns a 400 message or "".
func checkISATerms(systemID, accountID, duration *int, reason string) string {
	switch {
	case systemID == nil || *systemID <= 0:
		return "SystemID is required and must be greater than 0."
	case accountID == nil || *accountID <= 0:
		return "AccountID is required and must be greater than 0."
	case duration != nil && (*duration < 1 || *duration > 525600):
		return "DurationMinutes must be between 1 and 525600."
	case utf8.RuneCountInString(reason) > 1000:
		return "Reason must be at most 1000 characters."
	}
	return ""
}

// isaAccountLocked finds the account of an ISA call and applies its policy
// as far as an ISA call is bound by it: the access type (and application)
// allowed (else 4031), the duration within the maximum and a reason when
// the policy requires one (else 400). Approvals are skipped, and so is a
// required ticket (the ISA bodies have no ticket fields). A nil duration
// is the account's default release duration (the fake keeps no separate
// ISA release duration). It returns the account and the duration.
func (s *Server) isaAccountLocked(systemID, accountID int, access string, appID, duration *int, reason string) (*account, int, reply, bool) {
	a := s.accountByID(systemID, accountID)
	if a == nil {
		return nil, 0, forbidden(4031, msgNoAccountAccess), false
	}
	if !a.allows(access) {
		return nil, 0, forbidden(4031, fmt.Sprintf("User does not have permission to request %s access to the account.", access)), false
	}
	if appID != nil {
		if _, ok := a.apps[*appID]; !ok {
			return nil, 0, forbidden(4031, fmt.Sprintf("User does not have permission to request application %d on the account.", *appID)), false
		}
	}
	minutes := a.defRelease
	if duration != nil {
		minutes = *duration
	}
	if minutes > a.maxRelease {
		return nil, 0, badRequest(fmt.Sprintf("DurationMinutes must not exceed the account's maximum release duration (%d).", a.maxRelease)), false
	}
	if a.needReason && strings.TrimSpace(reason) == "" {
		return nil, 0, badRequest("A Reason is required by the access policy."), false
	}
	return a, minutes, reply{}, true
}

// newISARequestLocked makes an active ISA request.
func (s *Server) newISARequestLocked(c *call, a *account, access string, appID, minutes int, reason string) *request {
	rq := &request{
		id: s.nextRequest, owner: c.user, acct: a, appID: appID, accessType: access,
		duration: minutes, reason: reason, rotate: true, isa: true, created: c.now,
	}
	s.nextRequest++
	rq.activate(c.now)
	s.requests[rq.id] = rq
	s.live[rq.id] = rq
	return rq
}

// isaRequest releases a credential to an ISA in one call: it makes an
// active View request for DurationMinutes (default: the account's default
// release duration) and answers 201 with the credential of ?type=
// (password, dsskey or passphrase).
//
// The answer is {"Credentials": "..."}, as the reference documents it; the
// vendor's .NET client reads a bare JSON string instead (as GET
// Credentials answers), which WithISACredentialsAsString makes the fake
// send. ISA role or Administrators (else 403 4031), as the newer reference
// has it (docs.beyondtrust.com/bips/reference/isa-requests: "ISA role ...
// Administrators role to managed account referenced by ID"; older ones
// named the ISA role only); an unknown account, or one without View
// access, is 4031, as for POST Requests.
//
// API: POST ISARequests?type=password|dsskey|passphrase
func (s *Server) isaRequest(c *call) reply {
	var b isaRequestBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	if msg := checkISATerms(b.SystemID, b.AccountID, b.DurationMinutes, b.Reason); msg != "" {
		return badRequest(msg)
	}
	typ, _ := c.query("type")
	if _, ok := secretOf(&account{}, typ); !ok {
		return badRequest(msgBadCredentialType)
	}
	if !c.user.isa && !c.user.admin {
		return forbidden(4031, msgISAOnly)
	}
	a, minutes, rep, ok := s.isaAccountLocked(*b.SystemID, *b.AccountID, "View", nil, b.DurationMinutes, b.Reason)
	if !ok {
		return rep
	}
	s.newISARequestLocked(c, a, "View", 0, minutes, b.Reason)
	secret, _ := secretOf(a, typ)
	if s.cfg.isaBareCredential {
		return jsonReply(http.StatusCreated, secret)
	}
	return jsonReply(http.StatusCreated, isaCredentialJSON{Credentials: secret})
}

// isaSessionBody is the body of POST ISASessions. NodeID, Resolution,
// RDPAdminSwitch and Record are the newer servers' fields.
type isaSessionBody struct {
	SessionType     string
	SystemID        *int
	AccountID       *int
	DurationMinutes *int
	ApplicationID   *int
	Reason          string
	NodeID          string
	Resolution      string
	RDPAdminSwitch  bool
	Record          *bool
}

// isaSession opens a session for an ISA in one call: an active ISA request
// of the session's access type (SSH, RDP or App), and a session of it with
// RequestID and SessionType set, answered as POST Requests/{id}/Sessions
// answers (201: JSON ticket, or an .rdp attachment for rdpfile and
// appfile) [REF-ISAS]. ApplicationID is required with app and appfile and
// refused otherwise (400), as the SDK validates it; Resolution and
// RDPAdminSwitch are refused with SSH types. ISA role or Administrators
// (docs.beyondtrust.com/bips/reference/isa-sessions), else 403 4031.
//
// API: POST ISASessions
func (s *Server) isaSession(c *call) reply {
	var b isaSessionBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	st, ok := sessionTypes[strings.ToLower(b.SessionType)]
	if !ok {
		return badRequest("SessionType must be SSH, sshticket, RDP, rdpticket, rdpfile, app or appfile.")
	}
	if msg := checkISATerms(b.SystemID, b.AccountID, b.DurationMinutes, b.Reason); msg != "" {
		return badRequest(msg)
	}
	switch {
	case st.access == "App" && b.ApplicationID == nil:
		return badRequest("ApplicationID is required when SessionType is app or appfile.")
	case st.access != "App" && b.ApplicationID != nil:
		return badRequest("ApplicationID applies to app and appfile sessions only.")
	}
	if msg := checkRDPFields(st.access, b.Resolution, b.RDPAdminSwitch); msg != "" {
		return badRequest(msg)
	}
	if !c.user.isa && !c.user.admin {
		return forbidden(4031, msgISAOnly)
	}
	a, minutes, rep, ok := s.isaAccountLocked(*b.SystemID, *b.AccountID, st.access, b.ApplicationID, b.DurationMinutes, b.Reason)
	if !ok {
		return rep
	}
	nodeID, rep, ok := s.sessionNode(b.NodeID)
	if !ok {
		return rep
	}
	rq := s.newISARequestLocked(c, a, st.access, derefInt(b.ApplicationID), minutes, b.Reason)
	ps := s.newRequestSessionLocked(c, rq, st.access, st.name)
	ps.nodeID, ps.noRecord = nodeID, b.Record != nil && !*b.Record
	ps.resolution, ps.adminSwitch = b.Resolution, b.RDPAdminSwitch
	return ticketReply(c, ps, st.name, rdpOptions{
		app: a.apps[rq.appID], resolution: b.Resolution, adminSwitch: b.RDPAdminSwitch,
	})
}
