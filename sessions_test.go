package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const jsonCT = "application/json; charset=utf-8"

func TestSessionsListQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  *ListSessionsOptions
		query string
	}{
		{"nil", nil, ""},
		{"zero", &ListSessionsOptions{}, ""},
		{"status and user", &ListSessionsOptions{Status: []SessionStatus{SessionInProgress, SessionCompleted}, UserID: 7}, "status=1,2&userID=7"},
		{"not started is a number too", &ListSessionsOptions{Status: []SessionStatus{SessionNotStarted}}, "status=0"},
		{"user only", &ListSessionsOptions{UserID: 7}, "userID=7"},
		{"every status", &ListSessionsOptions{Status: []SessionStatus{0, 1, 2, 5, 7, 8, 9}}, "status=0,1,2,5,7,8,9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Sessions", got.wrap(reply(http.StatusOK, []byte(`[]`), "Content-Type", jsonCT)))
			out, resp, err := c.Sessions.List(context.Background(), tt.opts)
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Empty(t, out)
			g := got.last(t)
			assert.Equal(t, http.MethodGet, g.Method)
			assert.Equal(t, tt.query, g.URL.RawQuery)
			wantURL := testBase + "Sessions"
			if tt.query != "" {
				wantURL += "?" + tt.query
			}
			assert.Equal(t, wantURL, g.URL.String())
			assert.Empty(t, g.Body)
		})
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSessionsListDecodesEveryTimeLayout(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	got := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions", got.wrap(reply(http.StatusOK, []byte(fixture(t, "sessions/list.json")), "Content-Type", jsonCT)))

	out, _, err := c.Sessions.List(context.Background(), &ListSessionsOptions{UserID: 7})
	require.NoError(t, err)
	require.Len(t, out, 5)

	tests := []struct {
		id          int
		status      SessionStatus
		start, end  string // RFC 3339; "" for the zero time
		protocol    int
		systemID    int
		accountName string
	}{
		// RFC 3339 with Z, and with an offset.
		{101, SessionCompleted, "2024-05-01T10:00:00Z", "2024-05-01T10:30:00Z", 0, 12, `CORP\svc-web`},
		// No zone, with a 7-digit (.NET) and a 1-digit fraction: UTC.
		{102, SessionLoggedOff, "2024-05-01T10:00:00.1234567Z", "2024-05-01T10:05:00.5Z", 1, 13, "root"},
		// A space instead of T, no zone: UTC.
		{103, SessionDisconnected, "2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z", 0, 14, "Administrator"},
		// /Date(ms)/ and /Date(ms+hhmm)/: the offset does not shift the instant;
		// a null ManagedSystemID (admin session) is 0.
		{104, SessionTerminated, "2024-05-01T10:00:00Z", "2024-05-01T10:30:00Z", 1, 0, "ops"},
		// Live: EndTime null.
		{105, SessionInProgress, "2024-05-01T10:00:00Z", "", 1, 13, "root"},
	}
	for i, tt := range tests {
		s := out[i]
		assert.Equal(t, tt.id, s.SessionID)
		assert.Equal(t, tt.status, s.Status, "session %d", tt.id)
		assert.True(t, s.StartTime.Equal(utc(tt.start)), "session %d start %v", tt.id, s.StartTime)
		if tt.end == "" {
			assert.True(t, s.EndTime.IsZero(), "session %d end %v", tt.id, s.EndTime)
		} else {
			assert.True(t, s.EndTime.Equal(utc(tt.end)), "session %d end %v", tt.id, s.EndTime)
		}
		assert.Equal(t, tt.protocol, s.Protocol)
		assert.Equal(t, tt.systemID, s.ManagedSystemID)
		assert.Equal(t, tt.accountName, s.ManagedAccountName)
	}
	first := out[0]
	assert.Equal(t, Session{
		SessionID: 101, UserID: 7, NodeID: "3f5e7c1a-0b2d-4e6f-8a9b-1c2d3e4f5a6b",
		Status: SessionCompleted, ArchiveStatus: 1, Protocol: 0,
		StartTime: first.StartTime, EndTime: first.EndTime, Duration: 1800,
		AssetName: "web-01", ManagedSystemID: 12, ManagedAccountID: 34, ManagedAccountName: `CORP\svc-web`,
		RecordKey: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90",
		Token:     "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
	}, first)
	assert.Equal(t, 0, out[3].ManagedAccountID)
	assert.Equal(t, "userID=7", got.last(t).URL.RawQuery)
}

