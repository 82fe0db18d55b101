package passwordsafe

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// actionCall is one of the lock/terminate calls that take options.
type actionCall struct {
	name string
	path string // as sent, under testBase
	call func(context.Context, *SessionsService, *SessionActionOptions) (*SessionActionResult, *Response, error)
}

func actionCalls() []actionCall {
	return []actionCall{
		{"LockWith", "Sessions/5/Lock", func(ctx context.Context, s *SessionsService, o *SessionActionOptions) (*SessionActionResult, *Response, error) {
			return s.LockWith(ctx, 5, o)
		}},
		{"TerminateWith", "Sessions/5/Terminate", func(ctx context.Context, s *SessionsService, o *SessionActionOptions) (*SessionActionResult, *Response, error) {
			return s.TerminateWith(ctx, 5, o)
		}},
		{"LockSystemSessions", "ManagedSystems/12/Sessions/Lock", func(ctx context.Context, s *SessionsService, o *SessionActionOptions) (*SessionActionResult, *Response, error) {
			return s.LockSystemSessions(ctx, 12, o)
		}},
		{"TerminateSystemSessions", "ManagedSystems/12/Sessions/Terminate", func(ctx context.Context, s *SessionsService, o *SessionActionOptions) (*SessionActionResult, *Response, error) {
			return s.TerminateSystemSessions(ctx, 12, o)
		}},
		{"LockAccountSessions", "ManagedAccounts/34/Sessions/Lock", func(ctx context.Context, s *SessionsService, o *SessionActionOptions) (*SessionActionResult, *Response, error) {
			return s.LockAccountSessions(ctx, 34, o)
		}},
		{"TerminateAccountSessions", "ManagedAccounts/34/Sessions/Terminate", func(ctx context.Context, s *SessionsService, o *SessionActionOptions) (*SessionActionResult, *Response, error) {
			return s.TerminateAccountSessions(ctx, 34, o)
		}},
	}
}

// Without Feedback nothing but the path is sent and 204 is no report; with
// it the query says feedback=true and the report comes back as sent.
// bigReport is a feedback report of 20,000 sessions, larger than one
// object's cap (1 MiB).
var bigReport = `{"Sessions":[` + strings.Repeat(`{"SessionID":105,"Status":5,"Note":"locked by the administrator"},`, 20000) +
	`{"SessionID":106,"Status":5}]}`

func TestSessionActions(t *testing.T) {
	t.Parallel()
	const report = `{"Sessions":[{"SessionID":105,"Status":5},{"SessionID":106,"Status":5}]}`
	tests := []struct {
		name    string
		opts    *SessionActionOptions
		query   string
		status  int
		answer  string
		headers []string
		details string // "" for no result
	}{
		{"nil options", nil, "", http.StatusNoContent, "", nil, ""},
		{"zero options", &SessionActionOptions{}, "", http.StatusNoContent, "", nil, ""},
		{"no report asked for, a body anyway is not kept", nil, "", http.StatusOK, `"Session locked."`,
			[]string{"Content-Type", jsonCT}, ""},
		{"feedback, JSON report", &SessionActionOptions{Feedback: true}, "feedback=true", http.StatusOK, report,
			[]string{"Content-Type", jsonCT}, report},
		{"feedback, an older server answers 204", &SessionActionOptions{Feedback: true}, "feedback=true", http.StatusNoContent, "", nil, ""},
		{"feedback, a text report is kept as a JSON string", &SessionActionOptions{Feedback: true}, "feedback=true", http.StatusOK,
			"2 sessions locked\n", []string{"Content-Type", "text/plain"}, `"2 sessions locked"`},
		{"feedback, a report on a whole system is read under a list's cap", &SessionActionOptions{Feedback: true}, "feedback=true",
			http.StatusOK, bigReport, []string{"Content-Type", jsonCT}, bigReport},
		{"feedback, a bare number", &SessionActionOptions{Feedback: true}, "feedback=true", http.StatusOK, "2",
			[]string{"Content-Type", jsonCT}, `2`},
	}
	for _, ac := range actionCalls() {
		for _, tt := range tests {
			t.Run(ac.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t)
				got := &recorder{}
				mt.RegisterResponder(http.MethodPost, testBase+ac.path, got.wrap(reply(tt.status, []byte(tt.answer), tt.headers...)))
				res, resp, err := ac.call(context.Background(), c.Sessions, tt.opts)
				require.NoError(t, err)
				require.NotNil(t, resp)
				assert.Equal(t, tt.status, resp.StatusCode)
				g := got.last(t)
				assert.Equal(t, http.MethodPost, g.Method)
				assert.Equal(t, tt.query, g.URL.RawQuery)
				want := testBase + ac.path
				if tt.query != "" {
					want += "?" + tt.query
				}
				assert.Equal(t, want, g.URL.String())
				assert.Empty(t, g.Body, "a lock or terminate call has no body")
				if tt.details == "" {
					assert.Nil(t, res)
					return
				}
				require.NotNil(t, res)
				assert.JSONEq(t, tt.details, string(res.Details))
			})
		}
	}
}

