package passwordsafe

import (
	"context"
	"net/http"
)

// TestAccessPoliciesOptions is the body of RequestsService.TestAccessPolicies:
// the account and the window a request would ask for. The reference spells
// the IDs SystemId and AccountId in this body (the vendor's .NET client
// sends SystemID and AccountID; the server reads either), and this SDK sends
// the reference's spelling.
type TestAccessPoliciesOptions struct {
	SystemID        int `json:"SystemId"`        // required
	AccountID       int `json:"AccountId"`       // required
	DurationMinutes int `json:"DurationMinutes"` // 1–525600
}

func (o *TestAccessPoliciesOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		checkID("SystemId", o.SystemID),
		checkID("AccountId", o.AccountID),
		checkRange("DurationMinutes", o.DurationMinutes, 1, maxDurationMinutes),
	)
}

// AccessPolicy is an access policy that applies to an account: its
// schedules say when and how the account may be requested.
type AccessPolicy struct {
	AccessPolicyID int
	Name           string
	Description    string
	Schedules      []AccessPolicySchedule
}

// AccessPolicySchedule is one schedule of an access policy. Its ScheduleID
// is what CreateRequestOptions.AccessPolicyScheduleID takes; when
// RequireReason or RequireTicketSystem is set, a request under it needs a
// Reason or a TicketNumber (in the ticket system TicketSystemID, when set).
type AccessPolicySchedule struct {
	ScheduleID          int
	RequireReason       bool
	RequireTicketSystem bool
	TicketSystemID      int // 0 when none (the server sends null)
	AccessTypes         []ScheduleAccessType
}

// ScheduleAccessType is one access type a schedule allows, with the terms
// the policy sets for it. The reference lists the fields without defining
// them; the comments give their plain reading.
type ScheduleAccessType struct {
	AccessType    AccessType
	IsSession     bool // the access is a session through the vault (RDP, SSH, App), not View
	RecordSession bool // such sessions are recorded
	MinApprovers  int  // approvals a request needs before release
	MaxConcurrent int  // the policy's limit on concurrent requests
}

// TestAccessPolicies tells, before requesting, which access policies would
// apply to a request for the account over the next DurationMinutes: their
// schedules, whether a reason or a ticket is required, which access types
// are allowed and how many approvals each needs. An empty list means no
// policy allows the account to be requested in that window.
//
// It is a requester's check ahead of Create, so it sits here rather than
// in a service of its own: listing and managing policies (GET
// AccessPolicies) is an administrator's call with other permissions.
//
// API: POST AccessPolicies/Test
//
// Needs: the Requestor role (a requester's call).
func (s *RequestsService) TestAccessPolicies(ctx context.Context, opts *TestAccessPoliciesOptions) ([]AccessPolicy, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	return callList[AccessPolicy](ctx, s.client, &request{method: http.MethodPost, path: "AccessPolicies/Test", body: opts})
}