func TestSessionsGet(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	got := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions/105", got.wrap(reply(http.StatusOK, []byte(fixture(t, "sessions/session_live.json")), "Content-Type", jsonCT)))

	s, resp, err := c.Sessions.Get(context.Background(), 105)
	require.NoError(t, err)
	require.NotNil(t, resp)
	g := got.last(t)
	assert.Equal(t, http.MethodGet, g.Method)
	assert.Equal(t, testBase+"Sessions/105", g.URL.String())
	assert.Equal(t, 105, s.SessionID)
	assert.Equal(t, SessionInProgress, s.Status)
	assert.Equal(t, "In Progress", s.Status.String())
	assert.True(t, s.EndTime.IsZero(), "a live session has no end")
	assert.True(t, s.StartTime.Equal(utc("2024-05-01T10:00:00Z")))
	assert.Equal(t, 42, s.Duration)
	assert.Equal(t, "4b5a69788796a5b4c3d2e1f00f1e2d3c", s.Token)
}

// Newer servers add RequestID, ApplicationID and SessionType to a session;
// older ones leave them out, and they decode as zero values.
func TestSessionsGetNewerAndOlderServers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fixture        string
		id, requestID, appID int
		sessionType          SessionType
	}{
		{"newer server", "sessions/session_newer.json", 110, 512, 3, SessionAppFile},
		{"older server", "sessions/session_live.json", 105, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, testBase+"Sessions/"+strconv.Itoa(tt.id),
				reply(http.StatusOK, []byte(fixture(t, tt.fixture)), "Content-Type", jsonCT))
			s, _, err := c.Sessions.Get(context.Background(), tt.id)
			require.NoError(t, err)
			assert.Equal(t, tt.id, s.SessionID)
			assert.Equal(t, tt.requestID, s.RequestID)
			assert.Equal(t, tt.appID, s.ApplicationID)
			assert.Equal(t, tt.sessionType, s.SessionType)
			assert.Equal(t, SessionInProgress, s.Status)
		})
	}
	t.Run("both in one list, and other spellings", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		list := "[" + fixture(t, "sessions/session_newer.json") + "," + fixture(t, "sessions/session_live.json") +
			`,{"SessionID":111,"RequestId":77,"ApplicationId":null,"SessionType":"sshticket"}]`
		mt.RegisterResponder(http.MethodGet, testBase+"Sessions", reply(http.StatusOK, []byte(list), "Content-Type", jsonCT))
		out, _, err := c.Sessions.List(context.Background(), nil)
		require.NoError(t, err)
		require.Len(t, out, 3)
		assert.Equal(t, 512, out[0].RequestID)
		assert.Equal(t, 0, out[1].RequestID)
		assert.Equal(t, 77, out[2].RequestID)
		assert.Equal(t, 0, out[2].ApplicationID)
		assert.Equal(t, SessionSSHTicket, out[2].SessionType)
	})
}

func TestSessionsGetNotFound(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions/9", httpmock.NewStringResponder(http.StatusNotFound, `"Session 9 was not found."`))
	s, resp, err := c.Sessions.Get(context.Background(), 9)
	assert.Nil(t, s)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestSessionStatusString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		st   SessionStatus
		want string
	}{
		{SessionNotStarted, "Not Started"},
		{SessionInProgress, "In Progress"},
		{SessionCompleted, "Completed"},
		{SessionLocked, "Locked"},
		{SessionTerminated, "Terminated"},
		{SessionLoggedOff, "Logged Off"},
		{SessionDisconnected, "Disconnected"},
		{SessionStatus(3), "SessionStatus(3)"},
		{SessionStatus(-1), "SessionStatus(-1)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.st.String())
		assert.Equal(t, tt.want, fmt.Sprint(tt.st))
	}
	assert.Equal(t, []SessionStatus{0, 1, 2, 5, 7, 8, 9},
		[]SessionStatus{SessionNotStarted, SessionInProgress, SessionCompleted, SessionLocked, SessionTerminated, SessionLoggedOff, SessionDisconnected})
}