// Lock and Terminate keep their signatures and send no query.
func TestSessionsLockAndTerminateSendNoFeedback(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"Lock", "Terminate"} {
		t.Run(action, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Sessions/5/"+action, got.wrap(reply(http.StatusOK, []byte(`{"ignored":true}`), "Content-Type", jsonCT)))
			var err error
			if action == "Lock" {
				_, err = c.Sessions.Lock(context.Background(), 5)
			} else {
				_, err = c.Sessions.Terminate(context.Background(), 5)
			}
			require.NoError(t, err)
			assert.Empty(t, got.last(t).URL.RawQuery)
		})
	}
}

func TestSessionActionsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		is     []error
	}{
		{"no Global Quarantine permission", http.StatusForbidden, `"4031 - User does not have permission."`, []error{ErrForbidden, ErrNoPermission}},
		{"no such system", http.StatusNotFound, `"Managed System not found"`, []error{ErrNotFound}},
		{"unavailable: not repeated", http.StatusServiceUnavailable, `"busy"`, nil},
	}
	for _, ac := range actionCalls() {
		for _, tt := range tests {
			t.Run(ac.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t)
				got := &recorder{}
				mt.RegisterResponder(http.MethodPost, testBase+ac.path, got.wrap(reply(tt.status, []byte(tt.body), "Content-Type", jsonCT)))
				res, resp, err := ac.call(context.Background(), c.Sessions, &SessionActionOptions{Feedback: true})
				assert.Nil(t, res)
				require.NotNil(t, resp)
				assert.Equal(t, tt.status, resp.StatusCode)
				var er *ErrorResponse
				require.ErrorAs(t, err, &er)
				for _, target := range tt.is {
					assert.ErrorIs(t, err, target)
				}
				assert.Equal(t, 1, got.count(), "a POST that may have reached the server is never sent twice")
			})
		}
	}
}

func TestSessionActionsValidation(t *testing.T) {
	t.Parallel()
	call := func(f func(context.Context, *SessionsService) (*SessionActionResult, *Response, error)) func(context.Context, *SessionsService) error {
		return func(ctx context.Context, s *SessionsService) error { _, _, err := f(ctx, s); return err }
	}
	fb := &SessionActionOptions{Feedback: true}
	runValidationCases(t, []sessValidationCase{
		{"LockWith 0", "sessionID", call(func(ctx context.Context, s *SessionsService) (*SessionActionResult, *Response, error) {
			return s.LockWith(ctx, 0, fb)
		})},
		{"TerminateWith -1", "sessionID", call(func(ctx context.Context, s *SessionsService) (*SessionActionResult, *Response, error) {
			return s.TerminateWith(ctx, -1, nil)
		})},
		{"LockSystemSessions 0", "systemID", call(func(ctx context.Context, s *SessionsService) (*SessionActionResult, *Response, error) {
			return s.LockSystemSessions(ctx, 0, fb)
		})},
		{"TerminateSystemSessions -7", "systemID", call(func(ctx context.Context, s *SessionsService) (*SessionActionResult, *Response, error) {
			return s.TerminateSystemSessions(ctx, -7, nil)
		})},
		{"LockAccountSessions 0", "accountID", call(func(ctx context.Context, s *SessionsService) (*SessionActionResult, *Response, error) {
			return s.LockAccountSessions(ctx, 0, nil)
		})},
		{"TerminateAccountSessions -1", "accountID", call(func(ctx context.Context, s *SessionsService) (*SessionActionResult, *Response, error) {
			return s.TerminateAccountSessions(ctx, -1, fb)
		})},
	})
}
