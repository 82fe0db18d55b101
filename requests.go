package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/go-querystring/query"
)

// RequestsService asks for access to managed accounts, approves and denies
// requests, reads released credentials and checks accounts back in.
type RequestsService service

// ListRequestsOptions filters RequestsService.List. Zero values are the
// server's defaults (all requests, requestor queue).
type ListRequestsOptions struct {
	Status RequestStatus `url:"status,omitempty"`
	Queue  RequestQueue  `url:"queue,omitempty"`
}

// query validates the filter and encodes it; nil is no filter.
func (o *ListRequestsOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	if err := firstError(
		checkEnum("status", o.Status, RequestStatusAll, RequestStatusActive, RequestStatusPending),
		checkEnum("queue", o.Queue, QueueRequestor, QueueApprover),
	); err != nil {
		return "", err
	}
	return encodeQuery(o)
}

// CreateRequestOptions is the body of a release request.
type CreateRequestOptions struct {
	AccessType             AccessType     `json:"AccessType,omitempty"` // empty: the server's default, View
	SystemID               int            `json:"SystemID"`
	AccountID              int            `json:"AccountID"`
	ApplicationID          *int           `json:"ApplicationID,omitempty"` // required with AccessApp, refused otherwise
	DurationMinutes        int            `json:"DurationMinutes"`         // 1–525600
	Reason                 string         `json:"Reason,omitempty"`        // ≤ 1000 characters
	AccessPolicyScheduleID *int           `json:"AccessPolicyScheduleID,omitempty"`
	ConflictOption         ConflictOption `json:"ConflictOption,omitempty"`
	TicketSystemID         *int           `json:"TicketSystemID,omitempty"`
	TicketNumber           string         `json:"TicketNumber,omitempty"` // ≤ 20 characters
	RotateOnCheckin        *bool          `json:"RotateOnCheckin,omitempty"`

	// CheckinReason is the reason RequestsService.Checkout sends with the
	// check-in (PUT Requests/{id}/Checkin {"Reason"}), ≤ 1000 characters.
	// It is never sent with the request itself; Create ignores it.
	CheckinReason string `json:"-"`
}

func (o *CreateRequestOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	appErr := error(nil)
	switch {
	case o.AccessType == AccessApp && o.ApplicationID == nil:
		appErr = invalid("ApplicationID", "is required when AccessType is App")
	case o.AccessType != AccessApp && o.ApplicationID != nil:
		appErr = invalid("ApplicationID", "is only allowed when AccessType is App")
	}
	return firstError(
		checkEnum("AccessType", o.AccessType, AccessView, AccessRDP, AccessSSH, AccessApp),
		checkID("SystemID", o.SystemID),
		checkID("AccountID", o.AccountID),
		appErr,
		checkRequestTerms(o.DurationMinutes, o.Reason, o.ConflictOption, o.TicketNumber),
		checkLen("CheckinReason", o.CheckinReason, maxReason),
	)
}

// CreatedRequest is the answer to a new request.
type CreatedRequest struct {
	RequestID int
	Reused    bool // the server answered 200 (an existing request was reused), not 201
}

// UnmarshalJSON accepts both answers the server gives: {"RequestID": 12}
// and a bare 12. Reused is set from the status code, not the body.
func (r *CreatedRequest) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var obj struct {
			RequestID json.Number
			Reused    bool
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			return err
		}
		id, err := strconv.Atoi(obj.RequestID.String())
		if err != nil {
			return errBadRequestID
		}
		r.RequestID, r.Reused = id, obj.Reused
		return nil
	}
	if len(b) > 1 && b[0] == '"' {
		b = b[1 : len(b)-1]
	}
	id, err := strconv.Atoi(string(b))
	if err != nil {
		return errBadRequestID
	}
	r.RequestID = id
	return nil
}

var errBadRequestID = errors.New("passwordsafe: the answer holds no request ID")

// Request is a release request as the server lists it (GET Requests, and
// the members of a RequestSet). Some servers spell RequestID, SystemID and
// AccountID as RequestId, SystemId and AccountId; both decode.
type Request struct {
	RequestID          int
	SystemID           int
	SystemName         string
	AccountID          int
	AccountName        string
	DomainName         string
	AliasID            int // 0 when the request was not made through an alias (the server sends null)
	ApplicationID      int // 0 unless AccessType is App (the server sends null)
	RequestReleaseDate Time
	ApprovedDate       Time
	ExpiresDate        Time
	Status             string
	AccessType         AccessType
	Reason             string

	CanceledDate      Time   // newer servers; zero when absent
	RequestorName     string // newer servers; "" when absent
	RequestorUserID   int    // newer servers; 0 when absent
	ManagedSystemName string // newer servers; "" when absent
}

// CredentialsOptions selects which credential to read; the zero value reads
// the password.
type CredentialsOptions struct {
	Type CredentialType `url:"type,omitempty"`
}

func (o *CredentialsOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	if err := checkEnum("type", o.Type, CredentialPassword, CredentialDSSKey, CredentialPassphrase); err != nil {
		return "", err
	}
	return encodeQuery(o)
}

// encodeQuery encodes a query options struct with go-querystring.
func encodeQuery(opts any) (string, error) {
	v, err := query.Values(opts)
	if err != nil {
		return "", err
	}
	return v.Encode(), nil
}