func TestSessionsCreateSendsTypeAndNode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *CreateSessionOptions
		body string
	}{
		{"ssh ticket", &CreateSessionOptions{SessionType: SessionSSHTicket}, `{"SessionType":"sshticket"}`},
		{"with node", &CreateSessionOptions{SessionType: SessionSSH, NodeID: "node-2"}, `{"SessionType":"SSH","NodeID":"node-2"}`},
		{"newer RDP settings", &CreateSessionOptions{SessionType: SessionRDPFile, Resolution: "1920x1080", RDPAdminSwitch: true},
			`{"SessionType":"rdpfile","Resolution":"1920x1080","RDPAdminSwitch":true}`},
		{"resolution alone", &CreateSessionOptions{SessionType: SessionRDP, Resolution: "Maximized"},
			`{"SessionType":"RDP","Resolution":"Maximized"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Requests/12/Sessions",
				got.wrap(reply(http.StatusCreated, []byte(fixture(t, "sessions/ticket_ssh.json")), "Content-Type", jsonCT)))

			tk, resp, err := c.Sessions.Create(context.Background(), 12, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, http.StatusCreated, resp.StatusCode)
			g := got.last(t)
			assert.Equal(t, http.MethodPost, g.Method)
			assert.Equal(t, testBase+"Requests/12/Sessions", g.URL.String())
			assert.JSONEq(t, tt.body, string(g.Body))
			assert.Contains(t, g.Header.Get("Accept"), "application/json")
			assert.Equal(t, &SessionTicket{
				ID:           "8c1f0e2d3b4a59687766554433221100",
				Ticket:       "k3x9q2m7w1z8c4v6b0n5t2y7u3i9o1p4a6s8d0f2",
				Host:         "vault.example.test",
				Port:         "4422",
				TicketAtHost: "k3x9q2m7w1z8c4v6b0n5t2y7u3i9o1p4a6s8d0f2@vault.example.test",
				Link:         "ssh://k3x9q2m7w1z8c4v6b0n5t2y7u3i9o1p4a6s8d0f2@vault.example.test:4422",
				Command:      "ssh -p 4422 k3x9q2m7w1z8c4v6b0n5t2y7u3i9o1p4a6s8d0f2@vault.example.test",
				SessionID:    106,
				NodeID:       "3f5e7c1a-0b2d-4e6f-8a9b-1c2d3e4f5a6b",
			}, tk)
		})
	}
}

const rdpFileBody = "screen mode id:i:1\r\ndesktopwidth:i:1024\r\ndesktopheight:i:768\r\nfull address:s:vault.example.test:4489\r\nusername:s:r7t2y9u4\r\n"

// TestSessionsCreateAnswers: what the answer is (ticket or file) follows
// its content type and disposition, never the session type asked for.
func TestSessionsCreateAnswers(t *testing.T) {
	t.Parallel()
	rdpTicket := &SessionTicket{
		ID: "9d2a1f3e4c5b6a798877665544332211", Ticket: "r7t2y9u4i1o6p3a8s5d0f7g2h9j4k1l6z3x8c5v0",
		Host: "vault.example.test", Port: "4489", SessionID: 107, NodeID: "3f5e7c1a-0b2d-4e6f-8a9b-1c2d3e4f5a6b",
	}
	rdpJSON := string([]byte(fixture(t, "sessions/ticket_rdp.json")))
	tests := []struct {
		name    string
		typ     SessionType
		body    string
		headers []string
		want    *SessionTicket
	}{
		{"rdp file attachment", SessionRDPFile, rdpFileBody,
			[]string{"Content-Type", "application/x-rdp", "Content-Disposition", `attachment; filename="web-01.rdp"`},
			&SessionTicket{File: []byte(rdpFileBody), FileName: "web-01.rdp"}},
		{"octet-stream with filename*", SessionAppFile, rdpFileBody,
			[]string{"Content-Type", "application/octet-stream", "Content-Disposition", `attachment; filename="fallback.rdp"; filename*=UTF-8''h%C3%B6st%20one.rdp`},
			&SessionTicket{File: []byte(rdpFileBody), FileName: "höst one.rdp"}},
		{"non-JSON type, no disposition", SessionRDPFile, rdpFileBody,
			[]string{"Content-Type", "application/x-rdp"},
			&SessionTicket{File: []byte(rdpFileBody)}},
		{"text/plain is a file too", SessionRDPFile, rdpFileBody,
			[]string{"Content-Type", "text/plain; charset=utf-8"},
			&SessionTicket{File: []byte(rdpFileBody)}},
		{"attachment wins over a JSON type", SessionRDPFile, `{"not":"a ticket"}`,
			[]string{"Content-Type", "application/json", "Content-Disposition", "attachment; filename=x.rdp"},
			&SessionTicket{File: []byte(`{"not":"a ticket"}`), FileName: "x.rdp"}},
		{"JSON answer to rdpfile is a ticket", SessionRDPFile, rdpJSON,
			[]string{"Content-Type", "application/json"}, rdpTicket},
		{"inline JSON disposition is a ticket", SessionRDP, rdpJSON,
			[]string{"Content-Type", "application/json", "Content-Disposition", "inline"}, rdpTicket},
		{"no content type, JSON body", SessionRDPFile, "\n  " + rdpJSON,
			nil, rdpTicket},
		{"no content type, other body", SessionRDPFile, rdpFileBody,
			nil, &SessionTicket{File: []byte(rdpFileBody)}},
		{"Windows path reduced to its base name", SessionRDPFile, rdpFileBody,
			[]string{"Content-Type", "application/x-rdp", "Content-Disposition", `attachment; filename="C:\\exports\\web-01.rdp"`},
			&SessionTicket{File: []byte(rdpFileBody), FileName: "web-01.rdp"}},
		{"unquoted relative path reduced to its base name", SessionRDPFile, rdpFileBody,
			[]string{"Content-Type", "application/x-rdp", "Content-Disposition", `attachment; filename=../../home/u/.bashrc`},
			&SessionTicket{File: []byte(rdpFileBody), FileName: ".bashrc"}},
		{"a name of dots is dropped", SessionRDPFile, rdpFileBody,
			[]string{"Content-Type", "application/x-rdp", "Content-Disposition", `attachment; filename=".."`},
			&SessionTicket{File: []byte(rdpFileBody)}},
		{"a name with a control character is dropped", SessionRDPFile, rdpFileBody,
			[]string{"Content-Type", "application/x-rdp", "Content-Disposition", `attachment; filename*=UTF-8''a%0Ab.rdp`},
			&SessionTicket{File: []byte(rdpFileBody)}},
		{"numbers where strings were documented", SessionSSH,
			`{"ID":12345,"Ticket":"t","Host":"h","Port":4422,"SessionID":"108","NodeID":"n"}`,
			[]string{"Content-Type", "application/json"},
			&SessionTicket{ID: "12345", Ticket: "t", Host: "h", Port: "4422", SessionID: 108, NodeID: "n"}},
		{"nulls", SessionSSH, `{"ID":null,"Ticket":"t","Port":null,"SessionID":null}`,
			[]string{"Content-Type", "application/problem+json"},
			&SessionTicket{Ticket: "t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Requests/12/Sessions",
				got.wrap(reply(http.StatusCreated, []byte(tt.body), tt.headers...)))
			tk, resp, err := c.Sessions.Create(context.Background(), 12, &CreateSessionOptions{SessionType: tt.typ})
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, tt.want, tk)
			assert.JSONEq(t, `{"SessionType":"`+string(tt.typ)+`"}`, string(got.last(t).Body))
		})
	}
}

func TestSessionsCreateBadAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		headers []string
	}{
		{"empty", "", []string{"Content-Type", "application/json"}},
		{"empty attachment", "", []string{"Content-Type", "application/x-rdp"}},
		{"broken JSON", `{"ID":`, []string{"Content-Type", "application/json"}},
		{"SessionID not a number", `{"SessionID":"abc"}`, nil},
		{"Port an object", `{"Port":{}}`, nil},
		{"ID a bad string", `{"ID":"\x"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Requests/12/Sessions",
				got.wrap(reply(http.StatusCreated, []byte(tt.body), tt.headers...)))
			tk, resp, err := c.Sessions.Create(context.Background(), 12, &CreateSessionOptions{SessionType: SessionSSH})
			require.Error(t, err)
			assert.Nil(t, tk)
			require.NotNil(t, resp, "the answer is returned beside a decode error")
			assert.Equal(t, http.StatusCreated, resp.StatusCode)
			assert.Contains(t, err.Error(), "passwordsafe: POST Requests/12/Sessions")
		})
	}
}

