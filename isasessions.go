package passwordsafe

import (
	"context"
	"net/http"
)

// CreateISASessionOptions is the body of SessionsService.CreateISA: the
// account to reach and the session to open, in one call.
//
// Resolution, NodeID and Record are understood by newer servers (the
// current reference lists them); an older server ignores them. The newer
// reference also lists a "span multiple monitors" flag whose JSON name it
// does not show, so it is not offered here.
type CreateISASessionOptions struct {
	SessionType     SessionType `json:"SessionType"`               // required; any SessionType
	SystemID        int         `json:"SystemID"`                  // required: the managed system
	AccountID       int         `json:"AccountID"`                 // required: the managed account
	DurationMinutes *int        `json:"DurationMinutes,omitempty"` // 1–525600; nil: the account's ISA release duration
	ApplicationID   *int        `json:"ApplicationID,omitempty"`   // required with app and appfile, refused otherwise
	Reason          string      `json:"Reason,omitempty"`          // ≤1000 characters

	NodeID     string `json:"NodeID,omitempty"`     // the node to connect through (see SessionsService.Nodes); empty: the local node
	Resolution string `json:"Resolution,omitempty"` // RDP only, ≤50, e.g. "1024x768" or "Maximized"
	Record     *bool  `json:"Record,omitempty"`     // record the session or not; nil: the server's configuration
}

func (o *CreateISASessionOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	var durationErr, appErr error
	if o.DurationMinutes != nil {
		durationErr = checkRange("DurationMinutes", *o.DurationMinutes, 1, maxDurationMinutes)
	}
	isApp := o.SessionType == SessionApp || o.SessionType == SessionAppFile
	switch {
	case isApp && o.ApplicationID == nil:
		appErr = invalid("ApplicationID", "is required when SessionType is %s", o.SessionType)
	case !isApp && o.ApplicationID != nil:
		appErr = invalid("ApplicationID", "is only allowed when SessionType is app or appfile")
	case o.ApplicationID != nil:
		appErr = checkID("ApplicationID", *o.ApplicationID)
	}
	return firstError(
		checkSessionType(o.SessionType, allSessionTypes),
		checkID("SystemID", o.SystemID),
		checkID("AccountID", o.AccountID),
		durationErr,
		appErr,
		checkLen("Reason", o.Reason, maxReason),
		checkLen("Resolution", o.Resolution, maxResolution),
		checkRDPOnly(o.SessionType, o.Resolution, false),
	)
}

// CreateISA opens a session to a managed account as an Information
// Systems Administrator: the release request and the session in one call,
// with no approval. It answers like Create: connection details, or for
// rdpfile and appfile the file to open, in SessionTicket.File.
//
// The request is not repeated on a 5xx answer or a broken connection, since
// the server may have opened the session already.
//
// API: POST ISASessions
// Needs: the ISA role on the account's Smart Rule (newer servers: or the
// Administrators group).
func (s *SessionsService) CreateISA(ctx context.Context, opts *CreateISASessionOptions) (*SessionTicket, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	return s.open(ctx, &request{method: http.MethodPost, path: "ISASessions", body: opts})
}