func requestPath(id int, action string) string {
	return "Requests/" + strconv.Itoa(id) + "/" + action
}

// List returns the current user's requests, filtered by opts (nil: all, the
// requestor queue).
//
// API: GET Requests
//
// Needs: the Requestor, Approver or Requestor/Approver role on the
// accounts listed (a plain requester sees its own requests).
func (s *RequestsService) List(ctx context.Context, opts *ListRequestsOptions) ([]Request, *Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callList[Request](ctx, s.client, get("Requests", q))
}

// Create asks for access to a managed account. A 201 answer is a new request;
// a 200 answer (ConflictReuse) returns the user's existing request with
// Reused set. Without a ConflictOption an existing request answers 409
// (ErrConflict).
//
// API: POST Requests
//
// Needs: the Requestor or Requestor/Approver role on the account.
func (s *RequestsService) Create(ctx context.Context, opts *CreateRequestOptions) (*CreatedRequest, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	return s.client.createRequest(ctx, "Requests", opts)
}

// createRequest posts a request body and reads the request ID from the answer.
func (c *Client) createRequest(ctx context.Context, path string, body any) (*CreatedRequest, *Response, error) {
	out, resp, err := callWith(ctx, c, &request{method: http.MethodPost, path: path, body: body},
		func(_ http.Header, b []byte) (*CreatedRequest, error) {
			var out CreatedRequest
			if err := json.Unmarshal(b, &out); err != nil {
				return nil, err
			}
			if out.RequestID <= 0 {
				return nil, errBadRequestID
			}
			return &out, nil
		})
	if err != nil {
		return nil, resp, err
	}
	out.Reused = resp.StatusCode == http.StatusOK
	return out, resp, nil
}

type reasonBody struct {
	Reason string `json:"Reason"`
}

// putReason sends one of the three PUT calls that carry {"Reason": ...}.
func (s *RequestsService) putReason(ctx context.Context, requestID int, action, reason string) (*Response, error) {
	if err := firstError(checkID("requestID", requestID), checkLen("Reason", reason, maxReason)); err != nil {
		return nil, err
	}
	return s.client.do(ctx, &request{method: http.MethodPut, path: requestPath(requestID, action), body: reasonBody{reason}}, nil)
}

// Checkin releases a request before it expires. With RotateOnCheckin the
// server then rotates the credential.
//
// API: PUT Requests/{id}/Checkin
//
// Needs: to own the request (a plain requester can).
func (s *RequestsService) Checkin(ctx context.Context, requestID int, reason string) (*Response, error) {
	return s.putReason(ctx, requestID, "Checkin", reason)
}

// Approve approves a pending request, as an approver. Approving one's own
// request answers 4033 (ErrApproverOnly); an approved one 4036
// (ErrAlreadyApproved).
//
// API: PUT Requests/{id}/Approve
//
// Needs: the Approver or Requestor/Approver role on the account, and not
// to be the requester (4033).
func (s *RequestsService) Approve(ctx context.Context, requestID int, reason string) (*Response, error) {
	return s.putReason(ctx, requestID, "Approve", reason)
}

// Deny denies a pending request or cancels an active one, as an approver.
//
// API: PUT Requests/{id}/Deny
//
// Needs: the Approver or Requestor/Approver role on the account.
func (s *RequestsService) Deny(ctx context.Context, requestID int, reason string) (*Response, error) {
	return s.putReason(ctx, requestID, "Deny", reason)
}

// RotateOnCheckin makes the server rotate the credential when the request is
// checked in or expires, for a request created with RotateOnCheckin false.
//
// API: PUT Requests/{id}/RotateOnCheckin
//
// Needs: to own the request.
func (s *RequestsService) RotateOnCheckin(ctx context.Context, requestID int) (*Response, error) {
	if err := checkID("requestID", requestID); err != nil {
		return nil, err
	}
	return s.client.do(ctx, &request{method: http.MethodPut, path: requestPath(requestID, "RotateOnCheckin")}, nil)
}

// Credentials reads the credential released by an approved request: the
// password, or with opts the DSS key or its passphrase. Before approval the
// server answers 4034 (ErrNotApproved).
//
// API: GET Credentials/{requestID}
//
// Needs: to own the request, approved and not expired.
func (s *RequestsService) Credentials(ctx context.Context, requestID int, opts *CredentialsOptions) (Secret, *Response, error) {
	if err := checkID("requestID", requestID); err != nil {
		return Secret{}, nil, err
	}
	q, err := opts.query()
	if err != nil {
		return Secret{}, nil, err
	}
	return callWith(ctx, s.client, get("Credentials/"+strconv.Itoa(requestID), q), decodeSecret)
}

// decodeSecret reads a credential answer, a JSON string (or, from a server
// that sends text/plain, the text as is), then wipes the buffer it came in.
func decodeSecret(h http.Header, body []byte) (Secret, error) {
	defer clear(body)
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '"' {
		var s Secret
		err := s.UnmarshalJSON(b)
		return s, err
	}
	if len(b) > 0 && strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		if !utf8.Valid(b) {
			return Secret{}, errSecretNotUTF8
		}
		return NewSecret(string(b)), nil
	}
	return Secret{}, errSecretNotString
}