func TestSessionsCreateFileCap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		size int
		ok   bool
	}{
		{"exactly 16 MiB", 16 << 20, true},
		{"16 MiB and one byte", 16<<20 + 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			body := bytes.Repeat([]byte{'r'}, tt.size)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Requests/12/Sessions",
				got.wrap(reply(http.StatusCreated, body, "Content-Type", "application/x-rdp", "Content-Disposition", "attachment; filename=big.rdp")))
			tk, _, err := c.Sessions.Create(context.Background(), 12, &CreateSessionOptions{SessionType: SessionRDPFile})
			assert.Equal(t, 1, got.count(), "the call is made once, never repeated")
			assert.Equal(t, 1, apiCalls(mt))
			if tt.ok {
				require.NoError(t, err)
				assert.Len(t, tk.File, tt.size)
				assert.Equal(t, "big.rdp", tk.FileName)
				return
			}
			require.Error(t, err)
			assert.Nil(t, tk)
			var tooLarge *BodyTooLargeError
			require.ErrorAs(t, err, &tooLarge)
			assert.Equal(t, int64(16<<20), tooLarge.Limit)
		})
	}
}

func TestSessionsCreateNotApproved(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	got := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Requests/12/Sessions",
		got.wrap(reply(http.StatusForbidden, []byte(`"4034 - Request is not yet approved."`), "Content-Type", jsonCT)))
	tk, resp, err := c.Sessions.Create(context.Background(), 12, &CreateSessionOptions{SessionType: SessionRDP})
	assert.Nil(t, tk)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.ErrorIs(t, err, ErrNotApproved)
	assert.ErrorIs(t, err, ErrForbidden)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 4034, er.Code)
	assert.Equal(t, "Request is not yet approved.", er.Message)
	assert.Equal(t, 1, got.count(), "a refused POST is not repeated")
}

const adminPassword = "Adm1n-S3cret!pw"

func adminOpts() *CreateAdminSessionOptions {
	return &CreateAdminSessionOptions{
		SessionType:    SessionRDPFile,
		HostName:       "web-01.corp.example",
		Port:           Ptr(3389),
		DomainName:     "CORP",
		UserName:       "admin",
		Password:       adminPassword,
		Reason:         "patching",
		Resolution:     "1280x1024",
		RDPAdminSwitch: true,
		SmartSizing:    true,
		NodeID:         "node-1",
		Record:         Ptr(false),
	}
}

