package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// ISARequestOptions are the terms of an ISA request (RequestsService.ISARequest).
// SystemID and AccountID name the account; the rest is optional.
type ISARequestOptions struct {
	SystemID        int            // required
	AccountID       int            // required
	DurationMinutes *int           // 1–525600; nil: the account's ISA release duration (ManagedAccount.ISAReleaseDuration)
	Reason          string         // ≤ 1000 characters
	CredentialType  CredentialType // password (default), dsskey or passphrase; sent as ?type=
}

// isaRequestBody is the body of POST ISARequests. The credential type goes
// in the query, so it is not a field here.
type isaRequestBody struct {
	SystemID        int    `json:"SystemID"`
	AccountID       int    `json:"AccountID"`
	DurationMinutes *int   `json:"DurationMinutes,omitempty"`
	Reason          string `json:"Reason,omitempty"`
}

func (o *ISARequestOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	var durErr error
	if o.DurationMinutes != nil {
		durErr = checkRange("DurationMinutes", *o.DurationMinutes, 1, maxDurationMinutes)
	}
	return firstError(
		checkID("SystemID", o.SystemID),
		checkID("AccountID", o.AccountID),
		durErr,
		checkLen("Reason", o.Reason, maxReason),
		checkEnum("type", o.CredentialType, CredentialPassword, CredentialDSSKey, CredentialPassphrase),
	)
}

// ISARequest releases a managed account's credential in one call, for a
// user with the ISA (Information Systems Administrator) role: it is POST
// Requests (AccessType View, approved at once) and GET Credentials together,
// the usual path for automation. CredentialType picks the password (the
// default), the DSS private key (as stored: an encrypted key comes back
// encrypted) or the key's passphrase (encrypted keys only).
//
// The server creates a request that lasts DurationMinutes; its answer
// carries the credential only, no request ID. The call is a POST and is not
// repeated once it may have reached the server, since each attempt would
// release the account again.
//
// The reference documents the answer as {"Credentials": "..."}; the
// vendor's .NET client reads a bare JSON string. Both are accepted.
//
// API: POST ISARequests
//
// Needs: the ISA role on the managed account (newer servers: or the
// Administrators role); not a plain requester's call.
func (s *RequestsService) ISARequest(ctx context.Context, opts *ISARequestOptions) (Secret, *Response, error) {
	if err := opts.validate(); err != nil {
		return Secret{}, nil, err
	}
	q, err := (&CredentialsOptions{Type: opts.CredentialType}).query()
	if err != nil {
		return Secret{}, nil, err
	}
	body := isaRequestBody{
		SystemID:        opts.SystemID,
		AccountID:       opts.AccountID,
		DurationMinutes: opts.DurationMinutes,
		Reason:          opts.Reason,
	}
	return callWith(ctx, s.client, &request{method: http.MethodPost, path: "ISARequests", query: q, body: body}, decodeISACredential)
}

var (
	errNoCredential        = errors.New("passwordsafe: the answer holds no credential")
	errNotCredentialObject = errors.New("passwordsafe: the answer is not a credential object")
)

// decodeISACredential reads the answer to POST ISARequests: an object
// {"Credentials": "..."} (the field's case does not matter), or what GET
// Credentials answers (a JSON string, or plain text). The buffer is wiped
// either way.
func decodeISACredential(h http.Header, body []byte) (Secret, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return decodeSecret(h, body)
	}
	defer clear(body)
	var obj struct{ Credentials *Secret }
	if err := json.Unmarshal(b, &obj); err != nil {
		if errors.Is(err, errSecretNotString) || errors.Is(err, errSecretNotUTF8) {
			return Secret{}, err
		}
		// encoding/json's own errors may quote part of the body: say
		// nothing of it.
		return Secret{}, errNotCredentialObject
	}
	if obj.Credentials == nil {
		return Secret{}, errNoCredential
	}
	return *obj.Credentials, nil
}
