package passwordsafetest

import (
	"fmt"
	"net/http"
)

// accessPolicyTestBody is the body of POST AccessPolicies/Test. The
// reference spells SystemId and AccountId, the vendor's .NET client
// SystemID and AccountID; field names match case-insensitively, so both
// are read.
type accessPolicyTestBody struct {
	SystemID        *int
	AccountID       *int
	DurationMinutes *int
}

type accessPolicyJSON struct {
	AccessPolicyID int
	Name           string
	Description    string
	Schedules      []scheduleJSON
}

type scheduleJSON struct {
	ScheduleID          int
	RequireReason       bool
	RequireTicketSystem bool
	TicketSystemID      *int
	AccessTypes         []scheduleAccessJSON
}

type scheduleAccessJSON struct {
	AccessType    string
	IsSession     bool
	RecordSession bool
	MinApprovers  int
	MaxConcurrent int
}

// TicketSystemID is the ticket system a policy with RequireTicket names in
// POST AccessPolicies/Test.
const TicketSystemID = 1

// policyJSON is the account's seeded Policy as the one access policy that
// applies to it, with one schedule that is always open. IDs are derived
// from the account's: AccessPolicyID and ScheduleID are the account ID.
func (a *account) policyJSON() accessPolicyJSON {
	name := "Auto-approve"
	switch {
	case a.needed == 1:
		name = "1 approval"
	case a.needed > 1:
		name = fmt.Sprintf("%d approvals", a.needed)
	}
	sch := scheduleJSON{ScheduleID: a.id, RequireReason: a.needReason, RequireTicketSystem: a.needTicket,
		AccessTypes: []scheduleAccessJSON{}}
	if a.needTicket {
		sch.TicketSystemID = nullInt(TicketSystemID)
	}
	for _, at := range a.accessTypes {
		session := at != "View"
		sch.AccessTypes = append(sch.AccessTypes, scheduleAccessJSON{
			AccessType: at, IsSession: session, RecordSession: session,
			MinApprovers: a.needed, MaxConcurrent: 1, // one open request per user and account
		})
	}
	return accessPolicyJSON{
		AccessPolicyID: a.id, Name: name,
		Description: "The seeded policy of " + a.sys.name + "/" + a.qualifiedName() + ", open at all times.",
		Schedules:   []scheduleJSON{sch},
	}
}

// testAccessPolicies answers the access policies that would apply to a
// request for the account over the next DurationMinutes [REF-AP]: the
// account's seeded Policy as one policy with one schedule, whose
// RequireReason and RequireTicketSystem are the policy's RequireReason and
// RequireTicket (TicketSystemID 1 when a ticket is required, else null),
// and one entry per allowed access type (MinApprovers the approvals
// needed, RecordSession for session types, MaxConcurrent 1). A window
// longer than the account's maximum release duration has no policy: an
// empty list. Requestor role [REF-AP], else 403 4032; an unknown account
// is 4031, as for POST Requests. The reference shows no status code; the
// fake answers 200, as GET AccessPolicies does.
//
// API: POST AccessPolicies/Test
func (s *Server) testAccessPolicies(c *call) reply {
	var b accessPolicyTestBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	switch {
	case b.SystemID == nil || *b.SystemID <= 0:
		return badRequest("SystemId is required and must be greater than 0.")
	case b.AccountID == nil || *b.AccountID <= 0:
		return badRequest("AccountId is required and must be greater than 0.")
	case b.DurationMinutes == nil || *b.DurationMinutes < 1 || *b.DurationMinutes > 525600:
		return badRequest("DurationMinutes is required and must be between 1 and 525600.")
	}
	if !c.user.requestor {
		return forbidden(4032, msgRequestorOnly)
	}
	a := s.accountByID(*b.SystemID, *b.AccountID)
	if a == nil {
		return forbidden(4031, msgNoAccountAccess)
	}
	out := []accessPolicyJSON{}
	if *b.DurationMinutes <= a.maxRelease {
		out = append(out, a.policyJSON())
	}
	return jsonReply(http.StatusOK, out)
}