func TestSessionsCreateAdmin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *CreateAdminSessionOptions
		body string
	}{
		{"every field", adminOpts(), `{"SessionType":"rdpfile","HostName":"web-01.corp.example","Port":3389,"DomainName":"CORP",
			"UserName":"admin","Password":"` + adminPassword + `","Reason":"patching","Resolution":"1280x1024",
			"RDPAdminSwitch":true,"SmartSizing":true,"NodeID":"node-1","Record":false}`},
		{"record asked for", &CreateAdminSessionOptions{SessionType: SessionRDP, HostName: "10.0.0.5", UserName: "root", Password: "pw", Record: Ptr(true)},
			`{"SessionType":"RDP","HostName":"10.0.0.5","UserName":"root","Password":"pw","Record":true}`},
		{"required only", &CreateAdminSessionOptions{SessionType: SessionSSH, HostName: "10.0.0.5", UserName: "root", Password: "pw"},
			`{"SessionType":"SSH","HostName":"10.0.0.5","UserName":"root","Password":"pw"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Sessions/Admin",
				got.wrap(reply(http.StatusCreated, []byte(rdpFileBody), "Content-Type", "application/x-rdp", "Content-Disposition", `attachment; filename="web-01.rdp"`)))
			tk, resp, err := c.Sessions.CreateAdmin(context.Background(), tt.opts)
			require.NoError(t, err)
			assert.Equal(t, http.StatusCreated, resp.StatusCode)
			g := got.last(t)
			assert.Equal(t, http.MethodPost, g.Method)
			assert.Equal(t, testBase+"Sessions/Admin", g.URL.String())
			assert.JSONEq(t, tt.body, string(g.Body))
			assert.Equal(t, []byte(rdpFileBody), tk.File)
			assert.Equal(t, "web-01.rdp", tk.FileName)
		})
	}
}

func TestSessionsCreateAdminJSONTicket(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Sessions/Admin",
		reply(http.StatusCreated, []byte(fixture(t, "sessions/ticket_ssh.json")), "Content-Type", jsonCT))
	tk, _, err := c.Sessions.CreateAdmin(context.Background(), &CreateAdminSessionOptions{
		SessionType: SessionSSHTicket, HostName: "db-01", UserName: "root", Password: "pw",
	})
	require.NoError(t, err)
	assert.Equal(t, 106, tk.SessionID)
	assert.Nil(t, tk.File)
	assert.Contains(t, tk.Command, "ssh -p 4422")
}

// A server message that echoes the password is scrubbed from the error.
func TestSessionsCreateAdminScrubsPasswordFromErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Sessions/Admin",
		httpmock.NewStringResponder(http.StatusBadRequest, `"Logon failure for admin with password `+adminPassword+`."`))
	tk, resp, err := c.Sessions.CreateAdmin(context.Background(), adminOpts())
	assert.Nil(t, tk)
	require.NotNil(t, resp)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), adminPassword)
	assert.Contains(t, err.Error(), "[REDACTED]")
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.NotContains(t, er.Message, adminPassword)
	assert.NotContains(t, fmt.Sprintf("%+v %#v", err, er), adminPassword)
}

// Debug logs never carry a request body, so never the admin password, on
// success or failure; a user logging the options sees it redacted too.
func TestSessionsCreateAdminDebugLogHasNoPassword(t *testing.T) {
	t.Parallel()
	buf := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newMockClient(t, WithLogger(logger))
	calls := 0
	mt.RegisterResponder(http.MethodPost, testBase+"Sessions/Admin", func(*http.Request) (*http.Response, error) {
		calls++
		if calls == 1 {
			return httpmock.NewStringResponse(http.StatusCreated, rdpFileBody), nil
		}
		return httpmock.NewStringResponse(http.StatusBadRequest, `"bad password `+adminPassword+`"`), nil
	})
	opts := adminOpts()
	_, _, err := c.Sessions.CreateAdmin(context.Background(), opts)
	require.NoError(t, err)
	_, _, err = c.Sessions.CreateAdmin(context.Background(), opts)
	require.Error(t, err)
	logger.Debug("opening admin session", "opts", opts, "value", *opts, "err", err)

	out := buf.String()
	assert.Contains(t, out, "Sessions/Admin", "the attempts were logged")
	assert.Contains(t, out, "status=201")
	assert.Contains(t, out, "status=400")
	assert.NotContains(t, out, adminPassword)
	assert.Contains(t, out, "opts.Password=[REDACTED]")
}

func TestCreateAdminSessionOptionsRedaction(t *testing.T) {
	t.Parallel()
	opts := adminOpts()
	val := *opts
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%20v", "%-10s"}
	for _, verb := range verbs {
		for _, arg := range []any{opts, val} {
			out := fmt.Sprintf(verb, arg)
			assert.NotContains(t, out, adminPassword, "%s of %T", verb, arg)
			assert.NotContains(t, strings.ToLower(out), strings.ToLower(fmt.Sprintf("%x", adminPassword)), "%s of %T", verb, arg)
		}
	}
	// Inside other values too, as long as fmt can reach the methods.
	for _, arg := range []any{
		[]*CreateAdminSessionOptions{opts},
		[]CreateAdminSessionOptions{val},
		map[string]any{"o": opts},
		struct{ Opts CreateAdminSessionOptions }{val},
	} {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			assert.NotContains(t, fmt.Sprintf(verb, arg), adminPassword, "%s of %T", verb, arg)
		}
	}
	assert.Equal(t, "{SessionType:rdpfile HostName:web-01.corp.example Port:3389 DomainName:CORP UserName:admin "+
		"Password:[REDACTED] Reason:patching Resolution:1280x1024 RDPAdminSwitch:true SmartSizing:true NodeID:node-1 Record:false}",
		fmt.Sprintf("%v", opts))
	assert.Equal(t, fmt.Sprintf("%v", opts), fmt.Sprintf("%+v", val))
	assert.Equal(t, fmt.Sprintf("%v", opts), opts.String())
	assert.Equal(t, fmt.Sprintf("%q", opts.String()), fmt.Sprintf("%q", val))
	assert.Equal(t, `passwordsafe.CreateAdminSessionOptions{SessionType:"rdpfile", HostName:"web-01.corp.example", `+
		`Port:passwordsafe.Ptr(3389), DomainName:"CORP", UserName:"admin", Password:"[REDACTED]", Reason:"patching", `+
		`Resolution:"1280x1024", RDPAdminSwitch:true, SmartSizing:true, NodeID:"node-1", Record:passwordsafe.Ptr(false)}`, fmt.Sprintf("%#v", opts))
	assert.Equal(t, fmt.Sprintf("%#v", opts), val.GoString())

	// An unset port and an empty password print as such.
	empty := CreateAdminSessionOptions{SessionType: SessionSSH}
	assert.Contains(t, empty.String(), "Port:<nil>")
	assert.Contains(t, empty.String(), "Record:<nil>")
	assert.Contains(t, empty.GoString(), "Record:nil")
	assert.Contains(t, empty.String(), "Password: ")
	assert.Contains(t, empty.GoString(), "Port:nil")
	assert.Contains(t, empty.GoString(), `Password:""`)
	assert.Equal(t, "<nil>", fmt.Sprintf("%v", (*CreateAdminSessionOptions)(nil)))

	// The password still goes to the server.
	b, err := json.Marshal(opts)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"Password":"`+adminPassword+`"`)
}

