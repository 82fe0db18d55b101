package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// TerminateRequestsOptions go with the Terminate...Requests calls. nil is no
// reason and no feedback.
type TerminateRequestsOptions struct {
	// Reason is why the requests are ended (≤ 1000 characters), kept with
	// them; empty sends none.
	Reason string
	// Feedback asks the server for the details of what it ended
	// (?feedback=true). Only newer servers know it; older ones ignore it and
	// answer 204 as usual.
	Feedback bool
}

// terminateBody is the body of the three terminate calls; an empty reason
// sends {}.
type terminateBody struct {
	Reason string `json:"Reason,omitempty"`
}

// TerminationFeedback is what a newer server answers to a Terminate...Requests
// call made with Feedback. The reference names the answer ("termination
// details") but does not document its fields, so Raw holds the JSON as the
// server sent it; typed fields will join it once the shape is known.
type TerminationFeedback struct {
	Raw json.RawMessage
}

var errFeedbackNotJSON = errors.New("the termination details are not JSON")

// TerminateAccountRequests ends every active request for one managed
// account, whoever made them: incident response, when an account must be
// taken out of use at once. Without Feedback the answer is 204 and the
// returned *TerminationFeedback is nil; with it, a newer server describes
// what it ended.
//
// API: POST ManagedAccounts/{managedAccountID}/Requests/Terminate
//
// Needs: the "Password Safe API Global Quarantine" permission (Read/Write;
// Full control on newer servers), an administrator's permission: not a
// requester's or approver's call.
func (s *RequestsService) TerminateAccountRequests(ctx context.Context, accountID int, opts *TerminateRequestsOptions) (*TerminationFeedback, *Response, error) {
	if err := checkID("accountID", accountID); err != nil {
		return nil, nil, err
	}
	return s.terminate(ctx, "ManagedAccounts/"+strconv.Itoa(accountID)+"/Requests/Terminate", opts)
}

// TerminateSystemRequests ends every active request for any account of one
// managed system, whoever made them. It answers like
// TerminateAccountRequests.
//
// API: POST ManagedSystems/{managedSystemID}/Requests/Terminate
//
// Needs: the "Password Safe API Global Quarantine" permission (Read/Write;
// Full control on newer servers), an administrator's permission.
func (s *RequestsService) TerminateSystemRequests(ctx context.Context, systemID int, opts *TerminateRequestsOptions) (*TerminationFeedback, *Response, error) {
	if err := checkID("systemID", systemID); err != nil {
		return nil, nil, err
	}
	return s.terminate(ctx, "ManagedSystems/"+strconv.Itoa(systemID)+"/Requests/Terminate", opts)
}

// TerminateUserRequests ends every active request one user made (userID is
// the requestor's user ID, as User.UserID and Request.RequestorUserID give
// it), for example when the user's key or machine is compromised. It answers
// like TerminateAccountRequests.
//
// API: POST Users/{userID}/Requests/Terminate
//
// Needs: the "Password Safe API Global Quarantine" permission (Read/Write;
// Full control on newer servers), an administrator's permission.
func (s *RequestsService) TerminateUserRequests(ctx context.Context, userID int, opts *TerminateRequestsOptions) (*TerminationFeedback, *Response, error) {
	if err := checkID("userID", userID); err != nil {
		return nil, nil, err
	}
	return s.terminate(ctx, "Users/"+strconv.Itoa(userID)+"/Requests/Terminate", opts)
}

// terminate posts one of the three calls. Like every POST, it is not
// repeated once it may have reached the server.
func (s *RequestsService) terminate(ctx context.Context, path string, opts *TerminateRequestsOptions) (*TerminationFeedback, *Response, error) {
	var o TerminateRequestsOptions
	if opts != nil {
		o = *opts
	}
	if err := checkLen("Reason", o.Reason, maxReason); err != nil {
		return nil, nil, err
	}
	r := &request{method: http.MethodPost, path: path, body: terminateBody{Reason: o.Reason}}
	if o.Feedback {
		r.query = "feedback=true"
	}
	return callWith(ctx, s.client, r, func(_ http.Header, b []byte) (*TerminationFeedback, error) {
		b = bytes.TrimSpace(b)
		if !o.Feedback || len(b) == 0 {
			return nil, nil
		}
		if !json.Valid(b) {
			return nil, errFeedbackNotJSON
		}
		return &TerminationFeedback{Raw: bytes.Clone(b)}, nil
	})
}
