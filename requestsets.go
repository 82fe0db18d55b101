package passwordsafe

import (
	"context"
	"net/http"
)

// ListRequestSetsOptions filters RequestsService.ListSets. Zero values are
// the server's defaults (all request sets).
type ListRequestSetsOptions struct {
	Status RequestStatus `url:"status,omitempty"`
	// Queue is named by the newer reference pages ("filtered by status and
	// queue"), with the values of ListRequestsOptions.Queue; older servers
	// ignore it.
	Queue RequestQueue `url:"queue,omitempty"`
}

// query validates and encodes the filter as ListRequestsOptions does: the
// two take the same names and values.
func (o *ListRequestSetsOptions) query() (string, error) {
	return (*ListRequestsOptions)(o).query()
}

// RequestSet is a group of requests for the same system and account, one per
// access type (for example View and RDP), made in one call. Each request in
// it is also listed on its own by RequestsService.List, and is checked in,
// read (Credentials) or opened (SessionsService.Create) by its RequestID.
type RequestSet struct {
	RequestSetID string
	Requests     []Request
}

// CreateRequestSetOptions is the body of a request set: CreateRequestOptions
// with several access types in place of one, and without
// AccessPolicyScheduleID, ConflictOption and RotateOnCheckin, which the
// endpoint does not take.
type CreateRequestSetOptions struct {
	AccessTypes     []AccessType `json:"AccessTypes"`             // at least two, each once: View, RDP, SSH, App
	SystemID        int          `json:"SystemID"`                // required
	AccountID       int          `json:"AccountID"`               // required
	ApplicationID   *int         `json:"ApplicationID,omitempty"` // required when AccessTypes holds App, refused otherwise
	DurationMinutes int          `json:"DurationMinutes"`         // 1–525600
	Reason          string       `json:"Reason,omitempty"`        // ≤ 1000 characters
	TicketSystemID  *int         `json:"TicketSystemID,omitempty"`
	TicketNumber    string       `json:"TicketNumber,omitempty"` // ≤ 20 characters
}

// minSetAccessTypes is the reference's minimum: a set of one is a request.
const minSetAccessTypes = 2

func (o *CreateRequestSetOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		checkSetAccessTypes(o.AccessTypes),
		checkID("SystemID", o.SystemID),
		checkID("AccountID", o.AccountID),
		checkSetApplication(o.AccessTypes, o.ApplicationID),
		checkRequestTerms(o.DurationMinutes, o.Reason, "", o.TicketNumber),
	)
}

// checkSetAccessTypes: at least two, each one of the four exactly (an empty
// one is not "the server's default" here), none twice.
func checkSetAccessTypes(types []AccessType) error {
	if len(types) < minSetAccessTypes {
		return invalid("AccessTypes", "must hold at least %d access types, got %d (for one, use Create)", minSetAccessTypes, len(types))
	}
	seen := make(map[AccessType]bool, len(types))
	for _, t := range types {
		if err := firstError(
			checkRequired("AccessTypes", string(t)),
			checkEnum("AccessTypes", t, AccessView, AccessRDP, AccessSSH, AccessApp),
		); err != nil {
			return err
		}
		if seen[t] {
			return invalid("AccessTypes", "%q is given twice", string(t))
		}
		seen[t] = true
	}
	return nil
}

func checkSetApplication(types []AccessType, applicationID *int) error {
	hasApp := false
	for _, t := range types {
		hasApp = hasApp || t == AccessApp
	}
	switch {
	case hasApp && applicationID == nil:
		return invalid("ApplicationID", "is required when AccessTypes holds App")
	case !hasApp && applicationID != nil:
		return invalid("ApplicationID", "is only allowed when AccessTypes holds App")
	}
	return nil
}

// ListSets returns the current user's request sets, filtered by opts (nil:
// all).
//
// API: GET RequestSets
//
// Needs: the Requestor, Approver, Requestor/Approver or Administrators role
// on the accounts (a requester's call).
func (s *RequestsService) ListSets(ctx context.Context, opts *ListRequestSetsOptions) ([]RequestSet, *Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callList[RequestSet](ctx, s.client, get("RequestSets", q))
}

// CreateSet asks for several kinds of access to one account in one call
// (for example View and RDP): one request per access type, grouped in the
// returned set. Each request is approved, used and checked in on its own.
//
// The reference does not show the answer; the vendor's .NET client reads
// one RequestSet, as ListSets lists them. A 2xx answer without a body gives
// an empty RequestSet, not an error: the set was made.
//
// The call is a POST and is not repeated once it may have reached the
// server; when its answer is lost, ListSets shows whether the set was made.
//
// API: POST RequestSets
//
// Needs: the Requestor or Requestor/Approver role on the account, or the
// ISA role (a requester's call).
func (s *RequestsService) CreateSet(ctx context.Context, opts *CreateRequestSetOptions) (*RequestSet, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	return callJSON[RequestSet](ctx, s.client, &request{method: http.MethodPost, path: "RequestSets", body: opts})
}