func TestCreateAdminSessionOptionsLogValue(t *testing.T) {
	t.Parallel()
	opts := adminOpts()
	for _, h := range []struct {
		name string
		new  func(io.Writer) slog.Handler
		want string
	}{
		{"text", func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) }, "o.Password=[REDACTED]"},
		{"json", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) }, `"Password":"[REDACTED]"`},
	} {
		for _, arg := range []any{opts, *opts} {
			var buf bytes.Buffer
			slog.New(h.new(&buf)).Info("msg", "o", arg, slog.Any("a", arg))
			out := buf.String()
			assert.NotContains(t, out, adminPassword, "%s handler, %T", h.name, arg)
			assert.Contains(t, out, h.want, "%s handler, %T", h.name, arg)
			assert.Contains(t, out, "web-01.corp.example")
			assert.Contains(t, out, "3389")
		}
	}
	var rec bytes.Buffer
	slog.New(slog.NewJSONHandler(&rec, nil)).Info("msg", "o", opts)
	assert.Contains(t, rec.String(), `"Record":false`)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("msg", "o", CreateAdminSessionOptions{SessionType: SessionSSH})
	assert.NotContains(t, buf.String(), `"Port"`, "an unset port is left out")
	assert.NotContains(t, buf.String(), `"Record"`, "an unset Record is left out")
	assert.Contains(t, buf.String(), `"Password":""`)
}

func TestSessionsLockAndTerminate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action string
		do     func(*SessionsService) (*Response, error)
	}{
		{"Lock", func(s *SessionsService) (*Response, error) { return s.Lock(context.Background(), 5) }},
		{"Terminate", func(s *SessionsService) (*Response, error) { return s.Terminate(context.Background(), 5) }},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Sessions/5/"+tt.action, got.wrap(reply(http.StatusNoContent, nil)))
			resp, err := tt.do(c.Sessions)
			require.NoError(t, err)
			assert.Equal(t, http.StatusNoContent, resp.StatusCode)
			g := got.last(t)
			assert.Equal(t, http.MethodPost, g.Method)
			assert.Equal(t, testBase+"Sessions/5/"+tt.action, g.URL.String())
			assert.Empty(t, g.Body)
		})
	}
}

func TestSessionsLockIsNotRepeatedOn502(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	got := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Sessions/5/Lock",
		got.wrap(reply(http.StatusBadGateway, []byte(`"proxy"`))))
	resp, err := c.Sessions.Lock(context.Background(), 5)
	require.Error(t, err)
	require.NotNil(t, resp)
	assert.Equal(t, 1, got.count(), "a POST that may have reached the server is not repeated")
}

