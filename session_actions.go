package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
)

// Incident response: lock or end one live session, or every live session
// on a managed system or managed account at once. A locked session stays
// connected but takes no input; a terminated one is closed.

// SessionActionOptions are the options of a lock or terminate call. The
// zero value (and nil) sends no query: every server accepts that.
type SessionActionOptions struct {
	// Feedback asks the server to answer with a report of what it did
	// (feedback=true) instead of 204 No Content. Newer servers only (the
	// v25.3 and v26.1 references); an older one ignores it and answers 204.
	Feedback bool
}

// query has nothing to check and nothing that can fail: one flag.
func (o *SessionActionOptions) query() string {
	if o == nil || !o.Feedback {
		return ""
	}
	return "feedback=true"
}

// SessionActionResult is the report a newer server gives when a lock or
// terminate call asked for Feedback. The reference documents that a report
// is sent but not its shape, so it is kept as the server sent it: decode
// Details into the type your server's version answers.
type SessionActionResult struct {
	// Details is the answer as JSON. A non-JSON answer (plain text) is
	// held as a JSON string, so Details always decodes.
	Details json.RawMessage
}

// LockWith locks a live session, as Lock does; with opts.Feedback a newer
// server reports what it did. The result is nil when the server answered
// without a body (204, or Feedback not asked for).
//
// API: POST Sessions/{id}/Lock
// Needs: Password Safe API Global Quarantine (Full control), the
// Administrators group, or the ISA or Active Session Reviewer role.
func (s *SessionsService) LockWith(ctx context.Context, sessionID int, opts *SessionActionOptions) (*SessionActionResult, *Response, error) {
	return s.sessionAction(ctx, checkID("sessionID", sessionID), sessionPath(sessionID)+"/Lock", opts)
}

// TerminateWith ends a live session, as Terminate does; with
// opts.Feedback a newer server reports what it did. The result is nil when
// the server answered without a body.
//
// API: POST Sessions/{id}/Terminate
// Needs: Password Safe API Global Quarantine (Full control), the
// Administrators group, or the ISA or Active Session Reviewer role.
func (s *SessionsService) TerminateWith(ctx context.Context, sessionID int, opts *SessionActionOptions) (*SessionActionResult, *Response, error) {
	return s.sessionAction(ctx, checkID("sessionID", sessionID), sessionPath(sessionID)+"/Terminate", opts)
}

// LockSystemSessions locks every live session on a managed system: the
// first move when a system is compromised. The result is nil unless
// opts.Feedback was set and the server reported.
//
// API: POST ManagedSystems/{id}/Sessions/Lock
// Needs: Password Safe API Global Quarantine (Full control).
func (s *SessionsService) LockSystemSessions(ctx context.Context, systemID int, opts *SessionActionOptions) (*SessionActionResult, *Response, error) {
	return s.sessionAction(ctx, checkID("systemID", systemID), "ManagedSystems/"+strconv.Itoa(systemID)+"/Sessions/Lock", opts)
}

// TerminateSystemSessions ends every live session on a managed system.
// The result is nil unless opts.Feedback was set and the server reported.
//
// API: POST ManagedSystems/{id}/Sessions/Terminate
// Needs: Password Safe API Global Quarantine (Full control).
func (s *SessionsService) TerminateSystemSessions(ctx context.Context, systemID int, opts *SessionActionOptions) (*SessionActionResult, *Response, error) {
	return s.sessionAction(ctx, checkID("systemID", systemID), "ManagedSystems/"+strconv.Itoa(systemID)+"/Sessions/Terminate", opts)
}

// LockAccountSessions locks every live session opened with a managed
// account: the first move when an account's credential has leaked. The
// result is nil unless opts.Feedback was set and the server reported.
//
// API: POST ManagedAccounts/{id}/Sessions/Lock
// Needs: Password Safe API Global Quarantine (Full control).
func (s *SessionsService) LockAccountSessions(ctx context.Context, accountID int, opts *SessionActionOptions) (*SessionActionResult, *Response, error) {
	return s.sessionAction(ctx, checkID("accountID", accountID), "ManagedAccounts/"+strconv.Itoa(accountID)+"/Sessions/Lock", opts)
}

// TerminateAccountSessions ends every live session opened with a managed
// account. The result is nil unless opts.Feedback was set and the server
// reported.
//
// API: POST ManagedAccounts/{id}/Sessions/Terminate
// Needs: Password Safe API Global Quarantine (Full control).
func (s *SessionsService) TerminateAccountSessions(ctx context.Context, accountID int, opts *SessionActionOptions) (*SessionActionResult, *Response, error) {
	return s.sessionAction(ctx, checkID("accountID", accountID), "ManagedAccounts/"+strconv.Itoa(accountID)+"/Sessions/Terminate", opts)
}

// sessionAction posts a lock or terminate call without a body, after the
// path ID's check (idErr), and reads the report when one was asked for.
// Being a POST, it is never sent twice once it may have reached the server.
func (s *SessionsService) sessionAction(ctx context.Context, idErr error, path string, opts *SessionActionOptions) (*SessionActionResult, *Response, error) {
	if idErr != nil {
		return nil, nil, idErr
	}
	r := &request{method: http.MethodPost, path: path, query: opts.query()}
	if opts == nil || !opts.Feedback {
		// No report was asked for: whatever body comes is not read.
		resp, err := s.client.do(ctx, r, nil)
		return nil, resp, err
	}
	// A report on a whole system may list many sessions: read it under the
	// cap of a list, not of one object.
	r.limit = capList
	return callWith(ctx, s.client, r, decodeActionResult)
}

// decodeActionResult keeps a report as JSON; an empty body is no report.
// The lock or terminate has happened by the time the answer arrives, so an
// answer that is not JSON is kept as text rather than turned into an error
// that would read as if nothing had been done.
func decodeActionResult(_ http.Header, body []byte) (*SessionActionResult, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return nil, nil
	}
	if json.Valid(b) {
		return &SessionActionResult{Details: bytes.Clone(b)}, nil
	}
	text, _ := json.Marshal(string(b)) // a Go string always encodes (bad UTF-8 becomes U+FFFD)
	return &SessionActionResult{Details: text}, nil
}
