package passwordsafe

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func isaOpts() *CreateISASessionOptions {
	return &CreateISASessionOptions{
		SessionType:     SessionSSHTicket,
		SystemID:        12,
		AccountID:       34,
		DurationMinutes: Ptr(60),
		Reason:          "incident 4711",
		NodeID:          "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
		Record:          Ptr(true),
	}
}

func TestSessionsCreateISA(t *testing.T) {
	t.Parallel()
	isaSSH := &SessionTicket{
		ID:           "5e6f708192a3b4c5d6e7f8091a2b3c4d",
		Ticket:       "q8w2e4r6t8y0u2i4o6p8a0s2d4f6g8h0j2k4l6z8",
		Host:         "vault.example.test",
		Port:         "4422",
		TicketAtHost: "q8w2e4r6t8y0u2i4o6p8a0s2d4f6g8h0j2k4l6z8@vault.example.test",
		Link:         "ssh://q8w2e4r6t8y0u2i4o6p8a0s2d4f6g8h0j2k4l6z8@vault.example.test:4422",
		Command:      "ssh -p 4422 q8w2e4r6t8y0u2i4o6p8a0s2d4f6g8h0j2k4l6z8@vault.example.test",
	}
	tests := []struct {
		name    string
		opts    *CreateISASessionOptions
		body    string // what is sent
		answer  string
		headers []string
		want    *SessionTicket
	}{
		{"ssh ticket, every field", isaOpts(),
			`{"SessionType":"sshticket","SystemID":12,"AccountID":34,"DurationMinutes":60,"Reason":"incident 4711",
			"NodeID":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","Record":true}`,
			fixture(t, "sessions/isa_ticket_ssh.json"), []string{"Content-Type", jsonCT}, isaSSH},
		{"required only: the server's duration", &CreateISASessionOptions{SessionType: SessionRDP, SystemID: 1, AccountID: 2},
			`{"SessionType":"RDP","SystemID":1,"AccountID":2}`,
			fixture(t, "sessions/ticket_rdp.json"), []string{"Content-Type", jsonCT},
			&SessionTicket{ID: "9d2a1f3e4c5b6a798877665544332211", Ticket: "r7t2y9u4i1o6p3a8s5d0f7g2h9j4k1l6z3x8c5v0",
				Host: "vault.example.test", Port: "4489", SessionID: 107, NodeID: "3f5e7c1a-0b2d-4e6f-8a9b-1c2d3e4f5a6b"}},
		{"rdp file, resolution, no recording", &CreateISASessionOptions{SessionType: SessionRDPFile, SystemID: 1, AccountID: 2,
			Resolution: "Maximized", Record: Ptr(false)},
			`{"SessionType":"rdpfile","SystemID":1,"AccountID":2,"Resolution":"Maximized","Record":false}`,
			rdpFileBody, []string{"Content-Type", "application/x-rdp", "Content-Disposition", `attachment; filename="C:\\exports\\..\\web-01.rdp"`},
			&SessionTicket{File: []byte(rdpFileBody), FileName: "web-01.rdp"}},
		{"app file without content type", &CreateISASessionOptions{SessionType: SessionAppFile, SystemID: 1, AccountID: 2,
			ApplicationID: Ptr(3)},
			`{"SessionType":"appfile","SystemID":1,"AccountID":2,"ApplicationID":3}`,
			rdpFileBody, nil, &SessionTicket{File: []byte(rdpFileBody)}},
		{"a hostile file name is dropped", &CreateISASessionOptions{SessionType: SessionRDPFile, SystemID: 1, AccountID: 2},
			`{"SessionType":"rdpfile","SystemID":1,"AccountID":2}`,
			rdpFileBody, []string{"Content-Type", "application/x-rdp", "Content-Disposition", "attachment; filename*=UTF-8''evil%E2%80%AEpdr.exe"},
			&SessionTicket{File: []byte(rdpFileBody)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"ISASessions",
				got.wrap(reply(http.StatusCreated, []byte(tt.answer), tt.headers...)))
			tk, resp, err := c.Sessions.CreateISA(context.Background(), tt.opts)
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, http.StatusCreated, resp.StatusCode)
			g := got.last(t)
			assert.Equal(t, http.MethodPost, g.Method)
			assert.Equal(t, testBase+"ISASessions", g.URL.String())
			assert.Empty(t, g.URL.RawQuery)
			assert.Equal(t, "application/json", g.Header.Get("Content-Type"))
			assert.Contains(t, g.Header.Get("Accept"), "*/*", "a file answer is welcome")
			assert.JSONEq(t, tt.body, string(g.Body))
			assert.Equal(t, tt.want, tk)
		})
	}
}

func TestSessionsCreateISAErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		is     []error
		code   int
	}{
		{"not ISA on the account", http.StatusForbidden, `"4031 - User does not have permission to request the account."`, []error{ErrForbidden, ErrNoPermission}, 4031},
		{"no such account", http.StatusNotFound, `"Managed Account not found"`, []error{ErrNotFound}, 0},
		{"conflicting request", http.StatusConflict, `"A conflicting request exists."`, []error{ErrConflict}, 0},
		{"proxy error is not retried", http.StatusBadGateway, `"bad gateway"`, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"ISASessions", got.wrap(reply(tt.status, []byte(tt.body), "Content-Type", jsonCT)))
			tk, resp, err := c.Sessions.CreateISA(context.Background(), isaOpts())
			assert.Nil(t, tk)
			require.NotNil(t, resp)
			assert.Equal(t, tt.status, resp.StatusCode)
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			assert.Equal(t, tt.code, er.Code)
			assert.Equal(t, 1, got.count(), "a POST that may have opened a session is never sent twice")
		})
	}
}

func TestSessionsCreateISAFileCap(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	got := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"ISASessions",
		got.wrap(reply(http.StatusCreated, bytes.Repeat([]byte{'r'}, 16<<20+1), "Content-Type", "application/x-rdp")))
	tk, _, err := c.Sessions.CreateISA(context.Background(), &CreateISASessionOptions{SessionType: SessionRDPFile, SystemID: 1, AccountID: 2})
	assert.Nil(t, tk)
	var tooLarge *BodyTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, int64(16<<20), tooLarge.Limit)
	assert.Equal(t, 1, got.count())
}

func isaWith(change func(*CreateISASessionOptions)) func(context.Context, *SessionsService) error {
	return func(ctx context.Context, s *SessionsService) error {
		var o *CreateISASessionOptions
		if change != nil {
			o = isaOpts()
			change(o)
		}
		_, _, err := s.CreateISA(ctx, o)
		return err
	}
}

func TestSessionsCreateISAValidation(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	runValidationCases(t, []sessValidationCase{
		{"nil opts", "opts", isaWith(nil)},
		{"no type", "SessionType", isaWith(func(o *CreateISASessionOptions) { o.SessionType = "" })},
		{"type case differs", "SessionType", isaWith(func(o *CreateISASessionOptions) { o.SessionType = "ssh" })},
		{"unknown type", "SessionType", isaWith(func(o *CreateISASessionOptions) { o.SessionType = "vnc" })},
		{"no system", "SystemID", isaWith(func(o *CreateISASessionOptions) { o.SystemID = 0 })},
		{"negative system", "SystemID", isaWith(func(o *CreateISASessionOptions) { o.SystemID = -1 })},
		{"no account", "AccountID", isaWith(func(o *CreateISASessionOptions) { o.AccountID = 0 })},
		{"duration 0", "DurationMinutes", isaWith(func(o *CreateISASessionOptions) { o.DurationMinutes = Ptr(0) })},
		{"duration over a year", "DurationMinutes", isaWith(func(o *CreateISASessionOptions) { o.DurationMinutes = Ptr(525601) })},
		{"app without application", "ApplicationID", isaWith(func(o *CreateISASessionOptions) { o.SessionType = SessionApp })},
		{"appfile without application", "ApplicationID", isaWith(func(o *CreateISASessionOptions) { o.SessionType = SessionAppFile })},
		{"application with SSH", "ApplicationID", isaWith(func(o *CreateISASessionOptions) { o.ApplicationID = Ptr(3) })},
		{"application 0", "ApplicationID", isaWith(func(o *CreateISASessionOptions) { o.SessionType, o.ApplicationID = SessionApp, Ptr(0) })},
		{"reason 1001", "Reason", isaWith(func(o *CreateISASessionOptions) { o.Reason = long(1001) })},
		{"resolution 51", "Resolution", isaWith(func(o *CreateISASessionOptions) { o.SessionType, o.Resolution = SessionRDP, long(51) })},
		{"resolution with SSH", "Resolution", isaWith(func(o *CreateISASessionOptions) { o.Resolution = "1024x768" })},
	})
}

// The limits are inclusive and count characters, not bytes.
func TestSessionsCreateISAAcceptsLimits(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name   string
		change func(*CreateISASessionOptions)
	}{
		{"duration 1", func(o *CreateISASessionOptions) { o.DurationMinutes = Ptr(1) }},
		{"duration a year", func(o *CreateISASessionOptions) { o.DurationMinutes = Ptr(525600) }},
		{"reason 1000", func(o *CreateISASessionOptions) { o.Reason = long(1000) }},
		{"rdp resolution 50", func(o *CreateISASessionOptions) { o.SessionType, o.Resolution = SessionRDPTicket, long(50) }},
		{"app with application", func(o *CreateISASessionOptions) { o.SessionType, o.ApplicationID = SessionApp, Ptr(3) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, testBase+"ISASessions", reply(http.StatusCreated, []byte(`{"ID":"1"}`), "Content-Type", jsonCT))
			o := isaOpts()
			tt.change(o)
			tk, _, err := c.Sessions.CreateISA(context.Background(), o)
			require.NoError(t, err)
			assert.Equal(t, "1", tk.ID)
		})
	}
}