// sessValidationCase is one input refused before anything is sent.
type sessValidationCase struct {
	name  string
	field string
	call  func(context.Context, *SessionsService) error
}

func listWith(o *ListSessionsOptions) func(context.Context, *SessionsService) error {
	return func(ctx context.Context, s *SessionsService) error { _, _, err := s.List(ctx, o); return err }
}

func createWith(id int, o *CreateSessionOptions) func(context.Context, *SessionsService) error {
	return func(ctx context.Context, s *SessionsService) error { _, _, err := s.Create(ctx, id, o); return err }
}

func adminWith(change func(*CreateAdminSessionOptions)) func(context.Context, *SessionsService) error {
	return func(ctx context.Context, s *SessionsService) error {
		var o *CreateAdminSessionOptions
		if change != nil {
			o = adminOpts()
			change(o)
		}
		_, _, err := s.CreateAdmin(ctx, o)
		return err
	}
}

func sshAdmin(o *CreateAdminSessionOptions) {
	o.SessionType, o.Resolution, o.RDPAdminSwitch, o.SmartSizing = SessionSSH, "", false, false
}

func runValidationCases(t *testing.T, cases []sessValidationCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			err := tt.call(context.Background(), c.Sessions)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrValidation)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field, ve.Error())
			assert.NotContains(t, err.Error(), adminPassword)
			assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: "), err.Error())
			assert.Zero(t, apiCalls(mt), "nothing is sent")
			assert.Zero(t, signIns(mt), "not even the sign-in")
		})
	}
}

func TestSessionsValidation(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) } // 2 bytes a rune: lengths are runes
	runValidationCases(t, []sessValidationCase{
		{"List status 3", "status", listWith(&ListSessionsOptions{Status: []SessionStatus{1, 3}})},
		{"List status 4", "status", listWith(&ListSessionsOptions{Status: []SessionStatus{4}})},
		{"List status 6", "status", listWith(&ListSessionsOptions{Status: []SessionStatus{6}})},
		{"List status 10", "status", listWith(&ListSessionsOptions{Status: []SessionStatus{10}})},
		{"List status -1", "status", listWith(&ListSessionsOptions{Status: []SessionStatus{-1}})},
		{"List negative user", "userID", listWith(&ListSessionsOptions{UserID: -1})},

		{"Get 0", "sessionID", func(ctx context.Context, s *SessionsService) error { _, _, err := s.Get(ctx, 0); return err }},
		{"Get -1", "sessionID", func(ctx context.Context, s *SessionsService) error { _, _, err := s.Get(ctx, -1); return err }},
		{"Lock 0", "sessionID", func(ctx context.Context, s *SessionsService) error { _, err := s.Lock(ctx, 0); return err }},
		{"Terminate -3", "sessionID", func(ctx context.Context, s *SessionsService) error { _, err := s.Terminate(ctx, -3); return err }},

		{"Create request 0", "requestID", createWith(0, &CreateSessionOptions{SessionType: SessionSSH})},
		{"Create request -1", "requestID", createWith(-1, &CreateSessionOptions{SessionType: SessionSSH})},
		{"Create nil opts", "opts", createWith(1, nil)},
		{"Create no type", "SessionType", createWith(1, &CreateSessionOptions{})},
		{"Create type case differs", "SessionType", createWith(1, &CreateSessionOptions{SessionType: "ssh"})},
		{"Create unknown type", "SessionType", createWith(1, &CreateSessionOptions{SessionType: "vnc"})},
		{"Create resolution 51", "Resolution", createWith(1, &CreateSessionOptions{SessionType: SessionRDP, Resolution: long(51)})},
		{"Create resolution with SSH", "Resolution", createWith(1, &CreateSessionOptions{SessionType: SessionSSH, Resolution: "1024x768"})},
		{"Create admin switch with sshticket", "RDPAdminSwitch", createWith(1, &CreateSessionOptions{SessionType: SessionSSHTicket, RDPAdminSwitch: true})},

		{"Admin nil opts", "opts", adminWith(nil)},
		{"Admin no type", "SessionType", adminWith(func(o *CreateAdminSessionOptions) { o.SessionType = "" })},
		{"Admin app", "SessionType", adminWith(func(o *CreateAdminSessionOptions) { o.SessionType = SessionApp })},
		{"Admin appfile", "SessionType", adminWith(func(o *CreateAdminSessionOptions) { o.SessionType = SessionAppFile })},
		{"Admin type case differs", "SessionType", adminWith(func(o *CreateAdminSessionOptions) { o.SessionType = "RDPFile" })},
		{"Admin no host", "HostName", adminWith(func(o *CreateAdminSessionOptions) { o.HostName = "" })},
		{"Admin host 129", "HostName", adminWith(func(o *CreateAdminSessionOptions) { o.HostName = long(129) })},
		{"Admin port 0", "Port", adminWith(func(o *CreateAdminSessionOptions) { o.Port = Ptr(0) })},
		{"Admin port -22", "Port", adminWith(func(o *CreateAdminSessionOptions) { o.Port = Ptr(-22) })},
		{"Admin port 65536", "Port", adminWith(func(o *CreateAdminSessionOptions) { o.Port = Ptr(65536) })},
		{"Admin domain 51", "DomainName", adminWith(func(o *CreateAdminSessionOptions) { o.DomainName = long(51) })},
		{"Admin no user", "UserName", adminWith(func(o *CreateAdminSessionOptions) { o.UserName = "" })},
		{"Admin user 201", "UserName", adminWith(func(o *CreateAdminSessionOptions) { o.UserName = long(201) })},
		{"Admin no password", "Password", adminWith(func(o *CreateAdminSessionOptions) { o.Password = "" })},
		{"Admin resolution 51", "Resolution", adminWith(func(o *CreateAdminSessionOptions) { o.Resolution = long(51) })},
		{"Admin resolution with SSH", "Resolution", adminWith(func(o *CreateAdminSessionOptions) { sshAdmin(o); o.Resolution = "1024x768" })},
		{"Admin resolution with sshticket", "Resolution", adminWith(func(o *CreateAdminSessionOptions) {
			sshAdmin(o)
			o.SessionType, o.Resolution = SessionSSHTicket, "Maximized"
		})},
		{"Admin admin switch with SSH", "RDPAdminSwitch", adminWith(func(o *CreateAdminSessionOptions) { sshAdmin(o); o.RDPAdminSwitch = true })},
		{"Admin admin switch with sshticket", "RDPAdminSwitch", adminWith(func(o *CreateAdminSessionOptions) {
			sshAdmin(o)
			o.SessionType, o.RDPAdminSwitch = SessionSSHTicket, true
		})},
		{"Admin smart sizing with SSH", "SmartSizing", adminWith(func(o *CreateAdminSessionOptions) { sshAdmin(o); o.SmartSizing = true })},
		{"Admin smart sizing with RDP", "SmartSizing", adminWith(func(o *CreateAdminSessionOptions) { o.SessionType = SessionRDP })},
		{"Admin smart sizing with rdpticket", "SmartSizing", adminWith(func(o *CreateAdminSessionOptions) { o.SessionType = SessionRDPTicket })},
	})
}

// The limits are inclusive and count characters, not bytes.
func TestSessionsCreateAdminAcceptsLimits(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name   string
		change func(*CreateAdminSessionOptions)
	}{
		{"host 128", func(o *CreateAdminSessionOptions) { o.HostName = long(128) }},
		{"domain 50", func(o *CreateAdminSessionOptions) { o.DomainName = long(50) }},
		{"user 200", func(o *CreateAdminSessionOptions) { o.UserName = long(200) }},
		{"resolution 50", func(o *CreateAdminSessionOptions) { o.Resolution = long(50) }},
		{"port 1", func(o *CreateAdminSessionOptions) { o.Port = Ptr(1) }},
		{"port 65535", func(o *CreateAdminSessionOptions) { o.Port = Ptr(65535) }},
		{"no port", func(o *CreateAdminSessionOptions) { o.Port = nil }},
		{"RDP with admin switch and resolution", func(o *CreateAdminSessionOptions) { o.SessionType, o.SmartSizing = SessionRDP, false }},
		{"rdpticket", func(o *CreateAdminSessionOptions) { o.SessionType, o.SmartSizing = SessionRDPTicket, false }},
		{"plain SSH", sshAdmin},
		{"plain sshticket", func(o *CreateAdminSessionOptions) { sshAdmin(o); o.SessionType = SessionSSHTicket }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, testBase+"Sessions/Admin",
				httpmock.NewStringResponder(http.StatusCreated, `{"SessionID":1}`))
			o := adminOpts()
			tt.change(o)
			tk, _, err := c.Sessions.CreateAdmin(context.Background(), o)
			require.NoError(t, err)
			assert.Equal(t, 1, tk.SessionID)
		})
	}
}

func TestSessionsCreateAcceptsEveryType(t *testing.T) {
	t.Parallel()
	for _, st := range []SessionType{SessionSSH, SessionSSHTicket, SessionRDP, SessionRDPTicket, SessionRDPFile, SessionApp, SessionAppFile} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Requests/3/Sessions",
				got.wrap(reply(http.StatusCreated, []byte(`{"SessionID":1}`))))
			_, _, err := c.Sessions.Create(context.Background(), 3, &CreateSessionOptions{SessionType: st})
			require.NoError(t, err)
			assert.JSONEq(t, `{"SessionType":"`+string(st)+`"}`, string(got.last(t).Body))
		})
	}
}

func TestSessionsTransportErrorIsWrapped(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	mt.RegisterResponder(http.MethodGet, testBase+"Sessions", func(*http.Request) (*http.Response, error) {
		cancel()
		return nil, errors.New("connection reset")
	})
	_, resp, err := c.Sessions.List(ctx, nil)
	assert.Nil(t, resp)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: "), err.Error())
	assert.ErrorIs(t, err, context.Canceled)
}
